/**
 * Lets the event loop turn before every test. Vitest runs a file's synchronous tests back to
 * back without one, so a worker answers nothing for the length of the whole file; its RPC to
 * the main process has a fixed 60 s timeout, and on a loaded machine a long file then fails
 * the run with every test passed (`Timeout calling "onTaskUpdate"`, vitest-dev/vitest#6479).
 * With this, the longest silence is one test, not one file (docs/testing.md).
 */
import { beforeEach } from 'vitest';

beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

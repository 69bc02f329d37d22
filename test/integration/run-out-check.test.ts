/**
 * A --out that cannot be written fails before the device is reached: here a lan run, which
 * would otherwise wait for a phone to dial in. (Root ignores permission bits, so the
 * unwritable path is one under a regular file: mkdir fails with ENOTDIR for every user.)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-out-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('an unwritable --out is one E_FILE_WRITE line, before waiting for a device', async () => {
  const blocker = join(tmp, 'not-a-dir');
  writeFileSync(blocker, 'x');
  const out = join(blocker, 'run');
  const r = await runCli(['run', '--scenario', 'quiet-room', '--device', 'lan:127.0.0.1:0', '--token', 'a-long-enough-run-token', '--out', out], 120_000);
  // Without the check the CLI waits for a phone until the test's kill (code -1).
  expect(r.code).toBe(2);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('E_'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^E_FILE_WRITE: \S*not-a-dir\/run: the run directory cannot be written \(ENOTDIR.* — choose another --out/);
  expect(r.stderr).not.toMatch(/connected|trial 1/);
});

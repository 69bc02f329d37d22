/** The suite's own setup (test/setup/): the event loop turns between synchronous tests. */
import { expect, it } from 'vitest';

let turned = false;

it('schedules a macrotask and returns synchronously', () => {
  setImmediate(() => (turned = true));
});

it('runs after that macrotask ran (vitest alone would not let the loop turn here)', () => {
  expect(turned).toBe(true);
});

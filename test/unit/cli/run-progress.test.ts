/**
 * What `voiceaec run` prints while it runs (src/cli/run-progress.ts): in logs (--ci or not a
 * TTY) one line per trial as it ends, nothing rewritten; on a terminal one status line
 * rewritten in place, cleared before any line that must stay (a cell, a failure, a warning).
 * These are the behaviours a progress-bar package would have to match (docs/dependencies.md).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressPrinter, vadProgressPrinter } from '../../../src/cli/run-progress.js';
import type { RunProgress } from '../../../src/scenario/runner.js';

type Trial = Extract<RunProgress, { type: 'trial' }>;
const cell = { id: 'quiet/gate', mismatches: [] } as unknown as Trial['cell'];
const trial = (index: number, done: number, status: 'ok' | 'failed' = 'ok', totalIsMax = false): Trial => ({
  type: 'trial',
  cell,
  trial: { index, calibration: false, status, reason: status === 'ok' ? undefined : 'device timed out' } as unknown as Trial['trial'],
  done,
  total: 4,
  totalIsMax,
  elapsedMs: done * 2000,
});

let out = '';
beforeEach(() => {
  out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

// chalk's colour codes, whatever level it detected; the cursor codes stay.
// eslint-disable-next-line no-control-regex
const plainOut = () => out.replace(/\u001b\[(\d+;)*\d*m/g, '');

describe('progressPrinter', () => {
  it('in logs: one line per trial with the count and ETA, no carriage returns', () => {
    const p = progressPrinter(true);
    p({ type: 'cell', cell, index: 0, cells: 1 });
    p(trial(1, 1));
    p(trial(2, 2, 'failed'));
    p(trial(3, 3));
    expect(out).not.toContain('\r');
    expect(plainOut().split('\n')).toEqual([
      'cell 1/1 quiet/gate',
      '  quiet/gate trial 1: ok  [1/4, ETA 6 s]',
      '  quiet/gate trial 2: failed (device timed out)  [2/4, ETA 4 s]',
      '  quiet/gate trial 3: ok  [3/4, ETA 2 s]',
      '',
    ]);
  });

  it('a sequential cell still open: the total and the ETA are marked as upper bounds', () => {
    const p = progressPrinter(true);
    p(trial(1, 1, 'ok', true));
    p(trial(2, 2, 'ok', false));
    expect(plainOut().split('\n')).toEqual(['  quiet/gate trial 1: ok  [1/≤4, ETA ≤6 s]', '  quiet/gate trial 2: ok  [2/4, ETA 4 s]', '']);
  });

  it('on a terminal: ok trials rewrite one line; a failure or a new cell clears it and stays', () => {
    const p = progressPrinter(false);
    p(trial(1, 1));
    p(trial(2, 2));
    p(trial(3, 3, 'failed'));
    p({ type: 'cell', cell, index: 0, cells: 1 });
    expect(plainOut()).toBe(
      '\r\u001b[2K  quiet/gate trial 1: ok  [1/4, ETA 6 s]' +
        '\r\u001b[2K  quiet/gate trial 2: ok  [2/4, ETA 4 s]' +
        '\r\u001b[2K  quiet/gate trial 3: failed (device timed out)  [3/4, ETA 2 s]\n' +
        'cell 1/1 quiet/gate\n',
    );
  });

  it('the VAD after the last trial: one line at once; a counter on a terminal, cleared at the end', () => {
    const logs = vadProgressPrinter(true);
    [1, 2, 3].forEach((done) => logs.onVadProgress({ done, total: 3 }));
    logs.end();
    expect(plainOut()).toBe('turn verdicts: running the VAD over up to 3 trials\n');
    out = '';
    const tty = vadProgressPrinter(false);
    [1, 2].forEach((done) => tty.onVadProgress({ done, total: 2 }));
    tty.end();
    expect(plainOut()).toBe('turn verdicts: running the VAD over up to 2 trials\n\r\u001b[2K  VAD 1/2\r\u001b[2K  VAD 2/2\r\u001b[2K');
  });
});

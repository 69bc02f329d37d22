import chalk from 'chalk';
import { describe, expect, it } from 'vitest';
import { colourLevel } from '../../../src/cli/colour.js';
import { errorJson, usageLine } from '../../../src/cli/output.js';
import { checksCell, notPassing } from '../../../src/cli/results-summary.js';
import { interruptedError } from '../../../src/cli/interrupt.js';
import { usageError } from '../../../src/core/errors.js';

describe('colourLevel', () => {
  it('--no-color and --json switch colour off whatever the environment says', () => {
    expect(colourLevel(['run', '--no-color'], { FORCE_COLOR: '1' }, 1)).toBe(0);
    expect(colourLevel(['scenarios', 'list', '--json'], {}, 3)).toBe(0);
  });
  it('NO_COLOR switches it off unless FORCE_COLOR is set; an empty NO_COLOR is ignored', () => {
    expect(colourLevel([], { NO_COLOR: '1' }, 2)).toBe(0);
    expect(colourLevel([], { NO_COLOR: '' }, 2)).toBe(2);
    expect(colourLevel([], { NO_COLOR: '1', FORCE_COLOR: '1' }, 1)).toBe(1);
  });
  it('--color forces at least basic colour off a terminal; otherwise chalk’s detection stands', () => {
    expect(colourLevel(['--color'], {}, 0)).toBe(1);
    expect(colourLevel([], {}, 3)).toBe(3);
    expect(colourLevel([], {}, 0)).toBe(0);
  });
});

describe('usageLine', () => {
  it('puts commander’s "Did you mean" on the one error line', () => {
    const line = usageLine("error: unknown option '--scenari'\n(Did you mean --scenario?)\n");
    expect(line).toBe("E_USAGE: unknown option '--scenari' — did you mean --scenario? See `voiceaec <command> --help` for usage");
    expect(line).not.toContain('\n');
  });
  it('without a suggestion, and as JSON under --json', () => {
    expect(usageLine("error: missing required argument 'run-dir'")).toBe(
      "E_USAGE: missing required argument 'run-dir' — see `voiceaec <command> --help` for usage",
    );
    const j = JSON.parse(usageLine("error: unknown command 'rnu'\n(Did you mean run?)", true));
    expect(j).toEqual({
      error: { code: 'E_USAGE', message: "unknown command 'rnu'", hint: 'did you mean run? See `voiceaec <command> --help` for usage', exitCode: 2 },
    });
  });
});

describe('errorJson', () => {
  it('carries the code, message, hint and exit code of the text line', () => {
    const e = usageError('E_OPTION', '--seed "x" is not a number', { hint: 'give --seed as a whole number' });
    expect(JSON.parse(errorJson(e))).toEqual({
      error: { code: 'E_OPTION', message: '--seed "x" is not a number', hint: 'give --seed as a whole number', exitCode: 2 },
    });
    expect(errorJson(e)).not.toContain('\n');
  });
});

describe('interruptedError', () => {
  it('names the signal and the resume command, with the conventional exit code', () => {
    const e = interruptedError('SIGTERM', '/runs/a');
    expect(e.toLine()).toBe('E_INTERRUPTED: run stopped by SIGTERM; the finished trials are saved — continue with  voiceaec run --resume /runs/a');
    expect(e.details.exitCode).toBe(143);
    expect(interruptedError('SIGINT', '/runs/a').details.exitCode).toBe(130);
  });
});

describe('checksCell', () => {
  const level = chalk.level;
  it('says INCONCLUSIVE for inconclusive checks and FAIL only for failed ones', () => {
    chalk.level = 0;
    try {
      expect(checksCell([])).toBe('no rules');
      expect(checksCell(['pass', 'pass'])).toBe('pass 2');
      expect(checksCell(['pass', 'inconclusive'])).toBe('INCONCLUSIVE 1/2');
      expect(checksCell(['fail', 'pass', 'pass'])).toBe('FAIL 1/3');
      expect(checksCell(['fail', 'inconclusive', 'pass'])).toBe('FAIL 1/3, INCONCLUSIVE 1/3');
      expect(notPassing(['pass', 'inconclusive', 'pass', 'pass'])).toBe('1 of 4 checks INCONCLUSIVE');
      expect(notPassing(['fail', 'inconclusive', 'inconclusive'])).toBe('1 of 3 checks FAIL, 2 INCONCLUSIVE');
    } finally {
      chalk.level = level;
    }
  });
});

/**
 * `trials.repetitions: { min, max }` in scenario files and as the `--repeat MIN:MAX`
 * override: one schema for both, limits counted at the maximum, plans a run could never
 * decide refused with the count they need, and labels for lists and errors.
 */
import { describe, expect, it } from 'vitest';
import { maxRepetitions, repetitionsLabel, SCENARIO_LIMITS } from '../../../src/config/scenario.js';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { parseScenario, sequentialTooShort, withRepetitions } from '../../../src/scenario/scenario-file.js';

function errorOf(f: () => unknown): { code: string; line: string } {
  try {
    f();
  } catch (e) {
    if (isVoiceAecError(e)) return { code: e.code, line: e.toLine() };
    throw e;
  }
  throw new Error('expected an error');
}

describe('sequential repetition plans', () => {
  it('parse from a file and keep a fixed count valid', () => {
    const s = parseScenario('name: x\ntrials: { repetitions: { min: 20, max: 160 } }\n', 'x.yaml');
    expect(s.trials.repetitions).toEqual({ min: 20, max: 160 });
    expect(parseScenario('name: x\ntrials: { repetitions: 12 }\n', 'x.yaml').trials.repetitions).toBe(12);
    expect(parseScenario('name: x\n', 'x.yaml').trials.repetitions).toBe(20);
  });

  it('come from --repeat through the same schema', () => {
    expect(parseScenario('name: x\n', 'x.yaml', { repetitions: { min: 10, max: 200 } }).trials.repetitions).toEqual({ min: 10, max: 200 });
    expect(errorOf(() => parseScenario('name: x\n', 'x.yaml', { repetitions: { min: 0, max: 200 } })).line).toContain('trials.repetitions');
  });

  it('refuse unknown keys and min above max with the field named', () => {
    expect(errorOf(() => parseScenario('name: x\ntrials: { repetitions: { min: 5, max: 100, until: decided } }\n', 'x.yaml')).line).toContain('x.yaml:2');
    expect(errorOf(() => parseScenario('name: x\ntrials:\n  repetitions: { min: 150, max: 100 }\n', 'x.yaml')).line).toMatch(
      /x\.yaml:3: .*min must not exceed max/,
    );
  });

  it('count the maximum against the trial limit', () => {
    const cells = SCENARIO_LIMITS.maxTrials / 100;
    const text = `name: x\nmatrix: { volume: [${Array.from({ length: cells }, (_, i) => (i + 1) / (cells + 1)).join(', ')}] }\ntrials: { repetitions: { min: 5, max: 100 } }\n`;
    expect(errorOf(() => parseScenario(text, 'x.yaml')).code).toBe('E_SCENARIO_LIMIT');
  });

  it('refuse a maximum that cannot show the target even without a leak, naming the count needed', () => {
    const s = parseScenario('name: x\ntrials: { repetitions: { min: 5, max: 93 } }\n', 'x.yaml');
    expect(sequentialTooShort(s)).toBeNull();
    const e = errorOf(() => parseScenario('name: x\ntrials:\n  repetitions: { min: 5, max: 92 }\n', 'x.yaml'));
    expect(e.line).toMatch(
      /^E_SCENARIO_FIELD: x\.yaml:3: trials\.repetitions\.max: 92 sequential trials cannot show a leak rate ≤ 5 % at 95 % confidence even without a leak \(needs 93\)/,
    );
    expect(errorOf(() => withRepetitions(s, { min: 5, max: 50 })).line).toMatch(/^E_SCENARIO_FIELD: --repeat 5:50: .*needs 93/);
    expect(withRepetitions(s, { min: 5, max: 200 }).trials.repetitions).toEqual({ min: 5, max: 200 });
  });

  it('label and bound a plan', () => {
    expect(repetitionsLabel(20)).toBe('20');
    expect(repetitionsLabel({ min: 20, max: 160 })).toBe('20–160 (sequential)');
    expect(maxRepetitions(20)).toBe(20);
    expect(maxRepetitions({ min: 20, max: 160 })).toBe(160);
  });
});

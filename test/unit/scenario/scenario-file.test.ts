import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { listShippedScenarios, loadScenario, parseScenario } from '../../../src/scenario/scenario-file.js';
import { expandMatrix } from '../../../src/scenario/matrix.js';
import { scenarioJsonSchema } from '../../../src/config/scenario.js';

function errorOf(fn: () => unknown): { code: string; line: string } {
  try {
    fn();
  } catch (e) {
    if (isVoiceAecError(e)) return { code: e.code, line: e.toLine() };
    throw e;
  }
  throw new Error('expected an error');
}

describe('scenario files', () => {
  it('ships the scenarios the issue lists', () => {
    expect(listShippedScenarios()).toEqual(
      expect.arrayContaining([
        'quiet-room',
        'office',
        'reflective-room',
        'init-order',
        'session-mode',
        'routes',
        'teardown',
        'callkit-incoming',
        'barge-in',
        'cold-start',
        'nightly',
      ]),
    );
  });

  it.each(listShippedScenarios())('%s validates and expands', async (name) => {
    const { scenario } = await loadScenario(name);
    expect(scenario.name).toBe(name);
    const cells = expandMatrix(scenario);
    expect(cells.length).toBeGreaterThan(0);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    for (const c of cells) expect(c.id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
  });

  it('expands a two-dimensional matrix in file order', async () => {
    const { scenario } = await loadScenario('nightly');
    expect(expandMatrix(scenario).map((c) => c.id)).toEqual(['speaker_voiceChat', 'speaker_default', 'bluetoothHFP_voiceChat', 'bluetoothHFP_default']);
  });

  it('names the file, line and field of a bad value', () => {
    const text = 'name: x\nbase:\n  route: speaker\n  mode: loud\n';
    const e = errorOf(() => parseScenario(text, 'my.yaml'));
    expect(e.code).toBe('E_SCENARIO_FIELD');
    expect(e.line).toContain('my.yaml:4: base.mode');
  });

  it('names the line of a YAML syntax error', () => {
    const e = errorOf(() => parseScenario('name: x\nbase: [\n', 'bad.yaml'));
    expect(e.code).toBe('E_SCENARIO_YAML');
    expect(e.line).toMatch(/bad\.yaml:\d+:/);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    expect(errorOf(() => parseScenario('name: x\ntrials: { repetitons: 5 }\n', 's.yaml')).line).toContain('s.yaml:2: trials');
  });

  it('applies command-line overrides through the same schema', () => {
    expect(parseScenario('name: x\n', 's.yaml', { seed: 9, repetitions: 3 })).toMatchObject({ seed: 9, trials: { repetitions: 3 } });
    expect(errorOf(() => parseScenario('name: x\n', 's.yaml', { repetitions: 0 })).line).toContain('trials.repetitions');
  });
});

describe('docs/scenario.schema.json', () => {
  it('is the JSON Schema generated from the scenario schema (regenerate with `npm run schema`)', () => {
    const onDisk = JSON.parse(readFileSync(new URL('../../../docs/scenario.schema.json', import.meta.url), 'utf8'));
    expect(onDisk).toEqual(scenarioJsonSchema());
  });
});

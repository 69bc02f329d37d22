/**
 * `voiceaec scenarios validate` and `voiceaec run` refuse a scenario whose acceptance rule
 * names an unknown turn profile, in one line naming it and the known ones, before any trial
 * (docs/vad.md § Integration, Scenario check).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'voiceaec-vad-scenario-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (profile: string) => `name: rule-profile
base: { fixtures: [flite-slt-short-01] }
trials: { repetitions: 1, calibration: null }
vad:
  custom: [{ name: strict, threshold: 0.9, startMs: 300, stopMs: 800 }]
acceptance:
  rules:
    - { metric: selfInterruptionRate, profile: ${profile}, max: 0.1 }
`;

describe('a rule naming an unknown turn profile', () => {
  it('is refused by validate and by run, in one line, before any trial', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, scenario('livekt'));
    const want =
      /^E_SCENARIO_FIELD: .*bad\.yaml:8: acceptance\.rules\.0\.profile: selfInterruptionRate names unknown turn profile livekt \(did you mean "livekit"\? known: pipecat, livekit, openai-realtime, strict\)/;
    const v = await runCli(['scenarios', 'validate', file]);
    expect(v.code).toBe(2);
    expect(v.stderr.trim().split('\n')).toHaveLength(1);
    expect(v.stderr).toMatch(want);
    const out = join(dir, 'run');
    const r = await runCli(['run', '--scenario', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(want);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
  });

  it('a shipped or the scenario’s own profile validates', async () => {
    for (const p of ['livekit', 'strict']) {
      const file = join(dir, `${p}.yaml`);
      writeFileSync(file, scenario(p));
      const v = await runCli(['scenarios', 'validate', file]);
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
    }
  });
});

/**
 * A scenario whose acceptance rule names a turn profile that neither ships nor is defined
 * under `vad.custom` is refused when read, in one line naming it and the known ones
 * (docs/vad.md § Integration); before, it only came out inconclusive at evaluation.
 */
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { parseScenario } from '../../../src/scenario/scenario-file.js';

const scenario = (rules: string, vad = '') => `name: s
acceptance:
  rules:
${rules}
${vad}`;

function refusal(text: string): string {
  try {
    parseScenario(text, 's.yaml');
  } catch (e) {
    if (!isVoiceAecError(e)) throw e;
    return e.toLine();
  }
  return 'accepted';
}

describe('turn profiles named by acceptance rules', () => {
  it('refuses an unknown profile with the rule, its line and the known names', () => {
    for (const rule of [
      '    - { metric: selfInterruptionRate, profile: livekt, max: 0.1 }',
      '    - { metric: falseBargeInUpper, profile: livekt, gateMs: 300, max: 0.1 }',
      '    - { metric: turnRecommendedGateMs, profile: livekt, max: 800 }',
    ]) {
      const line = refusal(scenario(rule));
      expect(line).not.toContain('\n');
      expect(line).toMatch(
        /^E_SCENARIO_FIELD: s\.yaml:4: acceptance\.rules\.0\.profile: \w+ names unknown turn profile livekt \(did you mean "livekit"\? known: pipecat, livekit, openai-realtime\)/,
      );
    }
  });

  it('accepts shipped profiles and the scenario’s own, and lists the custom ones among the known', () => {
    const custom = 'vad:\n  custom: [{ name: strict, threshold: 0.9, startMs: 300, stopMs: 800 }]';
    expect(refusal(scenario('    - { metric: selfInterruptionRate, profile: pipecat, max: 0.1 }'))).toBe('accepted');
    expect(refusal(scenario('    - { metric: selfInterruptionRate, profile: strict, max: 0.1 }', custom))).toBe('accepted');
    expect(refusal(scenario('    - { metric: selfInterruptionRate, profile: strict, max: 0.1 }'))).toContain('unknown turn profile strict');
    expect(
      refusal(scenario('    - { metric: leakRateUpper, gateMs: 300, max: 0.1 }\n    - { metric: selfInterruptionRate, profile: lax, max: 0.1 }', custom)),
    ).toContain('acceptance.rules.1.profile: selfInterruptionRate names unknown turn profile lax (known: pipecat, livekit, openai-realtime, strict)');
  });
});

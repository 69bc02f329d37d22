/** The scenario's `vad` block and the profiles evaluation runs from it (docs/scenarios.md § VAD verdicts). */
import { describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../../src/config/scenario.js';
import { scenarioTurnProfiles } from '../../../src/config/scenario-vad.js';
import { runTurnProfiles } from '../../../src/evaluation/run-turn-profiles.js';
import type { RunManifest } from '../../../src/run-dir/manifest-schema.js';

const custom = { name: 'strict', threshold: 0.9, startMs: 300, stopMs: 800 };
const parse = (vad: unknown) => ScenarioSchema.safeParse({ name: 's', vad });
const names = (ps: Array<{ name: string }>) => ps.map((p) => p.name);

describe('scenario vad block', () => {
  it('absent: the three shipped profiles; [] : none; custom profiles by name', () => {
    expect(ScenarioSchema.parse({ name: 's' }).vad).toBeUndefined();
    expect(names(scenarioTurnProfiles(undefined))).toEqual(['pipecat', 'livekit', 'openai-realtime']);
    expect(names(scenarioTurnProfiles(ScenarioSchema.parse({ name: 's', vad: {} }).vad))).toEqual(['pipecat', 'livekit', 'openai-realtime']);
    expect(scenarioTurnProfiles(ScenarioSchema.parse({ name: 's', vad: { profiles: [] } }).vad)).toEqual([]);
    expect(names(scenarioTurnProfiles(ScenarioSchema.parse({ name: 's', vad: { profiles: ['strict', 'pipecat'], custom: [custom] } }).vad))).toEqual([
      'strict',
      'pipecat',
    ]);
  });

  it('refuses an unknown profile, a custom one shadowing a shipped one, and unknown keys', () => {
    expect(parse({ profiles: ['pipecat', 'nope'] }).error?.issues[0]).toMatchObject({ path: ['vad', 'profiles', 1] });
    expect(parse({ custom: [{ ...custom, name: 'pipecat' }] }).success).toBe(false);
    expect(parse({ profile: ['pipecat'] }).success).toBe(false);
  });

  it('evaluation: the recorded block plus the profiles rules name; a broken block warns and falls back', () => {
    const m = (resolved: unknown, rules: unknown[] = []) =>
      ({ scenario: { name: 's', source: 's', resolved }, acceptance: { targetLeakRate: 0.05, confidence: 0.95, rules } }) as unknown as RunManifest;
    const w: string[] = [];
    expect(names(runTurnProfiles(m(null), w))).toEqual(['pipecat', 'livekit', 'openai-realtime']);
    expect(names(runTurnProfiles(m({ vad: { profiles: [] } }, [{ metric: 'selfInterruptionRate', profile: 'livekit', max: 0.1 }]), w))).toEqual(['livekit']);
    expect(names(runTurnProfiles(m({ vad: { profiles: [] } }, [{ metric: 'selfInterruptionRate', profile: 'nope', max: 0.1 }]), w))).toEqual([]);
    expect(w).toEqual([]);
    expect(names(runTurnProfiles(m({ vad: { profiles: 'pipecat' } }), w))).toEqual(['pipecat', 'livekit', 'openai-realtime']);
    expect(w[0]).toMatch(/^the scenario’s vad block is not valid/);
  });
});

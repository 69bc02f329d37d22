/**
 * Acceptance rules on the turn-detector verdicts (docs/vad.md): false barge-in upper bound at
 * a gate, self-interruption rate during playback and a profile's recommended gate; undecided
 * trials never make a rule pass, and a profile that was not evaluated is inconclusive.
 */
import { describe, expect, it } from 'vitest';
import { checkAcceptance, ruleLabel } from '../../../src/analysis/acceptance-check.js';
import { summarizeCell } from '../../../src/analysis/cell-summary.js';
import { turnCellSummary } from '../../../src/analysis/turn-cell-stats.js';
import type { TrialTurnVerdicts, TurnEvent } from '../../../src/analysis/turn-verdict-schema.js';
import { AcceptanceRuleSchema, type AcceptanceRule } from '../../../src/config/acceptance.js';

const event = (fired: boolean | null): TurnEvent => ({
  fired,
  reason: fired === null ? 'dead mic' : null,
  atMs: fired ? 250 : null,
  onsetMs: fired ? 60 : null,
  audioStartMs: fired ? 60 : null,
  speechMs: fired ? 192 : null,
  endedAtMs: null,
  evaluatedMs: 1500,
  peakProbability: fired === null ? null : 0.9,
});

/** Trial i fires at gates below `cleanFromMs[i]`, interrupts during playback when `self[i]`. */
function trial(fireBelowMs: number, self: boolean | null): TrialTurnVerdicts {
  return {
    profile: 'pipecat',
    engine: 'silero-v5',
    frameMs: 32,
    playback: event(self),
    gates: [0, 300, 800].map((gateMs) => ({ gateMs, ...event(self === null ? null : gateMs < fireBelowMs) })),
    rms2: null,
  };
}

const base = summarizeCell(
  {
    run: 'r',
    id: 'c',
    dims: { route: 'speaker' },
    settings: { route: 'speaker' },
    status: 'done',
    reason: null,
    configuredGate: null,
    config: [],
    mismatches: [],
    configErrors: [],
    calibration: null,
    trials: [],
    warnings: [],
  },
  { gatesMs: [0, 300, 800], targetLeakRate: 0.05, confidence: 0.95 },
);

// 100 trials: 50 fire at gate 0 only, all interrupt during playback but one, one dead mic.
const verdicts = [...Array.from({ length: 99 }, (_, i) => trial(i < 50 ? 300 : 0, i !== 0)), trial(0, null)];
const cell = { ...base, turns: [turnCellSummary(verdicts, 'pipecat', [0, 300, 800], 0.05, 0.95)] };
const rules = (...r: unknown[]): AcceptanceRule[] => r.map((x) => AcceptanceRuleSchema.parse(x));

describe('acceptance rules on turn verdicts', () => {
  it('falseBargeInUpper: the Wilson upper bound at the gate against the max; undecided trials counted apart', () => {
    const [at0, at300] = checkAcceptance(
      'r',
      [cell],
      rules(
        { metric: 'falseBargeInUpper', profile: 'pipecat', gateMs: 0, max: 0.5 },
        { metric: 'falseBargeInUpper', profile: 'pipecat', gateMs: 300, max: 0.1 },
      ),
    );
    expect(at0).toMatchObject({ status: 'fail', unit: 'ratio', threshold: 0.5, label: 'pipecat false barge-in upper bound at 0 ms ≤ 50 %' });
    expect(at0!.message).toMatch(/^pipecat: upper bound \d\d(\.\d)? % > max 50 % at gate 0 ms: fired in 50 of 99 decided trials \(1 undecided\)/);
    expect(at300).toMatchObject({ status: 'pass' });
    expect(at300!.measured).toBeCloseTo(0.0373, 3);
  });

  it('selfInterruptionRate: the observed rate against the max', () => {
    const [o] = checkAcceptance('r', [cell], rules({ metric: 'selfInterruptionRate', profile: 'pipecat', max: 0.2 }));
    expect(o).toMatchObject({ status: 'fail', unit: 'ratio', label: 'pipecat self-interruption during playback ≤ 20 %' });
    expect(o!.measured).toBeCloseTo(98 / 99, 4);
    expect(o!.message).toContain('interrupted in 98 of 99 decided trials (1 undecided)');
  });

  it('turnRecommendedGateMs: the profile’s recommended gate against the max', () => {
    const [ok, tight] = checkAcceptance(
      'r',
      [cell],
      rules({ metric: 'turnRecommendedGateMs', profile: 'pipecat', max: 800 }, { metric: 'turnRecommendedGateMs', profile: 'pipecat', max: 0 }),
    );
    expect(ok).toMatchObject({ status: 'pass', measured: 300, unit: 'ms' });
    expect(tight).toMatchObject({ status: 'fail', measured: 300 });
    expect(ruleLabel(rules({ metric: 'turnRecommendedGateMs', profile: 'livekit', max: 500 })[0]!)).toBe('livekit recommended gate ≤ 500 ms');
  });

  it('a dead mic alone, a profile not evaluated or results without turns are inconclusive, never a pass', () => {
    const dead = { ...base, turns: [turnCellSummary([trial(0, null), trial(0, null)], 'pipecat', [0, 300, 800], 0.05, 0.95)] };
    const r = rules({ metric: 'selfInterruptionRate', profile: 'pipecat', max: 1 }, { metric: 'falseBargeInUpper', profile: 'pipecat', gateMs: 300, max: 1 });
    expect(checkAcceptance('r', [dead], r).map((o) => o.status)).toEqual(['inconclusive', 'inconclusive']);
    const other = checkAcceptance('r', [cell], rules({ metric: 'selfInterruptionRate', profile: 'livekit', max: 1 }));
    expect(other[0]).toMatchObject({ status: 'inconclusive' });
    expect(other[0]!.message).toContain('turn profile livekit was not evaluated');
    expect(checkAcceptance('r', [base], r).map((o) => o.status)).toEqual(['inconclusive', 'inconclusive']);
  });

  it('rules name a profile and stay strict', () => {
    expect(() => rules({ metric: 'falseBargeInUpper', gateMs: 300, max: 0.1 })).toThrow();
    expect(() => rules({ metric: 'selfInterruptionRate', profile: 'pipecat', max: 1.5 })).toThrow();
    expect(() => rules({ metric: 'selfInterruptionRate', profile: 'pipecat', max: 0.1, gateMs: 3 })).toThrow();
  });
});

/**
 * A cell's turn-detector statistics per profile (docs/vad.md § Per cell): the false barge-in
 * rate at each gate with its Wilson interval, the recommended gate (the energy detector's
 * rule, recommendation.ts) and the self-interruption rate during playback. Undecided trials
 * (dead or silent mic, clipping, too little audio) are counted apart, never as clean.
 */
import { z } from 'zod';
import { RateSchema, RecommendationSchema, type Rate, type Recommendation } from './cell-schema.js';
import { median, r2, rateOf } from './cell-stats.js';
import { recommend, type FailureWords } from './recommendation.js';
import type { GateTurnVerdict, TrialTurnVerdicts, TurnEvent } from './turn-verdict-schema.js';

/** `leaks` of a turn rate counts the trials in which the profile fired. */
export const TurnRateSchema = RateSchema.extend({
  undecided: z.number().int().describe('trials without a verdict: dead or silent mic, clipping, too little audio'),
  medianAtMs: z.number().nullable().describe('median firing time over the trials that fired, ms after the window origin'),
});

export const TurnGateStatsSchema = TurnRateSchema.extend({ gateMs: z.number() });

export const TurnRms2StatsSchema = z.object({
  thresholdDbfs: z.number(),
  gates: z.array(TurnGateStatsSchema).describe('false barge-in behind the two-tier gate with each cooldown'),
  recommendation: RecommendationSchema.describe('smallest rms2 cooldown whose false barge-in upper bound meets the target'),
});

export const TurnCellSummarySchema = z.object({
  profile: z.string(),
  engine: z.string(),
  gates: z.array(TurnGateStatsSchema).describe('false barge-in: "user started speaking" after the hard gate'),
  recommendation: RecommendationSchema.describe('smallest gate whose false barge-in upper bound meets the target'),
  selfInterruption: TurnRateSchema.describe('the agent interrupted by its own voice during playback (mic open)'),
  // Default: results written before rms2 gates were replayed read as having none.
  rms2: TurnRms2StatsSchema.nullable()
    .default(null)
    .describe('cells whose gate is rms2: false barge-in behind that gate per cooldown, and its recommended cooldown; null otherwise'),
});

export type TurnRate = z.infer<typeof TurnRateSchema>;
export type TurnGateStats = z.infer<typeof TurnGateStatsSchema>;
export type TurnCellSummary = z.infer<typeof TurnCellSummarySchema>;
export type TurnRms2Stats = z.infer<typeof TurnRms2StatsSchema>;

export const BARGE_IN_WORDS: FailureWords = { past: 'fired', present: 'fires', noun: 'false barge-in', nouns: 'false barge-ins' };

/** Fired / decided with its Wilson interval over a set of verdicts. */
export function turnRate(events: readonly TurnEvent[], confidence: number): TurnRate {
  const decided = events.filter((e) => e.fired !== null);
  const fired = decided.filter((e) => e.fired === true);
  const at = fired.map((e) => e.atMs).filter((x): x is number => x !== null);
  const rate: Rate = rateOf(fired.length, decided.length, confidence);
  return { ...rate, undecided: events.length - decided.length, medianAtMs: at.length ? r2(median(at)) : null };
}

/** Per gate, in ascending order: the false barge-in rate of one profile over a cell's trials. */
export function falseBargeInStats(
  trials: readonly TrialTurnVerdicts[],
  gatesMs: readonly number[],
  confidence: number,
  gatesOf: (t: TrialTurnVerdicts) => readonly GateTurnVerdict[] = (t) => t.gates,
): TurnGateStats[] {
  return [...new Set(gatesMs)]
    .sort((a, b) => a - b)
    .map((gateMs) => {
      const events = trials.map((t) => gatesOf(t).find((g) => g.gateMs === gateMs)).filter((g): g is NonNullable<typeof g> => g !== undefined);
      return { gateMs, ...turnRate(events, confidence) };
    });
}

/** The self-interruption rate during playback of one profile over a cell's trials. */
export function selfInterruptionRate(trials: readonly TrialTurnVerdicts[], confidence: number): TurnRate {
  return turnRate(
    trials.map((t) => t.playback),
    confidence,
  );
}

/** The recommended gate for a profile: the energy detector's rule on false barge-ins. */
export function recommendTurnGate(stats: readonly TurnGateStats[], target: number, confidence: number, profile: string): Recommendation {
  return recommend(stats, target, confidence, ` for ${profile}`, BARGE_IN_WORDS);
}

/**
 * Everything a cell reports for one profile. `trials` are that profile's verdicts (one per
 * trial of the cell); a trial verdict for another profile is refused, as mixing them would
 * make a rate of nothing.
 */
export function turnCellSummary(
  trials: readonly TrialTurnVerdicts[],
  profile: string,
  gatesMs: readonly number[],
  target: number,
  confidence: number,
): TurnCellSummary {
  const other = trials.find((t) => t.profile !== profile);
  if (other) throw new RangeError(`verdicts of profile ${other.profile} given for ${profile}`);
  const gates = falseBargeInStats(trials, gatesMs, confidence);
  return {
    profile,
    engine: trials[0]?.engine ?? '',
    gates,
    recommendation: recommendTurnGate(gates, target, confidence, profile),
    selfInterruption: selfInterruptionRate(trials, confidence),
    rms2: rms2Stats(trials, profile, gatesMs, target, confidence),
  };
}

/**
 * The rms2 part over the trials that have it; null when none has (a cell not gated by rms2).
 * Trials of one cell share its gate, so their thresholds agree; a disagreement is refused.
 */
function rms2Stats(
  trials: readonly TrialTurnVerdicts[],
  profile: string,
  gatesMs: readonly number[],
  target: number,
  confidence: number,
): TurnRms2Stats | null {
  const withRms2 = trials.filter((t) => t.rms2 !== null);
  const first = withRms2[0]?.rms2;
  if (!first) return null;
  if (withRms2.some((t) => t.rms2!.thresholdDbfs !== first.thresholdDbfs))
    throw new RangeError(`rms2 verdicts of ${profile} at different thresholds in one cell`);
  const gates = falseBargeInStats(withRms2, gatesMs, confidence, (t) => t.rms2!.gates);
  return {
    thresholdDbfs: first.thresholdDbfs,
    gates,
    recommendation: recommend(gates, target, confidence, ` for ${profile} behind the rms2 gate (${first.thresholdDbfs} dBFS)`, BARGE_IN_WORDS),
  };
}

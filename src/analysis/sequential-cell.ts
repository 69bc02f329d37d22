/**
 * A sequential cell's summary (docs/analysis.md § Sequential trials): the cell stopped when
 * its data looked decided, so every leak-rate bound it reports is the anytime-valid one
 * (sequential-trials.ts) instead of the fixed-n Wilson interval, the recommendations are
 * re-derived from those bounds, and the summary says how many trials ran and why it stopped.
 * Pure: a CellSummary in, a CellSummary out.
 */
import type { CellSummary, GateStats, Rate } from './cell-schema.js';
import { r4 } from './cell-stats.js';
import { recommend } from './recommendation.js';
import { anytimeInterval, anytimeTrialsNeeded, SEQUENTIAL_METHOD, type SequentialPlan, type StopReason } from './sequential-trials.js';

export interface SequentialCellInput {
  plan: SequentialPlan;
  /** What the runner recorded when it stopped the cell; null when it has not stopped. */
  stop: { reason: StopReason; message: string } | null;
  /** Measured trials the cell ran (failed ones included). */
  trials: number;
  /**
   * The target the run was planned at (its scenario's): it fixes the mixture, which must not
   * be chosen after seeing the data. A re-evaluation at another target (compare-gate
   * --target-leak-rate) compares against that target with the run's mixture.
   */
  mixtureTarget: number;
}

function anytimeRate(r: Rate, mixtureTarget: number, confidence: number): Rate {
  if (r.decided === 0) return r;
  const b = anytimeInterval(r.leaks, r.decided, confidence, mixtureTarget);
  return { ...r, lower: r4(b.lower), upper: r4(b.upper) };
}

function anytimeGate(g: GateStats, target: number, mixtureTarget: number, confidence: number): GateStats {
  const rate = anytimeRate(g, mixtureTarget, confidence);
  return {
    ...g,
    ...rate,
    meetsTarget: g.decided > 0 && rate.upper <= target,
    firstUtterance: anytimeRate(g.firstUtterance, mixtureTarget, confidence),
    later: anytimeRate(g.later, mixtureTarget, confidence),
  };
}

export function sequentialCell(c: CellSummary, s: SequentialCellInput): CellSummary {
  const { targetLeakRate: t, confidence: conf } = c;
  const mix = s.mixtureTarget;
  const gates = c.gates.map((g) => anytimeGate(g, t, mix, conf));
  const fromEnd = c.gatesFromAcousticEnd.map((g) => anytimeGate(g, t, mix, conf));
  const needed = (leaks: number, decided: number, target: number, confidence: number) => anytimeTrialsNeeded(leaks, decided, target, confidence, mix);
  const rec = (stats: GateStats[], what: string) => recommend(stats, t, conf, what, undefined, needed);
  let rms2 = c.rms2;
  if (rms2) {
    const rg = rms2.gates.map((g) => anytimeGate(g, t, mix, conf));
    rms2 = { ...rms2, gates: rg, recommendation: rec(rg, ` (rms2 cooldown, ${rms2.thresholdDbfs} dBFS)`) };
  }
  return {
    ...c,
    gates,
    recommendation: rec(gates, ''),
    gatesFromAcousticEnd: fromEnd,
    recommendationFromAcousticEnd: rec(fromEnd, ' after the acoustic end'),
    rms2,
    sequential: { min: s.plan.min, max: s.plan.max, trials: s.trials, stop: s.stop, method: SEQUENTIAL_METHOD },
  };
}

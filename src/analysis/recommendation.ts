/** The recommended gate and its sentence, from a cell's per-gate leak statistics (docs/reports.md). */
import type { GateStats, Recommendation } from './cell-schema.js';
import { pct, trialsNeededFor } from './cell-stats.js';

/** What recommend() reads of a gate's statistics: `leaks` counts the trials that failed at it. */
export type RateAtGate = Pick<GateStats, 'gateMs' | 'leaks' | 'decided' | 'rate' | 'lower' | 'upper'>;

/** How the sentences name a failing trial: a leak for the energy detector, a false barge-in for a turn profile. */
export interface FailureWords {
  /** "3 of 40 trials leaked" */
  past: string;
  /** "if no further trial leaks" */
  present: string;
  /** "had 1 leak" */
  noun: string;
  /** "had 2 leaks" */
  nouns: string;
}

export const LEAK_WORDS: FailureWords = { past: 'leaked', present: 'leaks', noun: 'leak', nouns: 'leaks' };

/**
 * The recommendation rule (docs/reports.md): the smallest evaluated gate whose Wilson upper
 * bound is ≤ the target. Otherwise, if some gate's observed rate is under the target, more
 * trials could prove it: name the gate needing the fewest and how many. Otherwise no gate meets.
 */
export function recommend(
  stats: readonly RateAtGate[],
  target: number,
  confidence: number,
  what = '',
  words: FailureWords = LEAK_WORDS,
  /** Trials a gate needs to meet the target: Wilson's, or the anytime-valid one for sequential cells (sequential-cell.ts). */
  needed: (leaks: number, decided: number, target: number, confidence: number) => number | null = trialsNeededFor,
): Recommendation {
  const sorted = [...stats].sort((a, b) => a.gateMs - b.gateMs);
  const base = { gateMs: null, upper: null, targetLeakRate: target, confidence, candidateGateMs: null, trialsNeeded: null, shorter: null };
  const conf = pct(confidence);
  const goal = `≤ ${pct(target)} at ${conf} confidence`;
  const decided = sorted.filter((s) => s.decided > 0);
  if (decided.length === 0) return { status: 'no-data', ...base, message: `no trial could be decided${what}: nothing to recommend` };
  const i = sorted.findIndex((s) => s.decided > 0 && s.upper <= target);
  if (i >= 0) {
    const s = sorted[i]!;
    const prev = [...sorted.slice(0, i)].reverse().find((p) => p.decided > 0) ?? null;
    const shorter = prev ? { gateMs: prev.gateMs, leaks: prev.leaks, decided: prev.decided, upper: prev.upper } : null;
    const tail = prev ? `; ${prev.gateMs} ms ${words.past} in ${prev.leaks} of ${prev.decided} (${pct(prev.rate)}, upper bound ${pct(prev.upper)})` : '';
    return {
      status: 'recommended',
      ...base,
      gateMs: s.gateMs,
      upper: s.upper,
      shorter,
      message: `${s.gateMs} ms${what}: ${s.leaks} of ${s.decided} trials ${words.past} (upper bound ${pct(s.upper)} ${goal})${tail}`,
    };
  }
  let best: { s: RateAtGate; n: number } | null = null;
  for (const s of decided) {
    const n = needed(s.leaks, s.decided, target, confidence);
    if (n !== null && (best === null || n < best.n)) best = { s, n };
  }
  if (best) {
    const { s, n } = best;
    const more = s.leaks === 0 ? `need ${n} trials without a ${words.noun}` : `need at least ${n} trials if no further trial ${words.present}`;
    return {
      status: 'not-enough-trials',
      ...base,
      candidateGateMs: s.gateMs,
      trialsNeeded: n,
      message: `not enough trials to claim ${goal}${what}: ${s.gateMs} ms had ${s.leaks} ${s.leaks === 1 ? words.noun : words.nouns} in ${s.decided} trials (upper bound ${pct(s.upper)}); ${more}`,
    };
  }
  const last = decided[decided.length - 1]!;
  return {
    status: 'no-gate-meets',
    ...base,
    message: `no evaluated gate meets ${goal}${what}: the longest, ${last.gateMs} ms, ${words.past} in ${last.leaks} of ${last.decided} trials (${pct(last.rate)}, interval ${pct(last.lower)}–${pct(last.upper)}); evaluate longer gates`,
  };
}

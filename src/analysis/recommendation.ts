/** The recommended gate and its sentence, from a cell's per-gate leak statistics (docs/reports.md). */
import type { GateStats, Recommendation } from './cell-schema.js';
import { pct, trialsNeededFor } from './cell-stats.js';

/**
 * The recommendation rule (docs/reports.md): the smallest evaluated gate whose Wilson upper
 * bound is ≤ the target. Otherwise, if some gate's observed rate is under the target, more
 * trials could prove it: name the gate needing the fewest and how many. Otherwise no gate meets.
 */
export function recommend(stats: GateStats[], target: number, confidence: number, what = ''): Recommendation {
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
    const tail = prev ? `; ${prev.gateMs} ms leaked in ${prev.leaks} of ${prev.decided} (${pct(prev.rate)}, upper bound ${pct(prev.upper)})` : '';
    return {
      status: 'recommended',
      ...base,
      gateMs: s.gateMs,
      upper: s.upper,
      shorter,
      message: `${s.gateMs} ms${what}: ${s.leaks} of ${s.decided} trials leaked (upper bound ${pct(s.upper)} ${goal})${tail}`,
    };
  }
  let best: { s: GateStats; n: number } | null = null;
  for (const s of decided) {
    const n = trialsNeededFor(s.leaks, s.decided, target, confidence);
    if (n !== null && (best === null || n < best.n)) best = { s, n };
  }
  if (best) {
    const { s, n } = best;
    const more = s.leaks === 0 ? `need ${n} trials without a leak` : `need at least ${n} trials if no further trial leaks`;
    return {
      status: 'not-enough-trials',
      ...base,
      candidateGateMs: s.gateMs,
      trialsNeeded: n,
      message: `not enough trials to claim ${goal}${what}: ${s.gateMs} ms had ${s.leaks} leak${s.leaks === 1 ? '' : 's'} in ${s.decided} trials (upper bound ${pct(s.upper)}); ${more}`,
    };
  }
  const last = decided[decided.length - 1]!;
  return {
    status: 'no-gate-meets',
    ...base,
    message: `no evaluated gate meets ${goal}${what}: the longest, ${last.gateMs} ms, leaked in ${last.leaks} of ${last.decided} trials (${pct(last.rate)}, interval ${pct(last.lower)}–${pct(last.upper)}); evaluate longer gates`,
  };
}

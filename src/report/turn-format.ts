/**
 * Shared wording of the turn-detector verdicts (docs/vad.md) in every report, so the CLI,
 * Markdown, JUnit and HTML agree: the rule behind each profile's recommended gate, and the
 * rates with their undecided trials (a dead, silent or clipped mic is never counted clean).
 */
import type { TurnCellSummary, TurnRate } from '../analysis/turn-cell-stats.js';
import type { CellResult } from '../analysis/turn-results.js';
import { pct } from './format.js';
import type { Results } from './results-schema.js';

/** The profiles of the results, in the order the runs list them, each once. */
export function turnProfileNames(results: Results): string[] {
  return [...new Set(results.runs.flatMap((r) => r.vad.profiles.map((p) => p.name)))];
}

export function turnOf(c: CellResult, profile: string): TurnCellSummary | undefined {
  return c.turns.find((t) => t.profile === profile);
}

/**
 * The rule behind every turn profile's recommended gate, with its target and confidence:
 * one sentence when all share them, else one per distinct pair naming its cells.
 */
export function turnRecommendationRule(results: Results): string[] {
  const byRule = new Map<string, string[]>();
  for (const c of results.cells)
    for (const t of c.turns) {
      const r = t.recommendation;
      const key = `the smallest gate whose false barge-in upper bound (Wilson, ${pct(r.confidence)} confidence) is ≤ ${pct(r.targetLeakRate)}`;
      const ids = byRule.get(key) ?? [];
      if (!ids.includes(c.id)) byRule.set(key, [...ids, c.id]);
    }
  const why = 'a trial whose mic is dead, digitally silent or clipped without firing is undecided, never counted as no interruption';
  if (byRule.size <= 1) return [...byRule.keys()].map((k) => `Recommended gate per turn profile: ${k}; ${why}.`);
  return [...byRule.entries()].map(([k, ids]) => `Recommended gate per turn profile for ${ids.join(', ')}: ${k}; ${why}.`);
}

/** "1/5 (20 %, ≤ 62 %) +2 undecided": fired over decided trials, rate, upper bound, undecided. */
export function turnRateCell(r: TurnRate | undefined): string {
  if (!r) return '—';
  const undecided = r.undecided ? ` +${r.undecided} undecided` : '';
  if (r.decided === 0) return `n/a${undecided}`;
  return `${r.leaks}/${r.decided} (${pct(r.rate)}, ≤ ${pct(r.upper)})${undecided}`;
}

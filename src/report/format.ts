/** Shared wording and number formats of the reports, so HTML, Markdown, JUnit and the CLI agree. */
import { pct } from '../analysis/cell-stats.js';
import { type CellSummary, type GateStats, type Recommendation } from '../analysis/cell-schema.js';
import { stopReasonText } from '../analysis/sequential-trials.js';
import type { Results, RunInfo } from './results-schema.js';

export { pct };
export { deviceCaveat, deviceClassTag, deviceLabel } from '../core/device-class.js';

/** Gates every report shows when evaluated: the values practitioners argue about. */
export const MARK_GATES = [300, 500, 800] as const;

/** The mark gates some cell of the results evaluated. */
export function markGates(results: Results): number[] {
  return MARK_GATES.filter((m) => results.cells.some((c) => c.gates.some((g) => g.gateMs === m)));
}

export function dimsLabel(dims: Record<string, string | number | boolean>): string {
  const e = Object.entries(dims);
  return e.length === 0 ? '(single cell)' : e.map(([k, v]) => `${k}=${String(v)}`).join(', ');
}

/** A real iPhone measured these numbers; anything else is a model or a test double and is labelled so. */
export const onHardware = (r: RunInfo): boolean => r.device.class === 'iphone';

export function recLabel(r: Recommendation): string {
  switch (r.status) {
    case 'recommended':
      return `${r.gateMs} ms`;
    case 'not-enough-trials':
      return `need ${r.trialsNeeded} trials`;
    case 'no-gate-meets':
      return 'none meets target';
    case 'no-data':
      return 'no data';
  }
}

/** "3/20 (15 %, ≤ 36 %)": leaks over decided trials, rate and upper bound. */
/**
 * The rule behind every recommended gate, with its target and confidence: one sentence when
 * all cells share them, else one per distinct pair naming its cells.
 */
export function recommendationRule(results: Results): string[] {
  const byRule = new Map<string, string[]>();
  for (const c of results.cells) {
    const method = c.sequential ? 'anytime-valid confidence sequence, sequential trials' : 'Wilson';
    const key = `the smallest gate whose leak-rate upper bound (${method}, ${pct(c.confidence)} confidence) is ≤ ${pct(c.targetLeakRate)}`;
    byRule.set(key, [...(byRule.get(key) ?? []), c.id]);
  }
  if (byRule.size <= 1) return [...byRule.keys()].map((k) => `Recommended gate: ${k}.`);
  return [...byRule.entries()].map(([k, ids]) => `Recommended gate for ${ids.join(', ')}: ${k}.`);
}

/**
 * A sequential cell in words: trials run, the plan, why it stopped, and that its bounds are
 * anytime-valid; null for a fixed-count cell.
 */
export function sequentialText(c: CellSummary): string | null {
  const s = c.sequential;
  if (!s) return null;
  const why = s.stop ? `stopped, ${stopReasonText(s.stop.reason, s.max)} (${s.stop.message})` : `not stopped by the rule (cell ${c.status})`;
  return `sequential: ${s.trials} trials (min ${s.min}, max ${s.max}); ${why}; leak-rate bounds are anytime-valid (valid at a data-dependent stop)`;
}

/** The trials column: "20/20" for a fixed count; "22 · decided-pass" for a sequential cell (analysed over run). */
export function trialsLabel(c: CellSummary): string {
  const base = `${c.counts.analysed}/${c.counts.planned}`;
  if (!c.sequential) return base;
  return `${base} · ${c.sequential.stop ? c.sequential.stop.reason : 'not stopped'} (max ${c.sequential.max})`;
}

export function leakCell(g: GateStats | undefined): string {
  if (!g) return '—';
  if (g.decided === 0) return 'n/a';
  return `${g.leaks}/${g.decided} (${pct(g.rate)}, ≤ ${pct(g.upper)})`;
}

export function intervalText(g: GateStats): string {
  return g.decided === 0 ? '—' : `${pct(g.lower)}–${pct(g.upper)}`;
}

export function num(x: number | null | undefined, unit = '', digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const s = x.toFixed(digits).replace(/^-(0(?:\.0+)?)$/, '$1'); // no "-0"
  return `${s}${unit ? ` ${unit}` : ''}`;
}

export function gateAt(c: CellSummary, gateMs: number): GateStats | undefined {
  return c.gates.find((g) => g.gateMs === gateMs);
}

/** Mark gates that were evaluated, else up to three evenly spaced evaluated gates. */
export function displayGates(c: CellSummary): number[] {
  const all = c.gates.map((g) => g.gateMs);
  const marks = MARK_GATES.filter((m) => all.includes(m));
  if (marks.length > 0) return [...marks];
  if (all.length <= 3) return all;
  return [all[0]!, all[Math.floor(all.length / 2)]!, all[all.length - 1]!];
}

export function failedOutcomes(results: Results) {
  return results.acceptance.filter((a) => a.status !== 'pass');
}

/** The acceptance outcomes of one cell, and how many of them did not pass. */
export function cellOutcomes(results: Results, cell: CellSummary) {
  const outcomes = results.acceptance.filter((a) => a.run === cell.run && a.cell === cell.id);
  return { outcomes, bad: outcomes.filter((a) => a.status !== 'pass').length };
}

/** The few lines `voiceaec run` and `voiceaec report` print about finished results. */
import chalk from 'chalk';
import { join } from 'node:path';
import { linkLabel } from '../core/device-link.js';
import {
  cellOutcomes,
  deviceLabel,
  dimsLabel,
  failedOutcomes,
  gateAt,
  markGates,
  onHardware,
  recLabel,
  recommendationRule,
  sequentialText,
  trialsLabel,
} from '../report/format.js';
import type { Results } from '../report/results-schema.js';
import { turnOf, turnProfileNames, turnRecommendationRule } from '../report/turn-format.js';
import { plain, table } from './output.js';

/** The word for a check that did not pass, for the table and the lines under it alike: one source, so they never disagree. */
const OUTCOME_WORD = { fail: () => chalk.red('FAIL'), inconclusive: () => chalk.yellow('INCONCLUSIVE') } as const;
const outcomeWord = (status: string) => (status === 'fail' ? OUTCOME_WORD.fail() : OUTCOME_WORD.inconclusive());

/** A cell's checks column: "pass 3", or each kind of non-pass with its count ("FAIL 1/3", "INCONCLUSIVE 2/3"). */
export function checksCell(statuses: readonly string[]): string {
  if (statuses.length === 0) return chalk.dim('no rules');
  const failed = statuses.filter((s) => s === 'fail').length;
  const open = statuses.filter((s) => s !== 'fail' && s !== 'pass').length;
  if (failed === 0 && open === 0) return chalk.green(`pass ${statuses.length}`);
  const parts: string[] = [];
  if (failed > 0) parts.push(`${outcomeWord('fail')} ${failed}/${statuses.length}`);
  if (open > 0) parts.push(`${outcomeWord('inconclusive')} ${open}/${statuses.length}`);
  return parts.join(', ');
}

/** "1 of 4 checks FAIL, 2 INCONCLUSIVE": the closing line, in the words of the table and the lines above it. */
export function notPassing(statuses: readonly string[]): string {
  const failed = statuses.filter((s) => s === 'fail').length;
  const open = statuses.filter((s) => s !== 'fail' && s !== 'pass').length;
  const parts = [failed > 0 ? [failed, outcomeWord('fail')] : null, open > 0 ? [open, outcomeWord('inconclusive')] : null].filter((p) => p !== null);
  return parts.map(([n, word], i) => (i === 0 ? `${n} of ${statuses.length} checks ${word}` : `${n} ${word}`)).join(', ');
}

export function formatResultsSummary(results: Results, runDir: string | null): string {
  const lines: string[] = [];
  for (const r of results.runs) {
    const dev = plain(deviceLabel(r.device));
    lines.push(
      `${chalk.bold(r.scenario.name)} on ${onHardware(r) ? dev : chalk.yellow(dev)}${r.device.link?.connection === 'files' ? chalk.dim(` (${linkLabel(r.device.link)})`) : ''}`,
    );
    if (r.device.linkCaveat) lines.push(chalk.yellow(`⚠ ${r.device.linkCaveat}`));
  }
  // The three gates practitioners argue about, when the run evaluated them.
  const marks = markGates(results);
  for (const line of recommendationRule(results)) lines.push(chalk.dim(line));
  const profiles = turnProfileNames(results);
  if (profiles.length > 0) for (const line of turnRecommendationRule(results)) lines.push(chalk.dim(line));
  // One compact column: the recommended gate of each turn profile, in the header's order.
  const turnHead = profiles.length > 0 ? [`turn gate ${profiles.join(' / ')}`] : [];
  const rows = [['cell', 'trials', ...marks.map((g) => `leaks @${g} ms (upper bound)`), 'recommended gate', ...turnHead, 'checks'].map((h) => chalk.dim(h))];
  for (const c of results.cells) {
    const checks = checksCell(cellOutcomes(results, c).outcomes.map((o) => o.status));
    const rec = c.recommendation.status === 'recommended' ? chalk.bold(recLabel(c.recommendation)) : chalk.yellow(recLabel(c.recommendation));
    const leaks = marks.map((g) => {
      const x = gateAt(c, g);
      return x && x.decided > 0 ? `${x.leaks}/${x.decided} (≤ ${Math.round(x.upper * 100)} %)` : '–';
    });
    const turn = profiles.length > 0 ? [profiles.map((p) => (turnOf(c, p) ? recLabel(turnOf(c, p)!.recommendation) : '–')).join(' / ')] : [];
    rows.push([`${c.id} ${chalk.dim(dimsLabel(c.dims))}`, trialsLabel(c), ...leaks, rec, ...turn, checks]);
  }
  lines.push(table(rows));
  for (const c of results.cells) {
    const seq = sequentialText(c);
    if (seq) lines.push(`${c.id}: ${plain(seq)}`);
  }
  const failed = failedOutcomes(results);
  for (const f of failed.slice(0, 20)) lines.push(`${outcomeWord(f.status)} ${f.cell ?? '(no cell)'}: ${f.label} — ${plain(f.message)}`);
  if (failed.length > 20) lines.push(chalk.dim(`… ${failed.length - 20} more in junit.xml`));
  if (results.acceptance.length === 0)
    lines.push(chalk.yellow('no acceptance rules: this run cannot fail CI whatever it measured (exit 0); add rules to the scenario (docs/scenarios.md)'));
  if (results.acceptance.length > 0)
    lines.push(
      results.pass
        ? chalk.green(`acceptance: all ${results.acceptance.length} checks pass`)
        : `acceptance: ${notPassing(results.acceptance.map((a) => a.status))}`,
    );
  for (const w of results.warnings) lines.push(`${chalk.yellow('warning')}: ${plain(w)}`);
  if (runDir) lines.push(chalk.dim(`reports: ${join(runDir, 'report.html')} (also results.json, junit.xml, summary.md)`));
  return lines.join('\n');
}

export function printResultsSummary(results: Results, runDir: string | null): void {
  process.stdout.write(`${formatResultsSummary(results, runDir)}\n`);
}

/**
 * summary.md: the answer in a form a pull-request comment shows well — verdict, device
 * (simulated or not), one row per cell, the turn detectors' verdicts, the failed rules with
 * their numbers.
 */
import { linkLabel } from '../core/device-link.js';
import {
  cellOutcomes,
  dimsLabel,
  deviceLabel,
  displayGates,
  failedOutcomes,
  gateAt,
  leakCell,
  num,
  onHardware,
  recLabel,
  recommendationRule,
  sequentialText,
  trialsLabel,
} from './format.js';
import { renderTurnMarkdown } from './markdown-turns.js';
import type { Results } from './results-schema.js';

/** Pipes and newlines would break a table row. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** GitHub rejects comments over 65 536 characters; long matrices are cut with a note. */
const MAX_ROWS = 200;

export function renderMarkdown(results: Results): string {
  const out: string[] = [];
  const failed = failedOutcomes(results);
  const verdict =
    results.acceptance.length === 0 ? 'no acceptance rules' : results.pass ? 'PASS' : `FAIL (${failed.length} of ${results.acceptance.length} checks)`;
  out.push(`## voiceaec: ${results.pass ? '✅' : '❌'} ${verdict}`, '');
  for (const r of results.runs) {
    out.push(
      `**${r.scenario.name}** on ${onHardware(r) ? deviceLabel(r.device) : `⚠️ **${deviceLabel(r.device)}**`} · seed ${r.seed} · run \`${r.id}\` (${r.status})${r.device.link?.connection === 'files' ? ` · ${linkLabel(r.device.link)}` : ''}`,
    );
    if (r.device.linkCaveat) out.push('', `⚠️ ${r.device.linkCaveat}`, '');
  }
  out.push('');
  const rule = recommendationRule(results);
  if (rule.length > 0) out.push(...rule, '');

  const cells = results.cells;
  const gates = [...new Set(cells.flatMap(displayGates))].sort((a, b) => a - b);
  const multiRun = results.runs.length > 1;
  out.push(
    `| ${multiRun ? 'run | ' : ''}cell | trials | recommended gate | from acoustic end | ${gates.map((g) => `leaks @ ${g} ms`).join(' | ')} | echo loss (median) | checks |`,
  );
  out.push(`|${multiRun ? ' --- |' : ''} --- | ---: | --- | --- | ${gates.map(() => '---:').join(' | ')} | ---: | --- |`);
  for (const c of cells.slice(0, MAX_ROWS)) {
    const { outcomes: mine, bad } = cellOutcomes(results, c);
    const checks = mine.length === 0 ? '—' : bad === 0 ? `✅ ${mine.length}` : `❌ ${bad}/${mine.length}`;
    const el = c.levels.echoLossDb ? `${c.levels.echoLossLowerBounds > 0 ? '≥ ' : ''}${num(c.levels.echoLossDb.median, 'dB')}` : '—';
    const row = [
      ...(multiRun ? [c.run] : []),
      `${c.id}${Object.keys(c.dims).length > 0 ? ` (${dimsLabel(c.dims)})` : ''}`,
      `${trialsLabel(c)}${c.counts.failed ? ` (${c.counts.failed} failed)` : ''}`,
      recLabel(c.recommendation),
      recLabel(c.recommendationFromAcousticEnd),
      ...gates.map((g) => leakCell(gateAt(c, g))),
      el,
      checks,
    ];
    out.push(`| ${row.map(cell).join(' | ')} |`);
  }
  if (cells.length > MAX_ROWS) out.push('', `… ${cells.length - MAX_ROWS} more cells in results.json / report.html.`);
  const sequential = cells.filter((c) => c.sequential).slice(0, MAX_ROWS);
  if (sequential.length > 0) {
    out.push('', '### Sequential trials', '');
    for (const c of sequential) out.push(`- \`${c.id}\`: ${cell(sequentialText(c)!)}`);
  }
  out.push(...renderTurnMarkdown(results));

  if (failed.length > 0) {
    out.push('', '### Failed checks', '');
    for (const f of failed.slice(0, 100))
      out.push(`- ${f.status === 'inconclusive' ? '⚠️' : '❌'} \`${f.cell ?? '(no cell)'}\` — ${f.label}: ${cell(f.message)}`);
    if (failed.length > 100) out.push(`- … ${failed.length - 100} more in junit.xml`);
  }
  const notes = cells.filter((c) => c.recommendation.status !== 'recommended').slice(0, 20);
  if (notes.length > 0) {
    out.push('', '### Why no gate is recommended', '');
    for (const c of notes) out.push(`- \`${c.id}\`: ${cell(c.recommendation.message)}`);
  }
  const mism = cells.filter((c) => c.mismatches.length > 0 || c.configErrors.length > 0);
  if (mism.length > 0) {
    out.push('', '### Configuration not honoured', '');
    for (const c of mism.slice(0, 50)) out.push(`- \`${c.id}\`: ${cell([...c.mismatches, ...c.configErrors.map((e) => e.code)].join('; '))}`);
  }
  out.push('');
  return out.join('\n');
}

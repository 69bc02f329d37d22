/**
 * A cell's turn detectors in report.html (docs/vad.md): per profile the false barge-in at
 * the displayed gates, the recommended gate with its reason and the self-interruption during
 * playback, under the rule and each profile's source. Its curves are in the cell's leak-rate
 * plot (src/report-client/leak-chart.ts).
 */
import type { CellResult } from '../analysis/turn-results.js';
import { displayGates, recLabel } from './format.js';
import { esc } from './html-escape.js';
import type { Results } from './results-schema.js';
import { turnRateCell, turnRecommendationRule } from './turn-format.js';

export function turnSection(results: Results, c: CellResult): string {
  if (c.turns.length === 0) return '';
  const run = results.runs.find((r) => r.id === c.run);
  const gates = displayGates(c);
  const rows = c.turns.flatMap((t) => {
    const p = run?.vad.profiles.find((x) => x.name === t.profile);
    const name = p ? `<span title="${esc(`${p.description} — ${p.source}`)}">${esc(t.profile)}</span>` : esc(t.profile);
    const rec = `<b>${esc(recLabel(t.recommendation))}</b><div class="small muted">${esc(t.recommendation.message)}</div>`;
    const row = `<tr data-profile="${esc(t.profile)}"><td>${name}</td>${gates.map((g) => `<td class="num">${esc(turnRateCell(t.gates.find((x) => x.gateMs === g)))}</td>`).join('')}<td class="wrap">${rec}</td><td class="num">${esc(turnRateCell(t.selfInterruption))}</td></tr>`;
    const r = t.rms2;
    if (!r) return [row];
    // The cell's own rms2 gate, per cooldown; self-interruption is the open mic's, in the row above.
    const rRec = `<b>${esc(recLabel(r.recommendation))}</b><div class="small muted">${esc(r.recommendation.message)}</div>`;
    return [
      row,
      `<tr data-profile="${esc(t.profile)}" data-gate="rms2"><td>${name} <span class="small muted">behind rms2 (${r.thresholdDbfs} dBFS)</span></td>${gates.map((g) => `<td class="num">${esc(turnRateCell(r.gates.find((x) => x.gateMs === g)))}</td>`).join('')}<td class="wrap">${rRec}</td><td class="num muted">↑</td></tr>`,
    ];
  });
  const rule = turnRecommendationRule({ ...results, cells: [c] }).join(' ');
  return `<h3>Turn detectors: would the agent hear its own voice?</h3>
<div class="scroll"><table class="turns"><thead><tr><th>profile</th>${gates.map((g) => `<th>false barge-in @ ${g} ms</th>`).join('')}<th>recommended gate</th><th>self-interruption during playback</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>
<p class="small muted">${esc(rule)} False barge-in: the profile declares “user started speaking” after the gate; self-interruption: it interrupts the agent during playback, with the mic open. Cells show fired / decided trials (rate, upper bound) and undecided trials. VAD: ${esc(c.turns[0]!.engine || 'none ran')}; profiles reproduce framework defaults (hover for the source; docs/vad.md).</p>`;
}

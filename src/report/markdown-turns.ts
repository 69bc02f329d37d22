/**
 * The turn-detector part of summary.md (docs/reports.md § summary.md): per cell a table of
 * the profiles — false barge-in at the mark gates with upper bounds, the recommended gate,
 * self-interruption during playback — under the rule that decides the recommendation.
 */
import { recLabel, displayGates, dimsLabel, onHardware } from './format.js';
import type { Results } from './results-schema.js';
import { turnOf, turnProfileNames, turnRateCell, turnRecommendationRule } from './turn-format.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** Tables for this many cells at most: summary.md must stay under GitHub's comment limit. */
const MAX_CELLS = 50;

export function renderTurnMarkdown(results: Results): string[] {
  const profiles = turnProfileNames(results);
  const cells = results.cells.filter((c) => c.turns.length > 0);
  if (profiles.length === 0 || cells.length === 0) return [];
  const out = ['', '### Would the agent’s turn detector hear its own voice?', ''];
  if (results.runs.some((r) => !onHardware(r))) out.push('⚠️ **SIMULATED** device: these verdicts are on a model’s mic audio, not an iPhone’s.', '');
  out.push(...turnRecommendationRule(results), '');
  out.push(
    'False barge-in: the profile declares "user started speaking" after the gate. Self-interruption: it interrupts the agent during playback (mic open).',
    '',
  );
  for (const c of cells.slice(0, MAX_CELLS)) {
    const gates = displayGates(c);
    out.push(
      `**${cell(c.id)}**${Object.keys(c.dims).length > 0 ? ` (${cell(dimsLabel(c.dims))})` : ''}${results.runs.length > 1 ? ` · run \`${c.run}\`` : ''}`,
      '',
    );
    out.push(`| profile | ${gates.map((g) => `false barge-in @ ${g} ms`).join(' | ')} | recommended gate | self-interruption during playback |`);
    out.push(`| --- | ${gates.map(() => '---:').join(' | ')} | --- | ---: |`);
    for (const p of profiles) {
      const t = turnOf(c, p);
      if (!t) continue;
      const row = [p, ...gates.map((g) => turnRateCell(t.gates.find((x) => x.gateMs === g))), recLabel(t.recommendation), turnRateCell(t.selfInterruption)];
      out.push(`| ${row.map(cell).join(' | ')} |`);
      // The cell's own rms2 gate: cooldowns instead of hard gates; self-interruption is the open mic's, above.
      const r = t.rms2;
      if (r)
        out.push(
          `| ${[`${p}, rms2 ${r.thresholdDbfs} dBFS`, ...gates.map((g) => turnRateCell(r.gates.find((x) => x.gateMs === g))), recLabel(r.recommendation), '↑'].map(cell).join(' | ')} |`,
        );
    }
    out.push('');
  }
  if (cells.length > MAX_CELLS) out.push(`… ${cells.length - MAX_CELLS} more cells in results.json / report.html.`, '');
  return out;
}

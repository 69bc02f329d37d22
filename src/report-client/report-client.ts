/**
 * The browser side of report.html, bundled by esbuild into dist/report-client.js and inlined
 * after uPlot: draws each cell's plots from the JSON block, a trial's plot and players when its
 * row is first opened, and refits the plots when the window changes. The tables are already
 * in the HTML, so a page whose data cannot be read says so in place of the plots.
 */
import { audioRow } from './audio-row.js';
import { leakChart } from './leak-chart.js';
import { PlotSet } from './plot-set.js';
import { readReportData } from './report-data.js';
import { residualChart } from './residual-chart.js';
import { trialChart } from './trial-chart.js';

const plots = new PlotSet();
const data = readReportData(document);

if ('error' in data) {
  for (const el of document.querySelectorAll<HTMLElement>('.plot')) el.textContent = `Plots unavailable: ${data.error}. The tables above hold every number.`;
} else {
  for (const c of data.cells) {
    const leak = document.getElementById(`${c.key}-leak`);
    const res = document.getElementById(`${c.key}-res`);
    if (leak) leakChart(plots, leak, c, data.marks);
    if (res) residualChart(plots, res, c, data.marks);
  }
}

// A trial's row opens and closes without data; its plot and players are built on first opening.
document.addEventListener('click', (ev) => {
  const btn = ev.target instanceof Element ? ev.target.closest<HTMLButtonElement>('button.t') : null;
  if (!btn) return;
  const ti = btn.getAttribute('data-t');
  const row = document.getElementById(`d${ti}`);
  if (!row) return;
  const open = row.hidden;
  row.hidden = !open;
  btn.setAttribute('aria-expanded', String(open));
  if (open && !row.getAttribute('data-drawn') && !('error' in data)) {
    row.setAttribute('data-drawn', '1');
    const t = data.trials[Number(ti)];
    const plot = row.querySelector<HTMLElement>('.plot');
    const players = row.querySelector<HTMLElement>('.audio');
    if (t && plot) trialChart(plots, plot, t, data.marks);
    if (t && players) audioRow(players, t.audio);
  }
});

let timer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(timer);
  timer = setTimeout(() => plots.fitVisible(), 150);
});

// Tests and tools wait for this: the number of plots drawn at load.
document.documentElement.setAttribute('data-plots', String(plots.count));

/** A cell's residual echo after the drain: median and worst trial over the noise floor. */
import type { ClientCell } from '../report/client-data.js';
import { gateMarks } from './marks.js';
import type { PlotSet } from './plot-set.js';
import { fmtDb, fmtMs } from './value-formats.js';

export function residualChart(plots: PlotSet, el: HTMLElement, c: ClientCell, marks: number[]): void {
  const r = c.res;
  const n = Math.max(r.median.length, r.worst ? r.worst.length : 0);
  if (n === 0) {
    el.textContent = 'no residual envelope (no analysed trial)';
    return;
  }
  const x: number[] = [];
  const med: Array<number | null> = [];
  const worst: Array<number | null> = [];
  // The y range always shows the noise floor and a little above the detector's threshold.
  let lo = -3;
  let hi = r.thr + 6;
  for (let k = 0; k < n; k++) {
    x.push(k * r.frameMs);
    const a = k < r.median.length ? r.median[k]! : null;
    const b = r.worst && k < r.worst.length ? r.worst[k]! : null;
    med.push(a);
    worst.push(b);
    if (a != null) {
      lo = Math.min(lo, a);
      hi = Math.max(hi, a);
    }
    if (b != null) {
      lo = Math.min(lo, b);
      hi = Math.max(hi, b);
    }
  }
  plots.add(
    el,
    320,
    {
      scales: { x: { time: false }, y: { range: [Math.floor(lo - 1), Math.ceil(hi + 2)] } },
      axes: [{ label: 'ms after drain' }, { label: 'dB over noise floor' }],
      series: [
        { label: 'ms', value: fmtMs },
        { label: 'median trial', stroke: '#1f6feb', width: 2, value: fmtDb },
        { label: `worst trial${r.worstTrial != null ? ` (#${r.worstTrial})` : ''}`, stroke: '#b3261e', width: 1, value: fmtDb },
      ],
    },
    [x, med, worst],
    gateMarks(marks, c.rec),
    [
      { v: r.thr, label: `detector ${r.thr} dB`, color: '#b3261e' },
      { v: 0, label: 'noise floor', color: '#6b7280' },
    ],
  );
}

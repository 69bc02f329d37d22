/** A cell's leak rate per gate, with its confidence band and the target, and each turn profile's false barge-in rate. */
import type { ClientCell, PercentSeries } from '../report/client-data.js';
import { gateMarks } from './marks.js';
import type { PlotSet } from './plot-set.js';
import { fmtMs, fmtPct } from './value-formats.js';

export function leakChart(plots: PlotSet, el: HTMLElement, c: ClientCell, marks: number[]): void {
  const maxG = c.gates.length ? c.gates[c.gates.length - 1]! : 1000;
  const series = [
    { label: 'gate', value: fmtMs },
    { label: 'leak rate', stroke: '#b3261e', width: 2, points: { show: true, size: 7 }, value: fmtPct },
    { label: 'upper bound', stroke: 'rgba(179,38,30,.5)', dash: [4, 3], value: fmtPct },
    { label: 'lower bound', stroke: 'rgba(179,38,30,.5)', dash: [4, 3], value: fmtPct },
    { label: 'from acoustic end', stroke: '#1f6feb', width: 1.5, dash: [2, 2], points: { show: true, size: 4 }, value: fmtPct },
  ];
  const data: [number[], ...PercentSeries[]] = [c.gates, c.rate, c.upper, c.lower, c.rateAc];
  if (c.rms2) {
    series.push({ label: 'rms2 gate', stroke: '#7b3fb5', width: 1.5, points: { show: true, size: 4 }, value: fmtPct });
    data.push(c.rms2);
  }
  // Apart from the energy detector's red and blue and the rms2 gate's purple.
  const turnColours = ['#e8710a', '#188038', '#8d6e63', '#5f6368', '#c2185b'];
  for (const [i, t] of c.turns.entries()) {
    series.push({
      label: `${t.profile} false barge-in`,
      stroke: turnColours[i % turnColours.length]!,
      width: 1.5,
      points: { show: true, size: 5 },
      value: fmtPct,
    });
    data.push(t.rate);
  }
  const xMax = Math.max(maxG * 1.04, 100);
  plots.add(
    el,
    320,
    {
      // The x axis always reaches past the longest gate, so its mark and label stay inside.
      scales: { x: { time: false, range: (_u, _min, max) => [0, Math.max(xMax, max)] }, y: { range: [0, 100] } },
      axes: [{ label: 'gate after drain (ms)' }, { label: 'leak rate (%)' }],
      series,
      bands: [{ series: [2, 3], fill: 'rgba(179,38,30,.13)' }],
    },
    data,
    gateMarks(marks, c.rec),
    [{ v: c.target, label: `target ${c.target} %`, color: '#137333' }],
  );
}

/** One trial's reference and mic envelopes with its events and the marked gates after its drain. */
import type { ClientTrial } from '../report/client-data.js';
import { decodeEnvelope } from './envelope.js';
import type { Mark } from './marks.js';
import type { PlotSet } from './plot-set.js';
import { fmtDb, fmtMs } from './value-formats.js';

/** Events too frequent (chunks) or always at 0 (mic start) to be worth a line. */
const UNMARKED = new Set(['chunkAppended', 'micStarted']);
const SHORT_NAMES = new Map([
  ['bufferDrained', 'drain'],
  ['playbackStarted', 'playback'],
]);

export function trialChart(plots: PlotSet, el: HTMLElement, t: ClientTrial, marks: number[]): void {
  const ref = decodeEnvelope(t.ref);
  const mic = decodeEnvelope(t.mic);
  if (!ref && !mic) {
    el.textContent = t.note || 'no audio recorded for this trial';
    return;
  }
  const n = Math.max(ref ? ref.length : 0, mic ? mic.length : 0);
  const x: number[] = [];
  for (let k = 0; k < n; k++) x.push(k * t.step);
  // Both series span the longer recording; the shorter one ends in a gap.
  const pad = (a: Array<number | null> | null): Array<number | null> => {
    if (!a) return x.map(() => null);
    while (a.length < n) a.push(null);
    return a;
  };
  const xs: Mark[] = [];
  for (const [type, tMs] of t.ev) {
    if (UNMARKED.has(type)) continue;
    xs.push({ v: tMs, label: SHORT_NAMES.get(type) ?? type, color: type === 'error' ? '#b3261e' : '#374151', solid: true });
  }
  if (t.acEnd != null) xs.push({ v: t.acEnd, label: 'acoustic end', color: '#1f6feb', solid: true });
  const drain = t.drain;
  if (drain != null) for (const g of marks) xs.push({ v: drain + g, label: `+${g}`, color: '#9ca3af' });
  plots.add(
    el,
    280,
    {
      scales: { x: { time: false }, y: { range: [-100, 0] } },
      axes: [{ label: 'ms from first mic sample' }, { label: 'peak dBFS' }],
      series: [
        { label: 'ms', value: fmtMs },
        { label: 'reference (played)', stroke: '#6b7280', width: 1, value: fmtDb },
        { label: 'mic (before gate)', stroke: '#b3261e', width: 1.2, value: fmtDb },
      ],
    },
    [x, pad(ref), pad(mic)],
    xs,
    [],
  );
}

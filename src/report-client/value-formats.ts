/** Legend values of the plots; uPlot hands a formatter null where a series has a gap. */
import type UPlot from 'uplot';

type Formatter = (u: UPlot, v: number | null) => string;

export const fmtPct: Formatter = (_u, v) => (v == null ? '—' : `${v.toFixed(1)} %`);
export const fmtMs: Formatter = (_u, v) => (v == null ? '—' : `${v} ms`);
export const fmtDb: Formatter = (_u, v) => (v == null ? '—' : `${v.toFixed(1)} dB`);

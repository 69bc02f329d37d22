/** Labelled vertical and horizontal lines drawn over a plot: gates, events, thresholds. */
import type UPlot from 'uplot';

export interface Mark {
  /** Position on the x scale (vertical marks) or the y scale (horizontal ones). */
  v: number;
  label: string;
  color: string;
  /** Vertical marks are dashed unless solid; horizontal ones are always dotted. */
  solid?: boolean;
}

const dpr = window.devicePixelRatio || 1;

export function drawMarks(u: UPlot, xs: Mark[], ys: Mark[]): void {
  const ctx = u.ctx;
  const b = u.bbox;
  ctx.save();
  ctx.font = `${Math.round(11 * dpr)}px system-ui, sans-serif`;
  ctx.lineWidth = dpr;
  xs.forEach((m, i) => {
    const x = Math.round(u.valToPos(m.v, 'x', true));
    if (!(x >= b.left && x <= b.left + b.width)) return;
    ctx.strokeStyle = m.color;
    ctx.fillStyle = m.color;
    ctx.setLineDash(m.solid ? [] : [5 * dpr, 4 * dpr]);
    ctx.beginPath();
    ctx.moveTo(x, b.top);
    ctx.lineTo(x, b.top + b.height);
    ctx.stroke();
    // Labels step down in three rows so that neighbouring marks do not overprint.
    if (m.label) ctx.fillText(m.label, x + 3 * dpr, b.top + (12 + 12 * (i % 3)) * dpr);
  });
  ys.forEach((m) => {
    const y = Math.round(u.valToPos(m.v, 'y', true));
    if (!(y >= b.top && y <= b.top + b.height)) return;
    ctx.strokeStyle = m.color;
    ctx.fillStyle = m.color;
    ctx.setLineDash([2 * dpr, 3 * dpr]);
    ctx.beginPath();
    ctx.moveTo(b.left, y);
    ctx.lineTo(b.left + b.width, y);
    ctx.stroke();
    if (m.label) ctx.fillText(m.label, b.left + b.width - ctx.measureText(m.label).width - 4 * dpr, y - 3 * dpr);
  });
  ctx.restore();
}

/** The report's marked gates, plus the cell's recommended gate when it has one. */
export function gateMarks(marks: number[], rec: number | null): Mark[] {
  const m: Mark[] = marks.map((g) => ({ v: g, label: `${g} ms`, color: '#6b7280' }));
  if (rec != null) m.push({ v: rec, label: `recommended ${rec} ms`, color: '#137333', solid: true });
  return m;
}

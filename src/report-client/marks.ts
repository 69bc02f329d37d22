/**
 * Labelled vertical and horizontal lines over a plot: gates, events, thresholds. The lines are
 * drawn on uPlot's canvas; the labels are HTML boxes in uPlot's overlay (above the traces, on
 * a light background), laid out so that no two overlap: each vertical mark's label takes the
 * highest row where it touches nothing already placed, and flips to the left of its line at
 * the right edge. Being elements, they can be checked by the browser test (no overlap).
 */
import type UPlot from 'uplot';

export interface Mark {
  /** Position on the x scale (vertical marks) or the y scale (horizontal ones). */
  v: number;
  label: string;
  color: string;
  /** Vertical marks are dashed unless solid; horizontal ones are always dotted. */
  solid?: boolean;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

const GAP = 3;
const dpr = () => window.devicePixelRatio || 1;

const overlaps = (a: Box, b: Box) =>
  a.left < b.left + b.width + GAP && b.left < a.left + a.width + GAP && a.top < b.top + b.height + 1 && b.top < a.top + a.height + 1;

function drawLines(u: UPlot, xs: Mark[], ys: Mark[]): void {
  const ctx = u.ctx;
  const b = u.bbox;
  const r = dpr();
  ctx.save();
  ctx.lineWidth = r;
  for (const m of xs) {
    const x = Math.round(u.valToPos(m.v, 'x', true));
    if (!(x >= b.left && x <= b.left + b.width)) continue;
    ctx.strokeStyle = m.color;
    ctx.setLineDash(m.solid ? [] : [5 * r, 4 * r]);
    ctx.beginPath();
    ctx.moveTo(x, b.top);
    ctx.lineTo(x, b.top + b.height);
    ctx.stroke();
  }
  for (const m of ys) {
    const y = Math.round(u.valToPos(m.v, 'y', true));
    if (!(y >= b.top && y <= b.top + b.height)) continue;
    ctx.strokeStyle = m.color;
    ctx.setLineDash([2 * r, 3 * r]);
    ctx.beginPath();
    ctx.moveTo(b.left, y);
    ctx.lineTo(b.left + b.width, y);
    ctx.stroke();
  }
  ctx.restore();
}

function labelEl(layer: HTMLElement, m: Mark): HTMLElement {
  const el = document.createElement('span');
  el.className = 'mk';
  el.textContent = m.label;
  el.style.color = m.color;
  layer.appendChild(el);
  return el;
}

const place = (el: HTMLElement, b: Box) => {
  el.style.left = `${Math.round(b.left)}px`;
  el.style.top = `${Math.round(b.top)}px`;
};

/** The labels, in CSS pixels of the plotting area (uPlot's overlay). */
function layoutLabels(u: UPlot, xs: Mark[], ys: Mark[]): void {
  let layer = u.over.querySelector<HTMLElement>(':scope > .mks');
  if (!layer) {
    layer = document.createElement('div');
    layer.className = 'mks';
    u.over.appendChild(layer);
  }
  layer.textContent = '';
  const W = u.over.clientWidth;
  const H = u.over.clientHeight;
  const placed: Box[] = [];
  // Horizontal marks first: their label sits at the right end, above the line (below it near the top).
  for (const m of ys) {
    const y = u.valToPos(m.v, 'y');
    if (!m.label || !(y >= 0 && y <= H)) continue;
    const el = labelEl(layer, m);
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    let box: Box = { left: W - w - 2, top: y - h - 1, width: w, height: h };
    if (box.top < 0 || placed.some((p) => overlaps(p, box))) box = { ...box, top: y + 1 };
    if (box.top + h > H) box = { ...box, top: Math.max(0, y - h - 1) };
    placed.push(box);
    place(el, box);
  }
  const vertical = xs
    .map((m) => ({ m, x: u.valToPos(m.v, 'x') }))
    .filter(({ m, x }) => m.label && x >= 0 && x <= W)
    .sort((a, b) => a.x - b.x);
  for (const { m, x } of vertical) {
    const el = labelEl(layer, m);
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    const left = x + GAP + w <= W ? x + GAP : Math.max(0, x - GAP - w);
    let box: Box = { left, top: 2, width: w, height: h };
    for (let top = 2; top + h <= H; top += h + 1) {
      box = { left, top, width: w, height: h };
      if (!placed.some((p) => overlaps(p, box))) break;
    }
    placed.push(box);
    place(el, box);
  }
}

export function drawMarks(u: UPlot, xs: Mark[], ys: Mark[]): void {
  drawLines(u, xs, ys);
  layoutLabels(u, xs, ys);
}

/** The report's marked gates, plus the cell's recommended gate when it has one (its line replaces a mark at the same gate). */
export function gateMarks(marks: number[], rec: number | null): Mark[] {
  const m: Mark[] = marks.filter((g) => g !== rec).map((g) => ({ v: g, label: `${g} ms`, color: '#6b7280' }));
  if (rec != null) m.push({ v: rec, label: `recommended ${rec} ms`, color: '#137333', solid: true });
  return m;
}

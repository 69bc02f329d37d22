/** The plots drawn on the page, kept so that they follow the width of their boxes. */
import type UPlot from 'uplot';
import { drawMarks, type Mark } from './marks.js';

/** A plot's options without what the set decides: size, legend and the mark hook. */
export type PlotOptions = Omit<UPlot.Options, 'width' | 'height' | 'legend' | 'hooks'>;

interface Drawn {
  el: HTMLElement;
  u: UPlot;
  height: number;
}

const width = (el: HTMLElement) => Math.max(260, Math.floor(el.clientWidth || 600));

export class PlotSet {
  private readonly drawn: Drawn[] = [];

  get count(): number {
    return this.drawn.length;
  }

  add(el: HTMLElement, height: number, opts: PlotOptions, data: UPlot.AlignedData, xs: Mark[], ys: Mark[]): UPlot {
    const u = new uPlot(
      {
        ...opts,
        width: width(el),
        height,
        legend: { live: false }, // the tables hold the exact numbers; a static legend reads better
        hooks: { draw: [(p) => drawMarks(p, xs, ys)] },
      },
      data,
      el,
    );
    this.drawn.push({ el, u, height });
    return u;
  }

  /** Hidden plots (a closed trial) keep their size until they are shown and the window changes again. */
  fitVisible(): void {
    for (const p of this.drawn) if (p.el.offsetParent !== null) p.u.setSize({ width: width(p.el), height: p.height });
  }
}

/*
 * uPlot is inlined in report.html from its own minified IIFE build, ahead of this bundle, and
 * used from that global rather than bundled here: the page then carries uPlot once, exactly as
 * the package ships it, and an esbuild bundle of uPlot's ESM build was no smaller. Only its
 * types come from the package (dist/uPlot.d.ts); the value is the global the IIFE sets.
 */
import type UPlot from 'uplot';

declare global {
  const uPlot: typeof UPlot;
}

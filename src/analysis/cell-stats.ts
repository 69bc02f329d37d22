/** Small statistics of a cell: medians and spreads, leak rates with their Wilson interval, trials still needed. */
import { round } from '../core/units.js';
import { trialsNeeded, wilsonInterval } from '../dsp/wilson.js';
import type { Rate, Spread } from './cell-schema.js';

export const r1 = (x: number) => round(x, 1);
export const r2 = (x: number) => round(x, 2);
export const r4 = (x: number) => round(x, 4);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function spread(xs: Array<number | null | undefined>): Spread | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  return { n: v.length, median: r2(median(v)), min: r2(Math.min(...v)), max: r2(Math.max(...v)) };
}

export function rateOf(leaks: number, decided: number, confidence: number): Rate {
  const w = wilsonInterval(leaks, decided, confidence);
  return { leaks, decided, rate: decided === 0 ? null : r4(w.rate), lower: r4(w.lower), upper: r4(w.upper) };
}

/** "16.1 %" — rates print with one decimal, whole numbers without. */
export function pct(x: number | null): string {
  if (x === null) return '—';
  const v = round(x * 100, 1);
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} %`;
}

/**
 * Smallest number of decided trials n ≥ `decided` at which `leaks` leaks give a Wilson upper
 * bound ≤ target, assuming no further leaks. With 0 leaks this is trialsNeeded(); null when
 * the observed rate alone already misses the target (more clean trials cannot rescue it
 * only in the limit; we report that as "no gate meets" instead).
 */
export function trialsNeededFor(leaks: number, decided: number, target: number, confidence: number): number | null {
  if (leaks === 0) return trialsNeeded(target, confidence);
  if (decided > 0 && leaks / decided >= target) return null;
  const ok = (n: number) => wilsonInterval(leaks, n, confidence).upper <= target;
  let hi = Math.max(decided, leaks, 1);
  while (!ok(hi)) {
    hi *= 2;
    if (hi > 1e9) return null;
  }
  let lo = Math.max(decided, leaks);
  if (ok(lo)) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

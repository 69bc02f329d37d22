/**
 * Normalised cross-correlation of a short segment against a longer source over a lag
 * range, by FFT. Used to ask "is this post-gate energy my own speech coming back?":
 * the score is the correlation coefficient at the best lag, so 1 means the segment is a
 * scaled, delayed copy of the source and values near the chance level mean it is not.
 */
import { goodFftSize, realFft } from './fft.js';

export interface NormalizedXcorrResult {
  /** Best |correlation coefficient| over the lag range, 0…1. */
  score: number;
  /** Lag (samples) of the best score: the segment matches source[start − lag …]. */
  lag: number;
  /** The same statistic against the time-reversed source: what chance alone reaches here. */
  chance: number;
}

/**
 * y is a segment that starts at sample `start` of the source's time axis; lags τ in
 * [lagFrom, lagTo] compare y[t] with source[start + t − τ]. Lags where the source window
 * holds under 1 % of the best window's energy are skipped (silence would make the
 * coefficient meaningless). Returns null when y or the source window is silent.
 */
export function normalizedXcorr(
  y: Float32Array,
  source: Float32Array,
  start: number,
  lagFrom: number,
  lagTo: number,
): NormalizedXcorrResult | null {
  const L = y.length;
  const span = lagTo - lagFrom;
  if (L === 0 || span < 0) return null;
  let ey = 0;
  for (let i = 0; i < L; i++) ey += y[i]! * y[i]!;
  if (ey <= 1e-14 * L) return null;
  // w[j] = source[start − lagTo + j], j ∈ [0, span + L): the part of the source any lag can reach.
  const w = new Float32Array(span + L);
  const off = start - lagTo;
  for (let j = 0; j < w.length; j++) {
    const i = off + j;
    if (i >= 0 && i < source.length) w[j] = source[i]!;
  }
  const best = (src: Float32Array) => bestCoefficient(y, ey, src, span);
  const fwd = best(w);
  if (!fwd) return null;
  const chance = best(w.slice().reverse());
  // Window j corresponds to lag τ = lagTo − j.
  return { score: fwd.score, lag: lagTo - fwd.index, chance: chance?.score ?? 0 };
}

function bestCoefficient(y: Float32Array, ey: number, w: Float32Array, span: number): { score: number; index: number } | null {
  const L = y.length;
  const n = goodFftSize(w.length + L);
  const plan = realFft(n);
  const Y = plan.forward(y);
  const W = plan.forward(w);
  // z[j] = Σ_t y[t]·w[t + j]  ⇔  Z = conj(Y)·W
  const Z = new Float32Array(n);
  Z[0] = Y[0]! * W[0]!;
  Z[1] = Y[1]! * W[1]!;
  for (let k = 1; k < n / 2; k++) {
    const yr = Y[2 * k]!, yi = Y[2 * k + 1]!, wr = W[2 * k]!, wi = W[2 * k + 1]!;
    Z[2 * k] = yr * wr + yi * wi;
    Z[2 * k + 1] = yr * wi - yi * wr;
  }
  const z = plan.inverse(Z);
  // Energy of each window w[j, j + L) by a running sum.
  const cum = new Float64Array(w.length + 1);
  for (let j = 0; j < w.length; j++) cum[j + 1] = cum[j]! + w[j]! * w[j]!;
  let maxE = 0;
  for (let j = 0; j <= span; j++) maxE = Math.max(maxE, cum[j + L]! - cum[j]!);
  if (maxE <= 1e-14 * L) return null;
  let score = 0;
  let index = 0;
  for (let j = 0; j <= span; j++) {
    const e = cum[j + L]! - cum[j]!;
    if (e < 0.01 * maxE) continue;
    const c = Math.abs(z[j]!) / Math.sqrt(ey * e);
    if (c > score) {
      score = c;
      index = j;
    }
  }
  return { score: Math.min(1, score), index };
}

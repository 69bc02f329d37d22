/**
 * Normalised cross-correlation of a short segment against a longer source over a lag
 * range, by FFT. Used to ask "is this post-gate energy my own speech coming back?":
 * the score is the correlation coefficient at the best lag, so 1 means the segment is a
 * scaled, delayed copy of the source and values near the chance level mean it is not.
 */
import { goodFftSize, realFft, WorkArrays } from './fft.js';
import { sumOfSquares } from './levels.js';

/** Temporaries of one call, kept for the next (see WorkArrays): attribution runs once per leaking gate. */
const work = new WorkArrays();

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
export function normalizedXcorr(y: Float32Array, source: Float32Array, start: number, lagFrom: number, lagTo: number): NormalizedXcorrResult | null {
  const L = y.length;
  const span = lagTo - lagFrom;
  if (L === 0 || span < 0) return null;
  const ey = sumOfSquares(y);
  if (ey <= 1e-14 * L) return null;
  // w[j] = source[start − lagTo + j], j ∈ [0, M): the part of the source any lag can reach.
  const M = span + L;
  const w = work.float32('w', M).fill(0);
  const off = start - lagTo;
  const from = Math.max(0, off);
  const to = Math.min(source.length, off + M);
  if (to > from) w.set(source.subarray(from, to), from - off);

  // Energy of each window w[j, j + L) by a running sum.
  const cum = work.float64('cum', M + 1);
  cum[0] = 0;
  for (let j = 0; j < M; j++) cum[j + 1] = cum[j]! + w[j]! * w[j]!;
  let maxE = 0;
  for (let j = 0; j <= span; j++) maxE = Math.max(maxE, cum[j + L]! - cum[j]!);
  if (maxE <= 1e-14 * L) return null;

  // Against w:           z[j] = Σ_t y[t]·w[t + j]                ⇔ Z = conj(Y)·W
  // Against reversed w:  Σ_t y[t]·w[M−1−t−j] = (y ∗ w)[M−1−j]    ⇔ C = Y·W
  // The chance level needs no transform of its own. Both stay free of wrap-around for
  // j ∈ [0, span] with n ≥ M.
  const n = goodFftSize(M);
  const plan = realFft(n);
  const Y = plan.forward(y, work.float32('Y', n));
  const W = plan.forward(w, work.float32('W', n));
  const Z = work.float32('Z', n);
  Z[0] = Y[0]! * W[0]!;
  Z[1] = Y[1]! * W[1]!;
  for (let k = 1; k < n / 2; k++) {
    const yr = Y[2 * k]!,
      yi = Y[2 * k + 1]!,
      wr = W[2 * k]!,
      wi = W[2 * k + 1]!;
    Z[2 * k] = yr * wr + yi * wi;
    Z[2 * k + 1] = yr * wi - yi * wr;
    W[2 * k] = yr * wr - yi * wi;
    W[2 * k + 1] = yr * wi + yi * wr;
  }
  W[0] = Z[0]!;
  W[1] = Z[1]!;
  const z = plan.inverseUnscaled(Z, Z);
  const c = plan.inverseUnscaled(W, W);

  // Window j of w is lag τ = lagTo − j. The reversed w has the same windows in reverse
  // order; the one over the samples of window j scores c[L − 1 + j]: one loop does both.
  let score = 0,
    index = 0,
    chance = 0;
  for (let j = 0; j <= span; j++) {
    const e = cum[j + L]! - cum[j]!;
    if (e < 0.01 * maxE) continue;
    const unit = 1 / (n * Math.sqrt(ey * e)); // 1/n: the inverses are unscaled
    const fwd = Math.abs(z[j]!) * unit;
    if (fwd > score) [score, index] = [fwd, j];
    chance = Math.max(chance, Math.abs(c[L - 1 + j]!) * unit);
  }
  return { score: Math.min(1, score), lag: lagTo - index, chance: Math.min(1, chance) };
}

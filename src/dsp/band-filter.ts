/**
 * Zero-phase filtering by spectral masks: multiply a signal's FFT by a real gain(f).
 * Exact band edges (the 300–6700 Hz of echo-loss measurements) without the phase
 * distortion of IIR filters, and cheap because PFFFT is fast.
 *
 * Edges are raised-cosine in log-frequency, about 1/6 octave wide, rather than brick-wall:
 * a brick-wall mask rings for as long as the signal (sinc tails), which would smear the
 * decays and gate edges measured downstream.
 *
 * The analysis front end (`maskedDecimate`) works on a spectrum computed once per signal:
 * the band-limited signal is taken back to the time domain at a lower rate by an inverse
 * FFT over only the bins below the new Nyquist — decimation for free, since nothing above
 * the band survives the mask anyway.
 */
import { goodFftSize, isPffftSize, realFft, WorkArrays } from './fft.js';

/** Width of each raised-cosine band edge, in octaves (centred on the nominal edge). */
export const EDGE_TRANSITION_OCTAVES = 1 / 6;

/** Minimum zero padding: longer than the ringing of a 1/6-octave edge at ~40 Hz. */
const MIN_PAD_S = 0.5;

/** 0 → 1 raised-cosine step in log2-frequency, 0.5 (−6 dB) at `edgeHz`. */
function risingEdge(hz: number, edgeHz: number, widthOct: number): number {
  if (hz <= 0) return 0;
  const u = Math.log2(hz / edgeHz) / widthOct + 0.5;
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * u);
}

/**
 * Gain of a band-pass from `lowHz` to `highHz` with raised-cosine edges `widthOct` octaves
 * wide, −6 dB at each edge. Adjacent bands sharing an edge sum to exactly 1 (amplitude
 * complementary), so a filter bank splits a signal without gaps or overlap bumps.
 */
export function bandPassGain(lowHz: number, highHz: number, widthOct = EDGE_TRANSITION_OCTAVES): (hz: number) => number {
  if (!(lowHz > 0 && highHz > lowHz)) throw new RangeError(`band edges must satisfy 0 < low < high, got ${lowHz}, ${highHz}`);
  return (hz) => risingEdge(hz, lowHz, widthOct) * (1 - risingEdge(hz, highHz, widthOct));
}

/** Gain of a high-pass with a raised-cosine edge `widthOct` octaves wide, −6 dB at `cutoffHz`, 0 at DC. */
export function highPassGain(cutoffHz: number, widthOct = EDGE_TRANSITION_OCTAVES): (hz: number) => number {
  if (!(cutoffHz > 0)) throw new RangeError(`cutoff must be > 0 Hz, got ${cutoffHz}`);
  return (hz) => risingEdge(hz, cutoffHz, widthOct);
}

/**
 * Filters `x` by a zero-phase filter whose frequency response is the real `gain(hz)`,
 * applied to the FFT of `x` zero-padded by `padSamples` (default max(x.length, 0.5 s)). The padding makes the
 * result a linear (not circular) convolution: nothing wraps from the end of the signal into
 * its start, and the mask's own impulse response only aliases beyond ±0.5 s, where smooth
 * masks (such as the raised-cosine ones here) have decayed below −60 dB.
 * Output has the same length as the input.
 */
export function applySpectralMask(x: Float32Array, sampleRate: number, gain: (hz: number) => number, padSamples?: number): Float32Array {
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be > 0, got ${sampleRate}`);
  if (x.length === 0) return new Float32Array(0);
  const n = goodFftSize(x.length + (padSamples ?? Math.max(x.length, Math.ceil(MIN_PAD_S * sampleRate))));
  const fft = realFft(n);
  const spec = fft.forward(x);
  const binHz = sampleRate / n;
  // Packed layout: [Re0, ReNyq, Re1, Im1, …]; a real gain scales Re and Im alike. The
  // inverse's 1/n is folded into the gain.
  spec[0]! *= gain(0) / n;
  spec[1]! *= gain(sampleRate / 2) / n;
  for (let k = 1; k < n / 2; k++) {
    const g = gain(k * binHz) / n;
    spec[2 * k]! *= g;
    spec[2 * k + 1]! *= g;
  }
  return fft.inverseUnscaled(spec, spec).slice(0, x.length);
}

/**
 * Highest upper band edge a mask may have at `rate`: its raised-cosine skirt must end below
 * Nyquist, or the decimating inverse FFT would alias it.
 */
export function bandTopLimit(rate: number): number {
  return rate / 2 / 2 ** EDGE_TRANSITION_OCTAVES;
}

/** Lowest rate that carries a band ending at `topHz` with its skirt (the inverse of bandTopLimit). */
export function minRateForBand(topHz: number): number {
  return 2 * topHz * 2 ** EDGE_TRANSITION_OCTAVES;
}

const work = new WorkArrays();

/** Cache of sampled masks: the log-frequency gain is too costly to evaluate per bin per call. */
const maskCache = new Map<string, Float32Array>();

/** bandPassGain(lo, hi) sampled on the bins of an n-point FFT at `sampleRate`, bins 0 … n/2. */
export function bandMask(n: number, sampleRate: number, [lo, hi]: readonly [number, number]): Float32Array {
  const key = `${n}:${sampleRate}:${lo}:${hi}`;
  let m = maskCache.get(key);
  if (!m) {
    const gain = bandPassGain(lo, Math.min(hi, bandTopLimit(sampleRate)));
    m = new Float32Array(n / 2 + 1);
    for (let k = 0; k <= n / 2; k++) m[k] = gain((k * sampleRate) / n);
    if (maskCache.size > 64) maskCache.clear();
    maskCache.set(key, m);
  }
  return m;
}

/** x band-limited to [lo, hi] Hz at its own rate (the upper edge is kept below Nyquist). */
export function bandLimit(x: Float32Array, sampleRate: number, band: readonly [number, number]): Float32Array {
  const pad = Math.ceil(0.1 * sampleRate);
  const n = goodFftSize(x.length + 2 * pad);
  const mask = bandMask(n, sampleRate, band);
  return applySpectralMask(x, sampleRate, (f) => mask[Math.round((f * n) / sampleRate)]!, 2 * pad);
}

/**
 * The largest decimation factor d (a product of 2, 3 and 5, so FFT sizes stay
 * transformable) with sampleRate / d ≥ minRate.
 */
export function decimationFactor(sampleRate: number, minRate: number): number {
  let best = 1;
  for (let d = 2; sampleRate / d >= minRate; d++) if (isPffftSize(32 * d)) best = d;
  return best;
}

/** An FFT size ≥ minSize that is divisible by `factor` with n / factor transformable too. */
export function decimatableFftSize(minSize: number, factor: number): number {
  return goodFftSize(Math.ceil(minSize / factor)) * factor;
}

/**
 * From the packed n-point spectrum X of a signal at `sampleRate`, the signal band-limited
 * to `band` and decimated by `factor`, written to `output` (its length, at most n / factor,
 * is the number of samples wanted). Only the first n / factor values of X are read, the
 * bins below the new Nyquist; the band must end below it, which bandMask guarantees by
 * clipping its upper edge.
 */
export function maskedDecimate(
  X: Float32Array,
  n: number,
  sampleRate: number,
  band: readonly [number, number],
  factor: number,
  output: Float32Array = new Float32Array(n / factor),
): Float32Array {
  const m = n / factor;
  const mask = bandMask(n, sampleRate, [band[0], Math.min(band[1], bandTopLimit(sampleRate / factor))]);
  const S = work.float32('S', m);
  // The unscaled m-point inverse of the first m/2 bins, weighted by 1/n, is x at every
  // factor-th sample (m/n for the coarser grid, 1/m for the inverse).
  const scale = 1 / n;
  S[0] = X[0]! * mask[0]! * scale;
  S[1] = factor === 1 ? X[1]! * mask[n / 2]! * scale : 0;
  for (let k = 1; k < m / 2; k++) {
    const g = mask[k]! * scale;
    S[2 * k] = X[2 * k]! * g;
    S[2 * k + 1] = X[2 * k + 1]! * g;
  }
  return realFft(m).inverseUnscaled(S, output);
}

/**
 * Delay estimation by generalised cross-correlation with phase transform (GCC-PHAT,
 * Knapp & Carter 1976). PHAT whitens the cross-spectrum so the pitch periodicity of
 * speech does not smear the peak: on TTS in reverberant rooms plain cross-correlation
 * picked the wrong lag in 3 of 9 cases where PHAT was right in all (docs/dsp.md).
 *
 * Sign convention: if y is x delayed by D samples (y[t] = x[t − D]), the estimate is +D.
 */
import { bandMask, bandTopLimit, decimatableFftSize } from './band-filter.js';
import { type FftBackendName, goodFftSize, realFft, WorkArrays } from './fft.js';
import { sumOfSquares } from './levels.js';

export interface GccOptions {
  sampleRate: number;
  /** Lag search range in samples, inclusive; may be negative (y leads x). */
  minLag: number;
  maxLag: number;
  /** Frequencies outside [lo, hi] Hz are ignored; edges are tapered to limit sidelobes. */
  bandHz?: readonly [number, number];
  /** Exponent of the PHAT weight |X·Y|^−β: 1 is PHAT, 0 plain cross-correlation. */
  beta?: number;
  backend?: FftBackendName;
}

export interface GccResult {
  /** Estimated delay of y relative to x, in (fractional) samples. */
  delay: number;
  /** Integer lag of the correlation peak (in samples of the correlation's rate). */
  peakLag: number;
  /** Normalised peak height (1 = all in-band energy coherent at one lag, for β = 1). */
  peak: number;
  /** Highest value outside the main lobe. */
  secondPeak: number;
  /** Integer lag of the second peak (same units as peakLag), or null when there is none. */
  secondPeakLag: number | null;
  /** Peak to second peak, dB (20·log10 of the ratio): the confidence of the estimate. */
  confidenceDb: number;
  /**
   * Peak over the largest value the correlation's own noise would reach over the searched
   * lags, dB: the noise's σ from the median |r| (robust to the peak, its reflections and its
   * reverberant tail), its expected maximum σ·√(2 ln N) over N lags. About 0 dB for
   * uncorrelated inputs whatever the search range; a reflection, however strong, does not lower it.
   */
  peakOverNoiseDb: number;
  /**
   * Peak over the highest value outside the main lobe and outside the room's early
   * reflections (the EARLY_REFLECTIONS_S after the peak), dB. A room's reflections arrive
   * after its direct sound, so they are not rivals of a peak that precedes them; a rival
   * before the peak (the peak may be a reflection of it) or beyond them still is.
   */
  beyondReflectionsDb: number;
}

/** Half-width of the direct-sound cluster excluded from the second-peak search, seconds. */
const DIRECT_CLUSTER_S = 0.0025;

/**
 * Distinct reflections follow the direct sound for about a room's mixing time, √V ms for a
 * volume V in m³ (Polack): ≤ 100 ms up to a 10 000 m³ hall. Later the response is diffuse
 * and forms no peak of its own. On the hand-clap room, whose reflections 7–9 ms after the
 * first arrival nearly match it, the peak over rivals beyond 100 ms is 10.6–12.0 dB, beyond
 * 50 ms only 6.9–7.9 dB (docs/analysis.md § Delay confidence and reflections).
 */
export const EARLY_REFLECTIONS_S = 0.1;

const work = new WorkArrays();

/** Below this energy per sample a signal is silent (≈ −140 dBFS): no estimate, not a guess. */
const SILENCE_ENERGY_PER_SAMPLE = 1e-14;

export function isSilent(x: Float32Array): boolean {
  return sumOfSquares(x) <= SILENCE_ENERGY_PER_SAMPLE * x.length;
}

/**
 * The FFT size that keeps circular correlation free of wrap-around for lags in
 * [minLag, maxLag]: the linear support is [−len(x)+1, len(y)−1], so N ≥ len(y) − minLag
 * and N ≥ len(x) + maxLag.
 */
export function gccFftSize(xLen: number, yLen: number, minLag: number, maxLag: number, factor = 1, backend: FftBackendName = 'pffft'): number {
  const min = Math.max(yLen - minLag, xLen + maxLag, 64);
  return backend === 'pffft' ? decimatableFftSize(min, factor) : goodFftSize(min, backend);
}

/**
 * Estimate the delay of y relative to x. Returns null when either input is silent —
 * never a guess. Low confidence is the caller's call: uncorrelated inputs give a few dB.
 */
export function gccPhat(x: Float32Array, y: Float32Array, o: GccOptions): GccResult | null {
  if (o.minLag > o.maxLag) throw new RangeError(`minLag ${o.minLag} > maxLag ${o.maxLag}`);
  if (isSilent(x) || isSilent(y)) return null;
  const backend = o.backend ?? 'pffft';
  const minLag = Math.round(o.minLag);
  const maxLag = Math.round(o.maxLag);
  const n = gccFftSize(x.length, y.length, minLag, maxLag, 1, backend);
  const plan = realFft(n, backend);
  return gccPhatSpectra(plan.forward(x), plan.forward(y), n, { ...o, minLag, maxLag }, 1);
}

/**
 * GCC-PHAT from packed n-point spectra X (reference) and Y (delayed copy), computed once
 * by the caller and shared with other uses. With `factor` > 1 the correlation is formed
 * at sampleRate / factor from the bins below that rate's Nyquist (the band must lie
 * below it), so only the first n / factor values of X and Y are read; lags in and delay
 * out stay in samples at the full rate.
 */
export function gccPhatSpectra(X: Float32Array, Y: Float32Array, n: number, o: GccOptions, factor: number): GccResult | null {
  const backend = o.backend ?? 'pffft';
  const m = n / factor;
  const rate = o.sampleRate / factor;
  const band = o.bandHz ?? [100, 7000];
  const mask = bandMask(n, o.sampleRate, [band[0], Math.min(band[1], bandTopLimit(rate))]);
  const beta = o.beta ?? 1;

  // R = Y·conj(X) / |Y·X|^β over the band. A floor relative to the mean magnitude keeps
  // near-empty bins from contributing unit-magnitude noise, so the weights need a first
  // pass; it forms the cross-spectrum, and |X|·|Y| = |Y·conj(X)| (Math.hypot is several
  // times slower than the square root).
  const R = work.float32('R', m);
  const mags = work.float64('mags', m / 2);
  R[0] = R[1] = 0;
  let magSum = 0;
  for (let k = 1; k < m / 2; k++) {
    const xr = X[2 * k]!,
      xi = X[2 * k + 1]!,
      yr = Y[2 * k]!,
      yi = Y[2 * k + 1]!;
    const cr = yr * xr + yi * xi,
      ci = yi * xr - yr * xi;
    R[2 * k] = cr;
    R[2 * k + 1] = ci;
    mags[k] = Math.sqrt(cr * cr + ci * ci);
    magSum += mags[k]!;
  }
  const floor = (magSum / (m / 2)) * 1e-3 + 1e-30;
  let gainSum = 0;
  for (let k = 1; k < m / 2; k++) {
    const g = mask[k]!;
    const w = beta === 0 ? g : beta === 1 ? g / (mags[k]! + floor) : g / Math.pow(mags[k]! + floor, beta);
    R[2 * k]! *= w;
    R[2 * k + 1]! *= w;
    gainSum += g;
  }
  // Unscaled inverse: r is m times the correlation. A perfectly coherent pair then peaks
  // at 2·Σg after PHAT: normalise that to 1.
  const r = realFft(m, backend).inverseUnscaled(R, R);
  const norm = beta === 1 && gainSum > 0 ? 1 / (2 * gainSum) : 1 / m;

  const lo = Math.ceil(o.minLag / factor);
  const hi = Math.floor(o.maxLag / factor);
  if (lo <= -m || hi >= m) throw new RangeError(`lags ${o.minLag}…${o.maxLag} exceed the ${n}-point transform: size it with gccFftSize()`);
  const at = (lag: number) => Math.abs(r[lag < 0 ? lag + m : lag]!) * norm;
  let peakLag = lo;
  let peak = -Infinity;
  for (let lag = lo; lag <= hi; lag++) {
    const v = at(lag);
    if (v > peak) [peak, peakLag] = [v, lag];
  }
  // The second peak is sought outside the main lobe (about rate/bandwidth samples each side)
  // and outside the direct-sound cluster: measured rooms spread the first arrival over
  // 1–2 ms (loudspeaker, nearby surfaces), and peaks inside it are one echo, not rivals.
  const lobe = Math.max(Math.ceil((2 * rate) / Math.max(1, Math.min(band[1], rate / 2) - band[0])) + 2, Math.ceil(DIRECT_CLUSTER_S * rate));
  // Rivals beyond the early reflections are tracked in the same pass (see beyondReflectionsDb).
  const refl = Math.ceil(EARLY_REFLECTIONS_S * rate);
  let secondPeak = 0;
  let secondPeakLag: number | null = null;
  let rival = 0;
  for (let lag = lo; lag <= hi; lag++) {
    const d = lag - peakLag;
    if (Math.abs(d) <= lobe) continue;
    const v = at(lag);
    if (v > secondPeak) [secondPeak, secondPeakLag] = [v, lag];
    if ((d < 0 || d > refl) && v > rival) rival = v;
  }
  const beyondReflectionsDb = rival > 0 ? 20 * Math.log10(peak / rival) : 120;
  const peakOverNoiseDb = peakOverNoise(peak, lo, hi, at);

  // Sub-sample refinement: parabola through the peak and its neighbours.
  let frac = 0;
  if (peakLag > lo && peakLag < hi) {
    const a = at(peakLag - 1),
      c = at(peakLag + 1);
    const den = a - 2 * peak + c;
    if (den < 0) frac = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
  }
  const confidenceDb = secondPeak > 0 ? 20 * Math.log10(peak / secondPeak) : 120;
  return { delay: (peakLag + frac) * factor, peakLag, peak, secondPeak, secondPeakLag, confidenceDb, peakOverNoiseDb, beyondReflectionsDb };
}

/**
 * Peak over the correlation's noise needed when the peak-to-second-peak ratio is low.
 * Unrelated pairs (pseudo-speech against other pseudo-speech or white noise) reached at most
 * 9.2 dB; the hand-clap room at 44 dB echo-to-noise gives 15.6–18.4 dB (docs/analysis.md
 * § Delay confidence and reflections).
 */
export const MIN_PEAK_OVER_NOISE_DB = 12;

/**
 * Is the estimate trustworthy? Either its peak stands `minConfidenceDb` over every rival, or
 * over every rival but the room's own early reflections while standing clear of the
 * correlation's noise: a strong reflection then cannot withhold a delay, and an ambiguous
 * peak (a rival before it, or a periodic signal's repeats) still does.
 */
export function isReliableDelay(g: GccResult, minConfidenceDb: number): boolean {
  return g.confidenceDb >= minConfidenceDb || (g.beyondReflectionsDb >= minConfidenceDb && g.peakOverNoiseDb >= MIN_PEAK_OVER_NOISE_DB);
}

/** Median |r| of a half-normal variable is 0.6745 σ. */
const MEDIAN_ABS_TO_SIGMA = 1 / 0.6745;

/** See GccResult.peakOverNoiseDb. */
function peakOverNoise(peak: number, lo: number, hi: number, at: (lag: number) => number): number {
  const count = hi - lo + 1;
  if (count < 8 || !(peak > 0)) return 0;
  const v = work.float64('abs', count);
  for (let lag = lo; lag <= hi; lag++) v[lag - lo] = at(lag);
  const sigma = selectKth(v, Math.floor(count / 2)) * MEDIAN_ABS_TO_SIGMA;
  if (!(sigma > 0)) return 120;
  return 20 * Math.log10(peak / (sigma * Math.sqrt(2 * Math.log(count))));
}

/** The k-th smallest value of v (0-based), partially reordering v: Hoare's selection, O(n) on average. */
export function selectKth(v: Float64Array, k: number): number {
  let a = 0,
    b = v.length - 1;
  while (a < b) {
    const pivot = v[(a + b) >> 1]!;
    let i = a,
      j = b;
    while (i <= j) {
      while (v[i]! < pivot) i++;
      while (v[j]! > pivot) j--;
      if (i <= j) {
        const t = v[i]!;
        v[i] = v[j]!;
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) b = j;
    else if (k >= i) a = i;
    else return v[k]!;
  }
  return v[k]!;
}

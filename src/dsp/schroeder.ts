/**
 * Reverberation time from an impulse response: Schroeder backward integration with
 * ISO 3382-style start detection, Lundeby noise-floor truncation and tail compensation.
 *
 * Without truncation, the noise after the decay has sunk into the floor keeps adding
 * energy to the backward integral and bends the curve flat, so T20/T30 come out too long:
 * a 0.3 % DC offset in living_room_1.wav turns its broadband T30 into several seconds.
 */
import { OCTAVE_CENTRES_HZ, octaveBandFilter, removeMean } from './octave-bands.js';

/** Fit range on the energy decay curve, in dB (both ≤ 0, fromDb > toDb). T20: −5…−25, T30: −5…−35. */
export interface ReverbTimeOptions {
  fromDb: number;
  toDb: number;
}

/** A reverberation time from a least-squares line over the decay curve, extrapolated to 60 dB. */
export interface ReverbTime {
  /** Decay time for 60 dB at the fitted slope, in seconds. */
  t60: number;
  /** Start and end of the fit range, in seconds from the first sample of the input IR. */
  fitStartS: number;
  fitEndS: number;
  /** Coefficient of determination of the line fit (1 = perfectly exponential decay). */
  r2: number;
  /** Depth of the usable decay: the decay curve's level (dB below 0) where it meets the noise floor. */
  dynamicRangeDb: number;
}

/** Reverberation time of one octave band; null when that band's decay could not be measured. */
export interface BandReverbTime {
  centreHz: number;
  t60: number | null;
}

/** Direct-sound threshold: ISO 3382-1 starts the decay where |h| first comes within 20 dB of its peak. */
const ONSET_THRESHOLD_DB = -20;
/** ISO 3382-1: the bottom of the evaluation range must be this far above the noise floor. */
const NOISE_HEADROOM_DB = 10;
/** Lundeby et al. (1995) recommendations, within their stated ranges. */
const LUNDEBY = {
  initialWindowS: 0.01,
  intervalsPer10Db: 5,
  /** Late-decay fit: from this far above the noise… */
  fitTopAboveNoiseDb: 30,
  /** …down to this far above it. */
  fitBottomAboveNoiseDb: 10,
  /** Noise is averaged from this far below the crossing point (along the decay line). */
  noiseBelowCrossingDb: 10,
  /** At least this fraction of the IR (its end) is always used for the noise estimate. */
  minNoiseFraction: 0.1,
  maxIterations: 5,
} as const;

/**
 * Energy decay curve (Schroeder backward integral of h²) in dB relative to the total
 * energy, so 0 dB at t = 0; same length as `ir`. No start trimming or noise truncation.
 */
export function schroederDecay(ir: Float32Array): Float32Array {
  const out = new Float32Array(ir.length);
  const acc = new Float64Array(ir.length);
  let sum = 0;
  for (let i = ir.length - 1; i >= 0; i--) {
    sum += ir[i]! * ir[i]!;
    acc[i] = sum;
  }
  if (sum <= 0) return out.fill(-Infinity);
  for (let i = 0; i < ir.length; i++) out[i] = 10 * Math.log10(acc[i]! / sum);
  return out;
}

interface Line {
  slope: number;
  intercept: number;
}

/** Least-squares line through (x[i], y[i]) for i in [from, to); x is centred to keep float64 exact. */
function fitLine(x: ArrayLike<number>, y: ArrayLike<number>, from: number, to: number): (Line & { r2: number }) | null {
  const n = to - from;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = from; i < to; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = from; i < to; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const ssRes = syy - slope * sxy;
  return { slope, intercept: my - slope * mx, r2: syy > 0 ? 1 - ssRes / syy : 1 };
}

/** Squared IR averaged in consecutive windows of `win` samples: bin centre times (s) and levels (dB). */
function smoothedLevels(e: Float64Array, win: number, fs: number, floor: number): { t: Float64Array; db: Float64Array } {
  const bins = Math.floor(e.length / win);
  const t = new Float64Array(bins);
  const db = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    let s = 0;
    for (let i = b * win; i < (b + 1) * win; i++) s += e[i]!;
    t[b] = (b * win + (win - 1) / 2) / fs;
    db[b] = 10 * Math.log10(Math.max(s / win, floor));
  }
  return { t, db };
}

function meanOf(e: Float64Array, from: number): number {
  let s = 0;
  for (let i = from; i < e.length; i++) s += e[i]!;
  return s / Math.max(1, e.length - from);
}

function argMax(a: Float64Array): number {
  let k = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[k]!) k = i;
  return k;
}

/** First index ≥ from where a[i] < level, or a.length. */
function firstBelow(a: Float64Array, level: number, from: number): number {
  for (let i = from; i < a.length; i++) if (a[i]! < level) return i;
  return a.length;
}

interface Truncation {
  /** Samples [0, end) of the energy are integrated. */
  end: number;
  /** Energy of the modelled exponential tail beyond `end` (Lundeby's compensation term). */
  tail: number;
}

/**
 * Lundeby et al. (1995), "Uncertainties of measurements in room acoustics": iteratively
 * estimates the noise level and the late decay, and returns where the decay line crosses
 * the noise (the truncation point) and the energy of the decay beyond it.
 * `e` is h² starting at the direct sound. Null when no decay stands clear of the noise.
 */
function lundebyTruncation(e: Float64Array, fs: number): Truncation | null {
  const n = e.length;
  let peak = 0;
  for (let i = 0; i < n; i++) if (e[i]! > peak) peak = e[i]!;
  if (!(peak > 0)) return null;
  // A noiseless (simulated) IR has no floor; a tiny stand-in keeps the algebra finite and
  // puts the crossing past the end, so the tail compensation models the missing decay.
  const floorEnergy = peak * 1e-30;
  const noiseFrom = Math.floor(n * (1 - LUNDEBY.minNoiseFraction));

  // 1–3: coarse envelope, noise from the last 10 %, line from the peak to 10 dB above the noise.
  let win = Math.max(1, Math.round(LUNDEBY.initialWindowS * fs));
  let env = smoothedLevels(e, win, fs, floorEnergy * 1e-3);
  if (env.t.length < 3) return null;
  let noiseDb = 10 * Math.log10(Math.max(meanOf(e, noiseFrom), floorEnergy));
  const start = argMax(env.db);
  const stop = firstBelow(env.db, noiseDb + LUNDEBY.fitBottomAboveNoiseDb, start);
  let line: Line | null = fitLine(env.t, env.db, start, stop);
  if (!line || !(line.slope < 0)) return null;
  let cross = (noiseDb - line.intercept) / line.slope;

  // 4–9: refine window length, noise level and late slope until the crossing settles.
  for (let iter = 0; iter < LUNDEBY.maxIterations; iter++) {
    const secondsPer10Db = 10 / -line.slope;
    win = Math.max(1, Math.min(Math.floor(n / 8), Math.round((secondsPer10Db / LUNDEBY.intervalsPer10Db) * fs)));
    env = smoothedLevels(e, win, fs, floorEnergy * 1e-3);
    const noiseStart = Math.min(noiseFrom, Math.round((cross + secondsPer10Db * (LUNDEBY.noiseBelowCrossingDb / 10)) * fs));
    noiseDb = 10 * Math.log10(Math.max(meanOf(e, Math.max(0, noiseStart)), floorEnergy));
    const peakBin = argMax(env.db);
    const top = Math.max(peakBin, firstBelow(env.db, noiseDb + LUNDEBY.fitTopAboveNoiseDb, peakBin));
    const bottom = firstBelow(env.db, noiseDb + LUNDEBY.fitBottomAboveNoiseDb, top);
    const late = fitLine(env.t, env.db, top, bottom);
    // Too little decay above the noise to refine: keep the previous, coarser estimate.
    if (!late || !(late.slope < 0)) break;
    line = late;
    const next = (noiseDb - line.intercept) / line.slope;
    const settled = Math.abs(next - cross) <= 1e-3 * Math.abs(cross);
    cross = next;
    if (settled) break;
  }

  const end = Math.max(1, Math.min(n, Math.round(cross * fs)));
  // Energy of the decay line beyond `end`, summed per sample (a geometric series).
  // 1 − 10^(slope/10/fs) via expm1: the per-sample decay is tiny, so 1 − ratio would cancel.
  const oneMinusRatio = -Math.expm1((line.slope / (10 * fs)) * Math.LN10);
  const tail = 10 ** ((line.intercept + (line.slope * end) / fs) / 10) / oneMinusRatio;
  return { end, tail };
}

/** Index of the direct sound: the first sample within 20 dB of the absolute peak. */
function onsetIndex(ir: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < ir.length; i++) peak = Math.max(peak, Math.abs(ir[i]!));
  const threshold = peak * 10 ** (ONSET_THRESHOLD_DB / 20);
  for (let i = 0; i < ir.length; i++) if (Math.abs(ir[i]!) >= threshold) return i;
  return 0;
}

/**
 * Reverberation time by a least-squares line over the energy decay curve between
 * `fromDb` and `toDb`, extrapolated to 60 dB (T20 for −5…−25, T30 for −5…−35).
 * The IR is started at its direct sound and the decay is truncated at the noise floor
 * (Lundeby) with the missing tail energy compensated. Returns null — never a guess — when
 * the decay does not reach `toDb` at least 10 dB above the noise floor (ISO 3382-1).
 */
export function reverbTime(ir: Float32Array, sampleRate: number, options: ReverbTimeOptions): ReverbTime | null {
  const { fromDb, toDb } = options;
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be > 0, got ${sampleRate}`);
  if (!(fromDb <= 0 && toDb < fromDb)) throw new RangeError(`fit range must satisfy 0 ≥ fromDb > toDb, got ${fromDb}…${toDb}`);

  // Trailing digital silence (zero padding) is not noise: leave it out of the noise estimate.
  let last = ir.length - 1;
  while (last >= 0 && ir[last] === 0) last--;
  if (last < 0) return null;
  const onset = onsetIndex(ir);
  const e = new Float64Array(last + 1 - onset);
  for (let i = 0; i < e.length; i++) e[i] = ir[onset + i]! * ir[onset + i]!;

  const trunc = lundebyTruncation(e, sampleRate);
  if (!trunc) return null;
  const { end, tail } = trunc;

  const edc = new Float64Array(end);
  let acc = tail;
  for (let i = end - 1; i >= 0; i--) {
    acc += e[i]!;
    edc[i] = acc;
  }
  const total = edc[0]!;
  if (!(total > 0)) return null;
  const dynamicRangeDb = -10 * Math.log10(tail / total);
  if (!(dynamicRangeDb >= -toDb + NOISE_HEADROOM_DB)) return null;

  const db = new Float64Array(end);
  for (let i = 0; i < end; i++) db[i] = 10 * Math.log10(edc[i]! / total);
  const i0 = firstBelow(db, fromDb, 0);
  const i1 = firstBelow(db, toDb, i0);
  if (i1 >= end) return null;
  const t = new Float64Array(end);
  for (let i = 0; i < end; i++) t[i] = i / sampleRate;
  const fit = fitLine(t, db, i0, i1 + 1);
  if (!fit || !(fit.slope < 0)) return null;
  return {
    t60: -60 / fit.slope,
    fitStartS: (onset + i0) / sampleRate,
    fitEndS: (onset + i1) / sampleRate,
    r2: fit.r2,
    dynamicRangeDb,
  };
}

/** T20: fit over −5…−25 dB, ×3 to 60 dB. Needs ≥ 35 dB of decay above the noise floor. */
export function t20(ir: Float32Array, sampleRate: number): ReverbTime | null {
  return reverbTime(ir, sampleRate, { fromDb: -5, toDb: -25 });
}

/** T30: fit over −5…−35 dB, ×2 to 60 dB. Needs ≥ 45 dB of decay above the noise floor. */
export function t30(ir: Float32Array, sampleRate: number): ReverbTime | null {
  return reverbTime(ir, sampleRate, { fromDb: -5, toDb: -35 });
}

/**
 * Reverberation time per octave band (125 Hz–4 kHz, OCTAVE_CENTRES_HZ). DC is removed
 * first; a band whose upper edge lies above Nyquist, or whose decay is not measurable,
 * gets t60: null.
 */
export function octaveBandReverb(ir: Float32Array, sampleRate: number, options: ReverbTimeOptions): BandReverbTime[] {
  const dcFree = removeMean(ir);
  // The band filters are zero-phase, so they respond before their input. When the direct
  // sound sits at the very start of the IR (living_room_1.wav starts inside it), that
  // pre-response would fall before t = 0 and be cut off, taking direct-sound energy out of
  // the band and moving the decay curve's knee: T20 at 500 Hz came out 17 % long. Leading
  // zeros give it room; onset detection in reverbTime() trims them again.
  const lead = Math.ceil((4 / (OCTAVE_CENTRES_HZ[0]! / Math.SQRT2)) * sampleRate); // ≈ 4 / bandwidth of the lowest band
  const x = new Float32Array(lead + dcFree.length);
  x.set(dcFree, lead);
  return OCTAVE_CENTRES_HZ.map((centreHz) => {
    if (centreHz * Math.SQRT2 > sampleRate / 2) return { centreHz, t60: null };
    const band = octaveBandFilter(x, sampleRate, centreHz);
    return { centreHz, t60: reverbTime(band, sampleRate, options)?.t60 ?? null };
  });
}

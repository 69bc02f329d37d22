/**
 * Level kernels on 10 ms frames: frame power, robust noise floor, excess over floor,
 * clipping and digital-silence detection. Inputs are sample arrays; band limiting,
 * when wanted, is done before (see band-filter.ts).
 */
import { powerToDb } from '../core/units.js';

/**
 * Mean-square power of consecutive frames of `frameLen` samples starting at sample
 * `start` (fractional starts are rounded per frame, so a grid anchored at a drain time
 * that is not on a sample boundary does not drift). A frame that runs past the end of
 * the signal is dropped.
 */
export function framePowers(x: Float32Array, frameLen: number, start = 0, maxFrames = Infinity): Float64Array {
  if (frameLen <= 0) throw new RangeError('frameLen must be positive');
  const count = Math.max(0, Math.min(maxFrames, Math.floor((x.length - start) / frameLen)));
  const out = new Float64Array(count);
  for (let f = 0; f < count; f++) {
    const a = Math.max(0, Math.round(start + f * frameLen));
    const b = Math.min(x.length, Math.round(start + (f + 1) * frameLen));
    let e = 0;
    for (let i = a; i < b; i++) e += x[i]! * x[i]!;
    out[f] = b > a ? e / (b - a) : 0;
  }
  return out;
}

export interface NoiseFloor {
  /** Floor power as mean square (linear). */
  power: number;
  powerDb: number;
  /** 95th percentile of the frames' excess over the floor, dB: how much noise alone fluctuates. */
  spreadDb: number;
  /** Frames the estimate rests on. */
  frames: number;
}

/**
 * Robust floor from a run of noise-only frames: the mean power of the frames after the
 * loudest 10 % are dropped (a click or a cough in the pre-roll must not raise the floor).
 * A mean of powers, not of dB values, so the floor is the noise's real power.
 */
export function noiseFloor(powers: ArrayLike<number>): NoiseFloor | null {
  const n = powers.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(powers).sort();
  const keep = Math.max(1, Math.floor(n * 0.9));
  let s = 0;
  for (let i = 0; i < keep; i++) s += sorted[i]!;
  const power = s / keep;
  const p95 = sorted[Math.min(n - 1, Math.floor(n * 0.95))]!;
  return { power, powerDb: powerToDb(power), spreadDb: powerToDb(p95) - powerToDb(power), frames: n };
}

/** Floor when there is no clean pre-roll: mean of the quietest `fraction` of all frames. */
export function quietFramesFloor(powers: ArrayLike<number>, fraction = 0.1): NoiseFloor | null {
  const n = powers.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(powers).sort();
  const take = Math.max(1, Math.floor(n * fraction));
  return noiseFloor(sorted.subarray(0, take));
}

/** Frame powers expressed as dB over a floor power. */
export function excessOverFloorDb(powers: ArrayLike<number>, floorPower: number): Float64Array {
  const out = new Float64Array(powers.length);
  for (let i = 0; i < powers.length; i++) out[i] = powerToDb(powers[i]!) - powerToDb(floorPower);
  return out;
}

export interface ClippingStats {
  /** Largest |sample|. */
  peak: number;
  /** Samples inside runs of ≥ minRun consecutive samples at or above the threshold. */
  clippedSamples: number;
  runs: number;
  fraction: number;
}

/**
 * Clipping shows as runs of consecutive samples pinned at full scale; a single sample at
 * 0.999 is a loud peak, not clipping, hence the run length.
 */
export function clipping(x: Float32Array, threshold = 0.999, minRun = 3): ClippingStats {
  let peak = 0, clipped = 0, runs = 0, run = 0;
  // One tight loop, no per-sample calls: this scans every mic sample of every trial.
  for (let i = 0; i <= x.length; i++) {
    const a = i < x.length ? Math.abs(x[i]!) : 0;
    if (a > peak) peak = a;
    if (a >= threshold) run++;
    else if (run > 0) {
      if (run >= minRun) {
        clipped += run;
        runs++;
      }
      run = 0;
    }
  }
  return { peak, clippedSamples: clipped, runs, fraction: x.length ? clipped / x.length : 0 };
}

export interface SilenceStats {
  /** Fraction of samples inside runs of ≥ minRun identical values (exact zeros or a stuck value). */
  stuckFraction: number;
  /** Longest run of identical samples, in samples. */
  longestRun: number;
  allZero: boolean;
}

/**
 * Digital silence: a live microphone always carries some noise, so long runs of one exact
 * value mean the stream is muted, gated or dead (a silent-mic bug), never a quiet room.
 */
export function digitalSilence(x: Float32Array, minRun: number): SilenceStats {
  let stuck = 0, longest = 0, run = 1, allZero = true;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== 0) allZero = false;
    if (i > 0 && x[i] === x[i - 1]) run++;
    else {
      if (i > 0 && run >= minRun) stuck += run;
      run = 1;
    }
    if (run > longest) longest = run;
  }
  if (x.length > 0 && run >= minRun) stuck += run;
  return { stuckFraction: x.length ? stuck / x.length : 1, longestRun: x.length ? longest : 0, allZero };
}

/** Index of the last frame whose power is within `rangeDb` of the loudest frame, or −1. */
export function lastActiveFrame(powers: ArrayLike<number>, rangeDb: number): number {
  const t = maxOf(powers) * 10 ** (-rangeDb / 10);
  for (let i = powers.length - 1; i >= 0; i--) if (powers[i]! > 0 && powers[i]! >= t) return i;
  return -1;
}

function maxOf(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m;
}

/** Mean of a power array over [from, to) frames, or null when the range is empty. */
export function meanPower(powers: ArrayLike<number>, from: number, to: number): number | null {
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(powers.length, Math.ceil(to));
  if (b <= a) return null;
  let s = 0;
  for (let i = a; i < b; i++) s += powers[i]!;
  return s / (b - a);
}

/**
 * Level kernels on 10 ms frames: frame power, robust noise floor, excess over floor,
 * clipping and digital-silence detection. Inputs are sample arrays; band limiting,
 * when wanted, is done before (see band-filter.ts).
 */
import { powerToDb } from '../core/units.js';

/**
 * Σ x[i]² over [from, to). Two running sums: one is bound by the latency of each addition
 * and takes about 2.5× longer on this project's machines (docs/dsp.md).
 */
export function sumOfSquares(x: Float32Array, from = 0, to = x.length): number {
  let a = 0,
    b = 0;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const u = x[i]!,
      v = x[i + 1]!;
    a += u * u;
    b += v * v;
  }
  if (i < to) a += x[i]! * x[i]!;
  return a + b;
}

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
    out[f] = b > a ? sumOfSquares(x, a, b) / (b - a) : 0;
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
 * Loops over whole signals run through a function called once per block of this many
 * samples. V8 allocates a function's type feedback only once it has run for a while, so a
 * kernel whose first call is one long loop can be optimised before its feedback is
 * complete and then stay 2–3× slower for the life of the process (docs/dsp.md).
 */
const BLOCK = 4096;

/**
 * Clipping shows as runs of consecutive samples pinned at full scale; a single sample at
 * 0.999 is a loud peak, not clipping, hence the run length. `range` is where x may be
 * non-zero when the caller knows it (a reference buffer's extent): zeros can neither peak
 * nor clip, so only that part is read; `fraction` stays relative to all of x.
 */
export function clipping(x: Float32Array, threshold = 0.999, minRun = 3, range: readonly [number, number] = [0, x.length]): ClippingStats {
  const [from, to] = [Math.max(0, range[0]), Math.min(x.length, range[1])];
  let peak = 0;
  for (let i = from; i < to; i += BLOCK) peak = peakOf(x, i, Math.min(to, i + BLOCK), peak);
  // Runs are sought only when some sample reaches the threshold: most signals never do,
  // and the run bookkeeping would double the cost of the scan.
  let clipped = 0,
    runs = 0,
    run = 0;
  if (peak >= threshold) {
    for (let i = from; i <= to; i++) {
      if (i < to && Math.abs(x[i]!) >= threshold) run++;
      else if (run > 0) {
        if (run >= minRun) {
          clipped += run;
          runs++;
        }
        run = 0;
      }
    }
  }
  return { peak, clippedSamples: clipped, runs, fraction: x.length ? clipped / x.length : 0 };
}

/** max(peak, |x[i]|) over [from, to). */
function peakOf(x: Float32Array, from: number, to: number, peak: number): number {
  // Two running maxima over alternate samples: half the loop overhead, about 12 % faster here.
  let m0 = peak,
    m1 = peak;
  let i = from;
  for (; i + 1 < to; i += 2) {
    const a = Math.abs(x[i]!),
      b = Math.abs(x[i + 1]!);
    if (a > m0) m0 = a;
    if (b > m1) m1 = b;
  }
  if (i < to) m0 = Math.max(m0, Math.abs(x[i]!));
  return Math.max(m0, m1);
}

export interface SilenceStats {
  /** Fraction of samples inside runs of ≥ minRun identical values (exact zeros or a stuck value). */
  stuckFraction: number;
  /** Longest of those runs, in samples (0 when there is none). */
  longestRun: number;
  allZero: boolean;
}

/**
 * Digital silence: a live microphone always carries some noise, so long runs of one exact
 * value mean the stream is muted, gated or dead (a silent-mic bug), never a quiet room.
 *
 * Probes every h = ⌊minRun/2⌋ samples instead of reading them all: a run of ≥ minRun
 * ≥ 2h identical samples holds two probes h apart, so only probes that agree with the one
 * h later need a look, and live audio has almost none.
 */
export function digitalSilence(x: Float32Array, minRun: number): SilenceStats {
  const n = x.length;
  const need = Math.max(2, minRun);
  const h = Math.floor(need / 2);
  let stuck = 0,
    longest = 0;
  let p = 0;
  while (p + h < n) {
    const v = x[p]!;
    if (v !== x[p + h]) {
      p += h;
      continue;
    }
    // The maximal run of v around p; it cannot reach back into a run already counted.
    let a = p;
    while (a > 0 && x[a - 1] === v) a--;
    let b = p + 1;
    while (b < n && x[b] === v) b++;
    if (b - a >= need) {
      stuck += b - a;
      longest = Math.max(longest, b - a);
    }
    p = Math.max(b, p + h);
  }
  let firstNonZero = 0;
  while (firstNonZero < n && x[firstNonZero] === 0) firstNonZero++;
  return { stuckFraction: n ? stuck / n : 1, longestRun: longest, allZero: firstNonZero === n };
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

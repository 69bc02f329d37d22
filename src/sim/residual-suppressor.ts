/**
 * The residual echo suppressor of the voice-processing model: a gain per frequency bin in
 * ≈ 10 ms frames (short-time spectra, ≈ 20 ms √Hann windows at 50 % overlap) after the
 * linear canceller, modelled on how WebRTC AEC3's suppressor works, then comfort noise at
 * the room's noise floor in what it takes away. Not AEC3's code or tuning in full: its
 * structure, with the AEC3 constants named below where the model uses one.
 *
 * Per bin, while the (latency-aligned) reference is active and for a hold time after:
 * - a residual echo estimate R, the larger of two while the reference plays:
 *   - linear (Speex): the canceller's echo estimate power times twice its leak;
 *   - AEC3's non-linear estimate: the reference's power, held with the room's assumed
 *     decay (AEC3 takes the maximum over the echo path's length and adds a reverb model),
 *     times a residual echo gain per band: the upper envelope (fast rise, slow fall) of
 *     error over held reference, learnt only in frames where the canceller takes at least
 *     1 dB off the mic and the ratio does not jump 6 dB over what was learnt (so near-end
 *     speech does not drive it). It starts at
 *     nothing after a configure and persists across trials, like the canceller: until the
 *     canceller has begun to converge the suppressor has learnt nothing either, so the
 *     first utterances after a cold start leak more (iOS echo "is worst at the start");
 *   in the hold after the reference stops: the raw echo's reverberation (the held
 *   reference power times the band's mic-to-reference gain): what is left then is the late
 *   tail the linear filter barely models.
 * - R is over-subtracted (× overSubtraction while the far end plays or rings), smoothed
 *   across neighbouring bins, and compared with the suppressor's input E (the canceller's
 *   output) as AEC3 does: echo-to-near-end ratio ENR = R/E; power gain 1 below
 *   the transparent ENR, 0 above the suppressing one, linear between (AEC3's normal tuning: 0.3/0.4 up
 *   to 625 Hz, 0.07/0.1 from 1 kHz, interpolated between). An echo well under the noise
 *   floor needs no suppression (AEC3's echo-to-masker ratio): the gain is never lower than
 *   makes R·g = EMR_TRANSPARENT × floor. The gain may rise by at most MAX_INCREASE per
 *   frame (AEC3: 2 per 4 ms block) and never falls below −maxAttenuationDb.
 * Once the hold has run out each bin's gain releases towards 1 at releaseDbPerS, whatever
 * the canceller still predicts. Where the gain is g, comfort noise fills √(1 − g²): the
 * output's floor is the room's, not digital silence or a hole in the spectrum.
 *
 * So during playback a bin whose residual echo dominates is replaced by comfort noise,
 * while a bin where near-end speech outweighs the estimate passes (double talk): what is
 * left of the echo is neither as loud nor as speech-shaped as a broadband gain leaves it.
 * What leaks after a drain is the canceller's residual that outlasts hold and release:
 * how long depends on the room's decay (T60), the echo level (coupling, volume), the
 * latency (echo and suppression both end one latency after the drain) and how far the
 * canceller has converged.
 */
import type { SuppressorParams } from './device-profiles.js';
import { ShortTimeSpectra } from './short-time-spectra.js';

export interface SuppressorInput {
  /** Canceller output: mic minus the linear echo estimate. */
  error: Float32Array;
  /** The canceller's linear echo estimate. */
  estimate: Float32Array;
  /** The reference as the canceller saw it (aligned to the echo). */
  reference: Float32Array;
  /** The canceller's leak estimate per block of `leakBlock` samples. */
  leak: Float32Array;
  leakBlock: number;
  /** Noise of the room's spectrum for the comfort noise (the model's CNG knows the spectrum exactly). */
  comfortNoise: Float32Array;
  rate: number;
}

export interface Suppression {
  /** The suppressed error with comfort noise: the processed mic. */
  output: Float32Array;
  /** Any other signal through the same per-bin gains, without comfort noise (for the ground truth). */
  filter(x: Float32Array): Float32Array;
}

/** Mic-to-reference gain assumed before any frame has been seen (the post-playback tail): echo up to 10 dB over the reference. */
const INITIAL_MIC_GAIN = 10;
/** Per-frame smoothing of the band powers behind the mic-to-reference gains (≈ 0.2 s of active reference). */
const GAIN_SMOOTHING = 0.05;
/** Per-frame smoothing of the residual gain when the error/reference ratio rises and falls. */
const RISE = 0.5;
const FALL = 0.02;
/** A band is echo-dominated in a frame when the canceller's output is under this fraction of the mic. */
const ECHO_DOMINATED = 0.8;
/** An error/reference ratio this many times the learnt gain is taken for near-end speech, not echo. */
const NEAR_END_JUMP = 4;
/** AEC3's normal tuning: ENR thresholds (transparent, suppress) at low and high frequencies. */
const ENR_LOW: readonly [number, number] = [0.3, 0.4];
const ENR_HIGH: readonly [number, number] = [0.07, 0.1];
/** AEC3: the low tuning up to 625 Hz, the high from 1 kHz (its bins 5 and 8 of 64 at 16 kHz). */
const LOW_TUNING_HZ = 625;
const HIGH_TUNING_HZ = 1000;
/** AEC3: echo under this fraction of the masking noise needs no suppression. */
const EMR_TRANSPARENT = 0.3;
/** Largest rise of a bin's power gain per 10 ms frame (AEC3: 2 per 4 ms block). */
const MAX_INCREASE = 2 ** 2.5;
/** Upper edges (Hz) of the bands whose residual gains are estimated together; the last band runs to Nyquist. */
const BAND_EDGES_HZ = [250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000];

export class ResidualSuppressor {
  /** Per band: the residual echo gain, smoothed mic and held-reference powers over active frames (persist until the next configure). */
  private residualGain: Float64Array | null = null;
  private micPower: Float64Array | null = null;
  private referencePower: Float64Array | null = null;
  private stft: ShortTimeSpectra | null = null;
  private floor: Float64Array | null = null;

  constructor(private readonly p: SuppressorParams) {}

  /** Suppresses one trial's canceller output; the band estimates carry over to the next trial. */
  process(input: SuppressorInput): Suppression {
    const { p } = this;
    const { error, estimate, reference, leak, leakBlock, comfortNoise, rate } = input;
    const n = error.length;
    const stft = this.stftAt(rate);
    const { hop, bins, size } = stft;
    const fft = stft.plan();
    const frames = stft.frames(n);
    const band = bandOfBin(bins, rate, size);
    const bands = BAND_EDGES_HZ.length + 1;
    if (!this.residualGain) {
      this.residualGain = new Float64Array(bands);
      this.micPower = new Float64Array(bands).fill(INITIAL_MIC_GAIN * 1e-4);
      this.referencePower = new Float64Array(bands).fill(1e-4);
    }
    const residualGain = this.residualGain;
    const micPower = this.micPower!;
    const referencePower = this.referencePower!;

    const minPowerGain = 10 ** (-p.maxAttenuationDb / 10);
    const activity = 10 ** (p.activityDbfs / 10);
    const holdFrames = Math.round((p.holdMs * rate) / 1000 / hop);
    const releasePerFrame = 10 ** ((p.releaseDbPerS * hop) / rate / 20);
    // Power decay per frame of the assumed reverberation: 60 dB per assumed T60.
    const reverbDecay = 10 ** ((-6 * hop) / (rate * p.assumedT60S));
    // |X_j|² of a windowed frame → power per sample (Σw² = size/2).
    const norm = 2 / size;
    const [enrT, enrS] = enrThresholds(bins, rate, size);

    // The floor the masking rule compares with: the comfort noise's mean spectrum over the
    // first trial (the noise is stationary, so it carries over, like a CNG's noise estimate).
    const floor = this.floorAt(stft, comfortNoise, frames, norm);
    const C = new Float32Array(size);

    const gains = new Float32Array(frames * bins);
    /** Frames whose gains are all 1: output and filter take them as they are, without a transform. */
    const unity = new Uint8Array(frames);
    const output = new Float32Array(n);
    const E = new Float32Array(size);
    const Y = new Float32Array(size);
    const X = new Float32Array(size);
    const O = new Float32Array(size);
    const x2 = new Float64Array(bins);
    const e2 = new Float64Array(bins);
    const r2 = new Float64Array(bins);
    const held = new Float64Array(bins);
    const scratch = new Float64Array(bins);
    const prev = new Float64Array(bins).fill(1); // previous frame's power gains
    const bandE = new Float64Array(bands);
    const bandD = new Float64Array(bands);
    const bandX = new Float64Array(bands);
    let hold = 0;
    let released = true;
    for (let k = 0; k < frames; k++) {
      // Activity on the frame's central hop of the reference, as the broadband suppressor judged it.
      const a = Math.max(0, Math.round((k - 0.5) * hop));
      const b = Math.min(n, a + hop);
      let px = 0;
      for (let i = a; i < b; i++) px += reference[i]! * reference[i]!;
      const active = b > a && px / (b - a) > activity;

      // The reference's spectrum only where it has any (silence before and after playback).
      let live = false;
      for (let i = Math.max(0, (k - 1) * hop), end = Math.min(n, (k + 1) * hop); i < end && !live; i++) live = reference[i] !== 0;
      if (live) {
        stft.analyse(fft, reference, k, X);
        powers(X, x2, norm);
        for (let j = 0; j < bins; j++) held[j] = Math.max(x2[j]!, reverbDecay * held[j]!);
      } else for (let j = 0; j < bins; j++) held[j]! *= reverbDecay;
      if (!active && hold === 0 && released) {
        // Released and nothing to suppress: the frame passes untouched.
        unity[k] = 1;
        gains.fill(1, k * bins, (k + 1) * bins);
        stft.overlapAddUnmodified(error, k, output);
        continue;
      }
      stft.analyse(fft, error, k, E);
      powers(E, e2, norm);

      if (active) {
        hold = holdFrames + 1;
        stft.analyse(fft, estimate, k, Y);
        bandE.fill(0);
        bandD.fill(0);
        bandX.fill(0);
        for (let j = 0; j < bins; j++) {
          // Mic spectrum D = E + Ŷ (d = e + ŷ); bin 0 and the Nyquist bin are packed in [0] and [1].
          const re = j === 0 ? 0 : j === bins - 1 ? 1 : 2 * j;
          const dr = E[re]! + Y[re]!;
          const di = j === 0 || j === bins - 1 ? 0 : E[re + 1]! + Y[re + 1]!;
          const q = band[j]!;
          bandE[q]! += e2[j]!;
          bandD[q]! += (dr * dr + di * di) * norm;
          bandX[q]! += held[j]!;
        }
        for (let q = 0; q < bands; q++) {
          micPower[q]! += GAIN_SMOOTHING * (bandD[q]! - micPower[q]!);
          referencePower[q]! += GAIN_SMOOTHING * (bandX[q]! - referencePower[q]!);
          // The residual gain follows the upper envelope of error/held reference, only in frames
          // the canceller explains (it takes 1 dB off the mic) and not on a jump of more than
          // NEAR_END_JUMP over what it has learnt: near-end speech does not drive it.
          const inst = bandE[q]! / Math.max(bandX[q]!, 1e-20);
          const g = residualGain[q]!;
          if (bandX[q]! > 1e-12 && bandE[q]! < ECHO_DOMINATED * bandD[q]! && (g === 0 || inst < NEAR_END_JUMP * g)) {
            residualGain[q]! += (inst > g ? RISE : FALL) * (inst - g);
          }
        }
      }

      const g = gains.subarray(k * bins, (k + 1) * bins);
      if (hold > 0) {
        hold--;
        if (active) {
          const lk = Math.min(1, 2 * (leak[Math.min(leak.length - 1, Math.floor((k * hop) / leakBlock))] ?? 0));
          powers(Y, r2, norm * lk);
          for (let j = 0; j < bins; j++) {
            const q = band[j]!;
            r2[j] = p.overSubtraction * Math.max(r2[j]!, residualGain[q]! * held[j]!);
          }
        } else {
          // The raw echo's reverberation: after the reference stops the residual is the late
          // tail the canceller barely models, not the speech-time residual.
          for (let j = 0; j < bins; j++) {
            const q = band[j]!;
            r2[j] = p.overSubtraction * (micPower[q]! / referencePower[q]!) * held[j]!;
          }
        }
        smoothBins(r2, scratch);
        smoothBins(e2, scratch);
        maskGains(r2, e2, floor, enrT, enrS, minPowerGain, prev, g);
        released = false;
      } else {
        released = true;
        for (let j = 0; j < bins; j++) {
          const gj = Math.min(1, Math.sqrt(prev[j]!) * releasePerFrame);
          prev[j] = gj * gj;
          g[j] = gj;
          if (gj < 1) released = false;
        }
      }

      // Output: g·E plus comfort noise in what the gain took away.
      stft.analyse(fft, comfortNoise, k, C);
      O[0] = g[0]! * E[0]! + Math.sqrt(1 - g[0]! * g[0]!) * C[0]!;
      O[1] = g[bins - 1]! * E[1]! + Math.sqrt(1 - g[bins - 1]! * g[bins - 1]!) * C[1]!;
      for (let j = 1; j < bins - 1; j++) {
        const gj = g[j]!;
        const c = Math.sqrt(1 - gj * gj);
        O[2 * j] = gj * E[2 * j]! + c * C[2 * j]!;
        O[2 * j + 1] = gj * E[2 * j + 1]! + c * C[2 * j + 1]!;
      }
      stft.synthesise(fft, O, k, output);
    }

    return {
      output,
      filter: (x: Float32Array) => {
        const plan = stft.plan();
        const y = new Float32Array(x.length);
        const S = new Float32Array(size);
        for (let k = 0; k < frames; k++) {
          if (unity[k]) {
            stft.overlapAddUnmodified(x, k, y);
            continue;
          }
          stft.analyse(plan, x, k, S);
          const g = gains.subarray(k * bins, (k + 1) * bins);
          S[0]! *= g[0]!;
          S[1]! *= g[bins - 1]!;
          for (let j = 1; j < bins - 1; j++) {
            S[2 * j]! *= g[j]!;
            S[2 * j + 1]! *= g[j]!;
          }
          stft.synthesise(plan, S, k, y);
        }
        return y;
      },
    };
  }

  private floorAt(stft: ShortTimeSpectra, comfortNoise: Float32Array, frames: number, norm: number): Float64Array {
    if (this.floor?.length === stft.bins) return this.floor;
    const floor = new Float64Array(stft.bins);
    const fft = stft.plan();
    const C = new Float32Array(stft.size);
    for (let k = 0; k < frames; k++) addPowers(stft.analyse(fft, comfortNoise, k, C), floor, norm / frames);
    smoothBins(floor, new Float64Array(stft.bins));
    return (this.floor = floor);
  }

  private stftAt(rate: number): ShortTimeSpectra {
    if (this.stft?.rate !== rate) this.stft = new ShortTimeSpectra(rate);
    return this.stft;
  }
}

/**
 * AEC3's gain for no audible echo, per bin (power gains in prev, amplitude gains into g):
 * 1 below the transparent ENR, 0 above the suppressing one, linear between; never lower than
 * leaves the echo at EMR_TRANSPARENT × the floor, never below minPowerGain, rising by at
 * most MAX_INCREASE per frame.
 */
function maskGains(
  r2: Float64Array,
  e2: Float64Array,
  floor: Float64Array,
  enrT: Float64Array,
  enrS: Float64Array,
  minPowerGain: number,
  prev: Float64Array,
  g: Float32Array,
): void {
  for (let j = 0; j < r2.length; j++) {
    const r = r2[j]!;
    const enr = r / (e2[j]! + 1e-20);
    const emr = r / (floor[j]! + 1e-20);
    let gp = 1;
    if (enr > enrT[j]! && emr > EMR_TRANSPARENT) {
      gp = Math.max(0, (enrS[j]! - enr) / (enrS[j]! - enrT[j]!), EMR_TRANSPARENT / emr);
      gp = Math.max(gp, minPowerGain);
    }
    gp = Math.min(gp, prev[j]! * MAX_INCREASE);
    prev[j] = gp;
    g[j] = Math.sqrt(gp);
  }
}

/** out[j] = scale · |S_j|² for bins 0 … size/2 of a packed spectrum. */
function powers(S: Float32Array, out: Float64Array, scale: number): void {
  const last = out.length - 1;
  out[0] = S[0]! * S[0]! * scale;
  out[last] = S[1]! * S[1]! * scale;
  for (let j = 1; j < last; j++) out[j] = (S[2 * j]! * S[2 * j]! + S[2 * j + 1]! * S[2 * j + 1]!) * scale;
}

/** out[j] += scale · |S_j|². */
function addPowers(S: Float32Array, out: Float64Array, scale: number): void {
  const last = out.length - 1;
  out[0]! += S[0]! * S[0]! * scale;
  out[last]! += S[1]! * S[1]! * scale;
  for (let j = 1; j < last; j++) out[j]! += (S[2 * j]! * S[2 * j]! + S[2 * j + 1]! * S[2 * j + 1]!) * scale;
}

/** In place: [¼ ½ ¼] across neighbouring bins (edges mirrored). */
function smoothBins(v: Float64Array, scratch: Float64Array): void {
  const last = v.length - 1;
  scratch.set(v);
  v[0] = 0.5 * (scratch[0]! + scratch[1]!);
  v[last] = 0.5 * (scratch[last]! + scratch[last - 1]!);
  for (let j = 1; j < last; j++) v[j] = 0.25 * scratch[j - 1]! + 0.5 * scratch[j]! + 0.25 * scratch[j + 1]!;
}

function bandOfBin(bins: number, rate: number, size: number): Uint8Array {
  const out = new Uint8Array(bins);
  for (let j = 0; j < bins; j++) {
    const hz = (j * rate) / size;
    let q = 0;
    while (q < BAND_EDGES_HZ.length && hz >= BAND_EDGES_HZ[q]!) q++;
    out[j] = q;
  }
  return out;
}

/** Per-bin ENR thresholds: the low tuning up to LOW_TUNING_HZ, the high from HIGH_TUNING_HZ, linear between. */
function enrThresholds(bins: number, rate: number, size: number): [Float64Array, Float64Array] {
  const t = new Float64Array(bins);
  const s = new Float64Array(bins);
  for (let j = 0; j < bins; j++) {
    const hz = (j * rate) / size;
    const w = Math.min(1, Math.max(0, (hz - LOW_TUNING_HZ) / (HIGH_TUNING_HZ - LOW_TUNING_HZ)));
    t[j] = ENR_LOW[0] + w * (ENR_HIGH[0] - ENR_LOW[0]);
    s[j] = ENR_LOW[1] + w * (ENR_HIGH[1] - ENR_LOW[1]);
  }
  return [t, s];
}

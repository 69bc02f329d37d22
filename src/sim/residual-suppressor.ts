/**
 * The residual echo suppressor of the voice-processing model: a broadband gain in 10 ms
 * frames after the linear canceller, keyed on the reference. While the (latency-aligned)
 * reference is active, and for a hold time after it goes quiet, the gain is a Wiener-style
 * gain against the estimated residual echo, never below −maxAttenuationDb — so near-end
 * speech louder than the residual passes during double talk. Once the hold has run out the
 * gain releases towards 1 at releaseDbPerS, whatever the canceller still predicts.
 *
 * While the reference plays, the residual estimate is the larger of two:
 * - Speex's: the linear echo estimate times twice the canceller's leak;
 * - AEC3's fallback for a filter it does not trust yet: reference power times a residual
 *   echo path gain, the ratio of error to reference power, each smoothed over ≈ 0.2 s of
 *   active reference. It starts conservative after a configure and persists across trials
 *   like the canceller — so a cold canceller is covered while playback runs.
 * In the hold after the reference stops, the estimate is the raw echo's reverberation
 * (reference power times the mic-to-reference gain, decaying at the T60 the suppressor
 * assumes, as AEC3's reverb model does): what is left then is the late tail the linear
 * filter barely models, which the speech-time residual ratio would badly underestimate.
 *
 * What leaks after a drain is therefore the canceller's residual that outlasts hold and
 * release: how long depends on the room's decay (T60), the echo level (coupling, volume),
 * the latency (echo and suppression both end one latency after the drain) and how far the
 * canceller has converged.
 */
import type { SuppressorParams } from './device-profiles.js';

export interface SuppressorInput {
  /** The mic before the canceller. */
  mic: Float32Array;
  /** Canceller output: mic minus the linear echo estimate. */
  error: Float32Array;
  /** The canceller's linear echo estimate. */
  estimate: Float32Array;
  /** The reference as the canceller saw it (aligned to the echo). */
  reference: Float32Array;
  /** The canceller's leak estimate per block of `leakBlock` samples. */
  leak: Float32Array;
  leakBlock: number;
  rate: number;
}

/** Residual echo path gain assumed before any frame has been seen: echo up to 10 dB over the reference. */
const INITIAL_RESIDUAL_GAIN = 10;
/** Per-frame smoothing of the powers behind the residual gain (≈ 0.2 s). */
const GAIN_SMOOTHING = 0.05;

export class ResidualSuppressor {
  /** Smoothed error, mic and reference powers over active frames (persist until the next configure). */
  private errorPower = INITIAL_RESIDUAL_GAIN * 1e-4;
  private micPower = INITIAL_RESIDUAL_GAIN * 1e-4;
  private referencePower = 1e-4;

  constructor(private readonly p: SuppressorParams) {}

  /** Per-sample amplitude gain in [10^(−maxAttenuationDb/20), 1] for one trial. */
  gain(input: SuppressorInput): Float32Array {
    const { p } = this;
    const { mic, error, estimate, reference, leak, leakBlock, rate } = input;
    const n = error.length;
    const H = Math.max(1, Math.round(rate / 100));
    const frames = Math.ceil(n / H);
    const minGain = 10 ** (-p.maxAttenuationDb / 20);
    const activity = 10 ** (p.activityDbfs / 10);
    const holdFrames = Math.round(p.holdMs / 10);
    const releasePerFrame = 10 ** ((p.releaseDbPerS * H) / rate / 20);
    // Power decay per frame of the assumed reverberation: 60 dB per assumed T60.
    const reverbDecay = 10 ** ((-6 * H) / (rate * p.assumedT60S));

    const frameGain = new Float64Array(frames);
    let hold = 0;
    let gain = 1;
    let tail = 0;
    for (let k = 0; k < frames; k++) {
      const a = k * H;
      const b = Math.min(n, a + H);
      let px = 0,
        py = 0,
        pe = 0,
        pd = 0;
      for (let i = a; i < b; i++) {
        px += reference[i]! * reference[i]!;
        py += estimate[i]! * estimate[i]!;
        pe += error[i]! * error[i]!;
        pd += mic[i]! * mic[i]!;
      }
      const len = b - a;
      px /= len;
      py /= len;
      pe /= len;
      pd /= len;
      const active = px > activity;
      if (active) {
        hold = holdFrames + 1;
        this.errorPower += GAIN_SMOOTHING * (pe - this.errorPower);
        this.micPower += GAIN_SMOOTHING * (pd - this.micPower);
        this.referencePower += GAIN_SMOOTHING * (px - this.referencePower);
      }
      // The raw echo's reverberation, for the frames after the reference stops: there the
      // residual is the late tail the canceller barely models, not the speech-time residual.
      tail = Math.max((this.micPower / this.referencePower) * px, reverbDecay * tail);
      if (hold > 0) {
        hold--;
        const lk = leak[Math.min(leak.length - 1, Math.floor(a / leakBlock))] ?? 0;
        const residual = active ? Math.max(Math.min(1, 2 * lk) * py, (this.errorPower / this.referencePower) * px) : tail;
        const wiener = pe > 0 ? Math.sqrt(Math.max(0, 1 - (p.overSubtraction * residual) / pe)) : 1;
        gain = Math.max(minGain, wiener);
      } else gain = Math.min(1, gain * releasePerFrame);
      frameGain[k] = gain;
    }

    // Linear ramps between frame gains: no steps, no clicks.
    const g = new Float32Array(n);
    let prev = frameGain[0]!;
    for (let k = 0; k < frames; k++) {
      const a = k * H;
      const b = Math.min(n, a + H);
      const next = frameGain[k]!;
      for (let i = a; i < b; i++) g[i] = prev + ((next - prev) * (i - a + 1)) / H;
      prev = next;
    }
    return g;
  }
}

/**
 * What the HTML report shows of one trial besides its numbers: level envelopes of the
 * reference and the mic on one time axis, the device events, and where to play the audio.
 * The envelope is the peak level per bucket in dBFS, stored as attenuation bytes (0…120 dB
 * below full scale) in base64: ~1 KB per trial, so a 1,000-trial report stays small.
 */
import type { SampleView } from '../core/audio.js';

export interface TrialAudio {
  /** A data: URI (small runs) or a path relative to report.html. */
  ref: string | null;
  mic: string | null;
  gated: string | null;
}

export interface TrialView {
  run: string;
  cell: string;
  index: number;
  /** Bucket length of both envelopes, ms. */
  stepMs: number;
  refEnv: string | null;
  micEnv: string | null;
  events: Array<{ type: string; tMs: number }>;
  audio: TrialAudio;
  /** Why the waveforms are missing, when they are. */
  note: string | null;
  /** Length of the trial's recording (the mic, else the reference), ms; null when neither could be read. JUnit's device time adds these up. */
  recordedMs: number | null;
}

export const ENVELOPE_FLOOR_DB = 120;

/** Bucket length for a trial of durMs: about 400 buckets, a whole number of milliseconds. */
export function envelopeStepMs(durMs: number, buckets = 400): number {
  return Math.max(1, Math.ceil(durMs / buckets));
}

/**
 * Peak |x| per bucket in dB below full scale, clamped to 0…120, as base64 bytes. One tight
 * pass over the stored samples (no float copy): 2,000 WAVs of a 1,000-trial run must take
 * seconds, not tens of seconds.
 */
export function envelopeBase64(x: Float32Array | SampleView, sampleRate: number, stepMs: number): string {
  const v: SampleView = x instanceof Float32Array ? { data: x, scale: 1, stride: 1, sampleRate } : x;
  const { data, stride } = v;
  const frames = Math.floor(data.length / stride);
  const per = Math.max(1, Math.round((stepMs * v.sampleRate) / 1000));
  const n = Math.ceil(frames / per);
  const out = new Uint8Array(n);
  for (let b = 0, f = 0; b < n; b++) {
    let hi = 0,
      lo = 0;
    const end = Math.min(frames, f + per) * stride;
    for (let i = f * stride; i < end; i += stride) {
      const s = data[i]!;
      if (s > hi) hi = s;
      else if (s < lo) lo = s;
    }
    f = Math.min(frames, f + per);
    const peak = (hi > -lo ? hi : -lo) * v.scale;
    out[b] = peak > 0 ? Math.max(0, Math.min(ENVELOPE_FLOOR_DB, Math.round(-20 * Math.log10(peak)))) : ENVELOPE_FLOOR_DB;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('base64');
}

/** Inverse of envelopeBase64, for tests and tools: dBFS values. */
export function decodeEnvelope(b64: string): number[] {
  return Array.from(Buffer.from(b64, 'base64'), (v) => -v);
}

/**
 * A synthetic trial with known truth: reference = pre-roll silence, pseudo-speech,
 * post-roll silence; mic = echo of the reference through a room (delay, gain) + noise
 * floor + a residual burst of known level and length right after the drain.
 */
import type { TrialInput } from '../../src/analysis/analyze-trial.js';
import type { StreamInfo } from '../../src/analysis/trial-result.js';
import { whiteNoise } from './random.js';
import { convolve, decayingNoiseRir, mixAt, pseudoSpeech, scale } from './synth.js';

export interface TrialSpec {
  fs?: number;
  preRollMs?: number;
  speechS?: number;
  postRollMs?: number;
  delaySamples?: number;
  /** Echo gain (dB) of the direct path relative to the reference. */
  echoGainDb?: number;
  t60?: number;
  noiseDbfs?: number;
  /** Residual after the drain: level in dB over the (broadband) noise and length in ms. */
  residualDb?: number;
  residualMs?: number;
  seed?: number;
}

export function makeTrial(s: TrialSpec = {}) {
  const fs = s.fs ?? 48_000;
  const seed = s.seed ?? 1;
  const pre = Math.round(((s.preRollMs ?? 500) * fs) / 1000);
  const speech = pseudoSpeech(s.speechS ?? 3, fs, seed);
  const post = Math.round(((s.postRollMs ?? 2000) * fs) / 1000);
  const n = pre + speech.length + post;
  const ref = mixAt(n, [[speech, pre]]);
  const delay = s.delaySamples ?? 960;
  const rir = decayingNoiseRir(fs, s.t60 ?? 0.3, seed + 7, { directDelay: delay, lengthS: 0.4 });
  const echo = scale(convolve(ref, rir).subarray(0, n), 10 ** ((s.echoGainDb ?? -20) / 20));
  const noiseRms = 10 ** ((s.noiseDbfs ?? -70) / 20);
  const noise = whiteNoise(n, seed + 13, noiseRms);
  const drain = pre + speech.length;
  const parts: Array<[Float32Array, number]> = [
    [echo, 0],
    [noise, 0],
  ];
  if (s.residualMs && s.residualMs > 0) {
    const resLen = Math.round((s.residualMs * fs) / 1000);
    // Excess E dB over the floor needs residual power (10^(E/10) − 1)·noise power.
    const resRms = noiseRms * Math.sqrt(10 ** ((s.residualDb ?? 15) / 10) - 1);
    parts.push([whiteNoise(resLen, seed + 21, resRms), drain]);
  }
  const mic = mixAt(n, parts);
  return { fs, ref, mic, drainMs: (drain * 1000) / fs, delayMs: (delay * 1000) / fs, preRollMs: (pre * 1000) / fs };
}

/** StreamInfo of a mono signal held in memory (no file, channel 0, not resampled). */
export const memoryStreamInfo = (fs: number, n: number): StreamInfo => ({
  path: null,
  sampleRate: fs,
  channels: 1,
  channelUsed: 0,
  durationMs: (n * 1000) / fs,
  resampledTo: null,
});

/** analyzeTrial's input for an in-memory pair: drain, playback start and floor from the reference, unless `extra` says otherwise. */
export function trialInput(ref: Float32Array, mic: Float32Array, fs: number, extra: Partial<TrialInput> = {}): TrialInput {
  return {
    ref,
    mic,
    sampleRate: fs,
    drainMs: null,
    drainSource: 'reference',
    playbackStartMs: null,
    preRollMs: null,
    delayMs: null,
    calibration: null,
    refInfo: memoryStreamInfo(fs, ref.length),
    micInfo: memoryStreamInfo(fs, mic.length),
    warnings: [],
    ...extra,
  };
}

/**
 * What one recording pair says about playback: where it starts and ends, the noise
 * floor, the echo delay and the echo level. Shared by trial analysis and by the
 * calibration pair (voice processing bypassed), so both measure the same way.
 */
import { powerToDb, round } from '../core/units.js';
import { decimationFactor, maskedDecimate, minRateForBand } from '../dsp/band-filter.js';
import { realFft, WorkArrays } from '../dsp/fft.js';
import { gccFftSize, gccPhatSpectra, isReliableDelay, isSilent, type GccResult } from '../dsp/gcc-phat.js';
import { framePowers, lastActiveFrame, meanPower, noiseFloor, quietFramesFloor, type NoiseFloor } from '../dsp/levels.js';
import type { AnalysisOptions } from '../config/analysis-options.js';

export interface PlaybackContext {
  /** Gate origin, ms from sample 0; null → end of the reference buffer. */
  drainMs: number | null;
  /** Start of playback from device events, ms; null → first non-zero reference sample. */
  playbackStartMs: number | null;
  /** Mic audio before playback that holds noise only, ms; null → up to the playback start. */
  preRollMs: number | null;
}

export interface PlaybackMeasure {
  /** Rate of refBand and micBand: the input rate decimated to ≥ 16 kHz (the bands end below 8 kHz). */
  bandRate: number;
  /** Frame length in samples at bandRate. */
  frameLen: number;
  /** The band-limited inputs at bandRate, in the caller's `bands` (valid until its next use). */
  refBand: Float32Array;
  micBand: Float32Array;
  /** Mic band power per frame, grid from sample 0. */
  micFrames: Float64Array;
  /** The mic in the energy detector's band (detectorBandHz) at bandRate: micBand itself when the bands are equal. */
  micDetectorBand: Float32Array;
  /** Its power per frame, grid from sample 0 (micFrames itself when the bands are equal). */
  detectorFrames: Float64Array;
  /** The noise floor in the detector's band, from the same frames as `floor`. */
  detectorFloor: NoiseFloor;
  drainMs: number | null;
  /** First and one past the last non-zero reference sample; null for a silent reference. */
  refExtent: [number, number] | null;
  refBufferStartMs: number | null;
  refBufferEndMs: number | null;
  refAcousticEndMs: number | null;
  playbackStartMs: number | null;
  preRollMs: number;
  preRollSource: 'option' | 'reference' | 'quiet-frames';
  floor: NoiseFloor;
  gcc: GccResult | null;
  gccReliable: boolean;
  /** Band power means over the playback window (reference) and the window shifted by `delayMs` (mic). */
  levelsAt(delayMs: number | null): { refDb: number | null; micDb: number | null; echoLossDb: number | null; lowerBound: boolean };
  warnings: string[];
}

/** The spectra of one call, kept for the next (see WorkArrays); they do not leave the call. */
const work = new WorkArrays();

const msOf = (samples: number, fs: number) => (samples * 1000) / fs;

/** Index of the first and one past the last non-zero sample, or null for an all-zero signal. */
function bufferExtent(x: Float32Array): [number, number] | null {
  let a = 0;
  while (a < x.length && x[a] === 0) a++;
  if (a === x.length) return null;
  let b = x.length;
  while (b > a && x[b - 1] === 0) b--;
  return [a, b];
}

/**
 * refBand and micBand (384 kB each for a 6 s trial) are written to the caller's `bands`,
 * refilled call after call instead of allocated (allocating them cost 2.5–4.5 % of a
 * 48 kHz trial): they stay valid until the caller uses the same WorkArrays again. A caller
 * that keeps the result passes a WorkArrays of the result's own.
 */
export function measurePlayback(
  ref: Float32Array,
  mic: Float32Array,
  fs: number,
  ctx: PlaybackContext,
  o: AnalysisOptions,
  bands: WorkArrays,
): PlaybackMeasure {
  const warnings: string[] = [];
  const frameLen = (o.frameMs * fs) / 1000;
  const extent = bufferExtent(ref);
  const refBufferStartMs = extent ? msOf(extent[0], fs) : null;
  const refBufferEndMs = extent ? msOf(extent[1], fs) : null;
  const drainMs = ctx.drainMs ?? refBufferEndMs;
  const playbackStartMs = ctx.playbackStartMs ?? refBufferStartMs;

  // Acoustic end: broadband frames of the clean reference; a 60 dB range sits far above
  // its numeric floor, so band limiting would change nothing but the cost. Frames after
  // the buffer's last non-zero sample are silent and cannot be its end: not computed.
  const refFrames = framePowers(ref, frameLen, 0, extent ? Math.ceil(extent[1] / frameLen) : 0);
  const lastActive = lastActiveFrame(refFrames, o.acousticEndRangeDb);
  const refAcousticEndMs = lastActive >= 0 ? (lastActive + 1) * o.frameMs : null;

  // One forward FFT per signal feeds everything: GCC-PHAT, and the band-limited signals,
  // decimated to ≥ 16 kHz by the inverse FFT itself, for all levels. Both read only the
  // bins below the decimated Nyquist, so only those (the first n / factor values) are kept.
  const maxLag = Math.round((o.maxDelayMs * fs) / 1000);
  const minLag = Math.round((o.minDelayMs * fs) / 1000);
  const topHz = Math.max(o.bandHz[1], o.delayBandHz[1], o.detectorBandHz[1]);
  const factor = decimationFactor(fs, minRateForBand(topHz));
  const n = gccFftSize(ref.length, mic.length, minLag, maxLag, factor);
  const plan = realFft(n);
  const X = plan.forward(ref, work.float32('X', n / factor));
  const Y = plan.forward(mic, work.float32('Y', n / factor));
  const bandRate = fs / factor;
  const refBand = maskedDecimate(X, n, fs, o.bandHz, factor, bands.float32('refBand', Math.ceil(ref.length / factor)));
  const micBand = maskedDecimate(Y, n, fs, o.bandHz, factor, bands.float32('micBand', Math.ceil(mic.length / factor)));
  const sameBand = o.detectorBandHz[0] === o.bandHz[0] && o.detectorBandHz[1] === o.bandHz[1];
  const micDetectorBand = sameBand ? micBand : maskedDecimate(Y, n, fs, o.detectorBandHz, factor, bands.float32('micDetectorBand', micBand.length));
  const frameLenBand = frameLen / factor;
  const micFrames = framePowers(micBand, frameLenBand);
  const detectorFrames = sameBand ? micFrames : framePowers(micDetectorBand, frameLenBand);
  const refBandFrames = framePowers(refBand, frameLenBand);

  // Noise floor: the mic before any echo can arrive.
  let preRollMs: number;
  let preRollSource: PlaybackMeasure['preRollSource'];
  if (ctx.preRollMs !== null) {
    preRollMs = ctx.preRollMs;
    preRollSource = 'option';
  } else {
    preRollMs = Math.max(0, (playbackStartMs ?? msOf(mic.length, fs)) + Math.min(0, o.minDelayMs));
    preRollSource = 'reference';
  }
  const preFrames = Math.floor(preRollMs / o.frameMs);
  const none: NoiseFloor = { power: 0, powerDb: -200, spreadDb: 0, frames: 0 };
  let floor = preRollMs >= o.minPreRollMs ? noiseFloor(micFrames.subarray(0, preFrames)) : null;
  let detectorFloor = preRollMs >= o.minPreRollMs ? noiseFloor(detectorFrames.subarray(0, preFrames)) : null;
  if (!floor || !detectorFloor) {
    floor = quietFramesFloor(micFrames) ?? none;
    detectorFloor = quietFramesFloor(detectorFrames) ?? none;
    warnings.push(`pre-roll of ${round(preRollMs, 0)} ms is shorter than ${o.minPreRollMs} ms: noise floor taken from the quietest 10 % of mic frames`);
    preRollSource = 'quiet-frames';
  }

  // Delay: GCC-PHAT between what was played and the mic, within the search range.
  const gcc: GccResult | null =
    extent && !isSilent(micBand) ? gccPhatSpectra(X, Y, n, { sampleRate: fs, minLag, maxLag, bandHz: o.delayBandHz }, factor) : null;
  const gccReliable = gcc !== null && isReliableDelay(gcc, o.minDelayConfidenceDb);

  const levelsAt = (delayMs: number | null) => {
    if (playbackStartMs === null || drainMs === null || drainMs <= playbackStartMs) {
      return { refDb: null, micDb: null, echoLossDb: null, lowerBound: false };
    }
    const a = playbackStartMs / o.frameMs;
    const b = drainMs / o.frameMs;
    const shift = (delayMs ?? 0) / o.frameMs;
    const refP = meanPower(refBandFrames, a, b);
    const micP = meanPower(micFrames, a + shift, b + shift);
    if (refP === null || micP === null || refP <= 0)
      return { refDb: refP === null ? null : powerToDb(refP), micDb: micP === null ? null : powerToDb(micP), echoLossDb: null, lowerBound: false };
    const refDb = powerToDb(refP);
    const echoP = micP - floor.power;
    // Less than 3 dB over the floor, the echo cannot be told from noise: report a bound.
    if (echoP < floor.power) return { refDb, micDb: powerToDb(micP), echoLossDb: refDb - floor.powerDb, lowerBound: true };
    return { refDb, micDb: powerToDb(micP), echoLossDb: refDb - powerToDb(echoP), lowerBound: false };
  };

  return {
    bandRate,
    frameLen: frameLenBand,
    refBand,
    micBand,
    micFrames,
    micDetectorBand,
    detectorFrames,
    detectorFloor,
    drainMs,
    refExtent: extent,
    refBufferStartMs,
    refBufferEndMs,
    refAcousticEndMs,
    playbackStartMs,
    preRollMs,
    preRollSource,
    floor,
    gcc,
    gccReliable,
    levelsAt,
    warnings,
  };
}

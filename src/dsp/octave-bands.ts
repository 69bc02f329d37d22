/**
 * Octave band-passes (IEC 61260 band edges) and a DC-removing high-pass for room
 * acoustics, built on the zero-phase spectral masks of band-filter.ts.
 */
import { applySpectralMask, bandPassGain, highPassGain } from './band-filter.js';

/** Octave band centres (Hz) reported by ISO 3382 room-acoustic measurements. */
export const OCTAVE_CENTRES_HZ: readonly number[] = [125, 250, 500, 1000, 2000, 4000];

/** `x` minus its mean, in a new array (float64 accumulation keeps long sums exact enough). */
export function removeMean(x: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  const mean = x.length > 0 ? sum / x.length : 0;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - mean;
  return out;
}

/**
 * Octave band-pass centred on `centreHz`: edges fc/√2 and fc·√2 (IEC 61260 base-2),
 * raised-cosine skirts 1/6 octave wide, zero phase. Same length as the input.
 */
export function octaveBandFilter(x: Float32Array, sampleRate: number, centreHz: number): Float32Array {
  if (!(centreHz > 0)) throw new RangeError(`centreHz must be > 0, got ${centreHz}`);
  return applySpectralMask(x, sampleRate, bandPassGain(centreHz / Math.SQRT2, centreHz * Math.SQRT2));
}

/**
 * Zero-phase high-pass (−6 dB at `cutoffHz`, raised-cosine edge 1/6 octave wide) that
 * removes DC. The mean is subtracted first: with zero padding a constant offset becomes a
 * rectangle, and the filter would turn its two ends into step transients — one of them
 * exactly where Schroeder analysis reads the noise floor.
 */
export function highPass(x: Float32Array, sampleRate: number, cutoffHz: number): Float32Array {
  return applySpectralMask(removeMean(x), sampleRate, highPassGain(cutoffHz));
}

/**
 * Zero-phase FFT filters: octave band-passes (IEC 61260 band edges) and a DC-removing
 * high-pass, all built on one helper that multiplies the spectrum by a real-valued gain.
 *
 * Edges are raised-cosine in log-frequency, about 1/6 octave wide, rather than brick-wall:
 * a brick-wall mask rings for as long as the signal (sinc tails), which would smear the
 * very decay Schroeder integration measures.
 */
import { goodFftSize, realFft } from './fft.js';

/** Octave band centres (Hz) reported by ISO 3382 room-acoustic measurements. */
export const OCTAVE_CENTRES_HZ: readonly number[] = [125, 250, 500, 1000, 2000, 4000];

/** Width of each raised-cosine band edge, in octaves (centred on the nominal edge). */
export const EDGE_TRANSITION_OCTAVES = 1 / 6;

/** Minimum zero padding: longer than the ringing of a 1/6-octave edge at ~40 Hz. */
const MIN_PAD_S = 0.5;

/** 0 → 1 raised-cosine step in log2-frequency, 0.5 (−6 dB) at `edgeHz`. */
function risingEdge(hz: number, edgeHz: number, widthOct: number): number {
  if (hz <= 0) return 0;
  const u = Math.log2(hz / edgeHz) / widthOct + 0.5;
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * u);
}

/**
 * Gain of a band-pass from `lowHz` to `highHz` with raised-cosine edges `widthOct` octaves
 * wide, −6 dB at each edge. Adjacent bands sharing an edge sum to exactly 1 (amplitude
 * complementary), so a filter bank splits a signal without gaps or overlap bumps.
 */
export function bandPassGain(lowHz: number, highHz: number, widthOct = EDGE_TRANSITION_OCTAVES): (hz: number) => number {
  if (!(lowHz > 0 && highHz > lowHz)) throw new RangeError(`band edges must satisfy 0 < low < high, got ${lowHz}, ${highHz}`);
  return (hz) => risingEdge(hz, lowHz, widthOct) * (1 - risingEdge(hz, highHz, widthOct));
}

/** Gain of a high-pass with a raised-cosine edge `widthOct` octaves wide, −6 dB at `cutoffHz`, 0 at DC. */
export function highPassGain(cutoffHz: number, widthOct = EDGE_TRANSITION_OCTAVES): (hz: number) => number {
  if (!(cutoffHz > 0)) throw new RangeError(`cutoff must be > 0 Hz, got ${cutoffHz}`);
  return (hz) => risingEdge(hz, cutoffHz, widthOct);
}

/**
 * Filters `x` by a zero-phase filter whose frequency response is the real `gain(hz)`,
 * applied to the FFT of `x` zero-padded by max(x.length, 0.5 s). The padding makes the
 * result a linear (not circular) convolution: nothing wraps from the end of the signal into
 * its start, and the mask's own impulse response only aliases beyond ±0.5 s, where smooth
 * masks (such as the raised-cosine ones here) have decayed below −60 dB.
 * Output has the same length as the input.
 */
export function applySpectralMask(x: Float32Array, sampleRate: number, gain: (hz: number) => number): Float32Array {
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be > 0, got ${sampleRate}`);
  if (x.length === 0) return new Float32Array(0);
  const n = goodFftSize(x.length + Math.max(x.length, Math.ceil(MIN_PAD_S * sampleRate)));
  const fft = realFft(n);
  const spec = fft.forward(x);
  const binHz = sampleRate / n;
  // Packed layout: [Re0, ReNyq, Re1, Im1, …]; a real gain scales Re and Im alike.
  spec[0]! *= gain(0);
  spec[1]! *= gain(sampleRate / 2);
  for (let k = 1; k < n / 2; k++) {
    const g = gain(k * binHz);
    spec[2 * k]! *= g;
    spec[2 * k + 1]! *= g;
  }
  return fft.inverse(spec).slice(0, x.length);
}

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

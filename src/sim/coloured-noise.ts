/**
 * Stationary Gaussian noise with a power-law spectrum, synthesised in the frequency
 * domain and scaled so its *expected* power in the analysis band (300–6700 Hz, the same
 * raised-cosine mask the analysis applies) is the level asked for. Room noise and mic
 * self-noise are components of one spectrum.
 *
 * A NoiseBank draws one long realisation (a minute) once; each trial reads a stretch of it
 * from a seeded offset, wrapping around (the realisation is periodic, being an inverse
 * FFT). Room noise and comfort noise are two stretches at independent offsets. This keeps
 * the per-trial cost of noise at a copy.
 */
import { uniform } from '../core/random.js';
import { bandPassGain, bandTopLimit } from '../dsp/band-filter.js';
import { goodFftSize, realFft } from '../dsp/fft.js';
import { fillGaussian } from './seeded-random.js';

/** Band in which noise levels are stated: the analysis band (docs/analysis.md). */
const NOISE_LEVEL_BAND_HZ: readonly [number, number] = [300, 6700];
/** Below this the spectrum is flat: a power law would put unbounded energy near DC. */
const LOW_CORNER_HZ = 20;
/** Length of a bank's realisation, s: longer than any trial, so a stretch never meets itself. */
const BANK_SECONDS = 65;

export interface NoiseComponent {
  /** Expected power in NOISE_LEVEL_BAND_HZ, dBFS. */
  bandDbfs: number;
  /** Spectral slope: 0 white, −3 pink, −6 brown (dB per octave). */
  slopeDbPerOctave: number;
}

/** Amplitude spectrum (per bin, bins 0 … n/2) of the sum of components at `rate`. */
function noiseAmplitudes(n: number, rate: number, components: readonly NoiseComponent[]): Float64Array {
  const band = bandPassGain(NOISE_LEVEL_BAND_HZ[0], Math.min(NOISE_LEVEL_BAND_HZ[1], bandTopLimit(rate)));
  const power = new Float64Array(n / 2 + 1);
  const shape = new Float64Array(n / 2 + 1);
  for (const c of components) {
    const exponent = c.slopeDbPerOctave / (10 * Math.log10(2));
    let inBand = 0;
    for (let k = 1; k < n / 2; k++) {
      const hz = (k * rate) / n;
      shape[k] = (Math.max(hz, LOW_CORNER_HZ) / 1000) ** exponent;
      if (hz > NOISE_LEVEL_BAND_HZ[0] / 2 && hz < NOISE_LEVEL_BAND_HZ[1] * 2) inBand += shape[k]! * band(hz) ** 2;
    }
    // Expected power of the inverse FFT (scaled 1/n) of bins with E|X_k|² = A_k²: (2/n²)·Σ A_k².
    const scale = 10 ** (c.bandDbfs / 10) / ((2 / (n * n)) * inBand);
    for (let k = 1; k < n / 2; k++) power[k]! += shape[k]! * scale;
  }
  return power.map(Math.sqrt);
}

/** `length` samples of noise with the summed spectrum of `components`, drawn from `seed`. */
function colouredNoise(length: number, rate: number, components: readonly NoiseComponent[], seed: number): Float32Array {
  const n = goodFftSize(length);
  const amp = noiseAmplitudes(n, rate, components);
  const spec = new Float32Array(n);
  fillGaussian(spec, seed);
  spec[0] = 0;
  spec[1] = 0;
  // Complex Gaussian bins with E|X_k|² = A_k²: real and imaginary parts each carry half.
  for (let k = 1; k < n / 2; k++) {
    const a = amp[k]! * Math.SQRT1_2;
    spec[2 * k]! *= a;
    spec[2 * k + 1]! *= a;
  }
  return realFft(n).inverse(spec).slice(0, length);
}

/** One long realisation of a noise spectrum; trials read seeded stretches of it. */
export class NoiseBank {
  private readonly noise: Float32Array;

  constructor(rate: number, components: readonly NoiseComponent[], seed: number) {
    this.noise = colouredNoise(Math.round(BANK_SECONDS * rate), rate, components, seed);
  }

  /** `length` samples starting at an offset drawn from `seed` (wrapping around). */
  stretch(length: number, seed: number): Float32Array {
    const n = this.noise.length;
    const out = new Float32Array(length);
    let at = Math.floor(uniform(seed)() * n);
    for (let filled = 0; filled < length;) {
      const take = Math.min(length - filled, n - at);
      out.set(this.noise.subarray(at, at + take), filled);
      filled += take;
      at = 0;
    }
    return out;
  }
}

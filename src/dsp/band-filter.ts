/**
 * Zero-phase band limiting by one FFT over the whole signal: exact band edges (the
 * 300–6700 Hz of echo-loss measurements) without the phase distortion of IIR filters,
 * and cheap because PFFFT is fast. Raised-cosine edges keep time-domain ringing short.
 */
import { goodFftSize, realFft, type FftBackendName } from './fft.js';

/** Raised-cosine taper width at each band edge, as a fraction of the edge frequency (≈ 1/6 octave). */
const EDGE_FRACTION = 0.12;

/** Gain of the band mask at frequency f: 1 inside [lo, hi], 0 well outside, cosine tapers at the edges. */
export function bandGain(f: number, lo: number, hi: number): number {
  const wLo = lo * EDGE_FRACTION;
  const wHi = hi * EDGE_FRACTION;
  if (f <= lo - wLo || f >= hi + wHi) return 0;
  if (f < lo + wLo) return 0.5 - 0.5 * Math.cos((Math.PI * (f - (lo - wLo))) / (2 * wLo));
  if (f > hi - wHi) return 0.5 - 0.5 * Math.cos((Math.PI * (hi + wHi - f)) / (2 * wHi));
  return 1;
}

/**
 * Multiply x's spectrum by a real, zero-phase gain(f). The signal is zero-padded by
 * `padSamples` on each side so the filter's (short) time response does not wrap around.
 */
export function applySpectralMask(
  x: Float32Array,
  sampleRate: number,
  gain: (hz: number) => number,
  padSamples = Math.round(sampleRate * 0.05),
  backend: FftBackendName = 'pffft',
): Float32Array {
  const n = goodFftSize(x.length + 2 * padSamples, backend);
  const plan = realFft(n, backend);
  const buf = new Float32Array(n);
  buf.set(x, padSamples);
  const X = plan.forward(buf);
  const df = sampleRate / n;
  X[0]! *= gain(0);
  X[1]! *= gain(sampleRate / 2);
  for (let k = 1; k < n / 2; k++) {
    const g = gain(k * df);
    X[2 * k]! *= g;
    X[2 * k + 1]! *= g;
  }
  return plan.inverse(X).slice(padSamples, padSamples + x.length);
}

/** x band-limited to [lo, hi] Hz (the upper edge is clipped below Nyquist). */
export function bandLimit(x: Float32Array, sampleRate: number, [lo, hi]: readonly [number, number]): Float32Array {
  const top = Math.min(hi, (sampleRate / 2) * 0.98);
  return applySpectralMask(x, sampleRate, (f) => bandGain(f, lo, top));
}

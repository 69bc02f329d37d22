/**
 * The model's internal rate. Like WebRTC AEC3, whose linear canceller works on the
 * 0–8 kHz band at 16 kHz, the acoustic and voice-processing path runs at the configured
 * rate divided by an integer (48 kHz → 16 kHz, 44.1 kHz → 22.05 kHz; 8–24 kHz unchanged),
 * and its outputs are brought back to the configured rate. The analysis band
 * (300–6700 Hz) and the delay band (100–7000 Hz) lie inside; the cost of the canceller,
 * the room convolution and the noise falls by the factor. Conversions are FFT masks:
 * linear phase, so delays are kept exactly.
 */
import { decimatableFftSize, decimationFactor } from '../dsp/band-filter.js';
import { goodFftSize, realFft, WorkArrays } from '../dsp/fft.js';

export interface InternalRate {
  /** Configured (device) rate. */
  deviceRate: number;
  /** Rate of the modelled acoustic and voice-processing path. */
  rate: number;
  /** deviceRate / rate, an integer whose only prime factors are 2, 3 and 5. */
  factor: number;
}

/** Lowest internal rate: carries the 0–7 kHz of wideband voice. */
const MIN_INTERNAL_RATE = 16_000;
/** Pass band ends at this fraction of the internal rate (7.04 kHz at 16 kHz); raised-cosine to 0 at Nyquist. */
const PASS_FRACTION = 0.44;
/** Zero padding against circular wrap of the mask's short impulse response. */
const PAD_S = 0.05;
/**
 * Spectra of a trial's length, a megabyte at 48 kHz, run through here up to five times per
 * trial: kept from call to call. Transforms write only the part kept (the bins below the
 * internal Nyquist, the samples returned), so nothing else is allocated.
 */
const work = new WorkArrays();

export function internalRate(deviceRate: number): InternalRate {
  const factor = decimationFactor(deviceRate, MIN_INTERNAL_RATE);
  return { deviceRate, rate: deviceRate / factor, factor };
}

/** Gain of the anti-alias / anti-image mask at bin k of an m-point FFT at the internal rate. */
function maskGain(k: number, m: number): number {
  const f = k / m; // fraction of the internal rate
  if (f <= PASS_FRACTION) return 1;
  if (f >= 0.5) return 0;
  return 0.5 + 0.5 * Math.cos((Math.PI * (f - PASS_FRACTION)) / (0.5 - PASS_FRACTION));
}

/** x (device rate) → ⌈x.length / factor⌉ samples at the internal rate. */
export function toInternal(x: Float32Array, ir: InternalRate): Float32Array {
  const d = ir.factor;
  if (d === 1) return x.slice();
  const n = decimatableFftSize(x.length + Math.ceil(PAD_S * ir.deviceRate), d);
  const m = n / d;
  // Only the bins below the internal Nyquist are read: the first m values of the spectrum.
  const X = realFft(n).forward(x, work.float32('X', m));
  const S = work.float32('S', m);
  S[0] = X[0]! / d;
  S[1] = 0; // Nyquist of m: the mask is 0 there
  for (let k = 1; k < m / 2; k++) {
    const g = maskGain(k, m) / d;
    S[2 * k] = X[2 * k]! * g;
    S[2 * k + 1] = X[2 * k + 1]! * g;
  }
  return realFft(m).inverse(S, new Float32Array(Math.ceil(x.length / d)));
}

/**
 * An impulse response (device rate) as the impulse response of the same system at the
 * internal rate. A discrete impulse of height a at rate fs stands for an area a / fs; kept
 * at the same area at rate fs / factor, its height becomes a · factor. Signals keep their
 * sample values (toInternal); responses keep their areas.
 */
export function responseToInternal(h: Float32Array, ir: InternalRate): Float32Array {
  const y = toInternal(h, ir);
  if (ir.factor !== 1) for (let i = 0; i < y.length; i++) y[i]! *= ir.factor;
  return y;
}

/** y (internal rate) → `outLength` samples at the device rate (band-limited interpolation). */
export function toDevice(y: Float32Array, ir: InternalRate, outLength: number): Float32Array {
  const d = ir.factor;
  if (d === 1) {
    const out = new Float32Array(outLength);
    out.set(y.subarray(0, outLength));
    return out;
  }
  const m = goodFftSize(Math.max(y.length, Math.ceil(outLength / d)) + Math.ceil(PAD_S * ir.rate));
  const n = m * d;
  const Y = realFft(m).forward(y, work.float32('Y', m));
  // Only Z[0] and Z[2 … m − 1] are ever written; Z[1] (the Nyquist) and the bins from m/2
  // up keep the zeros they were allocated with. The array is named per factor, so one of a
  // given length n is always used with the same m = n / d.
  const Z = work.float32(`Z/${d}`, n);
  Z[0] = Y[0]! * d;
  for (let k = 1; k < m / 2; k++) {
    const g = maskGain(k, m) * d;
    Z[2 * k] = Y[2 * k]! * g;
    Z[2 * k + 1] = Y[2 * k + 1]! * g;
  }
  return realFft(n).inverse(Z, new Float32Array(outLength));
}

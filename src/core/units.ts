/** Unit conversions used across layers. Power ratios use 10·log10, amplitudes 20·log10. */

/** Smallest power we report in dB: keeps digital silence finite (−200 dB) instead of −Infinity. */
export const POWER_EPSILON = 1e-20;

export const powerToDb = (p: number): number => 10 * Math.log10(Math.max(p, POWER_EPSILON));
export const dbToPower = (db: number): number => 10 ** (db / 10);
export const amplitudeToDb = (a: number): number => 20 * Math.log10(Math.max(Math.abs(a), 1e-10));
export const dbToAmplitude = (db: number): number => 10 ** (db / 20);

export const msToSamples = (ms: number, sampleRate: number): number => (ms * sampleRate) / 1000;
export const samplesToMs = (samples: number, sampleRate: number): number => (samples * 1000) / sampleRate;

/** Round to a fixed number of decimals so JSON output is stable and readable. */
export function round(x: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/** Unit conversions used across layers (power ratios in dB use 10·log10). */

/** Smallest power we report in dB: keeps digital silence finite (−200 dB) instead of −Infinity. */
export const POWER_EPSILON = 1e-20;

export const powerToDb = (p: number): number => 10 * Math.log10(Math.max(p, POWER_EPSILON));

/** Round to a fixed number of decimals so JSON output is stable and readable. */
export function round(x: number, decimals = 2): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * Binomial confidence intervals for pass/fail trial counts (e.g. "echo leaked in k of n
 * barge-in trials"). The Wilson score interval is used rather than the Wald interval
 * because Wald collapses to [0, 0] at 0 failures, which is exactly the case we report most.
 */

/** A success rate with its two-sided Wilson score confidence interval. */
export interface WilsonInterval {
  /** successes / trials (NaN when there were no trials). */
  rate: number;
  lower: number;
  upper: number;
}

// Wichura, Algorithm AS 241 (PPND16), Applied Statistics 37(3), 1988: relative error
// about 1e-16, so no Newton refinement (and no erfc implementation) is needed.
/* eslint-disable no-loss-of-precision -- the published coefficients, digit for digit; doubles round them */
const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
  33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
  5226.495278852854561,
];
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
  0.0227238449892691845833, 7.7454501427834140764e-4,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
  1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386,
  2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];
/* eslint-enable no-loss-of-precision */

/** Polynomial with coefficients in ascending order, by Horner's rule. */
function poly(c: readonly number[], x: number): number {
  let v = 0;
  for (let i = c.length - 1; i >= 0; i--) v = v * x + c[i]!;
  return v;
}

/**
 * Inverse of the standard normal CDF (the probit / quantile function), accurate to about
 * 1e-15 relative (AS 241). Returns −Infinity at p = 0, +Infinity at p = 1, NaN outside [0, 1].
 */
export function inverseNormalCdf(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  // Tails: work with the smaller of p and 1 − p so the log keeps its precision.
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}

/** Two-sided critical value z for a confidence level in (0, 1), e.g. 0.95 → 1.959964. */
function zFor(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return inverseNormalCdf((1 + confidence) / 2);
}

/**
 * Wilson score interval for `successes` out of `trials` at a two-sided `confidence`.
 * With no trials nothing is known: { rate: NaN, lower: 0, upper: 1 }.
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): WilsonInterval {
  if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`trials must be a non-negative integer, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials)
    throw new RangeError(`successes must be an integer in [0, ${trials}], got ${successes}`);
  const z = zFor(confidence);
  if (trials === 0) return { rate: NaN, lower: 0, upper: 1 };
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  // At 0 or n successes the bound is exactly 0 or 1; pin it so rounding cannot leave 1e-17.
  const lower = successes === 0 ? 0 : Math.max(0, centre - half);
  const upper = successes === n ? 1 : Math.min(1, centre + half);
  return { rate: p, lower, upper };
}

/**
 * Smallest number of trials n such that observing 0 failures in n trials puts the Wilson
 * upper bound on the failure rate at or below `targetUpper`. With 0 successes the bound is
 * z²/(n + z²), so n = ⌈z²·(1 − target)/target⌉ (73 for 5 % at 95 % confidence).
 */
export function trialsNeeded(targetUpper: number, confidence = 0.95): number {
  if (!(targetUpper > 0)) throw new RangeError(`targetUpper must be > 0, got ${targetUpper}`);
  if (targetUpper >= 1) return 0; // with no trials the bound is already 1
  const z = zFor(confidence);
  const z2 = z * z;
  let n = Math.max(1, Math.ceil((z2 * (1 - targetUpper)) / targetUpper));
  // The closed form can be off by one when the exact answer is an integer; settle it against
  // the interval itself so the two functions can never disagree.
  while (n > 1 && wilsonInterval(0, n - 1, confidence).upper <= targetUpper) n--;
  while (wilsonInterval(0, n, confidence).upper > targetUpper) n++;
  return n;
}

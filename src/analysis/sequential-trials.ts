/**
 * Sequential trials (docs/analysis.md § Sequential trials): an anytime-valid confidence
 * sequence for a leak rate and the stopping rule the runner asks after each trial of a
 * sequential cell. A fixed-n Wilson interval is not valid when trials stop as soon as it
 * looks good; the beta-binomial mixture (Robbins' method of mixtures) bounds the rate at
 * every trial count at once, so the bound at a data-dependent stop keeps its confidence.
 * Pure: counts in, bounds and decisions out.
 */
import { z } from 'zod';
import { pct, r4 } from './cell-stats.js';

/** Why a sequential cell stopped taking trials. */
export const STOP_REASONS = ['decided-pass', 'decided-fail', 'settled', 'max-reached'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** The minimum and maximum measured trials of a sequential cell (scenario `trials.repetitions: { min, max }`). */
export interface SequentialPlan {
  min: number;
  max: number;
}

/** Leaks over decided trials at one gate: what the decision reads. */
export interface GateCount {
  gateMs: number;
  leaks: number;
  decided: number;
}

export interface AnytimeInterval {
  /** leaks / decided (NaN with nothing decided). */
  rate: number;
  lower: number;
  upper: number;
}

// Lanczos approximation (g = 7, 9 terms): relative error below 1e-13 for x > 0, ample for bounds printed to 0.1 %.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

const logBeta = (a: number, b: number) => logGamma(a) + logGamma(b) - logGamma(a + b);

/**
 * The mixing distribution Beta(1, b) with mean at the target: the mixture then spends its
 * power on rates near the target, where the decisions are. It is fixed before any trial
 * (it depends on the target only), so the sequence is valid for every true rate.
 */
export function mixturePrior(target: number): { a: number; b: number } {
  return { a: 1, b: Math.max(1, 1 / target - 1) };
}

/**
 * ln M_n(p): the beta-binomial mixture likelihood ratio against rate p after `leaks` of
 * `n`. Under rate p it is a non-negative martingale of mean 1, so by Ville's inequality it
 * ever exceeds 1/α with probability at most α.
 */
function logMixture(leaks: number, n: number, p: number, lbMix: number): number {
  const ll = (leaks > 0 ? leaks * Math.log(p) : 0) + (n - leaks > 0 ? (n - leaks) * Math.log1p(-p) : 0);
  return lbMix - ll;
}

function checkCounts(leaks: number, n: number, confidence: number, target: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`trials must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(leaks) || leaks < 0 || leaks > n) throw new RangeError(`leaks must be an integer in [0, ${n}], got ${leaks}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(target > 0 && target < 1)) throw new RangeError(`target must be in (0, 1), got ${target}`);
}

/**
 * The confidence sequence's interval after `leaks` of `n` decided trials (`target` fixes the
 * mixture, and must be the one set before the trials: the scenario's): every rate p
 * with M_n(p) < 1/α, α = 1 − confidence. It covers the true rate at all n simultaneously
 * with probability ≥ confidence, so also at any stopping time; each bound alone misses
 * with probability ≤ α. The set is an interval around leaks/n (ln M_n is convex in p and
 * ≤ 0 at the observed rate); its ends are found by bisection.
 */
export function anytimeInterval(leaks: number, n: number, confidence: number, target: number): AnytimeInterval {
  checkCounts(leaks, n, confidence, target);
  const key = `${leaks}/${n}/${confidence}/${target}`;
  const hit = memo.get(key);
  if (hit) return hit;
  if (memo.size >= MEMO_SIZE) memo.clear();
  const r = computeInterval(leaks, n, confidence, target);
  memo.set(key, r);
  return r;
}

/** The runner asks after every trial and the coverage simulation millions of times: the same few (k, n) recur. */
const memo = new Map<string, AnytimeInterval>();
const MEMO_SIZE = 100_000;

function computeInterval(leaks: number, n: number, confidence: number, target: number): AnytimeInterval {
  if (n === 0) return { rate: NaN, lower: 0, upper: 1 };
  const { a, b } = mixturePrior(target);
  const lbMix = logBeta(a + leaks, b + n - leaks) - logBeta(a, b);
  const limit = Math.log(1 / (1 - confidence));
  const inside = (p: number) => logMixture(leaks, n, p, lbMix) < limit;
  const rate = leaks / n;
  const edge = (from: number, to: number) => {
    // `from` is inside, `to` is the far end of [0, 1]; 60 halvings reach double precision.
    if (inside(to)) return to;
    let lo = from,
      hi = to;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (inside(mid)) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return { rate, lower: leaks === 0 ? 0 : edge(rate, 0), upper: leaks === n ? 1 : edge(rate, 1) };
}

/**
 * Smallest n ≥ `decided` at which `leaks` leaks give an anytime upper bound ≤ target if no
 * further trial leaks; null when the observed rate already misses the target (as Wilson's
 * trialsNeededFor: reported as "no gate meets") or even 100 000 trials would not do.
 * `mixtureTarget`: the target the run's mixture was fixed at, when another target is asked.
 */
export function anytimeTrialsNeeded(leaks: number, decided: number, target: number, confidence: number, mixtureTarget = target): number | null {
  if (decided > 0 && leaks / decided >= target) return null;
  const ok = (n: number) => anytimeInterval(leaks, n, confidence, mixtureTarget).upper <= target;
  let lo = Math.max(decided, leaks, 1);
  if (ok(lo)) return lo;
  let hi = lo * 2;
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 100_000) return null;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface SequentialDecision {
  /** false: run another trial. */
  stop: boolean;
  reason: StopReason | null;
  /** The gate the decision recommends (decided-pass, or settled with a candidate). */
  gateMs: number | null;
  message: string;
}

/** As the reports print bounds (rounded to 4 digits first), so the stop message and the tables agree. */
const pc = (x: number) => pct(r4(x));

/**
 * After `trialsRun` measured trials (failed ones included) of a sequential cell: stop or go
 * on, at the target and confidence, with anytime-valid bounds per gate. Gates without a
 * decided trial are left out, as the recommendation leaves them out.
 *
 * - decided-pass: a gate's upper bound meets the target and every shorter gate is shown to
 *   miss it (lower bound above): the recommendation is the smallest gate and stands.
 * - decided-fail: every gate is shown to miss the target.
 * - max-reached: `plan.max` trials ran without a decision.
 * - settled: not decided, but no outcome of the remaining trials up to `plan.max` could
 *   bring a shorter gate (any gate, when none meets yet) under the target, so more trials
 *   cannot change the recommendation.
 */
export function sequentialDecision(
  gates: readonly GateCount[],
  trialsRun: number,
  plan: SequentialPlan,
  target: number,
  confidence: number,
): SequentialDecision {
  const go = (message: string): SequentialDecision => ({ stop: false, reason: null, gateMs: null, message });
  if (trialsRun < plan.min) return go(`${trialsRun} of at least ${plan.min} trials`);
  const decided = [...gates].filter((g) => g.decided > 0).sort((x, y) => x.gateMs - y.gateMs);
  const bounds = decided.map((g) => ({ g, ...anytimeInterval(g.leaks, g.decided, confidence, target) }));
  const goal = `${pc(target)} at ${pc(confidence)} confidence (anytime-valid)`;
  if (bounds.length > 0) {
    const i = bounds.findIndex((b) => b.upper <= target);
    const shorter = i >= 0 ? bounds.slice(0, i) : bounds;
    const misses = (b: (typeof bounds)[number]) => b.lower > target;
    if (i >= 0 && shorter.every(misses)) {
      const c = bounds[i]!;
      const below = shorter.length > 0 ? `; ${shorter[shorter.length - 1]!.g.gateMs} ms misses it (lower bound ${pc(shorter[shorter.length - 1]!.lower)})` : '';
      return {
        stop: true,
        reason: 'decided-pass',
        gateMs: c.g.gateMs,
        message: `${c.g.gateMs} ms meets ≤ ${goal}: ${c.g.leaks} of ${c.g.decided} leaked (upper bound ${pc(c.upper)})${below}`,
      };
    }
    if (i < 0 && bounds.every(misses)) {
      const last = bounds[bounds.length - 1]!;
      return {
        stop: true,
        reason: 'decided-fail',
        gateMs: null,
        message: `every gate misses ≤ ${goal}: the longest, ${last.g.gateMs} ms, leaked ${last.g.leaks} of ${last.g.decided} (lower bound ${pc(last.lower)})`,
      };
    }
    if (trialsRun >= plan.max)
      return { stop: true, reason: 'max-reached', gateMs: i >= 0 ? bounds[i]!.g.gateMs : null, message: `undecided after the maximum of ${plan.max} trials` };
    const rest = plan.max - trialsRun;
    const open = shorter.filter((b) => !misses(b));
    const canPass = open.some((b) => anytimeInterval(b.g.leaks, b.g.decided + rest, confidence, target).upper <= target);
    if (!canPass) {
      const cand = i >= 0 ? bounds[i]!.g.gateMs : null;
      return {
        stop: true,
        reason: 'settled',
        gateMs: cand,
        message:
          cand === null
            ? `no gate can meet ≤ ${goal} within ${plan.max} trials, whatever the remaining ${rest} show`
            : `${cand} ms meets ≤ ${goal}; no shorter gate can within ${plan.max} trials`,
      };
    }
    return go(i >= 0 ? `${bounds[i]!.g.gateMs} ms meets the target; a shorter gate is still open` : 'no gate decided yet');
  }
  if (trialsRun >= plan.max) return { stop: true, reason: 'max-reached', gateMs: null, message: `no trial decided after the maximum of ${plan.max} trials` };
  return go('no trial decided yet');
}

/** What results.json says of a sequential cell (cells[].sequential). */
export const SequentialSummarySchema = z.object({
  min: z.number().int(),
  max: z.number().int(),
  trials: z.number().int().describe('measured trials the cell ran (failed ones included)'),
  stop: z
    .object({ reason: z.enum(STOP_REASONS), message: z.string() })
    .nullable()
    .describe('why the runner stopped the cell; null while it has not stopped (a running, aborted or abandoned cell)'),
  method: z.string().describe('the anytime-valid interval every leak-rate bound of this cell uses'),
});
export type SequentialSummary = z.infer<typeof SequentialSummarySchema>;

export const SEQUENTIAL_METHOD =
  'anytime-valid: beta-binomial mixture confidence sequence, Beta(1, 1/target − 1) mixture (docs/analysis.md § Sequential trials)';

/** The words each surface uses for a stop reason. */
export function stopReasonText(reason: StopReason, max: number): string {
  switch (reason) {
    case 'decided-pass':
      return 'decided: the recommended gate meets the target';
    case 'decided-fail':
      return 'decided: every gate misses the target';
    case 'settled':
      return `settled: no further trial up to ${max} could change the recommendation`;
    case 'max-reached':
      return `undecided at the maximum of ${max} trials`;
  }
}

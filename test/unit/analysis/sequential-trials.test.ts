/**
 * The anytime-valid interval and the sequential stopping rule (src/analysis/sequential-trials.ts,
 * docs/analysis.md § Sequential trials) on answers known in closed form, and the decision in
 * each of its stop reasons.
 */
import { describe, expect, it } from 'vitest';
import { anytimeInterval, anytimeTrialsNeeded, logGamma, mixturePrior, sequentialDecision, type GateCount } from '../../../src/analysis/sequential-trials.js';
import { trialsNeeded, wilsonInterval } from '../../../src/dsp/wilson.js';

describe('logGamma', () => {
  it('matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(21)).toBeCloseTo(Math.log(2432902008176640000), 10);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });
});

describe('anytimeInterval', () => {
  it('knows nothing before a trial', () => {
    expect(anytimeInterval(0, 0, 0.95, 0.05)).toEqual({ rate: NaN, lower: 0, upper: 1 });
  });

  it('with no leak: upper = 1 − (α·b/(b+n))^(1/n) for the Beta(1, b) mixture', () => {
    // M_n(p) = [b/(b+n)] / (1−p)^n, so the sequence ends where that reaches 1/α.
    for (const [n, target, confidence] of [
      [93, 0.05, 0.95],
      [20, 0.2, 0.95],
      [46, 0.1, 0.9],
    ] as const) {
      const { b } = mixturePrior(target);
      const alpha = 1 - confidence;
      const closed = 1 - Math.pow((alpha * b) / (b + n), 1 / n);
      const r = anytimeInterval(0, n, confidence, target);
      expect(r.lower).toBe(0);
      expect(r.upper).toBeCloseTo(closed, 10);
    }
  });

  it('with every trial leaking under the uniform mixture: lower = (α/(n+1))^(1/n)', () => {
    // target 0.5 makes the mixture Beta(1, 1); M_n(p) = [1/(n+1)] / p^n.
    for (const n of [5, 20, 80]) {
      const r = anytimeInterval(n, n, 0.95, 0.5);
      expect(r.upper).toBe(1);
      expect(r.lower).toBeCloseTo(Math.pow(0.05 / (n + 1), 1 / n), 10);
    }
  });

  it('is wider than the fixed-n Wilson interval where the decisions are: the price of stopping at will', () => {
    for (const [k, n] of [
      [0, 60],
      [1, 40],
      [3, 100],
    ] as const) {
      const a = anytimeInterval(k, n, 0.95, 0.05);
      const w = wilsonInterval(k, n, 0.95);
      expect(a.upper).toBeGreaterThan(w.upper);
      expect(a.lower).toBeLessThanOrEqual(w.lower);
      expect(a.lower).toBeLessThanOrEqual(k / n);
      expect(a.upper).toBeGreaterThanOrEqual(k / n);
    }
  });

  it('refuses counts that cannot be', () => {
    expect(() => anytimeInterval(3, 2, 0.95, 0.05)).toThrow(RangeError);
    expect(() => anytimeInterval(0, 2, 1, 0.05)).toThrow(RangeError);
    expect(() => anytimeInterval(0, 2, 0.95, 0)).toThrow(RangeError);
  });
});

describe('anytimeTrialsNeeded', () => {
  it('is the first count whose bound meets the target, and costs more than Wilson’s', () => {
    for (const [t, c] of [
      [0.05, 0.95],
      [0.1, 0.95],
      [0.2, 0.95],
    ] as const) {
      const n = anytimeTrialsNeeded(0, 0, t, c)!;
      expect(anytimeInterval(0, n, c, t).upper).toBeLessThanOrEqual(t);
      expect(anytimeInterval(0, n - 1, c, t).upper).toBeGreaterThan(t);
      expect(n).toBeGreaterThan(trialsNeeded(t, c));
    }
    expect(anytimeTrialsNeeded(0, 0, 0.05, 0.95)).toBe(93);
    // A leak already seen needs more clean trials; a rate far above the target can never meet it.
    expect(anytimeTrialsNeeded(1, 30, 0.05, 0.95)!).toBeGreaterThan(93);
    expect(anytimeTrialsNeeded(50, 60, 0.05, 0.95)).toBeNull();
  });
});

const plan = { min: 5, max: 200 };
const gates = (...xs: Array<[number, number, number]>): GateCount[] => xs.map(([gateMs, leaks, decided]) => ({ gateMs, leaks, decided }));

describe('sequentialDecision', () => {
  it('runs the minimum first', () => {
    const d = sequentialDecision(gates([0, 0, 3]), 3, plan, 0.2, 0.95);
    expect(d).toMatchObject({ stop: false, reason: null });
  });

  it('decided-pass: a gate meets the target and the shorter one is shown to miss it', () => {
    const d = sequentialDecision(gates([300, 20, 22], [500, 0, 22]), 22, plan, 0.2, 0.95);
    expect(d).toMatchObject({ stop: true, reason: 'decided-pass', gateMs: 500 });
    expect(d.message).toMatch(/500 ms meets ≤ 20 %.*300 ms misses it/);
  });

  it('goes on while a gate meets the target but the shorter one is still open', () => {
    // 300 ms: 2 of 22 (9 %) neither misses 20 % nor meets it yet, and could with more trials.
    const d = sequentialDecision(gates([300, 2, 22], [500, 0, 22]), 22, plan, 0.2, 0.95);
    expect(d.stop).toBe(false);
  });

  it('decided-fail: every gate shown to miss', () => {
    const d = sequentialDecision(gates([300, 30, 30], [500, 20, 30]), 30, plan, 0.2, 0.95);
    expect(d).toMatchObject({ stop: true, reason: 'decided-fail', gateMs: null });
  });

  it('settled: the remaining trials cannot bring any gate under the target', () => {
    // 5 leaks in 10 at the longest gate: even 10 more clean trials leave 5/20 above 20 %.
    const d = sequentialDecision(gates([300, 9, 10], [500, 5, 10]), 10, { min: 5, max: 20 }, 0.2, 0.95);
    expect(d).toMatchObject({ stop: true, reason: 'settled', gateMs: null });
    // With room for many more trials the same data go on.
    expect(sequentialDecision(gates([300, 9, 10], [500, 2, 10]), 10, plan, 0.2, 0.95).stop).toBe(false);
  });

  it('max-reached: undecided at the maximum', () => {
    const d = sequentialDecision(gates([300, 2, 40], [500, 1, 40]), 40, { min: 5, max: 40 }, 0.05, 0.95);
    expect(d).toMatchObject({ stop: true, reason: 'max-reached' });
  });

  it('leaves gates without a decided trial out, as the recommendation does', () => {
    const d = sequentialDecision(gates([0, 22, 22], [500, 0, 22], [1000, 0, 0]), 22, plan, 0.2, 0.95);
    expect(d).toMatchObject({ stop: true, reason: 'decided-pass', gateMs: 500 });
    expect(sequentialDecision(gates([500, 0, 0]), 10, { min: 5, max: 10 }, 0.2, 0.95)).toMatchObject({ stop: true, reason: 'max-reached' });
    expect(sequentialDecision(gates([500, 0, 0]), 6, plan, 0.2, 0.95).stop).toBe(false);
  });
});

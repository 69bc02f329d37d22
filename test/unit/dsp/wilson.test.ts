import { describe, expect, it } from 'vitest';
import { inverseNormalCdf, trialsNeeded, wilsonInterval } from '../../../src/dsp/wilson.js';

describe('inverseNormalCdf', () => {
  it('gives the familiar two-sided 95 % critical value', () => {
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 6);
  });

  // Oracle: scipy.special.ndtri (float64), both the central and the two tail branches.
  it.each([
    [1e-300, -37.0470962993612],
    [1e-20, -9.262340089798409],
    [1e-10, -6.361340902404056],
    [1e-5, -4.264890793922825],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.075, -1.4395314709384563],
    [0.1, -1.2815515655446004],
    [0.3, -0.5244005127080409],
    [0.5, 0],
    [0.7, 0.5244005127080407],
    [0.95, 1.6448536269514722],
    [0.995, 2.5758293035489004],
    [0.999999, 4.753424308817087],
  ])('Φ⁻¹(%s) = %s to 1e-9', (p, z) => {
    expect(Math.abs(inverseNormalCdf(p) - z)).toBeLessThan(1e-9 * Math.max(1, Math.abs(z)));
  });

  it('is antisymmetric and handles the ends', () => {
    for (const p of [0.01, 0.2, 0.4]) expect(inverseNormalCdf(1 - p)).toBeCloseTo(-inverseNormalCdf(p), 12);
    expect(inverseNormalCdf(0)).toBe(-Infinity);
    expect(inverseNormalCdf(1)).toBe(Infinity);
    expect(inverseNormalCdf(1.5)).toBeNaN();
    expect(inverseNormalCdf(Number.NaN)).toBeNaN();
  });
});

describe('wilsonInterval', () => {
  it('0/20 at 95 %: upper = z²/(n + z²) ≈ 0.161, lower exactly 0', () => {
    const w = wilsonInterval(0, 20);
    expect(w.rate).toBe(0);
    expect(w.lower).toBe(0);
    expect(Math.abs(w.upper - 0.161)).toBeLessThan(0.002);
    const z2 = 1.959963984540054 ** 2;
    expect(w.upper).toBeCloseTo(z2 / (20 + z2), 12);
  });

  it('10/20 at 95 % is symmetric about 0.5: (0.299, 0.701)', () => {
    const w = wilsonInterval(10, 20);
    expect(w.rate).toBe(0.5);
    expect(Math.abs(w.lower - 0.299)).toBeLessThan(0.002);
    expect(Math.abs(w.upper - 0.701)).toBeLessThan(0.002);
    expect(w.lower + w.upper).toBeCloseTo(1, 12);
  });

  it('20/20 at 95 %: lower ≈ 0.839, upper exactly 1', () => {
    const w = wilsonInterval(20, 20);
    expect(Math.abs(w.lower - 0.839)).toBeLessThan(0.002);
    expect(w.upper).toBe(1);
  });

  it('no trials → rate NaN, [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toEqual({ rate: NaN, lower: 0, upper: 1 });
  });

  it('widens with confidence and narrows with trials', () => {
    expect(wilsonInterval(3, 50, 0.99).upper).toBeGreaterThan(wilsonInterval(3, 50, 0.95).upper);
    expect(wilsonInterval(30, 500).upper).toBeLessThan(wilsonInterval(3, 50).upper);
  });

  it('rejects impossible counts and confidences', () => {
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 1)).toThrow(RangeError);
  });
});

describe('trialsNeeded', () => {
  it('5 % at 95 %: ⌈z²·19⌉ = ⌈72.99⌉ = 73 clean trials', () => {
    const z2 = 1.959963984540054 ** 2;
    expect((z2 * (1 - 0.05)) / 0.05).toBeCloseTo(72.988, 3); // the closed form behind the answer
    expect(trialsNeeded(0.05)).toBe(73);
    expect(wilsonInterval(0, 73).upper).toBeLessThanOrEqual(0.05);
    expect(wilsonInterval(0, 72).upper).toBeGreaterThan(0.05);
  });

  it('is the smallest n for other targets and confidences', () => {
    for (const [target, conf] of [
      [0.1, 0.95],
      [0.01, 0.95],
      [0.05, 0.99],
      [0.2, 0.9],
    ] as const) {
      const n = trialsNeeded(target, conf);
      expect(wilsonInterval(0, n, conf).upper).toBeLessThanOrEqual(target);
      expect(wilsonInterval(0, n - 1, conf).upper).toBeGreaterThan(target);
    }
  });

  it('needs no trials for a bound of 1 and rejects a bound of 0', () => {
    expect(trialsNeeded(1)).toBe(0);
    expect(() => trialsNeeded(0)).toThrow(RangeError);
  });
});

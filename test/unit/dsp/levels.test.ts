import { describe, expect, it } from 'vitest';
import { clipping, digitalSilence, framePowers, sumOfSquares } from '../../../src/dsp/levels.js';
import { rng, whiteNoise } from '../../helpers/random.js';

/** The obvious one-sample-at-a-time definitions: the oracles for the fast kernels. */
function clippingOracle(x: Float32Array, threshold: number, minRun: number) {
  let peak = 0,
    clipped = 0,
    runs = 0,
    run = 0;
  for (let i = 0; i <= x.length; i++) {
    const a = i < x.length ? Math.abs(x[i]!) : 0;
    if (i < x.length) peak = Math.max(peak, a);
    if (i < x.length && a >= threshold) run++;
    else {
      if (run >= minRun) [clipped, runs] = [clipped + run, runs + 1];
      run = 0;
    }
  }
  return { peak, clippedSamples: clipped, runs, fraction: x.length ? clipped / x.length : 0 };
}

function silenceOracle(x: Float32Array, minRun: number) {
  let stuck = 0,
    longest = 0;
  for (let a = 0; a < x.length;) {
    let b = a + 1;
    while (b < x.length && x[b] === x[a]) b++;
    if (b - a >= minRun) [stuck, longest] = [stuck + b - a, Math.max(longest, b - a)];
    a = b;
  }
  return { stuckFraction: x.length ? stuck / x.length : 1, longestRun: longest, allZero: x.every((v) => v === 0) };
}

/** Noise with runs of one value (zeros, −0, a stuck level, full scale) of random lengths at random places, ends included. */
function withRuns(n: number, seed: number, runLengths: number[]): Float32Array {
  const u = rng(seed);
  const x = whiteNoise(n, seed, 0.3);
  const values = [0, -0, 0.0123, 1, -1, 0.9995];
  for (const [k, len] of runLengths.entries()) {
    const at = k === 0 ? 0 : k === 1 ? n - len : Math.floor(u() * (n - len));
    x.fill(values[k % values.length]!, at, at + len);
  }
  return x;
}

describe('level kernels', () => {
  it.each([2, 3, 7, 960])('digitalSilence counts exactly the runs of ≥ %i identical samples', (minRun) => {
    for (let seed = 1; seed <= 12; seed++) {
      const lengths = [minRun - 1, minRun, minRun + 1, 2 * minRun, 3 * minRun + 5, 1, 2, 5 * minRun].map((l) => Math.max(1, l));
      const x = withRuns(20_000, seed, seed % 2 ? lengths : lengths.reverse());
      expect(digitalSilence(x, minRun)).toEqual(silenceOracle(x, minRun));
    }
  });

  it('digitalSilence: all zero, empty, one value, quantised noise with chance repeats', () => {
    for (const x of [new Float32Array(5000), new Float32Array(0), new Float32Array(10), new Float32Array(3000).fill(0.25)]) {
      expect(digitalSilence(x, 960)).toEqual(silenceOracle(x, 960));
      expect(digitalSilence(x, 4)).toEqual(silenceOracle(x, 4));
    }
    // 16-bit noise a few LSB high repeats values by chance: probes agree without a run.
    const q = whiteNoise(50_000, 3, 2e-4).map((v) => Math.round(v * 32768) / 32768);
    for (const minRun of [3, 20, 960]) expect(digitalSilence(q, minRun)).toEqual(silenceOracle(q, minRun));
  });

  it.each([
    [0.999, 3],
    [0.5, 1],
    [0.999, 10],
  ])('clipping (threshold %f, runs ≥ %i) matches the sample-by-sample definition', (threshold, minRun) => {
    for (let seed = 1; seed <= 8; seed++) {
      const x = withRuns(30_000, seed, [2, 3, 4, 11, 9, 1, 3]);
      expect(clipping(x, threshold, minRun)).toEqual(clippingOracle(x, threshold, minRun));
    }
    const quiet = whiteNoise(10_000, 5, 0.01);
    expect(clipping(quiet, threshold, minRun)).toEqual(clippingOracle(quiet, threshold, minRun));
    expect(clipping(new Float32Array(0), threshold, minRun)).toEqual(clippingOracle(new Float32Array(0), threshold, minRun));
  });

  it('clipping over a known non-zero range equals clipping of the whole signal', () => {
    const x = withRuns(30_000, 4, [3, 4, 11, 5, 6, 7]);
    x.fill(0, 0, 5000);
    x.fill(0, 27_000);
    expect(clipping(x).runs).toBeGreaterThan(0);
    expect(clipping(x, 0.999, 3, [5000, 27_000])).toEqual(clipping(x));
    expect(clipping(new Float32Array(100), 0.999, 3, [0, 0])).toEqual(clipping(new Float32Array(100)));
  });

  it('sumOfSquares and framePowers match a direct sum (float64)', () => {
    const x = whiteNoise(10_001, 9);
    for (const [a, b] of [
      [0, 10_001],
      [3, 4],
      [5, 5],
      [17, 9000],
    ] as const) {
      let e = 0;
      for (let i = a; i < b; i++) e += x[i]! * x[i]!;
      expect(Math.abs(sumOfSquares(x, a, b) - e)).toBeLessThanOrEqual(1e-12 * e); // summation order only
    }
    const p = framePowers(x, 220.5, 13.25);
    expect(p).toHaveLength(Math.floor((x.length - 13.25) / 220.5));
    for (let f = 0; f < p.length; f++) {
      const [a, b] = [Math.round(13.25 + f * 220.5), Math.round(13.25 + (f + 1) * 220.5)];
      let e = 0;
      for (let i = a; i < b; i++) e += x[i]! * x[i]!;
      expect(Math.abs(p[f]! - e / (b - a))).toBeLessThanOrEqual((1e-12 * e) / (b - a));
    }
  });
});

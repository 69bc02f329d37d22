import { describe, expect, it } from 'vitest';
import { goodFftSize, isPffftSize, realFft } from '../../../src/dsp/fft.js';
import { whiteNoise } from '../../helpers/random.js';

/** Direct DFT in float64: the slow, obviously-correct oracle. */
function dft(x: Float32Array, n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < x.length; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      sr += x[t]! * Math.cos(a);
      si += x[t]! * Math.sin(a);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

describe('realFft', () => {
  it.each([
    ['pffft', 96],
    ['pffft', 480],
    ['pffft', 1024],
    ['fftjs', 256],
  ] as const)('%s forward matches a direct DFT at N=%i (packed layout)', (backend, n) => {
    const x = whiteNoise(n - 7, 1); // shorter than N: checks zero padding too
    const spec = realFft(n, backend).forward(x);
    const ref = dft(x, n);
    const scale = Math.sqrt(n);
    expect(spec[0]).toBeCloseTo(ref.re[0]!, 2);
    expect(Math.abs(spec[1]! - ref.re[n / 2]!) / scale).toBeLessThan(1e-4);
    for (let k = 1; k < n / 2; k++) {
      expect(Math.abs(spec[2 * k]! - ref.re[k]!) / scale).toBeLessThan(1e-4);
      expect(Math.abs(spec[2 * k + 1]! - ref.im[k]!) / scale).toBeLessThan(1e-4);
    }
  });

  it('pffft and fft.js agree on a 4096-point transform and both invert exactly', () => {
    const x = whiteNoise(4096, 7);
    const a = realFft(4096, 'pffft').forward(x);
    const b = realFft(4096, 'fftjs').forward(x);
    let err = 0;
    let norm = 0;
    for (let i = 0; i < a.length; i++) {
      err += (a[i]! - b[i]!) ** 2;
      norm += b[i]! ** 2;
    }
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-6);
    for (const backend of ['pffft', 'fftjs'] as const) {
      const plan = realFft(4096, backend);
      const back = plan.inverse(plan.forward(x));
      let e = 0;
      for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(back[i]! - x[i]!));
      expect(e).toBeLessThan(1e-5);
    }
  });

  it.each(['pffft', 'fftjs'] as const)('%s: unscaled inverse, in-place and prefix outputs agree with the full transforms', (backend) => {
    const n = 2048;
    const plan = realFft(n, backend);
    const x = whiteNoise(n - 100, 3);
    const X = plan.forward(x);
    const back = plan.inverse(X);
    const unscaled = plan.inverseUnscaled(X);
    for (let i = 0; i < n; i++) expect(unscaled[i]! / n).toBeCloseTo(back[i]!, 6);
    // Output shorter than the transform: only that prefix is written, equal to the full result's.
    const low = plan.forward(x, new Float32Array(n / 4));
    expect(Array.from(low)).toEqual(Array.from(X.subarray(0, n / 4)));
    const head = plan.inverse(X, new Float32Array(300));
    expect(Array.from(head)).toEqual(Array.from(back.subarray(0, 300)));
    // Output = input: the transform reads all of its input first.
    const inPlace = X.slice();
    plan.inverseUnscaled(inPlace, inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(unscaled));
  });

  it('a plan held while many other sizes evict it from the cache keeps giving the same results', () => {
    const x = whiteNoise(256, 1);
    const held = realFft(256);
    const want = Array.from(held.forward(x));
    // Until plans revived themselves this freed the held plan's WASM memory, and its next
    // transform read freed memory ("memory access out of bounds", or a PFFFT assertion).
    for (let i = 1; i <= 120; i++) {
      const n = goodFftSize(64 * (1 + (i % 40)));
      realFft(n).forward(whiteNoise(n, i));
      expect(Array.from(held.forward(x))).toEqual(want);
    }
    expect(realFft(256)).toBe(held); // back in the cache: one plan per size
  });

  it('goodFftSize returns the smallest transformable size', () => {
    expect(goodFftSize(100)).toBe(128);
    expect(goodFftSize(481)).toBe(512); // 480 = 2^5·3·5 is too small, 512 is next
    expect(isPffftSize(goodFftSize(481))).toBe(true);
    expect(goodFftSize(1000, 'fftjs')).toBe(1024);
    expect(goodFftSize(33)).toBe(64);
    for (const n of [1000, 48_001, 288_000, 5_760_000]) {
      const g = goodFftSize(n);
      expect(g).toBeGreaterThanOrEqual(n);
      expect(isPffftSize(g)).toBe(true);
      expect(g / n).toBeLessThan(1.2);
    }
  });

  it('rejects sizes the backend cannot transform', () => {
    expect(() => realFft(100)).toThrow(RangeError);
    expect(() => realFft(96, 'fftjs')).toThrow(RangeError);
    expect(() => realFft(64).forward(new Float32Array(65))).toThrow(RangeError);
  });
});

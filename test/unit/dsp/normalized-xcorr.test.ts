import { describe, expect, it } from 'vitest';
import { normalizedXcorr } from '../../../src/dsp/normalized-xcorr.js';
import { whiteNoise } from '../../helpers/random.js';
import { pseudoSpeech } from '../../helpers/synth.js';

/** Best coefficient over the lags by direct sums in float64: the definition, lag by lag. */
function bruteForce(y: Float32Array, source: Float32Array, start: number, lagFrom: number, lagTo: number) {
  const at = (i: number) => (i >= 0 && i < source.length ? source[i]! : 0);
  // The reversed source over the reachable window w[j] = source[start − lagTo + j], j < span + L.
  const M = lagTo - lagFrom + y.length;
  const rev = (i: number) => at(start - lagTo + (M - 1 - (i - (start - lagTo))));
  let ey = 0;
  for (const v of y) ey += v * v;
  const rows: Array<{ lag: number; s: number; r: number; e: number }> = [];
  for (let lag = lagTo; lag >= lagFrom; lag--) {
    let s = 0,
      r = 0,
      e = 0;
    for (let t = 0; t < y.length; t++) {
      const i = start + t - lag;
      s += y[t]! * at(i);
      r += y[t]! * rev(i);
      e += at(i) ** 2;
    }
    rows.push({ lag, s, r, e });
  }
  const maxE = Math.max(...rows.map((q) => q.e));
  const kept = rows.filter((q) => q.e >= 0.01 * maxE);
  // The reversed source's windows are the same windows in reverse order, with the same energies.
  const best = kept.reduce((b, q) => (Math.abs(q.s) / Math.sqrt(ey * q.e) > b.score ? { score: Math.abs(q.s) / Math.sqrt(ey * q.e), lag: q.lag } : b), {
    score: 0,
    lag: 0,
  });
  const revRows = rows.map((q, j) => ({ ...q, e: rows[rows.length - 1 - j]!.e }));
  const chance = Math.max(...revRows.filter((q) => q.e >= 0.01 * maxE).map((q) => Math.abs(q.r) / Math.sqrt(ey * q.e)));
  return { ...best, chance };
}

describe('normalizedXcorr', () => {
  const fs = 16_000;
  const source = pseudoSpeech(2, fs, 5);

  it.each([
    ['a delayed, scaled copy', 0.5, 0],
    ['a copy in noise', 0.05, 0.05],
    ['unrelated noise', 0, 0.1],
  ])('%s: score, lag and chance equal the direct definition', (_name, gain, noise) => {
    const start = 20_000,
      L = 4000,
      delay = 700;
    const y = new Float32Array(L);
    const n = whiteNoise(L, 11, noise);
    for (let t = 0; t < L; t++) y[t] = gain * source[start + t - delay]! + n[t]!;
    const r = normalizedXcorr(y, source, start, 300, 300 + 4800)!;
    const b = bruteForce(y, source, start, 300, 300 + 4800);
    expect(r.score).toBeCloseTo(Math.min(1, b.score), 4);
    expect(r.chance).toBeCloseTo(b.chance, 4);
    expect(r.lag).toBe(b.lag);
    if (noise === 0) expect(r.lag).toBe(delay);
  });

  it('reaches past the ends of the source (zeros there) and is null for silence', () => {
    const y = source.slice(100, 1100);
    const r = normalizedXcorr(y, source, 100, 0, 2000)!;
    const b = bruteForce(y, source, 100, 0, 2000);
    expect(r.lag).toBe(0);
    expect(r.score).toBeCloseTo(1, 6);
    expect(r.chance).toBeCloseTo(b.chance, 4);
    expect(normalizedXcorr(new Float32Array(1000), source, 100, 0, 2000)).toBeNull();
    expect(normalizedXcorr(y, new Float32Array(source.length), 100, 0, 2000)).toBeNull();
  });
});

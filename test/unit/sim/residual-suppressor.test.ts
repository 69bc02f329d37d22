/**
 * Known answers for the frequency-dependent residual echo suppressor (src/sim/residual-suppressor.ts),
 * on synthetic inputs at 16 kHz: white far end at −20 dBFS from 0.5 s to 3.5 s, a canceller that
 * leaves 20 dB of it (residual at −40 dBFS), white noise and comfort noise at −70 dBFS.
 */
import { describe, expect, it } from 'vitest';
import { realFft } from '../../../src/dsp/fft.js';
import { DEVICE_PROFILES } from '../../../src/sim/device-profiles.js';
import { ResidualSuppressor, type SuppressorInput } from '../../../src/sim/residual-suppressor.js';
import { whiteNoise } from '../../helpers/random.js';

const RATE = 16_000;
const N = 4 * RATE;
const FAR = [0.5 * RATE, 3.5 * RATE] as const;
const params = DEVICE_PROFILES['iphone15-ios17']!.suppressor;
const dbfs = (db: number) => 10 ** (db / 20);

interface Case {
  input: SuppressorInput;
  residual: Float32Array;
  near: Float32Array;
}

/** error = residual echo + near end + noise; estimate = the echo the canceller removed (18 dB over the residual). */
function makeCase(opts: { far: boolean; near?: (i: number) => number; seed?: number }): Case {
  const seed = opts.seed ?? 1;
  const x = whiteNoise(N, seed, dbfs(-20));
  const reference = new Float32Array(N);
  if (opts.far) reference.set(x.subarray(FAR[0], FAR[1]), FAR[0]);
  const residual = reference.map((v) => 0.1 * v);
  const estimate = reference.map((v) => 0.9 * v);
  const near = Float32Array.from({ length: N }, (_, i) => opts.near?.(i) ?? 0);
  const noise = whiteNoise(N, seed + 1, dbfs(-70));
  const error = Float32Array.from({ length: N }, (_, i) => residual[i]! + near[i]! + noise[i]!);
  const comfortNoise = whiteNoise(N, seed + 2, dbfs(-70));
  return { input: { error, estimate, reference, leak: new Float32Array([0]), leakBlock: N, comfortNoise, rate: RATE }, residual, near };
}

/** Power (dBFS) of x over samples [a, b) within [lo, hi) Hz. */
function bandDb(x: Float32Array, a: number, b: number, lo: number, hi: number): number {
  const size = 2 ** Math.ceil(Math.log2(b - a));
  const S = realFft(size).forward(x.subarray(a, b));
  let p = 0;
  for (let j = 1; j < size / 2; j++) {
    const hz = (j * RATE) / size;
    if (hz >= lo && hz < hi) p += S[2 * j]! ** 2 + S[2 * j + 1]! ** 2;
  }
  // Parseval: Σ_k |X_k|² = size · Σ x²; one-sided bins carry half of it.
  return 10 * Math.log10((2 * p) / size / (b - a));
}

const BANDS: Array<[number, number]> = [
  [300, 600],
  [600, 1200],
  [1200, 2400],
  [2400, 4800],
  [4800, 7000],
];
/** Far end only, after the first 0.5 s of it: the suppressor has learnt its residual gain. */
const SETTLED = [1.0 * RATE, 3.4 * RATE] as const;

describe('ResidualSuppressor (per-bin gains, comfort noise)', () => {
  it('far end only: the residual echo in every band from 300 Hz to 7 kHz is attenuated by at least 30 dB', () => {
    const c = makeCase({ far: true });
    const s = new ResidualSuppressor(params).process(c.input);
    const echoAfter = s.filter(c.residual); // the echo's share of the output (the ground truth's definition)
    for (const [lo, hi] of BANDS) {
      const attenuation = bandDb(c.residual, ...SETTLED, lo, hi) - bandDb(echoAfter, ...SETTLED, lo, hi);
      expect(attenuation, `${lo}–${hi} Hz`).toBeGreaterThanOrEqual(30);
    }
  });

  it('far end only: what comes out is comfort noise at the floor (within 1.5 dB per band), not silence', () => {
    const c = makeCase({ far: true });
    const s = new ResidualSuppressor(params).process(c.input);
    for (const [lo, hi] of BANDS) {
      const out = bandDb(s.output, ...SETTLED, lo, hi);
      const floor = bandDb(c.input.comfortNoise, ...SETTLED, lo, hi);
      expect(Math.abs(out - floor), `${lo}–${hi} Hz: ${out.toFixed(1)} vs floor ${floor.toFixed(1)} dBFS`).toBeLessThan(1.5);
    }
  });

  it('near end only (no far end): the signal passes unchanged', () => {
    const c = makeCase({ far: false, near: (i) => 0.05 * Math.sin((2 * Math.PI * 1000 * i) / RATE) });
    const s = new ResidualSuppressor(params).process(c.input);
    let worst = 0;
    for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(s.output[i]! - c.input.error[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('double talk: a near-end tone 11 dB over the residual survives within 1 dB while the other bands are suppressed', () => {
    // −29 dBFS at 2 kHz from 1.5 s to 2.5 s, over the far end's residual of −40 dBFS (spread over 8 kHz).
    const on = [1.5 * RATE, 2.5 * RATE] as const;
    const c = makeCase({ far: true, near: (i) => (i >= on[0] && i < on[1] ? 0.05 * Math.sin((2 * Math.PI * 2000 * i) / RATE) : 0) });
    const s = new ResidualSuppressor(params).process(c.input);
    const span = [on[0] + 0.1 * RATE, on[1] - 0.1 * RATE] as const;
    const nearAfter = s.filter(c.near);
    expect(Math.abs(bandDb(nearAfter, ...span, 1900, 2100) - bandDb(c.near, ...span, 1900, 2100))).toBeLessThan(1);
    expect(Math.abs(bandDb(s.output, ...span, 1900, 2100) - bandDb(c.near, ...span, 1900, 2100))).toBeLessThan(1);
    const echoAfter = s.filter(c.residual);
    expect(bandDb(c.residual, ...span, 3000, 6000) - bandDb(echoAfter, ...span, 3000, 6000)).toBeGreaterThanOrEqual(30);
  });

  it('after the far end stops, the gains release within hold + release and the signal passes unchanged', () => {
    const c = makeCase({ far: true });
    const s = new ResidualSuppressor(params).process(c.input);
    // Hold 150 ms, then at most 40 dB released at 250 dB/s (160 ms); one 20 ms window more.
    const from = FAR[1] + Math.ceil(((params.holdMs + (1000 * params.maxAttenuationDb) / params.releaseDbPerS + 40) * RATE) / 1000);
    expect(from).toBeLessThan(N);
    let worst = 0;
    for (let i = from; i < N; i++) worst = Math.max(worst, Math.abs(s.output[i]! - c.input.error[i]!));
    expect(worst).toBeLessThan(1e-6);
    // …and right after the stop, still suppressed: the residual's tail is covered by the hold.
    const justAfter = [FAR[1] - 0.2 * RATE, FAR[1]] as const;
    expect(bandDb(c.residual, ...justAfter, 300, 7000) - bandDb(s.filter(c.residual), ...justAfter, 300, 7000)).toBeGreaterThanOrEqual(30);
  });

  it('output = filtered error + comfort noise: the per-bin gains are one linear operator (the ground truth relies on it)', () => {
    const c = makeCase({ far: true, near: (i) => 0.02 * Math.sin((2 * Math.PI * 700 * i) / RATE) });
    const s = new ResidualSuppressor(params).process(c.input);
    const parts = [s.filter(c.residual), s.filter(c.near), s.filter(c.input.error)];
    let worst = 0;
    // filter(error) = filter(residual) + filter(near) + filter(noise): linear in its input.
    const noise = c.input.error.map((v, i) => v - c.residual[i]! - c.near[i]!);
    const noiseAfter = s.filter(noise);
    for (let i = 0; i < N; i++) worst = Math.max(worst, Math.abs(parts[0]![i]! + parts[1]![i]! + noiseAfter[i]! - parts[2]![i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('is deterministic: the same inputs give bit-identical output; its learning carries over to the next trial', () => {
    const c = makeCase({ far: true, seed: 7 });
    const a = new ResidualSuppressor(params);
    const b = new ResidualSuppressor(params);
    const first = a.process(c.input).output;
    expect(b.process(c.input).output).toEqual(first);
    // A second trial on the same suppressor starts with the residual gain learnt: its first far-end frames are suppressed already.
    const second = a.process(c.input);
    const onset = [FAR[0], FAR[0] + 0.1 * RATE] as const;
    expect(bandDb(c.residual, ...onset, 300, 7000) - bandDb(second.filter(c.residual), ...onset, 300, 7000)).toBeGreaterThanOrEqual(25);
  });
});

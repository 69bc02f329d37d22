import { describe, expect, it } from 'vitest';
import { EchoCanceller } from '../../../src/sim/echo-canceller.js';
import { whiteNoise } from '../../helpers/random.js';
import { convolve, decayingNoiseRir, pseudoSpeech } from '../../helpers/synth.js';

const RATE = 16_000;

/** Speech through a 0.3 s room at −6 dB, plus −65 dBFS noise: the canceller's job on one utterance stream. */
function echoCase(seconds: number, seed: number) {
  const x = pseudoSpeech(seconds, RATE, seed);
  const h = decayingNoiseRir(RATE, 0.3, seed + 1, { directDelay: 40, lengthS: 0.35, reverbDb: -6 });
  for (let i = 0; i < h.length; i++) h[i]! *= 0.5;
  const echo = convolve(x, h).subarray(0, x.length);
  const noise = whiteNoise(x.length, seed + 2, 10 ** (-65 / 20));
  const d = new Float32Array(x.length);
  for (let i = 0; i < d.length; i++) d[i] = echo[i]! + noise[i]!;
  return { x, d, echo, noise };
}

/** ERLE (dB) over [a, b): echo power over the power of the echo left in the output. */
function erle(c: ReturnType<typeof echoCase>, error: Float32Array, a: number, b: number): number {
  let pe = 0,
    pr = 0;
  for (let i = a; i < b; i++) {
    pe += c.echo[i]! ** 2;
    pr += (error[i]! - c.noise[i]!) ** 2;
  }
  return 10 * Math.log10(pe / pr);
}

describe('EchoCanceller (MDF)', () => {
  it('spans the filter length asked for, in whole blocks', () => {
    const aec = new EchoCanceller(RATE, 512, 128);
    expect(aec.blockSize).toBe(2048);
    expect(aec.partitions).toBe(4);
    expect(aec.spanMs).toBeGreaterThanOrEqual(512);
  });

  it('converges over the first seconds of far-end speech and keeps what it learned across calls', () => {
    const c = echoCase(12, 3);
    const aec = new EchoCanceller(RATE, 512, 128);
    const first = aec.process(c.x.subarray(0, 4 * RATE), c.d.subarray(0, 4 * RATE), true);
    const early = erle(c, first.error, 0, RATE);
    const later = aec.process(c.x.subarray(4 * RATE), c.d.subarray(4 * RATE), true);
    const sub = { ...c, echo: c.echo.subarray(4 * RATE), noise: c.noise.subarray(4 * RATE) };
    const late = erle(sub, later.error, later.error.length - 3 * RATE, later.error.length);
    expect(early).toBeLessThan(12);
    expect(late).toBeGreaterThan(20);
    expect(late - early).toBeGreaterThan(10);
  });

  it('reset is a cold start: the first second after it cancels as little as a new canceller', () => {
    const c = echoCase(6, 5);
    const fresh = new EchoCanceller(RATE, 512, 128).process(c.x, c.d, true);
    const used = new EchoCanceller(RATE, 512, 128);
    used.process(c.x, c.d, true);
    used.reset();
    const again = used.process(c.x, c.d, true);
    expect(again.error).toEqual(fresh.error);
  });

  it('without adaptation or without a far end it leaves the mic untouched', () => {
    const c = echoCase(2, 7);
    const frozen = new EchoCanceller(RATE, 512, 128).process(c.x, c.d, false);
    expect(frozen.error).toEqual(c.d);
    expect(frozen.estimate.every((v) => v === 0)).toBe(true);
    const aec = new EchoCanceller(RATE, 512, 128);
    aec.process(c.x, c.d, true);
    const silent = aec.process(new Float32Array(c.d.length), c.d, true);
    expect(silent.error).toEqual(c.d);
  });
});

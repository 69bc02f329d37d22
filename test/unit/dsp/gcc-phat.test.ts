import { describe, expect, it } from 'vitest';
import { gccPhat, isReliableDelay, MIN_PEAK_OVER_NOISE_DB } from '../../../src/dsp/gcc-phat.js';
import { whiteNoise } from '../../helpers/random.js';
import { convolve, decayingNoiseRir, fractionalDelay, pseudoSpeech, rms, scale } from '../../helpers/synth.js';

const FS = 48_000;
const range = { sampleRate: FS, minLag: -4800, maxLag: 24_000 };

function addNoise(x: Float32Array, snrDb: number, seed: number): Float32Array {
  const n = whiteNoise(x.length, seed, rms(x) * 10 ** (-snrDb / 20));
  return x.map((v, i) => v + n[i]!);
}

describe('gccPhat known answers', () => {
  const speech = pseudoSpeech(3, FS, 11);

  it.each([0, 1, 480, 2400, 12_345, -240, -1000])('integer delay %i samples (both directions)', (d) => {
    const y = fractionalDelay(speech, d);
    const r = gccPhat(speech, y, range)!;
    expect(r.peakLag).toBe(d);
    expect(Math.abs(r.delay - d)).toBeLessThan(0.05);
    expect(r.confidenceDb).toBeGreaterThan(20);
    // Swapping the inputs flips the sign: the convention is checked, not assumed.
    const back = gccPhat(y, speech, { sampleRate: FS, minLag: -24_000, maxLag: 4800 })!;
    expect(Math.abs(back.delay + d)).toBeLessThan(0.05);
  });

  it.each([0.25, 0.5, 100.3, 2400.7, -37.4])('fractional delay %f samples within 0.1 sample', (d) => {
    const y = fractionalDelay(speech, d);
    const r = gccPhat(speech, y, range)!;
    expect(Math.abs(r.delay - d)).toBeLessThan(0.1);
  });

  it.each([
    [0.2, 30],
    [0.6, 10],
    [1.2, 0],
    [0.6, 30],
  ])('reverberant echo (RT60 %f s, SNR %i dB) is found within 0.5 ms', (t60, snr) => {
    const direct = 2400;
    const h = decayingNoiseRir(FS, t60, 5, { directDelay: direct, reverbDb: 0 });
    const y = addNoise(convolve(speech, h).slice(0, speech.length + 48_000), snr, 3);
    const r = gccPhat(speech, y, range)!;
    expect(Math.abs(r.delay - direct)).toBeLessThan(0.5 * 48);
    expect(r.confidenceDb).toBeGreaterThan(6);
  });

  it('an attenuated echo 40 dB down in noise at 0 dB SNR is still located', () => {
    const y = addNoise(scale(fractionalDelay(speech, 3000.5), 0.01), 0, 9);
    const r = gccPhat(speech, y, range)!;
    expect(Math.abs(r.delay - 3000.5)).toBeLessThan(1);
  });

  it('uncorrelated input gives low confidence', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const other = pseudoSpeech(3, FS, 100 + seed);
      const r = gccPhat(speech, addNoise(other, 20, seed), range)!;
      expect(r.confidenceDb).toBeLessThan(4);
      const noise = gccPhat(whiteNoise(FS * 2, seed), whiteNoise(FS * 2, seed + 50), range)!;
      expect(noise.confidenceDb).toBeLessThan(4);
      // Neither does the reflection-proof confidence trust them.
      for (const x of [r, noise]) {
        expect(x.peakOverNoiseDb).toBeLessThan(MIN_PEAK_OVER_NOISE_DB);
        expect(x.beyondReflectionsDb).toBeLessThan(6);
        expect(isReliableDelay(x, 6)).toBe(false);
      }
      expect(Math.abs(noise.peakOverNoiseDb)).toBeLessThan(3); // white noise: ≈ 0 dB by construction
    }
  });

  it('a reflection almost as strong as the direct sound lowers the peak-to-second ratio but not the trust', () => {
    // Direct at 100 ms, a reflection 0.9 as strong 7 ms later (the hand-clap room's pattern).
    const y = addNoise(
      fractionalDelay(speech, 4800).map((v, i, a) => v + 0.9 * (a[i - 336] ?? 0)),
      40,
      4,
    );
    const r = gccPhat(speech, y, range)!;
    expect(r.peakLag).toBe(4800);
    expect(r.confidenceDb).toBeLessThan(6);
    expect(r.beyondReflectionsDb).toBeGreaterThan(6);
    expect(r.peakOverNoiseDb).toBeGreaterThan(MIN_PEAK_OVER_NOISE_DB);
    expect(isReliableDelay(r, 6)).toBe(true);
    // The same pair reversed in time order (the weaker copy first) stays ambiguous.
    const z = addNoise(
      fractionalDelay(speech, 4800).map((v, i, a) => 0.9 * v + (a[i - 336] ?? 0)),
      40,
      4,
    );
    expect(isReliableDelay(gccPhat(speech, z, range)!, 6)).toBe(false);
  });

  it('silence gives no estimate', () => {
    expect(gccPhat(new Float32Array(FS), fractionalDelay(speech, 10), range)).toBeNull();
    expect(gccPhat(speech, new Float32Array(speech.length), range)).toBeNull();
  });

  it('the fft.js backend gives the same answer (oracle)', () => {
    const y = fractionalDelay(speech.subarray(0, 32_768), 777.3);
    const a = gccPhat(speech.subarray(0, 32_768), y, { sampleRate: FS, minLag: 0, maxLag: 2000 })!;
    const b = gccPhat(speech.subarray(0, 32_768), y, { sampleRate: FS, minLag: 0, maxLag: 2000, backend: 'fftjs' })!;
    expect(Math.abs(a.delay - b.delay)).toBeLessThan(0.01);
    // The backends pick different FFT sizes (5-smooth vs power of two), so the off-peak noise differs a little.
    expect(Math.abs(a.confidenceDb - b.confidenceDb)).toBeLessThan(1.5);
  });
});

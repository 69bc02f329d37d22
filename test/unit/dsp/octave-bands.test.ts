import { describe, expect, it } from 'vitest';
import { applySpectralMask, bandPassGain } from '../../../src/dsp/band-filter.js';
import { highPass, OCTAVE_CENTRES_HZ, octaveBandFilter } from '../../../src/dsp/octave-bands.js';
import { whiteNoise } from '../../helpers/random.js';

function sine(n: number, fs: number, hz: number, amp = 1, offset = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = offset + amp * Math.sin((2 * Math.PI * hz * i) / fs);
  return x;
}

/** RMS over [from, to): tests look at the middle, away from the start/stop transients of a gated sine. */
function rms(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / (to - from));
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('octaveBandFilter', () => {
  it('has the ISO octave centres', () => {
    expect(OCTAVE_CENTRES_HZ).toEqual([125, 250, 500, 1000, 2000, 4000]);
  });

  describe.each([48000, 44100])('at %i Hz', (fs) => {
    const n = fs; // 1 s
    const mid = [Math.round(0.25 * fs), Math.round(0.75 * fs)] as const;

    it.each(OCTAVE_CENTRES_HZ.map((c) => [c]))('passes a %i Hz sine at ≈ 0 dB', (fc) => {
      const x = sine(n, fs, fc);
      const y = octaveBandFilter(x, fs, fc);
      expect(y.length).toBe(n);
      expect(Math.abs(db(rms(y, ...mid) / rms(x, ...mid)))).toBeLessThan(0.05);
    });

    it.each(OCTAVE_CENTRES_HZ.map((c) => [c]))('attenuates sines two octaves from %i Hz by > 40 dB', (fc) => {
      for (const f of [fc / 4, fc * 4]) {
        if (f >= fs / 2) continue;
        const x = sine(n, fs, f);
        const y = octaveBandFilter(x, fs, fc);
        expect(db(rms(y, ...mid) / rms(x, ...mid))).toBeLessThan(-40);
      }
    });

    it('is −6 dB at the IEC band edges fc/√2 and fc·√2', () => {
      const fc = 1000;
      for (const f of [fc / Math.SQRT2, fc * Math.SQRT2]) {
        const x = sine(n, fs, f);
        const y = octaveBandFilter(x, fs, fc);
        expect(db(rms(y, ...mid) / rms(x, ...mid))).toBeCloseTo(db(0.5), 1);
      }
    });
  });

  it('adjacent bands are amplitude complementary: their gains sum to 1 across the shared edge', () => {
    const lower = bandPassGain(500 / Math.SQRT2, 500 * Math.SQRT2);
    const upper = bandPassGain(1000 / Math.SQRT2, 1000 * Math.SQRT2);
    for (let f = 600; f <= 800; f += 5) expect(lower(f) + upper(f)).toBeCloseTo(1, 12);
  });
});

describe('applySpectralMask', () => {
  it('is the identity for a gain of 1', () => {
    const x = whiteNoise(4801, 3);
    const y = applySpectralMask(x, 48000, () => 1);
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(y[i]! - x[i]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('convolves linearly: a short signal filters like the same samples inside a long one (no wrap-round)', () => {
    const fs = 48000;
    // Impulse at the last sample of a 0.1 s signal: a circular convolution would fold its
    // post-response onto the start of the output.
    const short = new Float32Array(4800);
    short[short.length - 1] = 1;
    const long = new Float32Array(5 * fs);
    const at = 2 * fs;
    long[at] = 1;
    for (const fc of [125, 1000]) {
      const y = octaveBandFilter(short, fs, fc);
      const ref = octaveBandFilter(long, fs, fc);
      let peak = 0;
      let err = 0;
      for (let i = 0; i < short.length; i++) {
        const r = ref[at - (short.length - 1) + i]!;
        peak = Math.max(peak, Math.abs(r));
        err = Math.max(err, Math.abs(y[i]! - r));
      }
      expect(db(err / peak), `${fc} Hz`).toBeLessThan(-60);
    }
  });
});

describe('highPass', () => {
  it('removes DC, also at the ends of the signal, and keeps the passband', () => {
    const fs = 48000;
    const x = sine(fs, fs, 1000, 0.5, 0.3); // 0.3 DC offset under a 1 kHz tone
    const y = highPass(x, fs, 40);
    let mean = 0;
    for (const v of y) mean += v;
    mean /= y.length;
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(db(rms(y, 12000, 36000) / (0.5 / Math.SQRT2)))).toBeLessThan(0.05);
    // Without the mean subtraction the offset's two ends would leave ~0.3-high step transients.
    for (const i of [0, 1, 2, 100, y.length - 100, y.length - 2, y.length - 1]) expect(Math.abs(y[i]! - (x[i]! - 0.3)), `sample ${i}`).toBeLessThan(0.01);
  });

  it('turns a pure DC signal into silence', () => {
    const y = highPass(new Float32Array(1000).fill(0.25), 44100, 40);
    expect(Math.max(...Array.from(y, Math.abs))).toBeLessThan(1e-6);
  });
});

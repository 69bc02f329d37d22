import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { highPass, OCTAVE_CENTRES_HZ, octaveBandFilter } from '../../../src/dsp/octave-bands.js';
import { octaveBandReverb, reverbTime, schroederDecay, t20, t30 } from '../../../src/dsp/schroeder.js';
import { decodeWav } from '../../../src/io/wav.js';
import { whiteNoise } from '../../helpers/random.js';

/**
 * Synthetic room IR: white noise under an exponential envelope that falls 60 dB in t60,
 * after `predelayS` of silence, plus a stationary noise floor `floorDb` below the
 * envelope's starting RMS.
 */
function decayingNoise(opts: { fs: number; t60: number; floorDb: number; seconds: number; seed: number; predelayS?: number }): Float32Array {
  const { fs, t60, floorDb, seconds, seed, predelayS = 0.01 } = opts;
  const n = Math.round(seconds * fs);
  const x = whiteNoise(n, seed);
  const floor = whiteNoise(n, seed + 1000, 10 ** (floorDb / 20));
  const pre = Math.round(predelayS * fs);
  const h = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = i - pre;
    h[i] = (k >= 0 ? x[i]! * 10 ** ((-3 * k) / (fs * t60)) : 0) + floor[i]!;
  }
  return h;
}

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

describe('schroederDecay', () => {
  it('is 0 dB at t = 0 and follows an exponential decay exactly', () => {
    // h[n] = aⁿ: the backward integral is (a²ⁿ − a²ᴺ)/(1 − a²ᴺ) of the total.
    const a = 0.999;
    const n = 20000;
    const h = new Float32Array(n);
    for (let i = 0; i < n; i++) h[i] = a ** i;
    const edc = schroederDecay(h);
    expect(edc[0]).toBe(0);
    const a2N = a ** (2 * n);
    for (const i of [100, 1000, 5000, 10000]) {
      const want = 10 * Math.log10((a ** (2 * i) - a2N) / (1 - a2N));
      expect(edc[i]).toBeCloseTo(want, 3);
    }
  });

  it('is monotonically non-increasing', () => {
    const edc = schroederDecay(decayingNoise({ fs: 8000, t60: 0.3, floorDb: -60, seconds: 0.5, seed: 5 }));
    for (let i = 1; i < edc.length; i++) expect(edc[i]!).toBeLessThanOrEqual(edc[i - 1]!);
  });
});

describe('reverbTime on synthetic exponential decays', () => {
  const cases = [48000, 44100].flatMap((fs) => [0.3, 0.6, 1.2].flatMap((t60) => [-60, -70].map((floorDb) => ({ fs, t60, floorDb }))));

  it.each(cases)('T20 and T30 within 5 % at $fs Hz, T60 $t60 s, floor $floorDb dB', ({ fs, t60, floorDb }) => {
    // Long enough for the decay to reach the floor and leave ≥ 0.4 s of noise behind it.
    const h = decayingNoise({ fs, t60, floorDb, seconds: 1.2 * t60 + 0.5, seed: Math.round(t60 * 100 + fs) });
    const a = t20(h, fs);
    const b = t30(h, fs);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(relErr(a!.t60, t60)).toBeLessThan(0.05);
    expect(relErr(b!.t60, t60)).toBeLessThan(0.05);
    expect(a!.r2).toBeGreaterThan(0.99);
    // The decay meets the floor about |floorDb| below its start.
    expect(Math.abs(a!.dynamicRangeDb + floorDb)).toBeLessThan(3);
    // The fit starts after the 10 ms predelay, at the direct sound.
    expect(a!.fitStartS).toBeGreaterThan(0.01);
    expect(a!.fitEndS).toBeGreaterThan(a!.fitStartS);
  });

  it('truncation matters: the same IR with a long noise tail gives the same T30', () => {
    const fs = 48000;
    const short = decayingNoise({ fs, t60: 0.5, floorDb: -50, seconds: 1.0, seed: 11 });
    const long = decayingNoise({ fs, t60: 0.5, floorDb: -50, seconds: 4.0, seed: 11 });
    expect(relErr(t30(short, fs)!.t60, 0.5)).toBeLessThan(0.05);
    expect(relErr(t30(long, fs)!.t60, 0.5)).toBeLessThan(0.05);
  });

  it('returns null, not a number, when the noise floor is only 20 dB down', () => {
    const fs = 48000;
    const h = decayingNoise({ fs, t60: 0.6, floorDb: -20, seconds: 1.5, seed: 3 });
    expect(t20(h, fs)).toBeNull();
    expect(t30(h, fs)).toBeNull();
  });

  it('applies the ISO 10 dB margin: a floor 40 dB down allows T20 (needs 35) but not T30 (needs 45)', () => {
    const fs = 48000;
    const h = decayingNoise({ fs, t60: 0.6, floorDb: -40, seconds: 1.5, seed: 4 });
    const a = t20(h, fs);
    expect(a).not.toBeNull();
    expect(relErr(a!.t60, 0.6)).toBeLessThan(0.05);
    expect(t30(h, fs)).toBeNull();
  });

  it('returns null for silence and for stationary noise (no decay at all)', () => {
    expect(t20(new Float32Array(48000), 48000)).toBeNull();
    expect(t20(whiteNoise(48000, 9), 48000)).toBeNull();
  });

  it('handles a noiseless IR zero-padded at the end (simulated rooms) via tail compensation', () => {
    const fs = 16000;
    const h = new Float32Array(2 * fs);
    h.set(decayingNoise({ fs, t60: 0.4, floorDb: -300, seconds: 1, seed: 21 })); // stops at −150 dB, then zeros
    expect(relErr(t30(h, fs)!.t60, 0.4)).toBeLessThan(0.05);
  });

  it('rejects a malformed fit range', () => {
    const h = decayingNoise({ fs: 8000, t60: 0.3, floorDb: -60, seconds: 0.5, seed: 5 });
    expect(() => reverbTime(h, 8000, { fromDb: -25, toDb: -5 })).toThrow(RangeError);
  });
});

describe('octaveBandReverb on a synthetic band-specific decay', () => {
  // Each octave of noise decays at its own rate, as in a real room (longer at low frequencies).
  const truth = new Map([
    [125, 0.9],
    [250, 0.7],
    [500, 0.55],
    [1000, 0.45],
    [2000, 0.35],
    [4000, 0.25],
  ]);

  function bandIr(fs: number, predelayS: number): Float32Array {
    const seconds = 1.6;
    const n = Math.round(seconds * fs);
    const pre = Math.round(predelayS * fs);
    const h = whiteNoise(n, 77, 10 ** (-65 / 20)); // broadband noise floor 65 dB down
    OCTAVE_CENTRES_HZ.forEach((fc, b) => {
      const band = octaveBandFilter(whiteNoise(n, 100 + b), fs, fc);
      const t60 = truth.get(fc)!;
      for (let i = pre; i < n; i++) h[i]! += band[i]! * 10 ** ((-3 * (i - pre)) / (fs * t60));
    });
    return h;
  }

  it.each([48000, 44100])('T20 per band within 10 % at %i Hz', (fs) => {
    const got = octaveBandReverb(bandIr(fs, 0.02), fs, { fromDb: -5, toDb: -25 });
    expect(got.map((g) => g.centreHz)).toEqual(OCTAVE_CENTRES_HZ);
    for (const { centreHz, t60 } of got) {
      expect(t60, `${centreHz} Hz`).not.toBeNull();
      expect(relErr(t60!, truth.get(centreHz)!), `${centreHz} Hz: ${t60}`).toBeLessThan(0.1);
    }
  });

  it('does not depend on whether the direct sound is at sample 0 (zero-phase pre-response is kept)', () => {
    const fs = 48000;
    // Decay starts at sample 0 with a strong direct sound, like living_room_1.wav: losing the
    // band filter's pre-response would take direct energy out and move the decay's knee.
    const h = bandIr(fs, 0);
    h[0]! += 100;
    const delayed = new Float32Array(h.length + Math.round(0.05 * fs));
    delayed.set(h, delayed.length - h.length);
    const atStart = octaveBandReverb(h, fs, { fromDb: -5, toDb: -25 });
    const late = octaveBandReverb(delayed, fs, { fromDb: -5, toDb: -25 });
    late.forEach((b, i) => expect(relErr(atStart[i]!.t60!, b.t60!), `${b.centreHz} Hz`).toBeLessThan(0.001));
  });

  it('reports bands above Nyquist as null', () => {
    const fs = 8000; // 4 kHz band reaches 5.7 kHz
    const h = decayingNoise({ fs, t60: 0.4, floorDb: -70, seconds: 1, seed: 8 });
    const got = octaveBandReverb(h, fs, { fromDb: -5, toDb: -25 });
    expect(got.find((b) => b.centreHz === 4000)!.t60).toBeNull();
    expect(got.find((b) => b.centreHz === 1000)!.t60).not.toBeNull();
  });
});

/** A measured RIR (mono WAV), decoded by the project's reader. */
function readRir(url: URL): { sampleRate: number; samples: Float32Array } {
  const wav = decodeWav(readFileSync(url), url.pathname);
  expect(wav.channels.length).toBe(1);
  return { sampleRate: wav.sampleRate, samples: wav.channels[0]! };
}

// The measured RIRs are test data in the repo (test/data/rir; sources and licences in its LICENSES.md).
const rirDir = new URL('../../data/rir/', import.meta.url);

describe('measured RIRs', () => {
  it("living_room_1.wav octave-band T20 matches python-acoustics' reference", () => {
    const { sampleRate, samples } = readRir(new URL('living_room_1.wav', rirDir));
    expect(sampleRate).toBe(44100);
    // python-acoustics tests/test_room.py, t60_impulse(..., rt='t20'): causal 8th-order Butterworth bands.
    const reference = new Map([
      [125, 0.365],
      [250, 0.151],
      [500, 0.156],
      [1000, 0.102],
      [2000, 0.076],
      [4000, 0.146],
    ]);
    const got = octaveBandReverb(samples, sampleRate, { fromDb: -5, toDb: -25 });
    for (const { centreHz, t60 } of got) {
      expect(t60, `${centreHz} Hz`).not.toBeNull();
      // 125 Hz is held to the same 15 %: B·T60 ≈ 88 Hz × 0.365 s ≈ 32 > 16, so the octave filter's
      // own ringing does not bias the decay (Jacobsen's criterion), and the 0.89 s IR holds the
      // whole 60 dB decay. Note the fit range at every band ends within the first ~110 ms, where
      // this room's decay is double-sloped: T20 here is sensitive to the band filter (the same
      // Butterworth run zero-phase moves 500 Hz from 0.159 to 0.216 s), hence 15 %, not 5 %.
      expect(relErr(t60!, reference.get(centreHz)!), `${centreHz} Hz: ${t60} vs ${reference.get(centreHz)}`).toBeLessThan(0.15);
    }
  });

  it('rir_clap.wav broadband T20 after a 40 Hz high-pass ≈ 0.62 s', () => {
    const { sampleRate, samples } = readRir(new URL('rir_clap.wav', rirDir));
    const r = t20(highPass(samples, sampleRate, 40), sampleRate);
    expect(r).not.toBeNull();
    expect(relErr(r!.t60, 0.62)).toBeLessThan(0.15);
  });
});

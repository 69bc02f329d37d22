/**
 * Synthetic signals for known-answer tests: pseudo-speech (pitched, formant-shaped,
 * syllabic — the case where plain cross-correlation fails and PHAT must not),
 * exact fractional delays, FFT convolution and decaying-noise rooms. All seeded.
 */
import { goodFftSize, realFft } from '../../src/dsp/fft.js';
import { FftConvolver } from '../../src/sim/fft-convolver.js';
import { gaussian, rng } from './random.js';

/** Two-pole resonator coefficients for a formant at f Hz with bandwidth bw Hz. */
function resonator(f: number, bw: number, fs: number): [number, number, number] {
  const r = Math.exp((-Math.PI * bw) / fs);
  const a1 = -2 * r * Math.cos((2 * Math.PI * f) / fs);
  const a2 = r * r;
  const g = 1 - r; // rough gain normalisation
  return [g, a1, a2];
}

const VOWELS: Array<[number, number, number]> = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [530, 1840, 2480],
  [570, 840, 2410],
  [300, 870, 2240],
  [660, 1720, 2410],
];

/**
 * Speech-like signal: syllables of 120–320 ms (voiced: glottal pulses at a wandering
 * F0 through three formants; some unvoiced: band noise), separated by short pauses.
 * Peak-normalised to `peak`. Starts and ends with a syllable, no leading silence.
 */
export function pseudoSpeech(durationS: number, fs: number, seed: number, peak = 0.5): Float32Array {
  const n = Math.round(durationS * fs);
  const out = new Float32Array(n);
  const u = rng(seed);
  const g = gaussian(seed + 1);
  let t = 0;
  while (t < n) {
    const sylLen = Math.min(n - t, Math.round((0.12 + 0.2 * u()) * fs));
    const voiced = u() < 0.8;
    const [f1, f2, f3] = VOWELS[Math.floor(u() * VOWELS.length)]!;
    const res = [resonator(f1, 80, fs), resonator(f2, 100, fs), resonator(f3, 150, fs)];
    const state = res.map(() => [0, 0]);
    let f0 = 100 + 120 * u();
    let phase = 0;
    for (let i = 0; i < sylLen; i++) {
      let e: number;
      if (voiced) {
        f0 *= 1 + 0.0005 * (u() - 0.5); // slow pitch wander
        phase += f0 / fs;
        e = phase >= 1 ? 1 : 0;
        if (phase >= 1) phase -= 1;
        e += 0.02 * g(); // aspiration noise keeps the spectrum full between harmonics
      } else {
        e = 0.3 * g();
      }
      let s = 0;
      for (let k = 0; k < res.length; k++) {
        const [gain, a1, a2] = res[k]!;
        const st = state[k]!;
        const y = gain * e - a1 * st[0]! - a2 * st[1]!;
        st[1] = st[0]!;
        st[0] = y;
        s += y;
      }
      // Hann-shaped syllable envelope avoids clicks that would make delay estimation trivially easy.
      const env = Math.sin((Math.PI * i) / sylLen) ** 2;
      out[t + i] = s * env;
    }
    t += sylLen + Math.round((0.02 + 0.1 * u()) * fs);
  }
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(out[i]!));
  if (m > 0) for (let i = 0; i < n; i++) out[i]! *= peak / m;
  // End on the last sound, not in a pause: callers take the drain from the buffer's end.
  let end = n;
  while (end > 0 && Math.abs(out[end - 1]!) < 1e-6) end--;
  return out.slice(0, end);
}

/** Linear convolution via FFT (the virtual iPhone's convolver); output length x.length + h.length − 1. */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  return new FftConvolver(h).apply(x, x.length + h.length - 1);
}

/**
 * y[t] = x[t − d] for a fractional d (may be negative), by a linear phase shift on a
 * zero-padded spectrum — exact for band-limited signals. Output has `outLen` samples.
 */
export function fractionalDelay(x: Float32Array, d: number, outLen = x.length): Float32Array {
  const pad = Math.ceil(Math.abs(d)) + 64;
  const n = goodFftSize(Math.max(x.length, outLen) + 2 * pad);
  const plan = realFft(n);
  const buf = new Float32Array(n);
  buf.set(x, pad); // pad in front so negative delays do not wrap
  const X = plan.forward(buf);
  for (let k = 1; k < n / 2; k++) {
    const w = (-2 * Math.PI * k * d) / n;
    const c = Math.cos(w),
      s = Math.sin(w);
    const re = X[2 * k]!,
      im = X[2 * k + 1]!;
    X[2 * k] = re * c - im * s;
    X[2 * k + 1] = re * s + im * c;
  }
  X[1] = 0; // the Nyquist bin cannot carry a fractional shift
  const y = plan.inverse(X);
  return y.slice(pad, pad + outLen);
}

/** Room response: a unit direct path at `directDelay` samples plus exponentially decaying noise to RT60 `t60`. */
export function decayingNoiseRir(fs: number, t60: number, seed: number, o: { directDelay?: number; lengthS?: number; reverbDb?: number } = {}): Float32Array {
  const d = o.directDelay ?? 0;
  const len = d + Math.round((o.lengthS ?? Math.min(2, 1.2 * t60)) * fs);
  const h = new Float32Array(len);
  const g = gaussian(seed);
  h[d] = 1;
  // Reverberant energy relative to the direct path (default −3 dB: a small room at a phone's distance).
  const tail = 10 ** ((o.reverbDb ?? -3) / 20);
  const decay = 6.907755 / (t60 * fs); // ln(1000): amplitude falls 60 dB in t60
  let e = 0;
  const noise = new Float32Array(len);
  for (let i = d + 1; i < len; i++) {
    noise[i] = g() * Math.exp(-decay * (i - d));
    e += noise[i]! ** 2;
  }
  const s = tail / Math.sqrt(e);
  for (let i = d + 1; i < len; i++) h[i] = noise[i]! * s;
  return h;
}

export function scale(x: Float32Array, gain: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = x[i]! * gain;
  return y;
}

/** Sum of signals, each placed at an offset (samples), into a buffer of length n. */
export function mixAt(n: number, parts: Array<[Float32Array, number]>): Float32Array {
  const out = new Float32Array(n);
  for (const [x, off] of parts) for (let i = 0; i < x.length && off + i < n; i++) if (off + i >= 0) out[off + i]! += x[i]!;
  return out;
}

export function rms(x: Float32Array): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += x[i]! * x[i]!;
  return Math.sqrt(e / Math.max(1, x.length));
}

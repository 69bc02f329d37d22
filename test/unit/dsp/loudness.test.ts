import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { createLoudnessMeter } from '../../../src/dsp/loudness.js';
import { resample } from '../../../src/dsp/resample.js';
import { integratedLoudness, truePeakDbtp } from '../../../src/fixture-prep/loudness-meter.js';
import { EBUR128_WASM_VERSION, ebur128WasmBytes } from '../../../src/io/ebur128-wasm.js';
import { encodeWav } from '../../../src/io/wav.js';
import { rng, whiteNoise } from '../../helpers/random.js';
import { ffmpegEbur128 } from '../../helpers/ffmpeg-ebur128.js';

const FS = 48_000;

function sine(hz: number, peakDbfs: number, seconds: number, fs = FS, phase = 0): Float32Array {
  const a = 10 ** (peakDbfs / 20);
  const x = new Float32Array(Math.round(seconds * fs));
  for (let i = 0; i < x.length; i++) x[i] = a * Math.sin((2 * Math.PI * hz * i) / fs + phase);
  return x;
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One mono channel carrying the power of Tech 3341's two identical stereo channels: +3.01 dB. */
const MONO = 10 * Math.log10(2);

describe('loudness: BS.1770 / EBU Tech 3341 known answers', () => {
  it('reads a full-scale 997 Hz sine as −3.01 LUFS and 0 dBTP', () => {
    const x = sine(997, 0, 5);
    expect(integratedLoudness(x, FS)).toBeCloseTo(-3.01, 1);
    expect(Math.abs(truePeakDbtp(x, FS))).toBeLessThan(0.05);
  });

  it('scales 1:1 with level: a −20 dBFS 1 kHz sine reads −23.0 LUFS', () => {
    expect(integratedLoudness(sine(1000, -20, 5), FS)).toBeCloseTo(-23.0, 1);
  });

  // Tech 3341 cases 1–5 (stereo 1 kHz sines, expected −23.0 / −33.0 ±0.1 LU) as mono
  // equivalents. Cases 3 and 4 keep their durations: the −36 dBFS parts sit right at the
  // relative gate there, so the block boundaries of shortened segments would decide.
  it.each([
    ['case 1', [[-23, 20]], -23],
    ['case 2', [[-33, 20]], -33],
    [
      'case 3: relative gate drops the −36 parts',
      [
        [-36, 10],
        [-23, 60],
        [-36, 10],
      ],
      -23,
    ],
    [
      'case 4: absolute gate drops the −72 parts',
      [
        [-72, 10],
        [-36, 10],
        [-23, 20],
        [-36, 10],
        [-72, 10],
      ],
      -23,
    ],
    [
      'case 5: ungated power mean',
      [
        [-26, 20],
        [-20, 20.1],
        [-26, 20],
      ],
      -23,
    ],
  ] as const)('Tech 3341 %s', (_name, segments, expected) => {
    const x = concat(...segments.map(([db, s]) => sine(1000, db + MONO, s)));
    expect(Math.abs(integratedLoudness(x, FS) - expected)).toBeLessThanOrEqual(0.1);
  });

  it('finds the inter-sample peak of an fs/4 sine at 45° (samples 3 dB below the true peak)', () => {
    const x = sine(FS / 4, -6.02, 2, FS, Math.PI / 4);
    let samplePeak = 0;
    for (const v of x) samplePeak = Math.max(samplePeak, Math.abs(v));
    expect(20 * Math.log10(samplePeak)).toBeCloseTo(-9.03, 1);
    // BS.1770-4 Annex 2 / Tech 3341 true-peak tolerance: +0.2 / −0.4 dB.
    const tp = truePeakDbtp(x, FS);
    expect(tp).toBeGreaterThanOrEqual(-6.02 - 0.4);
    expect(tp).toBeLessThanOrEqual(-6.02 + 0.2);
  });

  it('measures at other rates the same way (16 and 44.1 kHz)', () => {
    for (const fs of [16_000, 44_100]) {
      expect(integratedLoudness(sine(997, -20, 5, fs), fs)).toBeCloseTo(-23.01, 1);
      expect(truePeakDbtp(sine(997, -6, 2, fs), fs)).toBeCloseTo(-6, 1);
    }
  });

  it('returns −Infinity for silence, empty input and less than one 400 ms block', () => {
    expect(integratedLoudness(new Float32Array(FS), FS)).toBe(-Infinity);
    expect(truePeakDbtp(new Float32Array(FS), FS)).toBe(-Infinity);
    expect(integratedLoudness(new Float32Array(0), FS)).toBe(-Infinity);
    expect(integratedLoudness(sine(1000, -10, 0.3), FS)).toBe(-Infinity);
  });

  it('rejects a NaN sample and an impossible rate instead of reading them as silence', () => {
    const x = sine(1000, -10, 1);
    x[1234] = Number.NaN;
    expect(() => integratedLoudness(x, FS)).toThrow(/sample 1234 is not finite/);
    expect(() => integratedLoudness(sine(1000, -10, 1), 48_000.5)).toThrow(RangeError);
    expect(() => truePeakDbtp(sine(1000, -10, 1), 8)).toThrow(RangeError);
  });

  it('gives identical answers on repeated calls (buffers are freed, state is not carried over)', () => {
    const x = whiteNoise(5 * FS, 7, 0.05);
    const first = integratedLoudness(x, FS);
    for (let i = 0; i < 20; i++) expect(integratedLoudness(x, FS)).toBe(first);
  });
});

describe('loudness: agreement with an independent meter (FFmpeg ebur128)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceaec-loudness-'));
  const r = rng(11);
  // Speech-like: noise under a 4 Hz syllable envelope with pauses, so the gates matter.
  const syllables = (fs: number) => {
    const x = whiteNoise(6 * fs, 3, 0.2);
    for (let i = 0; i < x.length; i++) {
      const t = i / fs;
      const env = Math.max(0, Math.sin(2 * Math.PI * 4 * t)) ** 2 * (Math.floor(t) % 3 === 2 ? 0.01 : 1);
      x[i]! *= env;
    }
    return x;
  };
  const cases: Array<[string, number, () => Promise<Float32Array> | Float32Array]> = [
    ['white noise at −30 dBFS rms', FS, () => whiteNoise(5 * FS, 1, 10 ** (-30 / 20))],
    ['speech-like bursts, 48 kHz', FS, () => syllables(FS)],
    ['speech-like bursts, 16 kHz', 16_000, () => syllables(16_000)],
    [
      'log sweep 50 Hz–16 kHz, 44.1 kHz',
      44_100,
      () => {
        const fs = 44_100,
          T = 4,
          f1 = 50,
          f2 = 16_000,
          k = Math.log(f2 / f1);
        const x = new Float32Array(T * fs);
        for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin(((2 * Math.PI * f1 * T) / k) * (Math.exp((k * i) / fs / T) - 1));
        return x;
      },
    ],
    [
      'random-level tone mix, resampled 48→44.1 kHz',
      44_100,
      () => {
        const x = concat(sine(220, -12 - 10 * r(), 2), sine(3100, -20 - 10 * r(), 2), sine(8000, -25, 2));
        return resample(x, FS, 44_100, 'best');
      },
    ],
  ];

  it.each(cases)('%s: within 0.15 LU and 0.3 dB TP of ffmpeg', async (name, fs, make) => {
    const x = await make();
    const file = join(dir, `${name.replace(/\W+/g, '_')}.wav`);
    writeFileSync(file, encodeWav({ sampleRate: fs, samples: x }, { encoding: 'float32' }));
    const ref = ffmpegEbur128(file);
    // ffmpeg prints one decimal (±0.05), so 0.15 LU allows 0.1 LU of real disagreement.
    expect(Math.abs(integratedLoudness(x, fs) - ref.integratedLufs)).toBeLessThanOrEqual(0.15);
    expect(Math.abs(truePeakDbtp(x, fs) - ref.truePeakDbtp)).toBeLessThanOrEqual(0.3);
  });
});

describe('loudness: the ebur128-wasm adapter', () => {
  it('is pinned exactly to the bindings version it speaks', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync(new URL('../../../node_modules/ebur128-wasm/package.json', import.meta.url), 'utf8')) as { version: string };
    expect(pkg.dependencies['ebur128-wasm']).toBe(EBUR128_WASM_VERSION);
    expect(installed.version).toBe(EBUR128_WASM_VERSION);
    expect(ebur128WasmBytes()).toBe(ebur128WasmBytes());
    expect([...ebur128WasmBytes().subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]); // "\0asm"
  });

  it('turns a Rust panic into an error with its message and keeps working afterwards', () => {
    const meter = createLoudnessMeter(fakeEbur128({ panicMessage: 'Error creating analyzer: boom' }));
    const err = (() => {
      try {
        meter.integratedLoudness(new Float32Array(100), FS);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isVoiceAecError(err) && err.code).toBe('E_LOUDNESS_METER');
    expect(String((err as Error).message)).toContain('Error creating analyzer: boom');
    // A fresh instance answers the next call.
    expect(meter.truePeakDbtp(new Float32Array(100), FS)).toBe(-6);
  });

  it('refuses a module whose bindings need imports it does not know', () => {
    const meter = createLoudnessMeter(fakeEbur128({ extraImport: '__wbg_now_0123456789abcdef' }));
    expect(() => meter.integratedLoudness(new Float32Array(100), FS)).toThrow(/__wbg_now_0123456789abcdef/);
  });
});

/**
 * A hand-assembled stand-in for ebur128_wasm_bg.wasm with the same ABI: `integrated` reports a
 * panic message through the `__wbg_error_*` import and traps, `true_peak` returns −6.
 */
function fakeEbur128(o: { panicMessage?: string; extraImport?: string }): Uint8Array {
  const enc = new TextEncoder();
  const leb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const name = (s: string) => [...leb(enc.encode(s).length), ...enc.encode(s)];
  const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const I32 = 0x7f,
    F64 = 0x7c;
  const msg = enc.encode(o.panicMessage ?? 'panic');
  const types = [
    [0x60, 2, I32, I32, 0], // 0: (i32, i32) → ()
    [0x60, 3, I32, I32, I32, 1, F64], // 1: (rate, ptr, len) → f64
    [0x60, 1, I32, 1, I32], // 2: malloc(size) → ptr
    [0x60, 0, 0], // 3: () → ()
  ];
  const mod = './ebur128_wasm_bg.js';
  const imports = [[...name(mod), ...name('__wbg_error_deadbeef'), 0x00, 0]];
  if (o.extraImport) imports.push([...name(mod), ...name(o.extraImport), 0x00, 3]);
  const nImports = imports.length;
  const f64 = (v: number) => [...new Uint8Array(new Float64Array([v]).buffer)];
  const bodies = [
    [0x41, ...leb(16), 0x41, ...leb(msg.length), 0x10, 0, 0x00, 0x0b], // integrated: error(16, len); unreachable
    [0x44, ...f64(-6), 0x0b], // true peak: −6
    [0x41, ...leb(1024), 0x0b], // malloc: a fixed buffer far from the message
    [0x0b], // free: nothing
  ].map((b) => {
    const body = [0, ...b];
    return [...leb(body.length), ...body];
  });
  const fn = (i: number) => nImports + i;
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec([[1], [1], [2], [0]])),
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name('memory'), 0x02, 0],
        [...name('ebur128_integrated_mono'), 0x00, fn(0)],
        [...name('ebur128_true_peak_mono'), 0x00, fn(1)],
        [...name('__wbindgen_malloc'), 0x00, fn(2)],
        [...name('__wbindgen_free'), 0x00, fn(3)],
      ]),
    ),
    ...section(10, vec(bodies)),
    ...section(11, vec([[0x00, 0x41, ...leb(16), 0x0b, ...leb(msg.length), ...msg]])),
  ];
  return new Uint8Array(bytes);
}

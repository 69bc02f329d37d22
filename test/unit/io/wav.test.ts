import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VoiceAecError } from '../../../src/core/errors.js';
import { decodeWav, encodeWav, readWavFile, selectChannel, wavSampleView, writeWavFile, type WavEncoding } from '../../../src/io/wav.js';
import { rng, whiteNoise } from '../../helpers/random.js';
import { ascii, concat, fmtBody, GUID_TAIL, riff, sampleBytes, wavBytes } from '../../helpers/wav-bytes.js';

const NAME = 'take-07.wav';

/** Assert decodeWav fails with exactly a VoiceAecError of `code` whose message names the file. */
function expectWavError(bytes: Uint8Array, code: string, name = NAME): VoiceAecError {
  let thrown: unknown;
  try {
    decodeWav(bytes, name);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(VoiceAecError);
  const err = thrown as VoiceAecError;
  expect(err.code).toBe(code);
  expect(err.category).toBe('input');
  expect(err.message).toContain(name);
  expect(err.hint).toBeTruthy();
  return err;
}

const pcm16 = (values: number[]) => sampleBytes(values, 2, (dv, at, v) => dv.setInt16(at, v, true));

function signal(n: number, seed: number): Float32Array {
  const x = whiteNoise(n, seed, 0.3);
  // Stay below +1: that clamps to the largest code (a full step off), tested on its own.
  for (let i = 0; i < n; i++) x[i] = Math.max(-1, Math.min(0.999, x[i]!));
  x[0] = -1;
  x[1] = 0;
  x[2] = 0.5;
  return x;
}

describe('encodeWav → decodeWav round trip', () => {
  const step: Record<WavEncoding, number> = { pcm16: 1 / 32768, pcm24: 1 / 8388608, float32: 0 };
  const cases: [WavEncoding, number, number][] = [];
  for (const enc of ['pcm16', 'pcm24', 'float32'] as const) {
    for (const ch of [1, 2]) for (const rate of [44100, 48000, 16000, 8000]) cases.push([enc, ch, rate]);
  }

  it.each(cases)('%s, %i channel(s), %i Hz', (encoding, nch, sampleRate) => {
    const frames = 1001; // odd: exercises the pad byte for mono pcm24
    const channels = Array.from({ length: nch }, (_, c) => signal(frames, 10 * c + sampleRate));
    const bytes = encodeWav({ sampleRate, channels }, { encoding });
    const bps = encoding === 'pcm16' ? 2 : encoding === 'pcm24' ? 3 : 4;
    const dataSize = frames * nch * bps;
    expect(bytes.length).toBe(44 + dataSize + (dataSize % 2));
    expect(String.fromCharCode(...bytes.subarray(36, 40))).toBe('data');

    const out = decodeWav(bytes, NAME);
    expect(out.sampleRate).toBe(sampleRate);
    expect(out.channels.length).toBe(nch);
    expect(out.warnings).toEqual([]);
    expect(out.format).toMatchObject({
      encoding: encoding === 'float32' ? 'float' : 'pcm',
      bitsPerSample: bps * 8,
      formatTag: encoding === 'float32' ? 3 : 1,
    });
    for (let c = 0; c < nch; c++) {
      const a = channels[c]!;
      const b = out.channels[c]!;
      expect(b.length).toBe(frames);
      let worst = 0;
      for (let i = 0; i < frames; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      expect(worst).toBeLessThanOrEqual(step[encoding] / 2 + 1e-12);
      expect(b[0]).toBe(-1);
      expect(b[2]).toBe(0.5);
    }
  });

  it('clamps PCM to [-1, 1) and keeps float unclipped', () => {
    const samples = Float32Array.from([1, 1.5, -1.5, Number.NaN]);
    const p = decodeWav(encodeWav({ sampleRate: 48000, samples }, { encoding: 'pcm16' })).channels[0]!;
    expect(Array.from(p)).toEqual([32767 / 32768, 32767 / 32768, -1, 0]);
    const p24 = decodeWav(encodeWav({ sampleRate: 48000, samples }, { encoding: 'pcm24' })).channels[0]!;
    expect(Array.from(p24)).toEqual([8388607 / 8388608, 8388607 / 8388608, -1, 0]);
    const f = decodeWav(encodeWav({ sampleRate: 48000, samples }, { encoding: 'float32' }));
    expect(Array.from(f.channels[0]!)).toEqual([1, 1.5, -1.5, 0]);
    expect(f.warnings.join()).toMatch(/exceed full scale/);
  });

  it('uses WAVE_FORMAT_EXTENSIBLE above two channels', () => {
    const channels = [0, 1, 2, 3].map((c) => signal(64, c));
    const bytes = encodeWav({ sampleRate: 16000, channels }, { encoding: 'pcm24' });
    expect(bytes.length).toBe(68 + 64 * 4 * 3);
    const out = decodeWav(bytes);
    expect(out.format).toEqual({ encoding: 'pcm', bitsPerSample: 24, formatTag: 0xfffe, validBitsPerSample: 24 });
    expect(out.channels[3]![2]).toBe(0.5);
  });

  it('rejects what it cannot encode', () => {
    expect(() => encodeWav({ sampleRate: 48000, channels: [] }, { encoding: 'pcm16' })).toThrow(VoiceAecError);
    const ragged = { sampleRate: 48000, channels: [new Float32Array(3), new Float32Array(4)] };
    expect(() => encodeWav(ragged, { encoding: 'pcm16' })).toThrow(/different lengths/);
    expect(() => encodeWav({ sampleRate: 0.5, samples: new Float32Array(3) }, { encoding: 'pcm16' })).toThrow(VoiceAecError);
  });
});

describe('decodeWav: other encodings', () => {
  it('reads 32-bit integer PCM', () => {
    const data = sampleBytes([0, 2 ** 31 - 1, -(2 ** 31), 2 ** 30], 4, (dv, at, v) => dv.setInt32(at, v, true));
    const out = decodeWav(wavBytes({ bitsPerSample: 32 }, data));
    expect(Array.from(out.channels[0]!)).toEqual([0, Math.fround((2 ** 31 - 1) / 2 ** 31), -1, 0.5]);
    expect(out.format).toMatchObject({ encoding: 'pcm', bitsPerSample: 32, formatTag: 1 });
  });

  it('reads 8-bit unsigned PCM', () => {
    const out = decodeWav(wavBytes({ bitsPerSample: 8 }, Uint8Array.from([0, 128, 255, 64, 192])));
    expect(Array.from(out.channels[0]!)).toEqual([-1, 0, 127 / 128, -0.5, 0.5]);
  });

  it('reads 24-bit PCM with negative values', () => {
    const data = sampleBytes([-1, -8388608, 8388607, 4194304], 3, (dv, at, v) => {
      dv.setUint16(at, v & 0xffff, true);
      dv.setInt8(at + 2, v >> 16);
    });
    const out = decodeWav(wavBytes({ bitsPerSample: 24 }, data));
    expect(Array.from(out.channels[0]!)).toEqual([-1 / 8388608, -1, 8388607 / 8388608, 0.5].map(Math.fround));
  });

  it('reads 64-bit float, deinterleaving stereo', () => {
    const data = sampleBytes([0.25, -0.5, 1e-3, 0.75], 8, (dv, at, v) => dv.setFloat64(at, v, true));
    const out = decodeWav(wavBytes({ formatTag: 3, bitsPerSample: 64, channels: 2 }, data));
    expect(Array.from(out.channels[0]!)).toEqual([0.25, Math.fround(1e-3)]);
    expect(Array.from(out.channels[1]!)).toEqual([-0.5, 0.75]);
    expect(out.format).toMatchObject({ encoding: 'float', bitsPerSample: 64, formatTag: 3 });
  });

  it('replaces NaN/Inf float samples with 0 and warns', () => {
    const data = sampleBytes([Number.NaN, 0.5, Number.POSITIVE_INFINITY], 4, (dv, at, v) => dv.setFloat32(at, v, true));
    const out = decodeWav(wavBytes({ formatTag: 3, bitsPerSample: 32 }, data), NAME);
    expect(Array.from(out.channels[0]!)).toEqual([0, 0.5, 0]);
    expect(out.warnings).toEqual([expect.stringContaining('2 non-finite')]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE PCM (24 valid bits in 32) and float', () => {
    const data = sampleBytes([2 ** 30, -(2 ** 31)], 4, (dv, at, v) => dv.setInt32(at, v, true));
    const out = decodeWav(wavBytes({ bitsPerSample: 32, extensible: { subFormat: 1, validBits: 24 } }, data));
    expect(Array.from(out.channels[0]!)).toEqual([0.5, -1]);
    expect(out.format).toEqual({ encoding: 'pcm', bitsPerSample: 32, formatTag: 0xfffe, validBitsPerSample: 24 });

    const fdata = sampleBytes([0.125, -0.25], 4, (dv, at, v) => dv.setFloat32(at, v, true));
    const f = decodeWav(wavBytes({ bitsPerSample: 32, channels: 2, extensible: { subFormat: 3 } }, fdata));
    expect([f.channels[0]![0], f.channels[1]![0]]).toEqual([0.125, -0.25]);
    expect(f.format.encoding).toBe('float');
  });

  it('skips unknown chunks, honouring the odd-size pad byte', () => {
    const list = { id: 'LIST', body: ascii('INFOISFT\x05\x00\x00\x00abcde') }; // 17 bytes: odd
    expect(list.body.length % 2).toBe(1);
    const bytes = riff([
      { id: 'JUNK', body: new Uint8Array(3) },
      { id: 'fmt ', body: fmtBody() },
      list,
      { id: 'fact', body: new Uint8Array(4) },
      { id: 'data', body: pcm16([100, -200, 300]) },
      { id: 'bext', body: new Uint8Array(9) },
    ]);
    const out = decodeWav(bytes);
    expect(Array.from(out.channels[0]!)).toEqual([100, -200, 300].map((v) => v / 32768));
    expect(out.warnings).toEqual([]);
  });

  it('tolerates a writer that omitted the pad byte', () => {
    const bytes = riff([
      { id: 'fmt ', body: fmtBody() },
      { id: 'LIST', body: ascii('INFOabcde'), pad: false },
      { id: 'data', body: pcm16([7, 8]) },
    ]);
    expect(Array.from(decodeWav(bytes).channels[0]!)).toEqual([7 / 32768, 8 / 32768]);
  });

  it('gives the same samples wherever the data chunk starts (typed-array view when aligned, a copy when not)', () => {
    const values = [-32768, -1, 0, 1, 12345, 32767, -2, 3];
    const bits = [-2147483648, -1, 0, 1, 2147483647, 65536, -7, 9];
    const floats = [0.5, -0.25, 1.5, -3, 1e-30, 0, -1, 0.75];
    const cases = [
      { f: fmtBody({ channels: 2, bitsPerSample: 16 }), body: pcm16(values), want: values.map((v) => v / 32768) },
      {
        f: fmtBody({ channels: 2, bitsPerSample: 32 }),
        body: sampleBytes(bits, 4, (dv, at, v) => dv.setInt32(at, v, true)),
        want: bits.map((v) => v / 2 ** 31),
      },
      { f: fmtBody({ channels: 2, bitsPerSample: 32, formatTag: 3 }), body: sampleBytes(floats, 4, (dv, at, v) => dv.setFloat32(at, v, true)), want: floats },
      { f: fmtBody({ channels: 1, bitsPerSample: 32, formatTag: 3 }), body: sampleBytes(floats, 4, (dv, at, v) => dv.setFloat32(at, v, true)), want: floats },
      { f: fmtBody({ channels: 2, bitsPerSample: 64, formatTag: 3 }), body: sampleBytes(floats, 8, (dv, at, v) => dv.setFloat64(at, v, true)), want: floats },
    ];
    for (const { f, body, want } of cases) {
      const nch = new DataView(f.buffer).getUint16(2, true);
      // A JUNK chunk of 1–5 bytes (odd ones without their pad byte) starts the data at offsets 44, 53…57: odd, 2 mod 4, 4 mod 8 and a multiple of 8.
      for (const skew of [0, 1, 2, 3, 4, 5]) {
        const junk = skew === 0 ? [] : [{ id: 'JUNK', body: new Uint8Array(skew), pad: false }];
        const out = decodeWav(riff([{ id: 'fmt ', body: f }, ...junk, { id: 'data', body }]));
        for (let c = 0; c < nch; c++) expect(Array.from(out.channels[c]!)).toEqual(want.filter((_, i) => i % nch === c).map((v) => Math.fround(v)));
      }
    }
  });

  it('accepts data before fmt', () => {
    const bytes = riff([
      { id: 'data', body: pcm16([1, 2]) },
      { id: 'fmt ', body: fmtBody({ sampleRate: 8000 }) },
    ]);
    const out = decodeWav(bytes);
    expect(out.sampleRate).toBe(8000);
    expect(out.channels[0]!.length).toBe(2);
  });

  it('accepts any rate from 1 to 768000 Hz', () => {
    for (const sampleRate of [1, 11025, 22050, 96000, 192000, 768000]) {
      expect(decodeWav(wavBytes({ sampleRate }, pcm16([1]))).sampleRate).toBe(sampleRate);
    }
  });
});

describe('decodeWav: unfinalised and ragged data', () => {
  const audio = pcm16([10, 20, 30, 40]);

  it('accepts a data size of 0xFFFFFFFF and uses the bytes present, with a warning', () => {
    const out = decodeWav(wavBytes({}, audio, { dataSize: 0xffffffff }), NAME);
    expect(Array.from(out.channels[0]!)).toEqual([10, 20, 30, 40].map((v) => v / 32768));
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toContain(NAME);
    expect(out.warnings[0]).toMatch(/not finalised/);
  });

  it('accepts a data size of 0 followed by audio bytes, with a warning', () => {
    const out = decodeWav(wavBytes({}, audio, { dataSize: 0 }), NAME);
    expect(out.channels[0]!.length).toBe(4);
    expect(out.warnings[0]).toMatch(/not finalised/);
  });

  it('treats a data size of 0 followed by real chunks as empty', () => {
    const bytes = riff([
      { id: 'fmt ', body: fmtBody() },
      { id: 'data', body: new Uint8Array(0) },
      { id: 'LIST', body: ascii('INFOabcd') },
    ]);
    expectWavError(bytes, 'E_WAV_EMPTY');
  });

  it('truncates a partial trailing frame, with a warning', () => {
    const data = concat(pcm16([1, 2, 3, 4]), Uint8Array.from([9, 9])); // 10 bytes, 4-byte stereo frames
    const out = decodeWav(wavBytes({ channels: 2 }, data), NAME);
    expect(out.channels[0]!.length).toBe(2);
    expect(Array.from(out.channels[1]!)).toEqual([2 / 32768, 4 / 32768]);
    expect(out.warnings).toEqual([expect.stringMatching(/take-07\.wav.*ignored the last 2 bytes/)]);
  });
});

describe('decodeWav: bad input', () => {
  const good = wavBytes({ channels: 2 }, pcm16([1, 2, 3, 4, 5, 6]));

  it('not RIFF: text, MP3, AVI, empty', () => {
    expectWavError(ascii('hello, this is a text file, not audio at all'), 'E_WAV_NOT_RIFF');
    const mp3 = expectWavError(concat(ascii('ID3'), Uint8Array.from([3, 0, 0, 0, 0, 0x21, 0xff, 0xfb])), 'E_WAV_NOT_RIFF');
    expect(mp3.message).toMatch(/MP3/);
    expectWavError(concat(ascii('\x00\x00\x00\x20ftypM4A '), new Uint8Array(20)), 'E_WAV_NOT_RIFF');
    expectWavError(riff([], 'RIFF', 'AVI '), 'E_WAV_NOT_RIFF');
    expectWavError(new Uint8Array(0), 'E_WAV_NOT_RIFF');
  });

  it('RF64 and RIFX are unsupported, and say so', () => {
    expect(expectWavError(riff([], 'RF64'), 'E_WAV_UNSUPPORTED').message).toMatch(/RF64/);
    expect(expectWavError(riff([], 'RIFX'), 'E_WAV_UNSUPPORTED').message).toMatch(/big-endian/);
  });

  it('truncated header', () => {
    for (const cut of [4, 11, 16, 20, 30]) expectWavError(good.slice(0, cut), 'E_WAV_TRUNCATED');
  });

  it('no fmt chunk, or fmt too short', () => {
    expectWavError(riff([{ id: 'data', body: pcm16([1]) }]), 'E_WAV_NO_FMT');
    expectWavError(riff([]), 'E_WAV_NO_FMT');
    expectWavError(
      riff([
        { id: 'fmt ', body: fmtBody({ length: 14 }) },
        { id: 'data', body: pcm16([1]) },
      ]),
      'E_WAV_NO_FMT',
    );
    const shortExt = fmtBody({ extensible: { subFormat: 1 }, length: 18 });
    expectWavError(
      riff([
        { id: 'fmt ', body: shortExt },
        { id: 'data', body: pcm16([1]) },
      ]),
      'E_WAV_NO_FMT',
    );
  });

  it('no data chunk', () => {
    expectWavError(
      riff([
        { id: 'fmt ', body: fmtBody() },
        { id: 'LIST', body: ascii('INFO') },
      ]),
      'E_WAV_NO_DATA',
    );
  });

  it('truncated data', () => {
    expectWavError(wavBytes({}, pcm16([1, 2, 3]), { dataSize: 1000 }), 'E_WAV_TRUNCATED');
    expectWavError(good.slice(0, good.length - 1), 'E_WAV_TRUNCATED');
  });

  it('a huge declared data size fails fast without allocating it', () => {
    const bytes = wavBytes({}, new Uint8Array(100), { dataSize: 0xfffffff0 });
    const err = expectWavError(bytes, 'E_WAV_TRUNCATED'); // allocating 4 GiB first would throw a RangeError instead
    expect(err.details).toMatchObject({ declared: 0xfffffff0, present: 100 });
  });

  it('zero frames', () => {
    expectWavError(wavBytes({}, new Uint8Array(0)), 'E_WAV_EMPTY');
    expectWavError(wavBytes({}, new Uint8Array(1)), 'E_WAV_EMPTY');
  });

  it('absurd header values', () => {
    expectWavError(wavBytes({ sampleRate: 0 }, pcm16([1])), 'E_WAV_BAD_HEADER');
    expectWavError(wavBytes({ sampleRate: 768001 }, pcm16([1])), 'E_WAV_BAD_HEADER');
    expect(expectWavError(wavBytes({ channels: 200 }, new Uint8Array(400)), 'E_WAV_BAD_HEADER').message).toMatch(/200 channels/);
    expectWavError(wavBytes({ channels: 0, blockAlign: 2 }, pcm16([1])), 'E_WAV_BAD_HEADER');
    expectWavError(wavBytes({ channels: 2, blockAlign: 2 }, pcm16([1, 2])), 'E_WAV_BAD_HEADER');
  });

  it('unsupported encodings', () => {
    const ulaw = expectWavError(wavBytes({ formatTag: 7, bitsPerSample: 8 }, new Uint8Array(4)), 'E_WAV_UNSUPPORTED');
    expect(ulaw.message).toMatch(/µ-law/);
    expect(ulaw.hint).toMatch(/16-bit or 32-bit float/);
    const twelve = expectWavError(wavBytes({ bitsPerSample: 12, blockAlign: 2 }, new Uint8Array(4)), 'E_WAV_UNSUPPORTED');
    expect(twelve.message).toMatch(/12-bit PCM/);
    expectWavError(wavBytes({ formatTag: 2, bitsPerSample: 4, blockAlign: 256 }, new Uint8Array(256)), 'E_WAV_UNSUPPORTED');
    expectWavError(wavBytes({ formatTag: 3, bitsPerSample: 16 }, new Uint8Array(4)), 'E_WAV_UNSUPPORTED');
    const tail = [...GUID_TAIL];
    tail[5] = 0x42;
    expectWavError(wavBytes({ extensible: { subFormat: 1, guidTail: tail } }, new Uint8Array(4)), 'E_WAV_UNSUPPORTED');
    expectWavError(wavBytes({ extensible: { subFormat: 7 }, bitsPerSample: 8 }, new Uint8Array(4)), 'E_WAV_UNSUPPORTED');
  });

  it('uses "input" as the default name', () => {
    expect(() => decodeWav(ascii('nope nope nope'))).toThrow(/^input: /);
  });
});

describe('decodeWav fuzz', () => {
  it('2000 mutated or truncated files: returns or throws VoiceAecError, nothing else', () => {
    const seeds = [
      encodeWav({ sampleRate: 48000, channels: [signal(40, 1), signal(40, 2)] }, { encoding: 'pcm16' }),
      encodeWav({ sampleRate: 16000, channels: [0, 1, 2].map((c) => signal(20, c)) }, { encoding: 'pcm24' }),
      encodeWav({ sampleRate: 8000, samples: signal(30, 3) }, { encoding: 'float32' }),
      riff([
        { id: 'fmt ', body: fmtBody({ bitsPerSample: 8 }) },
        { id: 'LIST', body: ascii('INFOabc') },
        { id: 'data', body: new Uint8Array(33) },
      ]),
    ];
    const interesting = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];
    const r = rng(20240607);
    const pick = (n: number) => Math.floor(r() * n);
    let ok = 0;
    let failed = 0;
    for (let iter = 0; iter < 2000; iter++) {
      const b = seeds[pick(seeds.length)]!.slice();
      const dv = new DataView(b.buffer);
      const mutations = 1 + pick(4);
      for (let m = 0; m < mutations; m++) {
        const kind = pick(4);
        // Most mutations hit the header, where the parsing logic is.
        const at = pick(Math.min(b.length, r() < 0.8 ? 72 : b.length));
        if (kind === 0) b[at] = pick(256);
        else if (kind === 1 && at + 4 <= b.length) dv.setUint32(at, interesting[pick(interesting.length)]!, true);
        else if (kind === 2 && at + 2 <= b.length) dv.setUint16(at, pick(0x10000), true);
        else b[at]! ^= 1 << pick(8);
      }
      const input = r() < 0.3 ? b.subarray(0, pick(b.length + 1)) : b;
      try {
        const out = decodeWav(input, 'fuzz.wav');
        expect(out.channels.length).toBeGreaterThan(0);
        ok++;
      } catch (e) {
        if (!(e instanceof VoiceAecError)) throw new Error(`iteration ${iter}: raw ${String(e)}`, { cause: e });
        expect(e.message).toContain('fuzz.wav');
        failed++;
      }
    }
    // Both outcomes must occur, or the fuzzer is not exercising anything.
    expect(ok).toBeGreaterThan(50);
    expect(failed).toBeGreaterThan(50);
  });
});

describe('selectChannel', () => {
  const audio = { sampleRate: 48000, channels: [Float32Array.from([1, 0.5]), Float32Array.from([0, -0.5])] };

  it('picks a channel, or mixes', () => {
    expect(Array.from(selectChannel(audio, 0).samples)).toEqual([1, 0.5]);
    expect(Array.from(selectChannel(audio, 1).samples)).toEqual([0, -0.5]);
    const mix = selectChannel(audio, 'mix');
    expect(mix.sampleRate).toBe(48000);
    expect(Array.from(mix.samples)).toEqual([0.5, 0]);
  });

  it('rejects channels that do not exist', () => {
    for (const bad of [2, -1, 1.5, Number.NaN]) {
      try {
        selectChannel(audio, bad);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(VoiceAecError);
        expect((e as VoiceAecError).code).toBe('E_CHANNEL');
        expect((e as VoiceAecError).hint).toMatch(/0 to 1/);
      }
    }
  });
});

describe('readWavFile / writeWavFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voiceaec-wav-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through a file', async () => {
    const path = join(dir, 'sub', 'rt.wav');
    const samples = signal(500, 9);
    await writeWavFile(path, { sampleRate: 44100, samples }, { encoding: 'float32' });
    const out = await readWavFile(path);
    expect(out.sampleRate).toBe(44100);
    expect(Array.from(out.channels[0]!)).toEqual(Array.from(samples));
  });

  it('names the path in decode errors', async () => {
    const path = join(dir, 'song.mp3');
    await writeFile(path, concat(ascii('ID3'), new Uint8Array(64)));
    await expect(readWavFile(path)).rejects.toMatchObject({ code: 'E_WAV_NOT_RIFF', message: expect.stringContaining(path) });
  });

  it('missing file, directory', async () => {
    const missing = join(dir, 'nope.wav');
    await expect(readWavFile(missing)).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', message: expect.stringContaining(missing) });
    await expect(readWavFile(dir)).rejects.toMatchObject({ code: 'E_FILE_READ', message: expect.stringContaining(dir) });
  });

  it('refuses files above 2 GiB before reading them', async () => {
    const path = join(dir, 'huge.wav');
    const fh = await open(path, 'w');
    await fh.truncate(2 * 1024 ** 3 + 1); // sparse: no disk space used
    await fh.close();
    // The size comes from stat: reading 2 GiB into one buffer would fail with another error (ERR_FS_FILE_TOO_LARGE).
    await expect(readWavFile(path)).rejects.toMatchObject({ code: 'E_WAV_TOO_LARGE', message: expect.stringContaining(path) });
  });

  it('wavSampleView reads channel 0 of PCM16, PCM24 and float WAVs in place, with the decoder’s values', () => {
    const x = new Float32Array(4800);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i / 7) * 0.5;
    const other = new Float32Array(x.length).fill(0.9);
    for (const encoding of ['pcm16', 'pcm24', 'float32'] as const) {
      for (const audio of [
        { sampleRate: 16_000, samples: x },
        { sampleRate: 16_000, channels: [x, other] },
      ]) {
        const bytes = encodeWav(audio, { encoding });
        const view = wavSampleView(bytes, NAME);
        const want = decodeWav(bytes, NAME).channels[0]!;
        expect(view.sampleRate).toBe(16_000);
        expect(view.data.length / view.stride).toBe(want.length);
        for (let i = 0; i < want.length; i += 97) expect(view.data[i * view.stride]! * view.scale, `${encoding} sample ${i}`).toBeCloseTo(want[i]!, 6);
      }
    }
    expect(() => wavSampleView(ascii('not a wav at all'), NAME)).toThrow(expect.objectContaining({ code: 'E_WAV_NOT_RIFF' }));
  });
});

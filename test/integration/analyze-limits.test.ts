import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrialAnalysisSchema } from '../../src/analysis/trial-result.js';
import { encodeWav } from '../../src/io/wav.js';
import { runCli } from '../helpers/cli.js';
import { makeTrial } from '../helpers/trial.js';
import { fmtBody, riff, wavBytes } from '../helpers/wav-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'voiceaec-limits-'));
const path = (name: string) => join(dir, name);
const t = makeTrial({ delaySamples: 1440, echoGainDb: -25, residualMs: 300, residualDb: 15, seed: 9 });

beforeAll(() => {
  writeFileSync(path('ref.wav'), encodeWav({ sampleRate: t.fs, samples: t.ref }, { encoding: 'float32' }));
  writeFileSync(path('mic.wav'), encodeWav({ sampleRate: t.fs, samples: t.mic }, { encoding: 'float32' }));
  writeFileSync(path('rate1.wav'), encodeWav({ sampleRate: 1, samples: new Float32Array(10) }, { encoding: 'pcm16' }));
  writeFileSync(path('rate768k.wav'), encodeWav({ sampleRate: 768_000, samples: new Float32Array(768_000) }, { encoding: 'pcm16' }));
  writeFileSync(path('10frames.wav'), encodeWav({ sampleRate: 48_000, samples: t.mic.subarray(0, 10) }, { encoding: 'pcm16' }));
  // Written by hand: the encoder would not store NaN.
  const nan = new Float32Array(t.mic.length).fill(NaN);
  writeFileSync(path('nan.wav'), wavBytes({ formatTag: 3, bitsPerSample: 32, blockAlign: 4, byteRate: 4 * t.fs }, new Uint8Array(nan.buffer)));
  // One flipped byte: the high byte of a float sample turns it into ≈ 1e34.
  const flipped = encodeWav({ sampleRate: t.fs, samples: t.mic }, { encoding: 'float32' });
  const at = flipped.length - 4 * 20_000 + 3;
  flipped[at] = 0x78;
  writeFileSync(path('flipped.wav'), flipped);
  writeFileSync(path('clipped.wav'), encodeWav({ sampleRate: t.fs, samples: t.mic.map((x) => Math.sign(x)) }, { encoding: 'pcm16' }));
  // 2 GiB − 1 KiB of 8 kHz 16-bit silence, sparse: refused from its header, never read.
  const huge = 2 * 1024 ** 3 - 1024;
  writeFileSync(
    path('hour.wav'),
    riff([
      { id: 'fmt ', body: fmtBody({ sampleRate: 8000, byteRate: 16_000 }) },
      { id: 'data', body: new Uint8Array(0), size: huge - 44 },
    ]),
  );
  truncateSync(path('hour.wav'), huge);
});

/** Exit 2 and one error line on stderr (besides `warning:` lines), matching `line`. */
async function refused(args: string[], line: RegExp): Promise<string> {
  const r = await runCli(['analyze', ...args]);
  const errors = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('warning:'));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(line);
  expect(r.code).toBe(2);
  return r.stdout;
}

describe('voiceaec analyze: supported range and implausible input (docs/limits.md)', () => {
  it('refuses rates of 1 Hz and 768 kHz, a 10-frame mic and a 37-hour file, each in one line', async () => {
    await refused(
      ['--ref', path('ref.wav'), '--mic', path('rate1.wav')],
      /^E_WAV_RATE: .*rate1\.wav: sample rate 1 Hz is outside the supported 8000–192000 Hz/,
    );
    await refused(['--ref', path('rate768k.wav'), '--mic', path('mic.wav')], /^E_WAV_RATE: .*768000 Hz/);
    await refused(['--ref', path('ref.wav'), '--mic', path('10frames.wav')], /^E_ANALYSIS_RANGE: 10frames\.wav: the mic is 0\.2 ms long; at least 1000 ms/);
    await refused(['--ref', path('ref.wav'), '--mic', path('hour.wav')], /^E_WAV_TOO_LONG: .*hour\.wav: is 134217.* s long; at 8000 Hz the limit is 3600 s/);
  });

  it('withholds verdicts and exits 2 for a NaN file, a flipped byte, a clipped mic and swapped streams', async () => {
    await refused(
      ['--ref', path('ref.wav'), '--mic', path('nan.wav')],
      /^E_ANALYSIS_IMPLAUSIBLE: implausible recording: 100 % of the mic file's samples are NaN/,
    );
    // Under --json the error line is JSON too (docs/architecture.md § Exit codes and error lines).
    const json = await refused(
      ['--ref', path('ref.wav'), '--mic', path('flipped.wav'), '--json'],
      /^\{"error":\{"code":"E_ANALYSIS_IMPLAUSIBLE","message":"[^"]*above full scale/,
    );
    const a = TrialAnalysisSchema.parse(JSON.parse(json));
    expect(a.flags.implausible?.flag).toBe(true);
    expect(a.gates.every((g) => g.leak === null)).toBe(true);
    await refused(['--ref', path('ref.wav'), '--mic', path('clipped.wav')], /^E_ANALYSIS_IMPLAUSIBLE: .*clipped/);
    await refused(['--ref', path('mic.wav'), '--mic', path('ref.wav')], /^E_ANALYSIS_IMPLAUSIBLE: .*swapped/);
  });

  it('still analyses a plain pair with exit 0', async () => {
    const r = await runCli(['analyze', '--ref', path('ref.wav'), '--mic', path('mic.wav'), '--json']);
    expect(r.code).toBe(0);
    expect(TrialAnalysisSchema.parse(JSON.parse(r.stdout)).flags.implausible).toEqual({ flag: false, reason: null });
  });
});

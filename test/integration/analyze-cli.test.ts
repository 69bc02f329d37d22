import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrialAnalysisSchema, type TrialAnalysis } from '../../src/analysis/trial-result.js';
import { resample } from '../../src/dsp/resample.js';
import { encodeWav } from '../../src/io/wav.js';
import { runCli } from '../helpers/cli.js';
import { makeTrial } from '../helpers/trial.js';
import { fmtBody, riff, wavBytes } from '../helpers/wav-bytes.js';

const dir = mkdtempSync(join(tmpdir(), 'voiceaec-analyze-'));
const path = (name: string) => join(dir, name);
const t = makeTrial({ delaySamples: 1440, echoGainDb: -25, residualMs: 420, residualDb: 15, t60: 0.05, seed: 42 });

beforeAll(async () => {
  writeFileSync(path('ref.wav'), encodeWav({ sampleRate: t.fs, samples: t.ref }, { encoding: 'float32' }));
  writeFileSync(path('mic.wav'), encodeWav({ sampleRate: t.fs, samples: t.mic }, { encoding: 'pcm24' }));
  writeFileSync(path('ref44.wav'), encodeWav({ sampleRate: 44_100, samples: await resample(t.ref, 48_000, 44_100, 'best') }, { encoding: 'float32' }));
  writeFileSync(path('stereo-mic.wav'), encodeWav({ sampleRate: t.fs, channels: [new Float32Array(t.mic.length), t.mic] }, { encoding: 'pcm24' }));
  writeFileSync(
    path('events.jsonl'),
    [
      JSON.stringify({ type: 'micStarted', hostTimeNs: '1000000000' }),
      JSON.stringify({ type: 'playbackStarted', hostTimeNs: String(1e9 + 500e6) }),
      JSON.stringify({ type: 'bufferDrained', hostTimeNs: String(1e9 + Math.round(t.drainMs * 1e6)) }),
    ].join('\n'),
  );
  // Bad inputs: each must give exit 2 and one line.
  writeFileSync(path('text.wav'), 'this is not audio');
  const good = encodeWav({ sampleRate: 48_000, samples: new Float32Array(4800) }, { encoding: 'pcm16' });
  writeFileSync(path('truncated.wav'), good.subarray(0, 1000));
  writeFileSync(path('empty.wav'), wavBytes({}, new Uint8Array(0)));
  writeFileSync(path('zero-rate.wav'), wavBytes({ sampleRate: 0 }, new Uint8Array(200)));
  writeFileSync(path('200ch.wav'), wavBytes({ channels: 200, blockAlign: 400, byteRate: 400 * 48_000 }, new Uint8Array(4000)));
  writeFileSync(
    path('huge.wav'),
    riff([
      { id: 'fmt ', body: fmtBody({}) },
      { id: 'data', body: new Uint8Array(100), size: 0xfffffff0 },
    ]),
  );
});

async function analyze(...args: string[]): Promise<TrialAnalysis> {
  const r = await runCli(['analyze', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return TrialAnalysisSchema.parse(JSON.parse(r.stdout));
}

describe('voiceaec analyze (CLI)', () => {
  it('measures delay and leak verdicts of a recorded pair, and prints a table', async () => {
    const a = await analyze('--ref', path('ref.wav'), '--mic', path('mic.wav'), '--gates', '0,300,500,800');
    expect(Math.abs(a.delay.ms! - 30)).toBeLessThan(0.1);
    expect(a.gates.map((g) => [g.gateMs, g.leak])).toEqual([
      [0, true],
      [300, true],
      [500, false],
      [800, false],
    ]);
    const human = await runCli(['analyze', '--ref', path('ref.wav'), '--mic', path('mic.wav')]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/delay\s+30\.0\d ms from trial/);
    expect(human.stdout).toMatch(/300 ms\s+LEAK/);
  });

  it('takes the drain from an events file with host times', async () => {
    const a = await analyze('--ref', path('ref.wav'), '--mic', path('mic.wav'), '--events', path('events.jsonl'), '--sweep', '0:1000:100');
    expect(a.timing.drainSource).toBe('events');
    expect(a.timing.drainMs).toBeCloseTo(t.drainMs, 1);
    expect(a.gates).toHaveLength(11);
  });

  it('resamples a reference at another rate and says so', async () => {
    const a = await analyze('--ref', path('ref44.wav'), '--mic', path('mic.wav'));
    expect(a.input.ref.resampledTo).toBe(48_000);
    expect(a.warnings.some((w) => /resampled from 44100 Hz to 48000 Hz/.test(w))).toBe(true);
    expect(Math.abs(a.delay.ms! - 30)).toBeLessThan(0.5);
  });

  it('analyses the chosen channel of a multi-channel mic', async () => {
    const a = await analyze('--ref', path('ref.wav'), '--mic', path('stereo-mic.wav'), '--channel', '1');
    expect(Math.abs(a.delay.ms! - 30)).toBeLessThan(0.1);
    expect(a.input.mic.channels).toBe(2);
  });

  it.each([
    ['text.wav', 'E_WAV_NOT_RIFF'],
    ['truncated.wav', 'E_WAV_TRUNCATED'],
    ['empty.wav', 'E_WAV_EMPTY'],
    ['zero-rate.wav', 'E_WAV_BAD_HEADER'],
    ['200ch.wav', 'E_WAV_BAD_HEADER'],
    ['huge.wav', 'E_WAV_TRUNCATED'],
    ['missing.wav', 'E_FILE_NOT_FOUND'],
  ])('a bad WAV (%s) gives one line with %s and exit code 2', async (file, code) => {
    const r = await runCli(['analyze', '--ref', path('ref.wav'), '--mic', path(file)], 20_000);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${code}: .+ — .+`));
  });

  it.each([
    [['--gates', '0,abc'], 'E_GATES'],
    [['--sweep', '5:1:1'], 'E_SWEEP'],
    [['--drain-at-ms', 'soon'], 'E_OPTION'],
    [['--drain-at-ms', '999999'], 'E_DRAIN'],
    [['--calibration', 'only-one.wav'], 'E_CALIBRATION'],
    [['--threshold-db', '0'], 'E_ANALYSIS_OPTION'],
    [['--gates', '1', '--sweep', '0:1:1'], 'E_USAGE'],
  ])('bad options %j give %s and exit code 2', async (args, code) => {
    const r = await runCli(['analyze', '--ref', path('ref.wav'), '--mic', path('mic.wav'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${code}: `));
  });

  it('--debug adds the stack', async () => {
    const r = await runCli(['--debug', 'analyze', '--ref', path('ref.wav'), '--mic', path('text.wav')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').length).toBeGreaterThan(2);
    expect(r.stderr).toMatch(/at .*wav/);
  });

  it('--out writes the JSON result atomically', async () => {
    const out = path('result.json');
    const r = await runCli(['analyze', '--ref', path('ref.wav'), '--mic', path('mic.wav'), '--out', out]);
    expect(r.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(TrialAnalysisSchema.parse(JSON.parse(readFileSync(out, 'utf8'))).schema).toBe('voiceaec.analysis/1');
  });
});

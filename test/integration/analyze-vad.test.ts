/**
 * `voiceaec analyze --vad` through the built CLI (docs/vad.md, docs/analysis-json.md § vad):
 * on a synthetic pair made of a TTS fixture (its echo during playback, a speech-like residual
 * after the drain), on a virtual-iPhone trial (the verdicts equal those `run` stored for the
 * same mic), the one-line refusal of an unknown profile, and that without --vad nothing
 * changes and onnxruntime-node is never loaded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialAnalysisSchema, type TrialAnalysis } from '../../src/analysis/trial-result.js';
import { encodeWav, readWavFile, selectChannel } from '../../src/io/wav.js';
import { StoredTurnVerdictsSchema } from '../../src/run-dir/turn-verdicts-file.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { whiteNoise } from '../helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'voiceaec-analyze-vad-'));
const path = (name: string) => join(dir, name);
const SPEECH = fileURLToPath(new URL('../../fixtures/speech/', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const FS = 48_000;
const PRE = 0.5 * FS;
let drainMs = 0;

beforeAll(async () => {
  // ref: 0.5 s of silence, a TTS sentence, 2 s of silence. mic: its echo at −12 dB 30 ms later, a
  // noise floor, and 400 ms of the sentence's own speech at −12 dB right after the drain (a loud residual).
  const s = selectChannel(await readWavFile(join(SPEECH, 'slt-numbers-01.wav')), 0);
  expect(s.sampleRate).toBe(FS);
  const n = PRE + s.samples.length + 2 * FS;
  const ref = new Float32Array(n);
  ref.set(s.samples, PRE);
  const drain = PRE + s.samples.length;
  drainMs = (drain * 1000) / FS;
  const mic = whiteNoise(n, 5, 10 ** (-70 / 20));
  const g = 10 ** (-12 / 20);
  const d = Math.round(0.03 * FS);
  for (let i = 0; i + d < n; i++) mic[i + d]! += g * ref[i]!;
  const burst = s.samples.subarray(Math.round(0.3 * FS), Math.round(0.7 * FS));
  for (let i = 0; i < burst.length; i++) mic[drain + d + i]! += g * burst[i]!;
  writeFileSync(path('ref.wav'), encodeWav({ sampleRate: FS, samples: ref }, { encoding: 'float32' }));
  writeFileSync(path('mic.wav'), encodeWav({ sampleRate: FS, samples: mic }, { encoding: 'float32' }));
  // Resolving onnxruntime-node fails in a process started with this hook.
  const hook = `export async function resolve(s, c, next) { if (s === 'onnxruntime-node') throw new Error('onnxruntime-node blocked by the test'); return next(s, c); }`;
  writeFileSync(
    path('block-ort.mjs'),
    `import { register } from 'node:module';\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});\n`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function analyze(args: string[]): Promise<TrialAnalysis> {
  const r = await runCli(['analyze', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return TrialAnalysisSchema.parse(JSON.parse(r.stdout));
}

function runBlocked(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', path('block-ort.mjs'), BIN, ...args], { env: { ...process.env, FORCE_COLOR: '0' } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

const pair = () => ['--ref', path('ref.wav'), '--mic', path('mic.wav'), '--pre-roll-ms', '400', '--gates', '0,300,800'];

describe('voiceaec analyze --vad', () => {
  it('says per profile whether it fires during playback and after each gate, when and on how much audio', async () => {
    const a = await analyze([...pair(), '--drain-at-ms', String(drainMs), '--vad', 'all']);
    const v = a.vad!;
    expect(v).toMatchObject({ engine: 'silero-v5', frameMs: 32, withheld: null });
    expect(v.profiles.map((p) => p.profile.name)).toEqual(['pipecat', 'livekit', 'openai-realtime']);
    for (const { verdicts } of v.profiles) {
      expect(verdicts!.gates.map((g) => g.gateMs)).toEqual(a.gates.map((g) => g.gateMs));
      // The echo of a whole sentence at −12 dB: every profile would interrupt the agent.
      expect(verdicts!.playback.fired).toBe(true);
      expect(verdicts!.playback.evaluatedMs).toBeGreaterThan(2000);
    }
    const openai = v.profiles[2]!.verdicts!;
    // The 400 ms residual of speech: heard behind no gate, gone behind 800 ms.
    const g0 = openai.gates[0]!;
    expect(g0.fired).toBe(true);
    expect(g0.atMs!).toBeGreaterThan(0);
    expect(g0.atMs!).toBeLessThan(450);
    expect(g0.speechMs!).toBeGreaterThanOrEqual(32);
    expect(g0.evaluatedMs).toBeCloseTo(2000, -1);
    expect(openai.gates[2]).toMatchObject({ gateMs: 800, fired: false });
    expect(openai.gates[2]!.evaluatedMs).toBeCloseTo(1200, -1);
  });

  it('prints a table per profile in the terminal, and a subset in the order given', async () => {
    const r = await runCli(['analyze', ...pair(), '--drain-at-ms', String(drainMs), '--vad', 'openai-realtime,pipecat']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('turn detectors — silero-v5, 32 ms frames');
    const rows = r.stdout.split('\n').filter((l) => /^(pipecat|livekit|openai-realtime)\s/.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(['openai-realtime', 'pipecat']);
    expect(r.stdout).toMatch(/after gate 800 ms \(starts\)\s+no/);
    const j = await analyze([...pair(), '--drain-at-ms', String(drainMs), '--vad', 'openai-realtime,pipecat']);
    expect(j.vad!.profiles.map((p) => p.profile.name)).toEqual(['openai-realtime', 'pipecat']);
  });

  it('refuses an unknown profile in one line naming the known ones, before reading any file', async () => {
    const r = await runCli(['analyze', '--ref', path('nope.wav'), '--mic', path('nope.wav'), '--vad', 'pipecat,livekt']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^E_VAD_PROFILE: unknown turn profile livekt — did you mean "livekit"\? known: pipecat, livekit, openai-realtime, or all/);
    const empty = await runCli(['analyze', ...pair(), '--vad', ' , ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^E_VAD_PROFILE: --vad " , " names no turn profile/);
  });

  it('without --vad the output has no vad part and onnxruntime-node is never loaded', async () => {
    const plain = await runBlocked(['analyze', ...pair(), '--json']);
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    const a = JSON.parse(plain.stdout) as Record<string, unknown>;
    expect('vad' in a).toBe(false);
    expect(a).toEqual(await analyze(pair()));
    // The same hook does stop the VAD: the check above could fail.
    const withVad = await runBlocked(['analyze', ...pair(), '--vad', 'pipecat', '--json']);
    expect(withVad.code).not.toBe(0);
    expect(withVad.stderr).toMatch(/^\{"error":\{"code":"E_VAD_RUNTIME","message":"cannot load onnxruntime-node/);
  });
});

describe('voiceaec analyze --vad on a virtual-iPhone trial', () => {
  const scenario = `name: analyze-vad
seed: 21
base: { fixtures: [flite-slt-question-01], profile: iphone15-ios17, initOrder: vpFirst }
trials: { repetitions: 1, preRollMs: 300, postRollMs: 1500, calibration: null }
analysis: { gatesMs: [0, 300, 800] }
`;

  it('gives the verdicts run stored for the same mic and drain', async () => {
    writeFileSync(path('s.yaml'), scenario);
    const run = await runCli(['run', '--scenario', path('s.yaml'), '--out', path('run')], 120_000);
    expect(run.code).toBe(0);
    const trial = path('run/cells/default/trial-001');
    const stored = StoredTurnVerdictsSchema.parse(JSON.parse(readFileSync(join(trial, 'turn-verdicts.json'), 'utf8')));
    const a = await analyze([
      '--ref',
      join(trial, 'ref.wav'),
      '--mic',
      join(trial, 'mic.wav'),
      '--events',
      join(trial, 'events.jsonl'),
      '--gates',
      '0,300,800',
      '--vad',
      'all',
    ]);
    expect(a.timing.drainMs).toBe(stored.inputs.drainMs);
    expect(a.vad!.profiles.map((p) => p.verdicts)).toEqual(stored.profiles.map((p) => p.verdicts));
    // vpFirst: the agent's own voice reaches the mic during playback.
    expect(a.vad!.profiles.filter((p) => p.verdicts!.playback.fired).length).toBeGreaterThanOrEqual(2);
  });
});

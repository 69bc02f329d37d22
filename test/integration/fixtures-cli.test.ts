import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../src/dsp/resample.js';
import { FixtureEntrySchema, findFixture, loadFixtureAudio, loadFixtureManifest } from '../../src/fixture-prep/manifest.js';
import { encodeWav } from '../../src/io/wav.js';
import { runCli } from '../helpers/cli.js';
import { ffmpegEbur128 } from '../helpers/ffmpeg-ebur128.js';

const SHIPPED = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'voiceaec-fixtures-cli-'));
const path = (...p: string[]) => join(dir, ...p);

beforeAll(async () => {
  // A team's recording: a shipped utterance at 44.1 kHz, stereo, 12 dB quieter.
  const shipped = await loadFixtureManifest(SHIPPED);
  const speech = await loadFixtureAudio(SHIPPED, findFixture(shipped, 'flite-slt-question-01'));
  const x = (await resample(speech, 48_000, 44_100, 'best')).map((v) => v * 10 ** (-12 / 20));
  writeFileSync(path('agent-reply.wav'), encodeWav({ sampleRate: 44_100, channels: [x, x] }, { encoding: 'pcm16' }));
  writeFileSync(path('notes.wav'), 'these are meeting notes, not audio');
  mkdirSync(path('takes'));
  writeFileSync(path('takes', 'one.wav'), encodeWav({ sampleRate: 44_100, channels: [x] }, { encoding: 'float32' }));
  writeFileSync(path('takes', 'two.wav'), readFileSync(path('notes.wav')));
});

describe('voiceaec fixtures (CLI)', () => {
  it('lists the shipped set', async () => {
    const r = await runCli(['fixtures', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/18 fixtures in .*target -18 LUFS, ≤ -1 dBTP, 50 ms after the acoustic end/);
    expect(r.stdout).toMatch(/slt-question-01\s+speech-en\s+speech\s+3\.\d\d s\s+-18\.0 LUFS/);
    const json = await runCli(['fixtures', 'list', '--set', 'signals', '--json']);
    expect(JSON.parse(json.stdout).fixtures.map((f: { id: string }) => f.id)).toEqual(['p501-css', 'log-sweep', 'pink-bursts']);
  });

  it('verifies the shipped set (hashes, loudness, true peak, acoustic end, clipping, target)', async () => {
    const r = await runCli(['fixtures', 'verify']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/18 fixtures verified in .*: all ok/);
    expect(r.code).toBe(0);
  });

  it('fails verification (exit 1) of a tampered copy and names the fixture', async () => {
    const copy = path('tampered');
    cpSync(SHIPPED, copy, { recursive: true });
    const wav = readFileSync(join(copy, 'speech', 'rms-question-01.wav'));
    for (let i = 1000; i < wav.length; i += 2) wav.writeInt16LE(Math.round(wav.readInt16LE(i) * 0.5), i);
    writeFileSync(join(copy, 'speech', 'rms-question-01.wav'), wav);
    const r = await runCli(['fixtures', 'verify', '--dir', copy, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ id: string; ok: boolean; problems: string[] }> };
    expect(out.ok).toBe(false);
    const bad = out.checks.filter((c) => !c.ok);
    expect(bad.map((c) => c.id)).toEqual(['rms-question-01']);
    expect(bad[0]!.problems.join('; ')).toMatch(/SHA-256 .* differs[\s\S]*loudness -24\.\d+ LUFS differs/);
  });

  it('imports a 44.1 kHz stereo recording at another loudness as a normalised 48 kHz mono fixture', async () => {
    const out = path('team-fixtures');
    const r = await runCli([
      'fixtures',
      'import',
      path('agent-reply.wav'),
      '--normalize',
      '--dir',
      out,
      '--set',
      'team',
      '--text',
      'Do you want me to read that back?',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: agent-reply\.wav: 2 channels mixed to mono/);
    const [entry] = (JSON.parse(r.stdout) as unknown[]).map((e) => FixtureEntrySchema.parse(e));
    expect(entry).toMatchObject({ id: 'agent-reply', set: 'team', sampleRate: 48_000, path: 'team/agent-reply.wav', trailingSilenceMs: 50 });
    // The independent meter agrees: on target, under the ceiling.
    const ref = ffmpegEbur128(join(out, 'team', 'agent-reply.wav'));
    expect(Math.abs(ref.integratedLufs + 18)).toBeLessThanOrEqual(0.15);
    expect(ref.truePeakDbtp).toBeLessThanOrEqual(-1 + 0.1);
    const m = await loadFixtureManifest(out);
    expect(findFixture(m, 'agent-reply').sha256).toBe(entry!.sha256);
    expect(await loadFixtureAudio(out, entry!)).toHaveLength(entry!.frames);
    const human = await runCli(['fixtures', 'list', '--dir', out]);
    expect(human.stdout).toMatch(/agent-reply\s+team\s+speech/);
    expect((await runCli(['fixtures', 'verify', '--dir', out])).code).toBe(0);
  });

  it('rejects a bad file with one line and exit 2, and writes nothing for a directory holding one', async () => {
    const out = path('untouched');
    for (const target of [path('notes.wav'), path('takes')]) {
      const r = await runCli(['fixtures', 'import', target, '--dir', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^E_WAV_NOT_RIFF: .*(notes|two)\.wav: is not a RIFF\/WAVE file — /);
    }
    expect((await runCli(['fixtures', 'list', '--dir', out])).stderr).toMatch(/^E_FIXTURE_MANIFEST: .*no such file/);
    const missing = await runCli(['fixtures', 'import', path('nowhere.wav'), '--dir', out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^E_FILE_NOT_FOUND: /);
  });
});

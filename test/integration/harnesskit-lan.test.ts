/**
 * HarnessKit end to end: the real CLI (`voiceaec run --device lan:<port>`) listens, the Linux
 * build of voiceaec-harness dials in with the run token, launched with the iOS app's
 * arguments (docs/harnesskit.md), and its LoopbackEngine plays the trials. The loopback's echo
 * path is known (delay and gain), so the run is checked against exact answers: the analysis
 * finds the delay and the echo level; gated.wav holds the device's own gate windows starting
 * at the drains it reported; events.jsonl lines up with the audio. Swift comes from
 * scripts/swift.sh; where it cannot be had (exit 4) the test skips loudly, and with CI=true
 * it fails. Servers bind 127.0.0.1; every process is killed on timeout and after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavFile } from '../../src/io/wav.js';
import { freePort } from '../../src/device/free-port.js';
import { applyMicGate } from '../../src/sim/mic-gate.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SWIFT_SH = join(REPO, 'scripts/swift.sh');
const CLI = join(REPO, 'bin/voiceaec.js');
const SCENARIO = join(REPO, 'test/data/harnesskit/loopback-quiet-room.yaml');
/** swift.sh's exit code for "Swift cannot be had on this machine". */
const UNAVAILABLE = 4;
const PROVISION_MS = 30 * 60_000;
const BUILD_MS = 20 * 60_000;
const RUN_MS = 180_000;

// The loopback's echo path, passed as launch arguments so the answers are stated here.
const LATENCY_MS = 12.5;
const GAIN_DB = -20;
const NOISE_DBFS = -80;
// The scenario's settings the checks depend on.
const GATE = { kind: 'hard' as const, ms: 300, thresholdDbfs: -35 };
const PRE_ROLL_MS = 500;
const POST_ROLL_MS = 1000;

const children: ChildProcess[] = [];
let tmp: string | null = null;
let unavailable: string | null = null;

function start(cmd: string, args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number> } {
  const child = spawn(cmd, args, { cwd: REPO, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
  return { child, output: () => output, exit };
}

/** Resolves with the exit code, or kills the process and rejects after `ms`. */
async function within(p: { child: ChildProcess; output: () => string; exit: Promise<number> }, ms: number, what: string): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      p.child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${ms / 1000} s:\n${p.output()}`));
    }, ms);
  });
  try {
    return await Promise.race([p.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
async function listening(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
const dbfs = (x: Float32Array, from: number, to: number) => {
  let e = 0;
  for (let i = from; i < to; i++) e += x[i]! * x[i]!;
  return 10 * Math.log10(e / (to - from));
};

describe('voiceaec-harness (LoopbackEngine) dialling voiceaec run --device lan', () => {
  beforeAll(async () => {
    const provision = start('bash', [SWIFT_SH, '--provision']);
    const code = await within(provision, PROVISION_MS, 'scripts/swift.sh --provision');
    if (code === UNAVAILABLE) {
      unavailable = provision.output().trim();
      if (process.env.CI === 'true') throw new Error(`Swift is required in CI but unavailable: ${unavailable}`);
      console.warn(`\n!!! SKIPPING THE HARNESSKIT END-TO-END TEST: ${unavailable}\n`);
      return;
    }
    expect(code, provision.output()).toBe(0);
    const build = start('bash', [SWIFT_SH, 'build', '--product', 'voiceaec-harness']);
    expect(await within(build, BUILD_MS, 'swift build'), build.output()).toBe(0);
    expect(existsSync(join(REPO, 'dist/cli/main.js')), 'the CLI is built (npm run build)').toBe(true);
    tmp = mkdtempSync(join(tmpdir(), 'voiceaec-harnesskit-'));
  }, PROVISION_MS + BUILD_MS);

  afterAll(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(
    'runs the scenario to the end and the analysis finds the loopback exactly',
    async (ctx) => {
      if (unavailable) return ctx.skip();
      const port = await freePort();
      const token = randomBytes(16).toString('hex');
      const out = join(tmp!, 'run');
      const cli = start(process.execPath, [CLI, 'run', '--device', `lan:127.0.0.1:${port}`, '--token', token, '--scenario', SCENARIO, '--out', out, '--ci']);
      await listening(port, 60_000);
      // The harness as the app is launched: -voiceaecMode lan -voiceaecURL … -voiceaecToken …
      const harness = start('bash', [
        SWIFT_SH,
        '--exec',
        '.build/debug/voiceaec-harness',
        '-voiceaecMode',
        'lan',
        '-voiceaecURL',
        `ws://127.0.0.1:${port}/harness`,
        '-voiceaecToken',
        token,
        '-loopbackLatencyMs',
        String(LATENCY_MS),
        '-loopbackGainDb',
        String(GAIN_DB),
        '-loopbackNoiseDbfs',
        String(NOISE_DBFS),
        '-loopbackSeed',
        '3',
      ]);
      const [cliCode, harnessCode] = await Promise.all([within(cli, RUN_MS, 'voiceaec run'), within(harness, RUN_MS, 'voiceaec-harness')]);
      expect(cliCode, cli.output()).toBe(0);
      expect(harnessCode, harness.output()).toBe(0);

      // Which device ran: the loopback test double, labelled simulated, never an iPhone.
      const manifest = json(join(out, 'manifest.json'));
      expect(manifest.status).toBe('complete');
      expect(manifest.device).toMatchObject({ model: 'LoopbackEngine', simulated: true });
      expect(String(manifest.device.name)).not.toMatch(/iphone/i);
      expect(manifest.device.class).toBe('loopback');
      // Every report says so: the terminal, results.json, Markdown, JUnit and the HTML banner.
      expect(cli.output()).toMatch(/device: LOOPBACK TEST DEVICE — .*not a phone/);
      expect(json(join(out, 'results.json')).runs[0].device.class).toBe('loopback');
      expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/⚠️ \*\*LOOPBACK TEST DEVICE — /);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<property name="deviceClass" value="loopback"/>');
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toMatch(
        /data-device-class="loopback">⚠ LOOPBACK TEST DEVICE — [^<]*not a phone\)\. These numbers describe HarnessKit’s loopback test double/,
      );
      expect(html).not.toMatch(/SIMULATED DEVICE|virtual iPhone/i);

      const cellDir = join(out, 'cells', manifest.cells[0].id);
      const trials = readdirSync(cellDir).filter((d) => /^trial-\d{3}$/.test(d));
      expect(trials).toEqual(['trial-001', 'trial-002']);
      // The calibration pair (voice processing bypassed: the loopback has none to bypass).
      const calibration = json(join(cellDir, 'calibration/calibration.json'));
      expect(Math.abs(calibration.delayMs - LATENCY_MS)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(calibration.rawEchoLossDb - -GAIN_DB)).toBeLessThanOrEqual(0.5);

      for (const trial of ['calibration', ...trials]) {
        const dir = join(cellDir, trial);
        const metrics = json(join(dir, 'metrics.json'));
        // The analysis: the loopback's delay within 0.1 ms, its echo level within 0.5 dB.
        expect(Math.abs(metrics.delay.ms - LATENCY_MS), `${trial} delay ${metrics.delay.ms} ms`).toBeLessThanOrEqual(0.1);
        expect(Math.abs(metrics.levels.echoLossDb - -GAIN_DB), `${trial} echo loss ${metrics.levels.echoLossDb} dB`).toBeLessThanOrEqual(0.5);

        const ref = (await readWavFile(join(dir, 'ref.wav'))).channels[0]!;
        const mic = (await readWavFile(join(dir, 'mic.wav'))).channels[0]!;
        const rate = (await readWavFile(join(dir, 'mic.wav'))).sampleRate;
        expect(ref.length).toBe(mic.length);
        const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { type: string; tMs: number; hostTimeNs: string });
        const toSample = (tMs: number) => {
          const s = (tMs * rate) / 1000;
          // Every event falls on a sample of the mic's axis.
          expect(Math.abs(s - Math.round(s)), `event at ${tMs} ms is between samples`).toBeLessThan(1e-6);
          return Math.round(s);
        };

        // events.jsonl: in time order on the mic's clock (host times agree with tMs to the ns).
        const mic0 = events.find((e) => e.type === 'micStarted')!;
        expect(mic0.tMs).toBe(0);
        for (const e of events) expect(Number(BigInt(e.hostTimeNs) - BigInt(mic0.hostTimeNs)) / 1e6).toBeCloseTo(e.tMs, 6);
        expect(events.map((e) => e.tMs)).toEqual([...events.map((e) => e.tMs)].sort((a, b) => a - b));
        const playback = toSample(events.find((e) => e.type === 'playbackStarted')!.tMs);
        expect(playback).toBe(toSample(PRE_ROLL_MS));
        const appends = events.filter((e) => e.type === 'chunkAppended').map((e) => toSample(e.tMs));
        const drains = events.filter((e) => e.type === 'bufferDrained').map((e) => toSample(e.tMs));
        expect(drains.length).toBeGreaterThanOrEqual(1);
        const silences = drains.map((d) => ({ drainAt: d, resumeAt: appends.find((a) => a > d) ?? null }));
        // The recording ends a post-roll after the final drain.
        expect(mic.length).toBe(drains.at(-1)! + toSample(POST_ROLL_MS));
        // The played stream is silent before playback starts and from each drain to the next append.
        expect(ref.subarray(0, playback).every((v) => v === 0)).toBe(true);
        for (const s of silences)
          expect(
            ref.subarray(s.drainAt, s.resumeAt ?? ref.length).every((v) => v === 0),
            `ref after the drain at ${s.drainAt}`,
          ).toBe(true);
        // The mic is the played stream delayed and scaled, plus the noise: the streams share one axis.
        const lag = toSample(LATENCY_MS);
        const g = 10 ** (GAIN_DB / 20);
        const residual = Float32Array.from(mic.subarray(lag), (v, i) => v - g * ref[i]!);
        expect(dbfs(residual, 0, residual.length)).toBeLessThan(NOISE_DBFS + 1);

        if (trial === 'calibration') continue;
        // gated.wav: the device's gate windows start at the drains it reported, frame-exact.
        const gated = (await readWavFile(join(dir, 'gated.wav'))).channels[0]!;
        expect(gated.length).toBe(mic.length);
        const G = Math.round((GATE.ms * rate) / 1000);
        for (const s of silences) {
          expect(gated[s.drainAt - 1], `the sample before the drain at ${s.drainAt} passes`).toBe(mic[s.drainAt - 1]);
          expect(mic[s.drainAt], 'the mic has noise to gate').not.toBe(0);
          expect(gated[s.drainAt], `the window starts at the drain at ${s.drainAt}`).toBe(0);
          const end = Math.min(s.drainAt + G, s.resumeAt ?? Infinity, mic.length);
          expect(gated.subarray(s.drainAt, end).every((v) => v === 0)).toBe(true);
          if (end < mic.length) expect(gated[end], `the window ends at ${end}`).toBe(mic[end]);
        }
        // And the whole stream is exactly the virtual iPhone's gate rule on those windows.
        const expected = applyMicGate(mic, GATE, silences, rate)!;
        const bad = gated.findIndex((v, i) => v !== expected[i]);
        expect(bad, `gated.wav differs from the gate rule at sample ${bad}`).toBe(-1);
      }
    },
    RUN_MS + 30_000,
  );
});

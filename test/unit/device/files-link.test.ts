/**
 * The files link under a DeviceSession, against the virtual iPhone as the "harness": an
 * in-memory exchange folder whose launch runs the plan through the sim device server (one
 * fresh app per launch, as a relaunch is) and writes results.ndjson and results/*.bin the
 * way FilesExchange.swift does. Checked: one launch per request, each plan replays the
 * session so far, the trial comes back whole through the ordinary trial exchange; and
 * hostile results (cut-off lines, missing, misnamed or oversized frame files, replies to
 * other ids, a replay answered differently, frames beyond the trial's plan) fail the link or
 * the trial with a reason — never E_INTERNAL, never an answer the device did not give.
 */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces without waiting */
import { afterEach, describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { DeviceSession, type TrialRequest } from '../../../src/device/device-session.js';
import { FilesDriver } from '../../../src/device/files/files-driver.js';
import { SimDriver } from '../../../src/device/sim-driver.js';
import { PLAN_FILE, RESULTS_FILE, resultFrameFile, tooLarge } from '../../../src/device/files/files-plan.js';
import { checkRelativePath, type FilesTransfer } from '../../../src/device/files/files-transfer.js';
import type { DeviceConfig } from '../../../src/protocol/messages.js';
import { runPlanOnSim, type SimResults } from '../../helpers/files-sim-harness.js';

type Results = SimResults;

/** An exchange folder in memory; a launch runs the plan on a fresh virtual iPhone. */
class SimFilesTransfer implements FilesTransfer {
  readonly describe = 'memory';
  readonly folderArgument = 'voiceaec-files';
  readonly files = new Map<string, Uint8Array>();
  readonly launches: Array<{ args: string[]; plan: string[] }> = [];
  /** Rewrites a launch's results before the link reads them (the hostile cases). */
  tamper: ((r: Results, launch: number) => void) | null = null;
  private running: Promise<void> = Promise.resolve();

  async put(path: string, data: Uint8Array): Promise<void> {
    this.files.set(checkRelativePath(path), Uint8Array.from(data));
  }
  async clearResults(): Promise<void> {
    for (const k of [...this.files.keys()]) if (k === RESULTS_FILE || k.startsWith('results/')) this.files.delete(k);
  }
  async launch(args: string[]): Promise<void> {
    const token = args[args.indexOf('-voiceaecToken') + 1]!;
    const plan = new TextDecoder().decode(this.files.get(PLAN_FILE)).trimEnd().split('\n');
    this.launches.push({ args, plan });
    const n = this.launches.length;
    this.running = runPlanOnSim(plan, (p) => this.files.get(p), token).then((r) => {
      this.tamper?.(r, n);
      r.files.forEach((data, path) => this.files.set(path, data));
      this.files.set(RESULTS_FILE, new TextEncoder().encode(r.lines.join('\n') + '\n'));
    });
  }
  async waitForResults(): Promise<void> {
    await this.running;
  }
  async get(path: string, maxBytes: number): Promise<Uint8Array | null> {
    const data = this.files.get(path);
    if (data && data.length > maxBytes) throw tooLarge(path, data.length, maxBytes);
    return data ?? null;
  }
  async stop(): Promise<void> {}
  async cleanup(): Promise<void> {
    this.files.clear();
  }
}

const CONFIG: DeviceConfig = {
  category: 'playAndRecord',
  mode: 'voiceChat',
  options: [],
  route: 'speaker',
  engine: 'avaudioengine',
  initOrder: 'correct',
  renderMode: 'realtime',
  teardownOrder: 'correct',
  activation: 'app',
  ioBufferMs: 10,
  sampleRate: 48_000,
  volume: 1,
  voiceProcessing: { enabled: true, agc: true, ducking: 'default' },
  gate: { kind: 'none', ms: 0, thresholdDbfs: -40 },
  simulation: { room: 'quiet-room', deviceProfile: 'iphone16-ios18', seed: 3, rirAudioId: null },
};
const TONE = Float32Array.from({ length: 24_000 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 48_000));
const TRIAL: TrialRequest = {
  type: 'trial',
  trialId: 't1',
  audioId: 'tone',
  schedule: [{ atMs: 0, startFrame: 0, frameCount: 24_000 }],
  preRollMs: 100,
  postRollMs: 200,
  bypassVoiceProcessing: false,
  nearEnd: null,
  groundTruth: false,
};
const PLANNED_MS = 100 + 500 + 200;

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

/** Without warm-up unless asked: the plans and tampering below count on one trial per launch. */
async function openSession(transfer: FilesTransfer, opts: { warmupTrials?: number; launchTimeoutMs?: number } = {}) {
  const driver = new FilesDriver(transfer, { launchTimeoutMs: opts.launchTimeoutMs ?? 20_000, warmupTrials: opts.warmupTrials ?? 0 });
  const session = new DeviceSession(driver);
  cleanup.push(async () => {
    session.close();
    await driver.close();
  });
  await session.open();
  await session.configure(CONFIG);
  await session.loadAudio('tone', TONE, 48_000);
  return { driver, session };
}

/** The error a promise rejects with (it must reject). */
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e, 'it must fail').not.toBeNull();
  expect(isVoiceAecError(e), String(e)).toBe(true);
  return e as { code: string; message: string };
}

describe('files link (virtual iPhone as the harness)', () => {
  it('runs hello, configure, an upload, a trial and teardown, one launch each, replaying the session so far', async () => {
    const transfer = new SimFilesTransfer();
    const { session } = await openSession(transfer);
    expect(session.ready.device.class ?? 'virtual-iphone').toBe('virtual-iphone');
    const x = await session.runTrial(TRIAL, PLANNED_MS, 20_000);
    expect(x.ok).toBe(true);
    expect(x.streams.mic!.length).toBeGreaterThan(0.5 * 48_000);
    expect(x.events.some((e) => e.type === 'bufferDrained')).toBe(true);
    const done = await session.teardown();
    expect(done.ok).toBe(true);

    const types = transfer.launches.map((l) => l.plan.map((line) => (line.startsWith('@') ? '@' : (JSON.parse(line) as { type: string }).type)));
    expect(types[0]).toEqual(['hello']);
    expect(types[1]).toEqual(['hello', 'configure']);
    expect(types[2]).toEqual(['hello', 'configure', 'loadAudio', '@', '@']);
    expect(types[3]).toEqual(['hello', 'configure', 'loadAudio', '@', '@', 'trial']);
    expect(types[4]).toEqual(['hello', 'configure', 'loadAudio', '@', '@', 'teardown']);
    expect(transfer.launches).toHaveLength(5);
    // Every launch: files mode, the folder, the link's one token, frames of 1 s.
    for (const l of transfer.launches) {
      expect(l.args.slice(0, 4)).toEqual(['-voiceaecMode', 'files', '-voiceaecFilesDir', 'voiceaec-files']);
      expect(l.args).toContain('-voiceaecFramesPerMessage');
    }
    expect(new Set(transfer.launches.map((l) => l.args[5])).size).toBe(1);
    // After teardown the configure is no longer replayed.
    await session.configure(CONFIG);
    expect(transfer.launches[5]!.plan.map((line) => (line.startsWith('@') ? '@' : (JSON.parse(line) as { type: string }).type))).toEqual([
      'hello',
      'loadAudio',
      '@',
      '@',
      'configure',
    ]);
  });

  it('fails the trial with a reason when the last line of results.ndjson is cut off', async () => {
    const transfer = new SimFilesTransfer();
    const { session } = await openSession(transfer);
    transfer.tamper = (r) => (r.lines[r.lines.length - 1] = r.lines.at(-1)!.slice(0, 20));
    const e = await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000));
    expect(e.code).toBe('E_FILES_RESULTS');
    expect(e.message).toMatch(/line \d+: E_PROTO_MALFORMED/);
    expect(session.isOpen).toBe(false);
  });

  it('fails when a frame file is missing, misnamed, outside results/ or over the frame limit', async () => {
    const cases: Array<[string, (r: Results) => void, RegExp]> = [
      ['missing', (r) => r.files.delete(resultFrameFile(2)), /results\/000002\.bin, which does not exist/],
      [
        'outside',
        (r) => (r.lines[r.lines.indexOf(`@${resultFrameFile(1)}`)] = '@../../etc/passwd'),
        /names "\.\.\/\.\.\/etc\/passwd", expected results\/000001\.bin/,
      ],
      ['absolute', (r) => (r.lines[r.lines.indexOf(`@${resultFrameFile(1)}`)] = '@/etc/passwd'), /expected results\/000001\.bin/],
      ['oversized', (r) => r.files.set(resultFrameFile(1), new Uint8Array((1 << 20) + 1)), /more than the 1048576 allowed/],
    ];
    for (const [what, tamper, reason] of cases) {
      const transfer = new SimFilesTransfer();
      const { session } = await openSession(transfer);
      transfer.tamper = tamper;
      const e = await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000));
      expect(e.code, what).toBe('E_FILES_RESULTS');
      expect(e.message, what).toMatch(reason);
    }
  });

  it('never answers for the device: results that reply to another id fail the link', async () => {
    const transfer = new SimFilesTransfer();
    const { session } = await openSession(transfer);
    transfer.tamper = (r) => {
      const i = r.lines.findIndex((l) => l.includes('"type":"trialDone"'));
      r.lines[i] = r.lines[i]!.replace(/"inReplyTo":\d+/, '"inReplyTo":999');
    };
    const e = await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000));
    expect(e.code).toBe('E_FILES_NO_REPLY');
    expect(e.message).toMatch(/no reply to trial/);
  });

  it('fails the link when a replayed configure is answered differently than the first time', async () => {
    const transfer = new SimFilesTransfer();
    const { session } = await openSession(transfer);
    transfer.tamper = (r) => {
      const i = r.lines.findIndex((l) => l.includes('"type":"configured"'));
      r.lines[i] = r.lines[i]!.replace('"route":"speaker"', '"route":"receiver"');
    };
    const e = await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000));
    expect(e.code).toBe('E_FILES_REPLAY');
    expect(e.message).toMatch(/replayed configure was answered differently/);
  });

  it('holds the device to the trial plan like a socket does: audio beyond it fails the trial with E_TRIAL_BOUNDS', async () => {
    const transfer = new SimFilesTransfer();
    const { session } = await openSession(transfer);
    // 100 + 500 + 3000 ms of audio where the plan says 600 ms: past the 2 s slack.
    const e = await failure(session.runTrial({ ...TRIAL, postRollMs: 3000 }, 600, 20_000));
    expect(e.code).toBe('E_TRIAL_BOUNDS');
  });

  it('a relaunch starts a new link that uploads again, as after a crash', async () => {
    const transfer = new SimFilesTransfer();
    const { session } = await openSession(transfer);
    transfer.tamper = (r, n) => n === 4 && (r.lines.length = 0);
    expect((await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000))).code).toBe('E_FILES_NO_REPLY');
    transfer.tamper = null;
    await session.open();
    await session.configure(CONFIG);
    await session.loadAudio('tone', TONE, 48_000);
    expect((await session.runTrial(TRIAL, PLANNED_MS, 20_000)).ok).toBe(true);
    // The new link's first launch is hello alone, with a new token.
    expect(transfer.launches[4]!.plan).toHaveLength(1);
    expect(transfer.launches[4]!.args[5]).not.toBe(transfer.launches[0]!.args[5]);
  });
});

const planTypes = (plan: string[]) => plan.map((line) => (line.startsWith('@') ? '@' : (JSON.parse(line) as { type: string }).type));
/** Energy ratio of the trial's playback to what the mic kept of it, dB: the echo loss the canceller gives. */
const echoLossDb = (x: { streams: Partial<Record<string, Float32Array>> }) => {
  const energy = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0);
  return 10 * Math.log10(energy(x.streams.play!) / energy(x.streams.mic!));
};

describe('files link warm-up trials', () => {
  it('runs the warm-up in the same launch before the measured trial, checks it and keeps its audio and events out of the measured trial', async () => {
    const transfer = new SimFilesTransfer();
    const { session, driver } = await openSession(transfer, { warmupTrials: 1 });
    const x = await session.runTrial(TRIAL, PLANNED_MS, 20_000);
    expect(x.ok).toBe(true);
    // One launch for the trial, and the device ran two trials in it.
    expect(transfer.launches).toHaveLength(4);
    const plan = transfer.launches[3]!.plan;
    expect(planTypes(plan)).toEqual(['hello', 'configure', 'loadAudio', '@', '@', 'trial', 'trial']);
    const [warm, measured] = plan.slice(-2).map((l) => JSON.parse(l) as { id: number; streamId: number; trialId: string });
    expect(warm!.trialId).toBe('t1.warmup1');
    expect(measured!.trialId).toBe('t1');
    expect(warm!.id).not.toBe(measured!.id);
    expect(warm!.streamId).not.toBe(measured!.streamId);
    expect(driver.warmups).toBe(1);
    expect(driver.link).toEqual({ connection: 'files', warmupTrials: 1 });
    // The measured trial holds one trial's audio and events, not two.
    const cold = await openSession(new SimFilesTransfer(), { warmupTrials: 0 });
    const alone = await cold.session.runTrial(TRIAL, PLANNED_MS, 20_000);
    expect(x.streams.mic!.length).toBe(alone.streams.mic!.length);
    expect(x.events.filter((e) => e.type === 'bufferDrained')).toHaveLength(1);
    expect(x.events.map((e) => e.type)).not.toContain('engineStarted');
  });

  it('measures what a socket measures on its second trial: the cold canceller of the first trial after a launch is not measured', async () => {
    // The same virtual iPhone over a socket: trial 1 meets a cold canceller, trial 2 a warm one.
    const socket = new DeviceSession(new SimDriver({ seed: 7, profile: 'iphone16-ios18' }));
    cleanup.push(async () => socket.close());
    await socket.open();
    await socket.configure(CONFIG);
    await socket.loadAudio('tone', TONE, 48_000);
    const first = echoLossDb(await socket.runTrial(TRIAL, PLANNED_MS, 20_000));
    const second = echoLossDb(await socket.runTrial(TRIAL, PLANNED_MS, 20_000));
    // The model's cold start shows: the warm canceller removes more echo.
    expect(second - first).toBeGreaterThan(1);

    const files = async (warmupTrials: number) => {
      const { session } = await openSession(new SimFilesTransfer(), { warmupTrials });
      return [echoLossDb(await session.runTrial(TRIAL, PLANNED_MS, 20_000)), echoLossDb(await session.runTrial(TRIAL, PLANNED_MS, 20_000))] as const;
    };
    const [cold1, cold2] = await files(0);
    const [warm1, warm2] = await files(1);
    // Without warm-up every files-mode trial is a first trial; with it, each is the socket's second, the first included.
    expect(cold1).toBeCloseTo(first, 6);
    expect(cold2).toBeCloseTo(first, 6);
    expect(warm1).toBeCloseTo(second, 6);
    expect(warm2).toBeCloseTo(warm1, 6);
  });

  it('a warm-up that fails, or leaves no reply, fails the link and the measured trial is not handed on', async () => {
    const cases: Array<[string, (r: Results) => void, RegExp]> = [
      [
        'not ok',
        (r) => {
          const i = r.lines.findIndex((l) => l.includes('"type":"trialDone"'));
          r.lines[i] = r.lines[i]!.replace('"ok":true', '"ok":false');
        },
        /launch 4: the warm-up trial before t1 failed/,
      ],
      [
        'no reply',
        (r) => {
          const i = r.lines.findIndex((l) => l.includes('"type":"trialDone"'));
          r.lines.splice(i, 1);
        },
        /the warm-up trial before t1 left no reply/,
      ],
      [
        'frames lost',
        (r) => {
          // The warm-up's first frame file is gone; the rest renumbered as the harness would have written them.
          const first = r.lines.findIndex((l) => l.startsWith('@'));
          r.lines.splice(first, 1);
          const files = [...r.files.values()].slice(1);
          r.files.clear();
          let n = 0;
          r.lines = r.lines.map((l) => (l.startsWith('@') ? `@${resultFrameFile(++n)}` : l));
          files.forEach((data, i) => r.files.set(resultFrameFile(i + 1), data));
        },
        /announced \d+ \w+ frames and \d+ are in the results/,
      ],
    ];
    for (const [what, tamper, reason] of cases) {
      const transfer = new SimFilesTransfer();
      const { session } = await openSession(transfer, { warmupTrials: 1 });
      transfer.tamper = (r, n) => n === 4 && tamper(r);
      const e = await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000));
      expect(e.code, what).toBe('E_FILES_WARMUP');
      expect(e.message, what).toMatch(reason);
      expect(session.isOpen, what).toBe(false);
    }
  });
});

/** A folder whose harness never answers after `answerLaunches` launches: the launch hangs (a farm that never pulls). */
class SilentTransfer extends SimFilesTransfer {
  constructor(private readonly answerLaunches: number) {
    super();
  }
  override async launch(args: string[]): Promise<void> {
    if (this.launches.length < this.answerLaunches) return super.launch(args);
    this.launches.push({ args, plan: [] });
  }
  override async waitForResults(): Promise<void> {
    if (this.launches.length <= this.answerLaunches) return super.waitForResults();
    return new Promise<void>(() => undefined);
  }
}

describe('files launch timeout', () => {
  it('a launch that never answers fails with E_FILES_TIMEOUT naming the launch and how to raise it, before the peer gives up', async () => {
    // A short configured timeout, so the test does not wait on the machine's speed.
    const transfer = new SilentTransfer(3);
    const { session } = await openSession(transfer, { launchTimeoutMs: 1_000, warmupTrials: 1 });
    const e = await failure(session.runTrial(TRIAL, PLANNED_MS, 20_000));
    expect(e.code).toBe('E_FILES_TIMEOUT');
    expect(e.message).toMatch(/^files mode: launch 4 \(trial t1\) left no results within 2\.6 s \(launch timeout 1 s \+ 1\.6 s of trial audio\) at memory$/);
    expect((e as unknown as { hint: string }).hint).toMatch(/--files-launch-timeout/);
    expect(session.isOpen).toBe(false);
  });

  it('also for a request that is not a trial (configure)', async () => {
    const transfer = new SilentTransfer(1);
    const driver = new FilesDriver(transfer, { launchTimeoutMs: 1_000 });
    const session = new DeviceSession(driver);
    cleanup.push(async () => {
      session.close();
      await driver.close();
    });
    await session.open();
    const e = await failure(session.configure(CONFIG));
    expect(e.code).toBe('E_FILES_TIMEOUT');
    expect(e.message).toMatch(/launch 2 \(configure\) left no results within 1 s \(launch timeout 1 s\)/);
  });

  it('widens the peer timeouts by the launch allowance, and a trial by its warm-ups', async () => {
    const { session } = await openSession(new SimFilesTransfer(), { launchTimeoutMs: 90_000, warmupTrials: 2 });
    const link = (session as unknown as { link: { replyTimeoutMs: (n: number, r: 'trial' | 'other') => number } }).link;
    expect(link.replyTimeoutMs(30_000, 'other')).toBe(120_000);
    expect(link.replyTimeoutMs(10_000, 'trial')).toBe(3 * 10_000 + 90_000);
  });
});

/**
 * files mode through the Appium driver, as on a device cloud: a remote Appium URL and no
 * address either side can reach, so `connection: auto` picks files and says so; the run
 * goes through ScenarioRunner and AppiumDriver with a session that stands in for the
 * webdriverio one (the real XCUITest driver's file commands need AFC on a phone, which the
 * fake WebDriverAgent cannot give). The stand-in keeps the app's Documents in memory and its
 * launch runs the plan on a fresh virtual iPhone (test/helpers/files-sim-harness.ts), so the
 * commands, container paths, launches and a crash mid-run are those of a real session.
 */
/* eslint-disable @typescript-eslint/require-await -- the stand-in session answers without waiting */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { deviceError } from '../../src/core/errors.js';
import { AppiumDriver } from '../../src/device/appium/appium-driver.js';
import type { AppiumSessionApi, AppState } from '../../src/device/appium/appium-session.js';
import { ScenarioRunner, type RunProgress } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import { runPlanOnSim } from '../helpers/files-sim-harness.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const BUNDLE = 'dev.voiceaec.harness';
const DOCS = `@${BUNDLE}:documents/voiceaec-files`;
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-files-appium-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A phone on a cloud as a webdriverio session sees it: files in the app's container, launches, state. */
class CloudPhone implements AppiumSessionApi {
  readonly files = new Map<string, Uint8Array>();
  readonly calls: string[] = [];
  readonly launches: string[][] = [];
  /** Trials each launch's plan asked the app for (a warm-up and the measured one, or none). */
  readonly trialsPerLaunch: number[] = [];
  /** Launch numbers (1-based) at which the app dies before writing results. */
  crashAt = new Set<number>();
  /** Launch numbers at which the app keeps running and never writes results (a farm that never gets there). */
  hangAt = new Set<number>();
  private state: AppState = 'not running';

  async launchApp(bundleId: string, args: string[]): Promise<void> {
    this.calls.push(`launchApp ${bundleId}`);
    this.launches.push(args);
    const at = (k: string) => args[args.indexOf(k) + 1]!;
    const prefix = `@${bundleId}:documents/${at('-voiceaecFilesDir')}/`;
    this.state = 'running in foreground';
    if (this.crashAt.has(this.launches.length)) {
      this.state = 'not running';
      return;
    }
    if (this.hangAt.has(this.launches.length)) return;
    const plan = new TextDecoder()
      .decode(this.files.get(`${prefix}plan.ndjson`))
      .trimEnd()
      .split('\n');
    this.trialsPerLaunch.push(plan.filter((l) => l.includes('"type":"trial"')).length);
    void runPlanOnSim(plan, (p) => this.files.get(prefix + p), at('-voiceaecToken')).then((r) => {
      r.files.forEach((data, path) => this.files.set(prefix + path, data));
      this.files.set(`${prefix}results.ndjson`, new TextEncoder().encode(r.lines.join('\n') + '\n'));
    });
  }
  async terminateApp(bundleId: string): Promise<boolean> {
    this.calls.push(`terminateApp ${bundleId}`);
    const was = this.state !== 'not running';
    this.state = 'not running';
    return was;
  }
  async appState(): Promise<AppState> {
    return this.state;
  }
  async deviceInfo(): Promise<Record<string, unknown>> {
    return { udid: 'CLOUD-1' };
  }
  async logTail(): Promise<string[] | null> {
    return ['harness: files: running voiceaec-files/plan.ndjson'];
  }
  async delete(): Promise<void> {
    this.calls.push('deleteSession');
  }
  async pushFile(remotePath: string, base64: string): Promise<void> {
    this.calls.push(`pushFile ${remotePath}`);
    this.files.set(remotePath, Buffer.from(base64, 'base64'));
  }
  async pullFile(remotePath: string): Promise<string> {
    const data = this.files.get(remotePath);
    if (!data) throw deviceError('E_APPIUM_PULL', `cannot pull ${remotePath}: OBJECT_NOT_FOUND`, { hint: '' });
    return Buffer.from(data).toString('base64');
  }
  async deleteFile(remotePath: string): Promise<void> {
    this.calls.push(`deleteFile ${remotePath}`);
    this.files.delete(remotePath);
  }
  async deleteFolder(remotePath: string): Promise<void> {
    this.calls.push(`deleteFolder ${remotePath}`);
    for (const k of [...this.files.keys()]) if (k.startsWith(`${remotePath}/`)) this.files.delete(k);
  }
}

const scenario = parseScenario(
  `name: files-appium\nbase: { fixtures: [flite-slt-short-01] }\ntrials: { repetitions: 3, preRollMs: 300, postRollMs: 600, maxConsecutiveFailures: 2 }\nanalysis: { gatesMs: [0, 300] }\n`,
  'files-appium.yaml',
);

async function run(phone: CloudPhone, name: string, onProgress?: (p: RunProgress) => void, filesLaunchMs = 60_000) {
  const lines: string[] = [];
  const driver = new AppiumDriver(
    { serverUrl: 'https://hub.cloud.example.com/wd/hub', udid: 'CLOUD-1', platformVersion: '18.0', timeouts: { filesLaunchMs } },
    { env: {}, notify: (l) => lines.push(l), startSession: async () => phone },
  );
  const runner = await ScenarioRunner.create({
    scenario,
    scenarioSource: 'files-appium.yaml',
    runDir: join(tmp, name),
    driver,
    fixturesDir: FIXTURES,
    resume: false,
    toolVersion: 'test',
    gitCommit: null,
    ...(onProgress ? { onProgress } : {}),
  });
  try {
    return { manifest: await runner.run(), lines };
  } finally {
    await driver.close();
  }
}

describe('AppiumDriver, connection auto → files (a cloud phone)', () => {
  it('chooses files, runs the scenario through the app’s Documents with one launch per request, and leaves nothing behind', async () => {
    const phone = new CloudPhone();
    const { manifest, lines } = await run(phone, 'ok');
    expect(lines).toEqual([expect.stringMatching(/^appium connection: files \(auto: a remote Appium server/) as unknown]);
    expect(manifest.status).toBe('complete');
    const trials = manifest.cells[0]!.trials;
    expect(trials.map((t) => t.status)).toEqual(trials.map(() => 'ok'));
    expect(manifest.device).toMatchObject({ kind: 'appium', id: 'CLOUD-1', simulated: true });
    // The default warm-up: each trial's launch runs one before the measured trial; the manifest says so.
    expect(manifest.device.link).toEqual({ connection: 'files', warmupTrials: 1 });
    expect(phone.trialsPerLaunch.filter((n) => n > 0)).toEqual(trials.map(() => 2));
    // hello, configure, one launch per fixture, one per trial, teardown.
    const fixtures = phone.launches.length - 3 - trials.length;
    expect(fixtures).toBe(2); // the speech fixture and the calibration's
    for (const args of phone.launches) {
      expect(args.slice(0, 4)).toEqual(['-voiceaecMode', 'files', '-voiceaecFilesDir', 'voiceaec-files']);
      expect(args[5]).toMatch(/^[0-9a-f]{48}$/);
    }
    // Each launch: clear the last results, push the plan, terminate, launch.
    expect(phone.calls.slice(0, 5)).toEqual([
      `deleteFile ${DOCS}/results.ndjson`,
      `deleteFolder ${DOCS}/results`,
      `pushFile ${DOCS}/plan.ndjson`,
      `terminateApp ${BUNDLE}`,
      `launchApp ${BUNDLE}`,
    ]);
    // Fixture frames are pushed once and replayed from the folder.
    const pushes = phone.calls.filter((c) => c.startsWith(`pushFile ${DOCS}/plan/`));
    expect(new Set(pushes).size).toBe(pushes.length);
    // Closing removes the exchange folder and ends the session.
    expect(phone.calls.slice(-3)).toEqual([`deleteFolder ${DOCS}`, `terminateApp ${BUNDLE}`, 'deleteSession']);
    expect([...phone.files.keys()].filter((k) => k.startsWith(DOCS))).toEqual([]);
  }, 120_000);

  it('an app that dies during a trial’s launch fails that trial with the reason and the app state; the run relaunches and goes on', async () => {
    const phone = new CloudPhone();
    // Launches: 1 hello, 2 configure, 3–4 uploads (speech, calibration), 5 calibration, 6 trial 1 ← dies.
    phone.crashAt.add(6);
    const { manifest } = await run(phone, 'crash');
    expect(manifest.status).toBe('complete');
    const cell = manifest.cells[0]!;
    const statuses = cell.trials.map((t) => t.status);
    expect(statuses).toEqual(['ok', 'failed', 'ok', 'ok']);
    const failed = cell.trials.find((t) => t.status === 'failed')!;
    expect(failed.reason).toMatch(/E_FILES_NO_RESULTS: dev\.voiceaec\.harness stopped without writing results\.ndjson/);
    expect(failed.reason).not.toMatch(/E_INTERNAL/);
    // The driver's diagnosis: the app state and the device log's tail.
    expect(failed.reason).toMatch(/app dev\.voiceaec\.harness: not running/);
    expect(statuses.at(-1)).toBe('ok');
    expect(cell.deviceCrashes).toBeGreaterThanOrEqual(1);
    // The relaunch is a new link: hello alone, with a new token.
    const tokens = new Set(phone.launches.map((a) => a[5]));
    expect(tokens.size).toBe(2);
  }, 120_000);

  it('a launch that never leaves results fails its trial with E_FILES_TIMEOUT naming the launch; the run relaunches and goes on', async () => {
    const phone = new CloudPhone();
    // Launches: 1 hello, 2 configure, 3–4 uploads, 5 calibration, 6 trial 1 ← hangs. A short configured timeout, not the machine's speed.
    phone.hangAt.add(6);
    const { manifest } = await run(phone, 'hang', undefined, 2_000);
    expect(manifest.status).toBe('complete');
    const cell = manifest.cells[0]!;
    expect(cell.trials.map((t) => t.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    const failed = cell.trials.find((t) => t.status === 'failed')!;
    expect(failed.reason).toMatch(
      /E_FILES_TIMEOUT: files mode: launch 6 \(trial \S+\.t001\) left no results within [\d.]+ s \(launch timeout 2 s \+ [\d.]+ s of trial audio\) at dev\.voiceaec\.harness Documents\/voiceaec-files/,
    );
    expect(failed.reason).not.toMatch(/E_DEVICE_TIMEOUT|E_INTERNAL/);
  }, 120_000);
});

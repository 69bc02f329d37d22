/**
 * The Appium device path end to end without an iPhone: a real Appium 3 server (child
 * process, private APPIUM_HOME) with the real XCUITest driver, pointed by
 * `appium:webDriverAgentUrl` at a fake WebDriverAgent whose app launch starts the virtual
 * iPhone with the arguments it receives. The runner drives `AppiumDriver` through whole
 * runs in each connection mode that works here; a crash mid-run is survived; farm
 * credentials in the environment end up nowhere. Where Swift can be had (scripts/swift.sh),
 * the fake WebDriverAgent also launches the Linux build of the real harness
 * (`voiceaec-harness`, HarnessKit's LoopbackEngine) with the arguments Appium gave it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../src/core/errors.js';
import { AppiumDriver } from '../../src/device/appium/appium-driver.js';
import type { AppiumOptionsInput } from '../../src/device/appium/appium-options.js';
import { ScenarioRunner, type RunProgress } from '../../src/scenario/runner.js';
import { runLab } from '../../src/scenario/lab-run.js';
import { evaluateRun } from '../../src/evaluation/evaluate-run.js';
import { writeLabReports } from '../../src/report-writer/write-reports.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import { runCli } from '../helpers/cli.js';
import { freePort, startAppiumServer, type AppiumServer } from '../helpers/appium-server.js';
import { startFakeWda, type FakeWda } from '../helpers/fake-wda.js';
import { FAKE_FARM_CREDENTIALS, setProcessEnv } from '../helpers/farm-secrets.js';
import { provisionSwift, swiftSh } from '../helpers/swift.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const UDID = '00008101-000A1B2C3D4E5F6A';
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-appium-'));

/** Fake farm credentials: set for the whole file, so the server and every run see them. */
const SECRETS = FAKE_FARM_CREDENTIALS;
const restoreEnv = setProcessEnv(SECRETS);

let appium: AppiumServer;
beforeAll(async () => {
  appium = await startAppiumServer();
}, 90_000);
afterAll(async () => {
  await appium?.stop();
  restoreEnv();
  rmSync(tmp, { recursive: true, force: true });
}, 30_000);

const scenario = (repetitions: number) =>
  parseScenario(
    `name: appium\nbase: { fixtures: [flite-slt-short-01] }\ntrials: { repetitions: ${repetitions}, preRollMs: 300, postRollMs: 600, maxConsecutiveFailures: 2 }\nanalysis: { gatesMs: [0, 300] }\n`,
    'appium.yaml',
  );

function options(wda: FakeWda, extra: Partial<AppiumOptionsInput>): AppiumOptionsInput {
  return {
    serverUrl: appium.url,
    udid: UDID,
    // Given, so the driver does not ask the (absent) phone for it over usbmux.
    platformVersion: '18.0',
    webDriverAgentUrl: wda.url,
    timeouts: { sessionMs: 60_000, launchMs: 30_000, commandMs: 30_000 },
    ...extra,
  };
}

async function run(driver: AppiumDriver, name: string, repetitions: number, onProgress?: (p: RunProgress) => void) {
  const runDir = join(tmp, name);
  const runner = await ScenarioRunner.create({
    scenario: scenario(repetitions),
    scenarioSource: 'appium.yaml',
    runDir,
    driver,
    fixturesDir: FIXTURES,
    resume: false,
    toolVersion: 'test',
    gitCommit: null,
    ...(onProgress ? { onProgress } : {}),
  });
  try {
    return { manifest: await runner.run(), runDir };
  } finally {
    await driver.close();
  }
}

const arg = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('AppiumDriver through a real Appium server and the real XCUITest driver', () => {
  it('runs a scenario in ws mode: the app is launched listening, with a fresh token', async () => {
    const wda = await startFakeWda();
    try {
      const driver = new AppiumDriver(options(wda, { connection: 'ws', deviceHost: '127.0.0.1', devicePort: await freePort() }));
      expect(driver.kind).toBe('appium');
      expect(driver.deviceId).toBe(UDID);
      const { manifest } = await run(driver, 'ws', 2);
      expect(manifest.status).toBe('complete');
      expect(manifest.cells[0]!.trials.every((t) => t.status === 'ok')).toBe(true);
      expect(wda.launches).toHaveLength(1);
      const args = wda.launches[0]!;
      expect(arg(args, '-voiceaecMode')).toBe('server');
      expect(arg(args, '-voiceaecToken')).toMatch(/^[0-9a-f]{48}$/);
      const paths = wda.requests.map((r) => `${r.method} ${r.path}`);
      expect(paths).toEqual(
        expect.arrayContaining(['GET /status', 'POST /session', 'POST /session/FAKE-WDA-SESSION/wda/apps/launch', 'DELETE /session/FAKE-WDA-SESSION']),
      );
    } finally {
      await wda.close();
    }
  }, 60_000);

  it('survives an app crash mid-run in lan mode: that trial fails with the app state, the app is relaunched, the next trials pass', async () => {
    const wda = await startFakeWda();
    const warnings: string[] = [];
    try {
      const driver = new AppiumDriver(options(wda, { connection: 'lan' }));
      const { manifest } = await run(driver, 'lan-crash', 3, (p) => {
        // The app dies right after the first measured trial, so the next one meets a dead link.
        if (p.type === 'trial' && p.trial.index === 1) wda.crash();
        if (p.type === 'warning') warnings.push(p.message);
      });
      expect(manifest.status).toBe('complete');
      const cell = manifest.cells[0]!;
      expect(cell.trials.map((t) => t.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
      expect(cell.trials[2]!.reason).toMatch(/E_DEVICE_DISCONNECTED.*app dev\.voiceaec\.harness: not running/);
      expect(cell.deviceCrashes).toBe(1);
      expect(warnings.join('\n')).toMatch(/relaunching/);
      expect(wda.launches).toHaveLength(2);
      const [first, second] = wda.launches.map((a) => arg(a, '-voiceaecToken'));
      expect(first).not.toBe(second);
      expect(arg(wda.launches[1]!, '-voiceaecURL')).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/harness$/);
    } finally {
      await wda.close();
    }
  }, 60_000);

  it('forward mode without usbmuxd fails at once with one line naming the fix', async () => {
    const wda = await startFakeWda();
    try {
      const driver = new AppiumDriver(options(wda, { connection: 'forward' }), { env: { ...process.env, USBMUXD_SOCKET_ADDRESS: join(tmp, 'no-usbmuxd') } });
      const e: unknown = await driver.connect().then(
        () => null,
        (x: unknown) => x,
      );
      await driver.close();
      expect(isVoiceAecError(e) && e.code).toBe('E_USBMUX_UNAVAILABLE');
      expect(isVoiceAecError(e) && e.toLine()).toMatch(/^E_USBMUX_UNAVAILABLE: no usbmuxd at .* — .*connection lan/);
      expect(wda.requests).toHaveLength(0);
    } finally {
      await wda.close();
    }
  });

  it('keeps farm credentials out of the run directory, the messages and the server output', async () => {
    const wda = await startFakeWda();
    const printed: string[] = [];
    try {
      // Sent as basic auth (VOICEAEC_APPIUM_*, the generic pair for a non-cloud host); Appium ignores it.
      const driver = new AppiumDriver(options(wda, { connection: 'lan' }));
      const { runDir } = await run(driver, 'credentials', 2, (p) => {
        if (p.type === 'trial' && p.trial.index === 1) wda.crash();
        printed.push(JSON.stringify(p));
      });
      // A failing session: its error line must not echo them either.
      const refused = new AppiumDriver({ serverUrl: 'http://127.0.0.1:9/wd/hub', udid: UDID, connection: 'lan', timeouts: { sessionMs: 5_000 } });
      const e: unknown = await refused.connect().then(
        () => null,
        (x: unknown) => x,
      );
      await refused.close();
      expect(isVoiceAecError(e) && e.code).toBe('E_APPIUM_SESSION');
      printed.push(isVoiceAecError(e) ? e.toLine() : String(e), appium.output());

      const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
      const written = files(runDir);
      expect(written.length).toBeGreaterThan(5);
      for (const secret of Object.values(SECRETS)) {
        for (const f of written) expect(readFileSync(f).includes(secret), `${secret} in ${f}`).toBe(false);
        for (const text of printed) expect(text.includes(secret), `${secret} printed`).toBe(false);
      }
      // The check would see them: the run did go through the crash diagnosis and the server.
      expect(printed.join('\n')).toMatch(/not running/);
      expect(appium.output()).toMatch(/POST \/session/);
    } finally {
      await wda.close();
    }
  }, 60_000);

  it('`voiceaec run --device appium --appium-url …` completes through the CLI, the manifest naming the Appium device', async () => {
    const wda = await startFakeWda();
    try {
      const out = join(tmp, 'cli');
      const config = join(tmp, 'appium.yaml');
      writeFileSync(config, `udid: ${UDID}\nplatformVersion: '18.0'\nwebDriverAgentUrl: ${wda.url}\nconnection: lan\n`);
      // Asynchronously: the fake WebDriverAgent answers from this process.
      const r = await runCli(
        ['run', '--device', 'appium', '--appium-url', appium.url, '--appium-config', config, '--scenario', 'quiet-room', '--repeat', '2', '--out', out, '--ci'],
        150_000,
      );
      // 0 or 1: whether two trials meet quiet-room's acceptance rules is not this test's question.
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.stderr).toMatch(/^device: SIMULATED DEVICE — /m); // the fake WDA launches the virtual iPhone, and says so
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { status: string; device: Record<string, unknown> };
      expect(m.status).toBe('complete');
      expect(m.device).toMatchObject({ kind: 'appium', target: 'appium', id: UDID });
      for (const secret of Object.values(SECRETS)) expect(r.stderr + r.stdout).not.toContain(secret);
    } finally {
      await wda.close();
    }
  }, 150_000);

  it('an unknown Appium setting is one line and exit 2', async () => {
    const config = join(tmp, 'bad-appium.yaml');
    writeFileSync(config, 'udid: x\nconection: lan\n');
    const r = await runCli(['run', '--device', 'appium', '--appium-config', config, '--scenario', 'quiet-room']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^E_APPIUM_OPTIONS: .*conection/);
  });

  it('runs two phones behind the server in parallel into one lab directory and one report, a group per phone', async () => {
    const wdas = [await startFakeWda(), await startFakeWda()];
    try {
      const udids = ['00008101-000A1B2C3D4E5F01', '00008101-000A1B2C3D4E5F02'];
      const labDir = join(tmp, 'two-phones');
      const devices = udids.map((udid, i) => ({
        id: udid,
        target: `appium:${udid}`,
        driver: new AppiumDriver({ ...options(wdas[i]!, { connection: 'lan' }), udid }),
      }));
      const outcomes = await runLab(devices, {
        labDir,
        scenario: scenario(2),
        scenarioSource: 'appium.yaml',
        fixturesDir: FIXTURES,
        toolVersion: 'test',
        gitCommit: null,
      });
      expect(outcomes.map((o) => [o.id, o.error, o.manifest?.status])).toEqual(udids.map((u) => [u, null, 'complete']));
      // Both phones were launched, each by its own session.
      expect(wdas.map((w) => w.launches.length)).toEqual([1, 1]);
      const results = await evaluateRun(
        outcomes.map((o) => o.dir),
        { toolVersion: 'test' },
      );
      await writeLabReports(labDir, outcomes, results);
      const written = JSON.parse(readFileSync(join(labDir, 'results.json'), 'utf8')) as { runs: Array<{ id: string; device: { kind: string; id: string } }> };
      expect(written.runs.map((r) => [r.id, r.device.kind, r.device.id])).toEqual(udids.map((u) => [u, 'appium', u]));
    } finally {
      for (const w of wdas) await w.close();
    }
  }, 120_000);
});

describe('the Linux voiceaec-harness launched through Appium (the real harness, LoopbackEngine)', () => {
  const REPO = fileURLToPath(new URL('../../', import.meta.url));
  let unavailable: string | null = null;
  beforeAll(async () => {
    unavailable = await provisionSwift('the Swift harness launched through Appium');
    if (unavailable) return;
    const build = await swiftSh(['build', '--product', 'voiceaec-harness'], 20 * 60_000);
    expect(build.code, build.output).toBe(0);
  }, 50 * 60_000);

  it('`voiceaec run --device appium` in lan mode: the fake WebDriverAgent starts the harness with the launch arguments, and the run completes on it', async (ctx) => {
    if (unavailable) return ctx.skip();
    // The app as iOS would start it: the harness binary, with exactly the arguments Appium passed to /wda/apps/launch.
    const wda = await startFakeWda({
      command: (args) => ({ command: 'bash', args: [join(REPO, 'scripts/swift.sh'), '--exec', '.build/debug/voiceaec-harness', ...args] }),
    });
    try {
      const out = join(tmp, 'swift-harness');
      const config = join(tmp, 'appium-harness.yaml');
      writeFileSync(config, `udid: ${UDID}\nplatformVersion: '18.0'\nwebDriverAgentUrl: ${wda.url}\nconnection: lan\n`);
      const scenarioFile = join(REPO, 'test/data/harnesskit/loopback-quiet-room.yaml');
      const r = await runCli(
        ['run', '--device', 'appium', '--appium-url', appium.url, '--appium-config', config, '--scenario', scenarioFile, '--out', out, '--ci'],
        240_000,
      );
      expect(r.code, `${r.stderr}\n--- harness:\n${wda.appOutput()}`).toBe(0);
      // One launch, in lan mode, dialling the CLI with a fresh token.
      expect(wda.launches).toHaveLength(1);
      const launch = wda.launches[0]!;
      expect(launch[launch.indexOf('-voiceaecMode') + 1]).toBe('lan');
      expect(launch[launch.indexOf('-voiceaecURL') + 1]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/harness$/);
      // The device that ran is the harness's loopback test double, reached through Appium, and every surface says so.
      expect(r.stderr).toMatch(/^device: LOOPBACK TEST DEVICE — /m);
      const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
        status: string;
        device: Record<string, unknown>;
        cells: Array<{ trials: Array<{ status: string }> }>;
      };
      expect(m.status).toBe('complete');
      expect(m.device).toMatchObject({ kind: 'appium', id: UDID, model: 'LoopbackEngine', class: 'loopback', simulated: true });
      expect(m.cells.flatMap((c) => c.trials.map((t) => t.status)).every((x) => x === 'ok')).toBe(true);
      for (const secret of Object.values(SECRETS)) expect(r.stderr + r.stdout + wda.appOutput()).not.toContain(secret);
    } finally {
      await wda.close();
    }
  }, 300_000);

  it('a crash of the harness process mid-run: that trial fails with the app state, the harness is launched again and the next trials pass', async (ctx) => {
    if (unavailable) return ctx.skip();
    const wda = await startFakeWda({
      command: (args) => ({ command: 'bash', args: [join(REPO, 'scripts/swift.sh'), '--exec', '.build/debug/voiceaec-harness', ...args] }),
    });
    try {
      const driver = new AppiumDriver(options(wda, { connection: 'lan' }));
      // The harness is SIGKILLed (its whole process group) right after the first measured trial.
      const { manifest } = await run(driver, 'harness-crash', 3, (p) => {
        if (p.type === 'trial' && p.trial.index === 1) wda.crash();
      });
      expect(manifest.status, wda.appOutput()).toBe('complete');
      expect(manifest.device).toMatchObject({ model: 'LoopbackEngine', class: 'loopback' });
      const cell = manifest.cells[0]!;
      expect(cell.trials.map((t) => t.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
      expect(cell.trials[2]!.reason).toMatch(/app dev\.voiceaec\.harness: not running/);
      expect(cell.deviceCrashes).toBe(1);
      expect(wda.launches).toHaveLength(2);
      expect(arg(wda.launches[0]!, '-voiceaecToken')).not.toBe(arg(wda.launches[1]!, '-voiceaecToken'));
    } finally {
      await wda.close();
    }
  }, 300_000);
});

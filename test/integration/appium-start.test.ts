/**
 * `voiceaec run --device appium --appium-start`: the CLI starts the project's real Appium 3
 * (with the real XCUITest driver, a private APPIUM_HOME, 127.0.0.1 on a free port), runs a
 * scenario through it against the fake WebDriverAgent (which launches the virtual iPhone),
 * and the server process is gone afterwards: after a completed run, after SIGTERM mid-run,
 * after a run that fails, and after a SIGKILL of the CLI (the watchdog's case); a lab run of
 * two phones starts one server. A configured APPIUM_HOME without the driver is one line
 * naming the install command. Fake farm credentials of every preset appear in no output
 * and no file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startFakeWda } from '../helpers/fake-wda.js';
import { alive, eventually, gone } from '../helpers/processes.js';
import { FAKE_FARM_CREDENTIALS, setProcessEnv } from '../helpers/farm-secrets.js';

const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const UDID = '00008101-000A1B2C3D4E5F6A';
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-appium-start-'));

const SECRETS = FAKE_FARM_CREDENTIALS;
const restoreEnv = setProcessEnv(SECRETS);

afterAll(() => {
  restoreEnv();
  rmSync(tmp, { recursive: true, force: true });
});

const STARTED = /^appium: started Appium (3\.\S+) at (http:\/\/127\.0\.0\.1:\d+) \(pid (\d+), private APPIUM_HOME (\S+)\)/m;

function config(name: string, wdaUrl: string): string {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, `udid: ${UDID}\nplatformVersion: '18.0'\nwebDriverAgentUrl: ${wdaUrl}\nconnection: lan\n`);
  return file;
}

/**
 * `voiceaec run --appium-start` on quiet-room (50 trials, so it is still running) as a child;
 * resolves once the server's start line is printed and `ready` holds for stderr so far.
 */
async function spawnRun(name: string, wdaUrl: string, ready: (stderr: string) => boolean) {
  const args = ['run', '--device', 'appium', '--appium-start', '--appium-config', config(name, wdaUrl), '--scenario', 'quiet-room', '--repeat', '50'];
  const child = spawn(process.execPath, [BIN, ...args, '--out', join(tmp, name), '--ci'], {
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const started = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not started in time:\n${stderr}`)), 150_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = STARTED.exec(stderr);
      if (m && ready(stderr)) {
        clearTimeout(timer);
        resolve(m);
      }
    });
  });
  return { child, started, exited, stderr: () => stderr };
}

const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

describe('voiceaec run --appium-start', () => {
  it('starts Appium 3 on 127.0.0.1, completes quiet-room through it, and leaves no server behind', async () => {
    const wda = await startFakeWda();
    try {
      const out = join(tmp, 'run');
      const r = await runCli(
        [
          'run',
          '--device',
          'appium',
          '--appium-start',
          '--appium-config',
          config('run', wda.url),
          '--scenario',
          'quiet-room',
          '--repeat',
          '2',
          '--out',
          out,
          '--ci',
        ],
        180_000,
      );
      // 0 or 1: whether two trials meet quiet-room's acceptance rules is not this test's question.
      expect([0, 1], r.stderr).toContain(r.code);
      const m = STARTED.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      const pid = Number(m![3]);
      expect(r.stderr).toContain(`appium: stopped the server it started (pid ${pid})`);
      expect(await gone(pid)).toBe(true);
      expect(existsSync(m![4]!), 'the private APPIUM_HOME is removed').toBe(false);
      // The server is no longer listening either.
      await expect(fetch(`${m![2]}/status`)).rejects.toThrow();
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { status: string; device: Record<string, unknown> };
      expect(manifest.status).toBe('complete');
      expect(manifest.device).toMatchObject({ kind: 'appium', id: UDID });
      // The driver went through the started server to the fake WebDriverAgent.
      expect(wda.launches).toHaveLength(1);
      const written = files(out);
      expect(written.length).toBeGreaterThan(5);
      for (const secret of Object.values(SECRETS)) {
        expect(r.stdout + r.stderr).not.toContain(secret);
        for (const f of written) expect(readFileSync(f).includes(secret), `${secret} in ${f}`).toBe(false);
      }
    } finally {
      await wda.close();
    }
  }, 200_000);

  it('SIGTERM mid-run stops the started server too', async () => {
    const wda = await startFakeWda();
    try {
      // Interrupted once the app runs: a trial has passed.
      const { child, started, exited, stderr } = await spawnRun('sigterm', wda.url, (err) => /trial \d+: ok/.test(err));
      const pid = Number(started[3]);
      expect(alive(pid)).toBe(true);
      expect(existsSync(started[4]!)).toBe(true);
      child.kill('SIGTERM');
      expect((await exited).code, stderr()).toBe(143);
      expect(await gone(pid)).toBe(true);
      expect(existsSync(started[4]!), 'the private APPIUM_HOME is removed').toBe(false);
      for (const secret of Object.values(SECRETS)) expect(stderr()).not.toContain(secret);
    } finally {
      await wda.close();
    }
  }, 200_000);

  it('SIGKILL of the CLI: the watchdog ends the server and removes its private APPIUM_HOME', async () => {
    const wda = await startFakeWda();
    try {
      // The line comes once the server answers /status.
      const { child, started, exited } = await spawnRun('sigkill', wda.url, () => true);
      const pid = Number(started[3]);
      expect((await fetch(`${started[2]}/status`)).ok).toBe(true);
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
      // No exit hook ran: only the watchdog can have stopped it.
      expect(await gone(pid), `server pid ${pid} still alive`).toBe(true);
      const closed = () =>
        fetch(`${started[2]}/status`, { signal: AbortSignal.timeout(2_000) }).then(
          () => false,
          () => true,
        );
      expect(await eventually(closed), 'the port still answers').toBe(true);
      expect(await eventually(() => !existsSync(started[4]!)), 'the private APPIUM_HOME is removed').toBe(true);
    } finally {
      await wda.close();
    }
  }, 300_000);

  it('a lab run of two phones starts one server for both and stops it', async () => {
    // No WebDriverAgent: both sessions fail fast, which is enough to see how many servers the lab started.
    const file = join(tmp, 'lab-no-wda.yaml');
    writeFileSync(file, `platformVersion: '18.0'\nwebDriverAgentUrl: http://127.0.0.1:9\nconnection: lan\ntimeouts: { sessionMs: 15000 }\n`);
    const r = await runCli(
      [
        'run',
        '--device',
        `appium:${UDID}`,
        '--device',
        'appium:00008101-000A1B2C3D4E5F6B',
        '--appium-start',
        '--appium-config',
        file,
        '--scenario',
        'quiet-room',
        '--out',
        join(tmp, 'lab'),
        '--ci',
      ],
      150_000,
    );
    expect(r.code, r.stderr).toBe(3);
    const starts = [...r.stderr.matchAll(new RegExp(STARTED.source, 'gm'))];
    expect(starts, r.stderr).toHaveLength(1);
    const pid = Number(starts[0]![3]);
    expect(r.stderr).toContain(`appium: using the server this run started at ${starts[0]![2]} (pid ${pid})`);
    expect(r.stderr).toContain(`appium: stopped the server this run started (pid ${pid})`);
    expect(await gone(pid)).toBe(true);
  }, 150_000);

  it('a run that fails after the start (no WebDriverAgent) stops the server and says why in one line', async () => {
    // Nothing listens at this WebDriverAgent URL: the session cannot start.
    const file = join(tmp, 'no-wda.yaml');
    writeFileSync(file, `udid: ${UDID}\nplatformVersion: '18.0'\nwebDriverAgentUrl: http://127.0.0.1:9\nconnection: lan\ntimeouts: { sessionMs: 15000 }\n`);
    const r = await runCli(
      ['run', '--device', 'appium', '--appium-start', '--appium-config', file, '--scenario', 'quiet-room', '--out', join(tmp, 'no-wda'), '--ci'],
      120_000,
    );
    expect(r.code, r.stderr).toBe(3);
    const m = STARTED.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(await gone(Number(m![3]))).toBe(true);
    expect(r.stderr).toMatch(/^E_APPIUM_SESSION: /m);
    for (const secret of Object.values(SECRETS)) expect(r.stderr + r.stdout).not.toContain(secret);
  }, 150_000);

  it('an APPIUM_HOME without the XCUITest driver is one line with the exact install command, and nothing is started', async () => {
    const home = mkdtempSync(join(tmp, 'empty-home-'));
    const r = await runCli([
      'run',
      '--device',
      'appium',
      '--appium-start',
      '--appium-home',
      home,
      '--udid',
      UDID,
      '--connection',
      'lan',
      '--scenario',
      'quiet-room',
      '--out',
      join(tmp, 'no-driver'),
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe(
      `E_APPIUM_DRIVER_MISSING: the XCUITest driver is not installed in APPIUM_HOME ${home} — install it with: APPIUM_HOME=${home} npx appium driver install xcuitest`,
    );
    expect(r.stderr).not.toMatch(/started Appium/);
  });

  it('--appium-start with --appium-url, or on a cloud preset, is a usage error', async () => {
    const both = await runCli(['run', '--device', 'appium', '--appium-start', '--appium-url', 'http://127.0.0.1:4723', '--scenario', 'quiet-room']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^E_APPIUM_OPTIONS: appium startServer: a started server has its own URL/);
    const cloud = await runCli(['run', '--device', 'appium', '--appium-start', '--farm', 'browserstack', '--scenario', 'quiet-room']);
    expect(cloud.code).toBe(2);
    expect(cloud.stderr).toMatch(/startServer: --farm browserstack has its own server/);
  });
});

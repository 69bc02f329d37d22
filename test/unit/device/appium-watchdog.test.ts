/**
 * The watchdog between the CLI and a started Appium server (src/device/appium/appium-watchdog.ts),
 * with a stand-in server (a Node process that starts a child of its own, as Appium starts
 * xcodebuild or iproxy): closing its stdin ends the server's whole process group and removes
 * the private folder, and so does a SIGKILL of the process that holds that pipe, the case no
 * exit hook can cover. No timing asserts: each "gone" is polled for up to 60 s.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alive, gone } from '../../helpers/processes.js';
import { WATCHDOG_PID_LINE, WATCHDOG_SCRIPT, type WatchdogSpec } from '../../../src/device/appium/appium-watchdog.js';

const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-watchdog-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A server that starts a grandchild and prints both pids, then runs until killed. */
const SERVER = `
const { spawn } = require('node:child_process');
const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
console.log('grandchild ' + g.pid);
setInterval(() => {}, 1000);
`;

function spec(removeDir: string | null): WatchdogSpec {
  return { command: process.execPath, args: ['-e', SERVER], cwd: tmp, killAfterMs: 5_000, removeDir };
}

/** Reads the output until both pids are there. */
async function pids(out: NodeJS.ReadableStream): Promise<{ server: number; grandchild: number }> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no pids in: ${text}`)), 60_000);
    out.on('data', (d: Buffer) => {
      text += d.toString();
      const s = WATCHDOG_PID_LINE.exec(text);
      const g = /^grandchild (\d+)$/m.exec(text);
      if (s && g) {
        clearTimeout(timer);
        resolve({ server: Number(s[1]), grandchild: Number(g[1]) });
      }
    });
  });
}

describe('appium watchdog', () => {
  it('EOF on its stdin ends the server and what it started, and removes the private folder', async () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    const dog = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, '--', JSON.stringify(spec(home))], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((r) => dog.once('exit', (code) => r(code)));
    const p = await pids(dog.stdout);
    expect(alive(p.server) && alive(p.grandchild)).toBe(true);
    dog.stdin.end();
    expect(await exited).toBe(0);
    expect(await gone(p.server)).toBe(true);
    expect(await gone(p.grandchild)).toBe(true);
    expect(existsSync(home)).toBe(false);
  }, 120_000);

  it('a SIGKILL of the process holding the pipe ends the server too', async () => {
    const home = mkdtempSync(join(tmp, 'home-'));
    // The "CLI": starts the watchdog with a pipe on its stdin, passes its output on, then is killed outright.
    const cli = `
const { spawn } = require('node:child_process');
const dog = spawn(process.execPath, ['-e', process.env.WATCHDOG, '--', process.env.SPEC], { stdio: ['pipe', 'pipe', 'inherit'] });
dog.stdout.pipe(process.stdout);
setInterval(() => {}, 1000);
`;
    const parent = spawn(process.execPath, ['-e', cli], {
      env: { ...process.env, WATCHDOG: WATCHDOG_SCRIPT, SPEC: JSON.stringify(spec(home)) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const p = await pids(parent.stdout);
    expect(alive(p.server)).toBe(true);
    parent.kill('SIGKILL');
    expect(await gone(p.server)).toBe(true);
    expect(await gone(p.grandchild)).toBe(true);
    for (let i = 0; i < 600 && existsSync(home); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(home)).toBe(false);
  }, 120_000);
});

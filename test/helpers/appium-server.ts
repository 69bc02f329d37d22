/**
 * A real Appium 3 server as a child process on 127.0.0.1, with a private APPIUM_HOME whose
 * only driver is the project's own appium-xcuitest-driver (symlinked, so nothing is
 * installed and nothing is fetched). A child rather than Appium's `main()` in-process:
 * Appium installs signal handlers that exit and calls process.exit on a taken port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/device/free-port.js';

export { freePort };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface AppiumServer {
  url: string;
  /** Everything the server printed so far. */
  output(): string;
  stop(): Promise<void>;
}

async function ready(url: string, child: ChildProcess, deadline: number): Promise<boolean> {
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const r = await fetch(`${url}/status`);
      if (r.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Starts the server; a port taken between probing and binding makes Appium exit, so that is retried. */
export async function startAppiumServer(opts: { env?: NodeJS.ProcessEnv; logLevel?: string; timeoutMs?: number } = {}): Promise<AppiumServer> {
  const home = mkdtempSync(join(tmpdir(), 'voiceaec-appium-home-'));
  mkdirSync(join(home, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules', 'appium-xcuitest-driver'), join(home, 'node_modules', 'appium-xcuitest-driver'), 'dir');
  let out = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/appium/index.js'),
        'server',
        '--address',
        '127.0.0.1',
        '--port',
        String(port),
        '--log-level',
        opts.logLevel ?? 'info',
        '--log-no-colors',
      ],
      { cwd: home, env: { ...process.env, ...opts.env, APPIUM_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
    };
    if (await ready(url, child, Date.now() + (opts.timeoutMs ?? 60_000))) {
      return {
        url,
        output: () => out,
        stop: async () => {
          await stop();
          rmSync(home, { recursive: true, force: true });
        },
      };
    }
    await stop();
  }
  rmSync(home, { recursive: true, force: true });
  throw new Error(`Appium did not start:\n${out.slice(-2000)}`);
}

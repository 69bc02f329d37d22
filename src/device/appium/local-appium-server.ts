/**
 * The Appium server `--appium-start` runs (docs/appium.md § A server started by the CLI): the
 * project's Appium 3 as a child process on 127.0.0.1 and a free port, with a configured
 * APPIUM_HOME or a private one that links the project's appium-xcuitest-driver (nothing is
 * installed or fetched). Up once `/status` answers; stopped by `stop()`. It runs under a
 * watchdog (appium-watchdog.ts) that holds a pipe from this process and ends the server's
 * process group when the pipe closes: however this process ends first (exit, a signal,
 * SIGKILL), the kernel closes the pipe, so no exit or signal hook is needed here. A lab run shares one server among its
 * phones (`shareLocalAppium`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { environmentError } from '../../core/errors.js';
import { freePort } from '../free-port.js';
import { WATCHDOG_PID_LINE, WATCHDOG_SCRIPT, type WatchdogSpec } from './appium-watchdog.js';

const DRIVER = 'appium-xcuitest-driver';
/** Kept from the server's output, for the error when it does not start. */
const OUTPUT_TAIL = 4_000;
const POLL_MS = 200;
/** Between SIGTERM and SIGKILL when stopping. */
const KILL_AFTER_MS = 5_000;

export interface LocalAppiumServer {
  url: string;
  pid: number;
  version: string;
  /** The APPIUM_HOME in use. */
  home: string;
  /** It is a private one, removed when the server stops. */
  privateHome: boolean;
  /** A shared server another driver of the run started (shareLocalAppium). */
  reused?: boolean;
  /** Shared: stop() lets go of it, and only the last one's stops it. */
  shared?: boolean;
  stop(): Promise<void>;
}

export interface LocalAppiumOptions {
  appiumHome?: string | undefined;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Where the Appium package is resolved from; this module's install unless a test says otherwise. */
  resolveFrom?: string;
}

interface Pkg {
  dir: string;
  version: string;
  bin: string | null;
}

function findPackage(name: string, from: string): Pkg | null {
  try {
    const file = createRequire(from).resolve(`${name}/package.json`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { version?: string; bin?: string | Record<string, string> };
    const bin = typeof json.bin === 'string' ? json.bin : (json.bin?.[name] ?? null);
    return { dir: dirname(file), version: json.version ?? '?', bin };
  } catch {
    return null;
  }
}

export interface LocalAppiumSetup {
  /** The Appium entry script. */
  entry: string;
  version: string;
  /** A configured APPIUM_HOME, or null for a private one. */
  home: string | null;
  /** private home: the project's XCUITest driver to link into it. */
  driverDir: string | null;
}

/** What a start needs, checked without starting anything (the driver checks it before a run begins); each failure is one line with its fix. */
export function checkLocalAppium(opts: Pick<LocalAppiumOptions, 'appiumHome' | 'resolveFrom'>): LocalAppiumSetup {
  const from = opts.resolveFrom ?? import.meta.url;
  const appium = findPackage('appium', from);
  if (!appium?.bin || !appium.version.startsWith('3.'))
    throw environmentError('E_APPIUM_NOT_INSTALLED', `--appium-start needs Appium 3 beside voiceaec (found ${appium ? appium.version : 'none'})`, {
      hint: 'npm install --save-dev appium@3 (in the voiceaec project), or start Appium yourself and give --appium-url',
    });
  const entry = join(appium.dir, appium.bin);
  if (opts.appiumHome) {
    const home = resolve(opts.appiumHome);
    if (!existsSync(join(home, 'node_modules', DRIVER, 'package.json')))
      throw environmentError('E_APPIUM_DRIVER_MISSING', `the XCUITest driver is not installed in APPIUM_HOME ${home}`, {
        hint: `install it with: APPIUM_HOME=${home} npx appium driver install xcuitest`,
      });
    return { entry, version: appium.version, home, driverDir: null };
  }
  const driver = findPackage(DRIVER, from);
  if (!driver)
    throw environmentError('E_APPIUM_DRIVER_MISSING', 'the XCUITest driver is not installed beside voiceaec', {
      hint: 'install it with: npm install --save-dev appium-xcuitest-driver (or give --appium-home <dir> after APPIUM_HOME=<dir> npx appium driver install xcuitest)',
    });
  return { entry, version: appium.version, home: null, driverDir: driver.dir };
}

/** Checks the setup, starts the server and waits for `/status`. */
export async function startLocalAppium(opts: LocalAppiumOptions): Promise<LocalAppiumServer> {
  const setup = checkLocalAppium(opts);
  let home: string;
  let privateHome: string | null = null;
  if (setup.home) home = setup.home;
  else {
    privateHome = mkdtempSync(join(tmpdir(), 'voiceaec-appium-home-'));
    mkdirSync(join(privateHome, 'node_modules'));
    symlinkSync(setup.driverDir!, join(privateHome, 'node_modules', DRIVER), 'dir');
    home = privateHome;
  }
  const removeHome = () => {
    if (privateHome) rmSync(privateHome, { recursive: true, force: true });
  };
  let lastOutput = '';
  try {
    // A port taken between probing and binding makes Appium exit: try another.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const started = await startOnce(setup.entry, port, home, opts, privateHome);
      if ('server' in started)
        return { ...started.server, version: setup.version, home, privateHome: privateHome !== null, stop: withCleanup(started.server.stop, removeHome) };
      lastOutput = started.output;
    }
  } catch (e) {
    removeHome();
    throw e;
  }
  removeHome();
  const last = lastOutput.trim().split('\n').filter(Boolean).at(-1) ?? 'no output';
  throw environmentError('E_APPIUM_START', `the Appium server did not start (${last.slice(0, 300)})`, {
    hint: 'run `npx appium server` to see why; `voiceaec doctor` checks the setup',
  });
}

function withCleanup(stop: () => Promise<void>, after: () => void): () => Promise<void> {
  return async () => {
    await stop();
    after();
  };
}

async function startOnce(
  entry: string,
  port: number,
  home: string,
  opts: LocalAppiumOptions,
  /** A private APPIUM_HOME the watchdog removes if this process dies before it can. */
  removeDir: string | null,
): Promise<{ server: Omit<LocalAppiumServer, 'version' | 'home' | 'privateHome'> } | { output: string }> {
  const spec: WatchdogSpec = {
    command: process.execPath,
    args: [entry, 'server', '--address', '127.0.0.1', '--port', String(port), '--log-level', 'info', '--log-no-colors'],
    cwd: home,
    killAfterMs: KILL_AFTER_MS,
    removeDir,
  };
  // The watchdog's stdin is the pipe whose end (this process gone, or stop()) ends the server.
  const child = spawn(process.execPath, ['-e', WATCHDOG_SCRIPT, '--', JSON.stringify(spec)], {
    cwd: home,
    env: { ...opts.env, APPIUM_HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => undefined);
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const serverPid = () => Number(WATCHDOG_PID_LINE.exec(output)?.[1] ?? child.pid);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Closing the pipe is the one way to stop it, the same as when this process dies.
      child.stdin.end();
      // A watchdog that does not manage within its own grace: both ends go by force.
      const killer = setTimeout(() => {
        killGroup(serverPid());
        child.kill('SIGKILL');
      }, KILL_AFTER_MS + 2_000);
      await exited;
      clearTimeout(killer);
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      const r = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2_000) });
      if (r.ok) return { server: { url, pid: serverPid(), stop } };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  await stop();
  return { output };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/**
 * One server for several drivers (a lab run's phones): started by the first that needs it,
 * stopped when the last has let go of it. Its start failing fails each that asked.
 */
export function shareLocalAppium(
  start: typeof startLocalAppium = startLocalAppium,
  /** Told when the last user lets go and the server stops. */
  onStopped: (s: LocalAppiumServer) => void = () => undefined,
): typeof startLocalAppium & { readonly starts: number } {
  let server: Promise<LocalAppiumServer> | null = null;
  let users = 0;
  let starts = 0;
  const shared = async (opts: LocalAppiumOptions): Promise<LocalAppiumServer> => {
    users++;
    const first = !server;
    if (!server) {
      starts++;
      server = start(opts);
      server.catch(() => (server = null));
    }
    let s: LocalAppiumServer;
    try {
      s = await server;
    } catch (e) {
      users--;
      throw e;
    }
    let released = false;
    return {
      ...s,
      reused: !first,
      shared: true,
      stop: async () => {
        if (released) return;
        released = true;
        if (--users > 0) return;
        server = null;
        await s.stop();
        onStopped(s);
      },
    };
  };
  return Object.defineProperty(shared, 'starts', { get: () => starts }) as typeof startLocalAppium & { readonly starts: number };
}

/**
 * A fake WebDriverAgent for the real XCUITest driver (`appium:webDriverAgentUrl`): it
 * answers the few requests the driver sends (docs/appium.md § What was run here), and
 * `/wda/apps/launch` starts the virtual iPhone with the harness arguments it receives:
 * listening on `-port` (server mode) or dialling `-voiceaecURL` (lan mode) — or, given
 * `command`, starts that program with those arguments (the Linux `voiceaec-harness`). As on
 * iOS, launching an app that runs only brings it forward and ignores the new arguments.
 * `crash()` kills the running app without a goodbye, as a crashing app would.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Listener } from '../../src/protocol/endpoints.js';
import type { Peer } from '../../src/protocol/peer.js';
import { dialAsSimDevice, startSimDevice } from '../../src/sim/device-server.js';

export interface FakeWdaRequest {
  method: string;
  path: string;
  body: unknown;
}

/** One launch of the app: the virtual iPhone (or a program) and how to stop it. */
interface RunningApp {
  bundleId: string;
  arguments: string[];
  stop(): Promise<void>;
  crash(): void;
  /** A program can end by itself; the virtual iPhone runs until stopped. */
  running?(): boolean;
}

/** A program standing in for the app: it gets the launch arguments, as the app does from iOS. */
export type AppCommand = (launchArguments: string[]) => { command: string; args: string[] };

export interface FakeWda {
  url: string;
  requests: FakeWdaRequest[];
  /** Arguments of every launch that started the app. */
  launches: string[][];
  /** Drops the running app's connections abruptly; the app is then reported not running. */
  crash(): void;
  close(): Promise<void>;
}

const SESSION_ID = 'FAKE-WDA-SESSION';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function launchVirtualIphone(bundleId: string, args: string[], seed: number): Promise<RunningApp> {
  const token = argValue(args, '-voiceaecToken');
  const mode = argValue(args, '-voiceaecMode') ?? 'lan';
  if (!token) throw new Error('launched without -voiceaecToken');
  const sim = { profile: 'iphone16-ios18', seed };
  if (mode === 'server') {
    const server: Listener = await startSimDevice({ ...sim, port: Number(argValue(args, '-port')), token });
    return { bundleId, arguments: args, stop: () => server.close(), crash: () => void server.close() };
  }
  const url = argValue(args, '-voiceaecURL');
  if (mode !== 'lan' || !url) throw new Error(`unsupported launch arguments: ${args.join(' ')}`);
  const peer: Peer = await dialAsSimDevice(url, token, sim);
  return {
    bundleId,
    arguments: args,
    stop: () => Promise.resolve(peer.close()),
    crash: () => peer.crash(),
  };
}

/** The app as a process group of its own, so stopping it also ends what its command started (a chroot's shell, the harness). */
function launchProgram(bundleId: string, args: string[], command: AppCommand, output: string[]): RunningApp {
  const { command: cmd, args: cmdArgs } = command(args);
  const child = spawn(cmd, cmdArgs, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  return {
    bundleId,
    arguments: args,
    running,
    stop: async () => {
      if (running()) signal('SIGTERM');
      await exited;
    },
    crash: () => signal('SIGKILL'),
  };
}

export async function startFakeWda(opts: { seed?: number; command?: AppCommand } = {}): Promise<FakeWda & { appOutput: () => string }> {
  const appOutput: string[] = [];
  const requests: FakeWdaRequest[] = [];
  const launches: string[][] = [];
  let app: RunningApp | null = null;

  const handle = async (method: string, path: string, body: Record<string, unknown>): Promise<unknown> => {
    if (method === 'GET' && path === '/status')
      return { ready: true, message: 'fake WebDriverAgent', state: 'success', os: { name: 'iOS', version: '18.0' }, build: {} };
    if (method === 'POST' && path === '/session') return { sessionId: SESSION_ID, capabilities: { device: 'iphone', sdkVersion: '18.0' } };
    if (method === 'DELETE' && path.startsWith('/session/')) return null;
    const wda = /^\/session\/[^/]+\/wda\/apps\/(launch|state|terminate|activate)$/.exec(path);
    const bundleId = typeof body.bundleId === 'string' ? body.bundleId : '';
    switch (method === 'POST' ? wda?.[1] : undefined) {
      case 'launch': {
        if (app?.bundleId === bundleId && (app.running?.() ?? true)) return null;
        const args = Array.isArray(body.arguments) ? body.arguments.map(String) : [];
        launches.push(args);
        app = opts.command ? launchProgram(bundleId, args, opts.command, appOutput) : await launchVirtualIphone(bundleId, args, opts.seed ?? 1);
        return null;
      }
      case 'activate':
        return null;
      case 'state':
        return app?.bundleId === bundleId && (app.running?.() ?? true) ? 4 : 1;
      case 'terminate': {
        if (app?.bundleId !== bundleId) return false;
        const stopping = app;
        app = null;
        await stopping.stop();
        return true;
      }
    }
    // Anything else the driver asks for gets an empty success, so an unexpected call shows in `requests` rather than failing the session.
    return null;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push({ method: req.method ?? 'GET', path, body });
      handle(req.method ?? 'GET', path, body).then(
        (value) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ value, sessionId: SESSION_ID }));
        },
        (e: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ value: { error: 'unknown error', message: e.message }, sessionId: SESSION_ID }));
        },
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    launches,
    appOutput: () => appOutput.join(''),
    crash: () => {
      const dying = app;
      app = null;
      dying?.crash();
    },
    close: async () => {
      await app?.stop();
      app = null;
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

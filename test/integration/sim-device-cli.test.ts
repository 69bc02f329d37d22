/**
 * The virtual iPhone as its own process, reached the two ways a real phone is: the CLI
 * connects to a listening device (`--device ws://…`), or the CLI listens and the device
 * dials in (`--device lan:PORT`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-simdev-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

function start(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  children.push(child);
  return child;
}

/** The first line of a stream that matches `re`. */
function lineMatching(stream: NodeJS.ReadableStream, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: stream });
    rl.on('line', (l) => {
      const m = re.exec(l);
      if (m) {
        resolve(m);
        rl.close();
      }
    });
    rl.on('close', () => reject(new Error(`stream ended without a line matching ${re}`)));
  });
}

describe('voiceaec sim-device', () => {
  it('serves a run over ws:// from another process, and refuses a wrong token', async () => {
    const token = 'sim-device-token-42424242';
    const dev = start(['sim-device', '--port', '0', '--token', token]);
    const { url } = JSON.parse((await lineMatching(dev.stdout!, /^\{.*\}$/))[0]) as { url: string };
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/harness$/);

    const bad = await runCli([
      'run',
      '--scenario',
      'quiet-room',
      '--repeat',
      '1',
      '--device',
      url,
      '--token',
      'x'.repeat(24),
      '--out',
      join(tmp, 'bad'),
      '--ci',
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/E_PROTO_TOKEN/);

    const out = join(tmp, 'remote');
    const r = await runCli(['run', '--scenario', 'quiet-room', '--repeat', '2', '--device', url, '--token', token, '--out', out, '--ci'], 120_000);
    expect([0, 1]).toContain(r.code);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
    dev.kill('SIGTERM');
  }, 150_000);

  it('dials a CLI listening in lan mode', async () => {
    const token = 'lan-mode-token-1234567890';
    const out = join(tmp, 'lan');
    const cli = start(['run', '--scenario', 'quiet-room', '--repeat', '1', '--device', 'lan:127.0.0.1:0', '--token', token, '--out', out, '--ci']);
    const port = (await lineMatching(cli.stderr!, /dial ws:\/\/<this host>:(\d+)\/harness/))[1];
    start(['sim-device', '--dial', `ws://127.0.0.1:${port}/harness`, '--token', token]);
    const code = await new Promise<number | null>((done) => cli.once('exit', done));
    expect([0, 1]).toContain(code);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 150_000);
});

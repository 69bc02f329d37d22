/**
 * Ctrl-C and SIGTERM during `voiceaec run`: one error line with the resume command, the
 * conventional exit code (130, 143), and `--resume` finishes the run. Needs dist/ (npm run build).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-signals-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Start a run, wait for its first trial line on stderr, send `signal`; the exit code and all of stderr. */
async function interrupt(dir: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, 'run', '--scenario', 'quiet-room', '--repeat', '6', '--out', dir, '--ci'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stderr = '';
  let sent = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    if (!sent && /trial \d+: ok/.test(stderr)) {
      sent = true;
      child.kill(signal);
    }
  });
  const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
  return { code, stderr };
}

describe('signals during voiceaec run', () => {
  it('SIGINT prints one line with the resume command, exits 130, and --resume completes the run', async () => {
    const dir = join(tmp, 'int');
    const r = await interrupt(dir, 'SIGINT');
    expect(r.code).toBe(130);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('E_INTERRUPTED'));
    expect(lines).toEqual([`E_INTERRUPTED: run stopped by SIGINT; the finished trials are saved — continue with  voiceaec run --resume ${dir}`]);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).status).toBe('running');

    const resumed = await runCli(['run', '--resume', dir, '--ci'], 120_000);
    expect([0, 1]).toContain(resumed.code);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.status).toBe('complete');
    // All six measured trials, none lost or doubled by the interruption (the calibration trial is apart).
    expect(m.cells[0].trials.filter((t: { status: string; calibration: boolean }) => t.status === 'ok' && !t.calibration).length).toBe(6);
  }, 200_000);

  it('SIGTERM prints the same line naming SIGTERM and exits 143', async () => {
    const dir = join(tmp, 'term');
    const r = await interrupt(dir, 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(new RegExp(`^E_INTERRUPTED: run stopped by SIGTERM; .*voiceaec run --resume ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  }, 120_000);
});

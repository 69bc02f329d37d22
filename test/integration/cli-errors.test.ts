/**
 * Errors and terminal conventions through the built CLI (dist/; npm run build first): every
 * user error is one line with code, problem and a hint that applies; "did you mean" on
 * that line; JSON under --json; scenarios validate reports every problem of every file;
 * help wraps at 100 columns with an example; the summary's words agree with each other.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** runCli with the environment given (runCli itself pins FORCE_COLOR=0). */
function runWithEnv(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolve) => {
    const e = { ...process.env, ...env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete e[k];
    execFile(process.execPath, [BIN, ...args], { env: e, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** The one error line: exactly one line on stderr, `CODE: problem — hint`. */
function oneLine(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^E_[A-Z_]+: .+ — .+/);
  return lines[0]!;
}

describe('one line with a suggestion that fits', () => {
  it('an unknown command or option: "did you mean" on the same line, exit 2', async () => {
    const cmd = await runCli(['rnu']);
    expect(cmd.code).toBe(2);
    expect(oneLine(cmd)).toBe("E_USAGE: unknown command 'rnu' — did you mean run? See `voiceaec <command> --help` for usage");
    const opt = await runCli(['run', '--scenari', 'quiet-room']);
    expect(opt.code).toBe(2);
    expect(oneLine(opt)).toContain("unknown option '--scenari' — did you mean --scenario?");
  });

  it('a misspelt scenario name, scenario field or device profile', async () => {
    expect(oneLine(await runCli(['scenarios', 'show', 'quiet-rom']))).toMatch(/^E_SCENARIO_NOT_FOUND: .* — did you mean "quiet-room"\? choose one of: /);
    const file = join(tmp, 'typo.yaml');
    writeFileSync(file, 'name: typo\nbase:\n  rout: speaker\n');
    expect(oneLine(await runCli(['scenarios', 'validate', file]))).toMatch(/typo\.yaml:3: base: unknown field "rout" \(did you mean "route"\?\) — see docs/);
    const room = join(tmp, 'room.yaml');
    writeFileSync(room, 'name: room\nbase:\n  room: offce\n');
    expect(oneLine(await runCli(['scenarios', 'validate', room]))).toContain(
      'room.yaml:3: base.room: no room preset "offce"; did you mean "office"? presets: ',
    );
    const dev = await runCli(['run', '--scenario', 'quiet-room', '--device', 'sim:iphone16-ios1', '--out', join(tmp, 'never')]);
    expect(dev.code).toBe(2);
    expect(oneLine(dev)).toContain('did you mean "iphone16-ios18"?');
  });

  it('zod’s wording never reaches the user: a missing field is "required", a short token is counted', async () => {
    const file = join(tmp, 'noname.yaml');
    writeFileSync(file, 'description: no name\n');
    const line = oneLine(await runCli(['scenarios', 'validate', file]));
    expect(line).toContain('noname.yaml:1: name: is required (text)');
    expect(line).not.toMatch(/expected string|received undefined|Invalid input/);
    const token = await runCli(['run', '--scenario', 'quiet-room', '--device', 'ws://127.0.0.1:9/harness', '--token', 'short', '--out', join(tmp, 'never')]);
    expect(token.code).toBe(2);
    expect(oneLine(token)).toBe(
      'E_TOKEN: --token is 5 characters; a run token has 16 to 128 — give the token the harness app was launched with (voiceaec sim-device prints its own)',
    );
  });

  it('schemas outside config/ speak the same words (zod’s error map, set once in main.ts): Appium settings', async () => {
    const file = join(tmp, 'appium.json');
    writeFileSync(file, '{"startServer": "yes"}');
    const r = await runCli(['devices', '--appium-config', file]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe('E_APPIUM_OPTIONS: appium startServer: must be true or false — see docs/appium.md § Options');
  });

  it('sim-device checks its profile and token at launch', async () => {
    const p = await runCli(['sim-device', '--profile', 'iphone16-ios1', '--port', '0']);
    expect(p.code).toBe(2);
    expect(oneLine(p)).toMatch(/^E_SIM_UNKNOWN_PROFILE: --profile "iphone16-ios1" is not a virtual iPhone profile — did you mean "iphone16-ios18"\? /);
    const t = await runCli(['sim-device', '--token', 'short', '--port', '0']);
    expect(t.code).toBe(2);
    expect(oneLine(t)).toBe('E_TOKEN: --token is 5 characters; a run token has 16 to 128 — give 16 to 128 characters, or leave --token out for a random one');
  });

  it('--confidence suggests a confidence, --target-leak-rate a leak rate', async () => {
    expect(oneLine(await runCli(['compare-gate', tmp, '--confidence', '5']))).toContain('give e.g. --confidence 0.95 or --confidence 95%');
    expect(oneLine(await runCli(['compare-gate', tmp, '--target-leak-rate', '2']))).toContain('give e.g. --target-leak-rate 0.05');
    expect(oneLine(await runCli(['compare-gate', tmp, '--reanalyze', 'alway']))).toContain('— did you mean "always"?');
  });
});

describe('--json: results on stdout, the error as one JSON object on stderr', () => {
  it('a scenario error and a commander error alike', async () => {
    const r = await runCli(['scenarios', 'show', 'quiet-rom', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const e = JSON.parse(r.stderr);
    expect(e.error).toMatchObject({ code: 'E_SCENARIO_NOT_FOUND', exitCode: 2 });
    expect(e.error.hint).toContain('did you mean "quiet-room"?');
    const u = await runCli(['scenarios', 'list', '--json', '--bogus']);
    expect(u.code).toBe(2);
    expect(JSON.parse(u.stderr).error.code).toBe('E_USAGE');
  });

  it('scenarios list --json', async () => {
    const r = await runCli(['scenarios', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout).scenarios;
    expect(list.map((s: { name: string }) => s.name)).toContain('quiet-room');
    expect(list.find((s: { name: string }) => s.name === 'quiet-room')).toMatchObject({ cells: 1, repetitions: 20 });
  });
});

describe('scenarios validate', () => {
  it('reports every problem of a file and goes on with the other files; exit 2 if any fails', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'name: bad\ndescripton: typo\ntrials:\n  repetitions: abc\nacceptance:\n  confidence: 5\n');
    const r = await runCli(['scenarios', 'validate', bad, 'quiet-room', 'nightlyy']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ok .*quiet-room\.yaml: 1 cells × 20 trials$/m);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('E_'));
    expect(errors).toHaveLength(4);
    expect(errors.join('\n')).toMatch(/bad\.yaml:2: \(root\): unknown field "descripton" \(did you mean "description"\?\)/);
    expect(errors.join('\n')).toMatch(/bad\.yaml:4: trials\.repetitions: /);
    expect(errors.join('\n')).toMatch(/bad\.yaml:6: acceptance\.confidence: must be below 1/);
    expect(errors.join('\n')).toMatch(/E_SCENARIO_NOT_FOUND: no shipped scenario named "nightlyy" — did you mean "nightly"\?/);

    const j = await runCli(['scenarios', 'validate', bad, 'quiet-room', '--json']);
    expect(j.code).toBe(2);
    const out = JSON.parse(j.stdout);
    expect(out.ok).toBe(false);
    expect(out.files.map((f: { ok: boolean }) => f.ok)).toEqual([false, true]);
    expect(out.files[0].problems).toHaveLength(3);
  });
});

describe('help', () => {
  const commands = [[], ['run'], ['analyze'], ['compare-gate'], ['report'], ['scenarios', 'validate'], ['fixtures', 'import'], ['sim', 'rir'], ['doctor']];
  it.each(commands.map((c) => [c.join(' ') || '(program)', c] as const))('%s: lines ≤ 100 columns, one example', async (_name, c) => {
    const r = await runWithEnv([...c, '--help'], { COLUMNS: '200' });
    expect(r.code).toBe(0);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    expect(r.stdout.match(/\nExample:\n {2}voiceaec /g)).toHaveLength(1);
  });
});

describe('colour', () => {
  // eslint-disable-next-line no-control-regex -- an ANSI escape is what is looked for
  const coloured = /\u001b\[/;
  it('FORCE_COLOR colours, --no-color wins over it, --json never carries colour', async () => {
    expect((await runWithEnv(['scenarios', 'list'], { FORCE_COLOR: '1', NO_COLOR: undefined })).stdout).toMatch(coloured);
    expect((await runWithEnv(['scenarios', 'list', '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toMatch(coloured);
    expect((await runWithEnv(['scenarios', 'list', '--color'], { FORCE_COLOR: undefined, NO_COLOR: undefined })).stdout).toMatch(coloured);
    expect((await runWithEnv(['scenarios', 'show', 'x', '--json'], { FORCE_COLOR: '1' })).stderr).not.toMatch(coloured);
  });
});

describe('a finished run', () => {
  const dir = join(tmp, 'two');
  let first: CliResult;
  beforeAll(async () => {
    first = await runCli(['run', '--scenario', 'quiet-room', '--repeat', '2', '--out', dir, '--ci'], 120_000);
  }, 150_000);

  it('the checks column says what the lines below it say', () => {
    expect([0, 1]).toContain(first.code);
    const rows = first.stdout.split('\n');
    const row = rows.find((l) => l.startsWith('default'))!;
    const words = (text: string) => ({ fail: /FAIL/.test(text), inconclusive: /INCONCLUSIVE/.test(text) });
    const below = rows.filter((l) => /^(FAIL|INCONCLUSIVE) default:/.test(l)).join('\n');
    expect(below).not.toBe('');
    expect(words(row)).toEqual(words(below));
    expect(words(rows.find((l) => l.startsWith('acceptance:'))!)).toEqual(words(below));
  });

  it('E_RUNDIR_EXISTS on a complete run suggests the top-up, not a plain --resume', async () => {
    const r = await runCli(['run', '--scenario', 'quiet-room', '--out', dir]);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      `E_RUNDIR_EXISTS: ${dir} already holds a run — that run is complete: add trials with  voiceaec run --resume ${dir} --repeat <more than 2>, or pick another --out`,
    );
  });

  it('--resume of a run whose recorded scenario was damaged: one line in words, not E_INTERNAL', async () => {
    const copy = join(tmp, 'damaged');
    cpSync(dir, copy, { recursive: true });
    const m = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
    m.scenario.resolved.acceptance.confidence = 5;
    writeFileSync(join(copy, 'manifest.json'), JSON.stringify(m));
    const r = await runCli(['run', '--resume', copy, '--repeat', '3']);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toBe(
      `E_RUNDIR_MANIFEST: ${copy}: the recorded scenario is not valid (acceptance.confidence: must be below 1) — the manifest was edited by hand or written by another voiceaec version; start a new run`,
    );
  });

  it('compare-gate names a single cell in one pair of parentheses', async () => {
    const r = await runCli(['compare-gate', dir, '--reanalyze', 'never']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cell default (single cell)');
    expect(r.stdout).not.toContain('((');
  });
});

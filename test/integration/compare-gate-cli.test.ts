/** `voiceaec compare-gate` and `voiceaec report` as a user runs them (the built CLI). */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultsSchema } from '../../src/report/results-schema.js';
import { runCli } from '../helpers/cli.js';
import { makeRunDir } from '../helpers/run-dir.js';

let clean: string; // 20 trials, residual ~550 ms: 300 ms leaks, 800 ms does not
let other: string; // a second "device" with a shorter tail
const residual = (ms: number) => Array.from({ length: 20 }, (_, i) => ({ residualMs: ms + (i % 5) * 20, residualDb: 15 }));

beforeAll(async () => {
  clean = (
    await makeRunDir({
      dir: join(mkdtempSync(join(tmpdir(), 'voiceaec-cg-')), 'phone-a'),
      cells: [{ id: 'speaker', dims: { route: 'speaker' }, trials: residual(520) }],
      acceptance: {
        rules: [
          { metric: 'recommendedGateMs', max: 800 },
          { metric: 'leakRateUpper', gateMs: 300, max: 0.05 },
        ],
      },
    })
  ).dir;
  other = (
    await makeRunDir({
      dir: join(mkdtempSync(join(tmpdir(), 'voiceaec-cg-')), 'phone-b'),
      device: { kind: 'device', simulated: false, model: 'iPhone15,3', osVersion: '17.5', name: 'Lab phone' },
      cells: [{ id: 'speaker', dims: { route: 'speaker' }, trials: residual(150) }],
    })
  ).dir;
});

describe('voiceaec compare-gate', () => {
  it('reports 0 leaks in 20 trials as an upper bound of about 16 %, not 0 %, and says how many trials 5 % needs', async () => {
    const r = await runCli(['compare-gate', clean]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/SIMULATED DEVICE/);
    expect(r.stdout).toMatch(/800 ms\s+0\/20\s+0 %\s+0 %–16\.1 %/);
    expect(r.stdout).toMatch(/300 ms\s+20\/20\s+100 %/);
    expect(r.stdout).toMatch(
      /recommended: not enough trials to claim ≤ 5 % at 95 % confidence: 800 ms had 0 leaks in 20 trials \(upper bound 16\.1 %\); need 73 trials without a leak/,
    );
  });

  it('recommends a gate between a leaking 300 ms and a clean 800 ms, showing both rates', async () => {
    const r = await runCli(['compare-gate', clean, '--sweep', '300:800:50', '--target-leak-rate', '20%']);
    expect(r.code).toBe(0);
    const m = /recommended: (\d+) ms: 0 of 20 trials leaked \(upper bound 16\.1 % ≤ 20 % at 95 % confidence\); (\d+) ms leaked in (\d+) of 20/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const [gate, shorter] = [Number(m![1]), Number(m![2])];
    expect(gate).toBeGreaterThan(300);
    expect(gate).toBeLessThan(800);
    expect(gate - shorter).toBe(50);
    expect(r.stdout).toMatch(/300 ms\s+20\/20\s+100 %/);
    expect(r.stdout).toMatch(/800 ms\s+0\/20\s+0 %/);
  });

  it('prints voiceaec.results/2 with --json, re-analysing only when gates are new', async () => {
    const r = await runCli(['compare-gate', clean, '--gates', '0,250,650', '--json', '--confidence', '0.9']);
    expect(r.code).toBe(0);
    const res = ResultsSchema.parse(JSON.parse(r.stdout));
    expect(res.options).toMatchObject({ gatesMs: [0, 250, 300, 650], confidence: 0.9, reanalyze: 'auto' }); // 300: named by a rule
    expect(res.cells[0]!.counts.reanalysed).toBe(20);
    expect(res.cells[0]!.gates.find((g) => g.gateMs === 650)!.upper).toBeCloseTo(0.1192, 4); // Wilson 90 %, 0/20: z²/(n + z²)
    const stored = ResultsSchema.parse(JSON.parse((await runCli(['compare-gate', clean, '--json'])).stdout));
    expect(stored.cells[0]!.counts.reanalysed).toBe(0);
  });

  it('shows several runs side by side, one column per device', async () => {
    const r = await runCli(['compare-gate', clean, other, '--gates', '0,300,800']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/gate\s+phone-a\s+phone-b/);
    expect(r.stdout).toMatch(/300 ms\s+20\/20 \(100 %, ≤ 100 %\)\s+0\/20 \(0 %, ≤ 16\.1 %\)/);
    expect(r.stdout).toMatch(/phone-b: speaker|phone-b: .*Lab phone — iPhone15,3, iOS 17\.5/);
  });

  it.each([
    [['compare-gate', '/nonexistent/run'], /^E_RUNDIR_NOT_FOUND: \/nonexistent\/run: no such run directory — give the directory/],
    [['compare-gate', 'FILE'], /^E_RUNDIR_NOT_DIR: .* is a file, not a run directory — /],
    [['compare-gate', 'EMPTY'], /^E_RUNDIR_MANIFEST: .* has no manifest\.json — /],
    [['compare-gate', 'BADJSON'], /^E_RUNDIR_MANIFEST: .*manifest\.json is not valid JSON/],
    [['compare-gate', 'CLEAN', '--target-leak-rate', '2'], /^E_OPTION: --target-leak-rate "2" is not a fraction between 0 and 1 — /],
    [['compare-gate', 'CLEAN', '--gates', '0,abc'], /^E_GATES: /],
    [['report', 'CLEAN', '--reanalyze', 'sometimes'], /^E_OPTION: --reanalyze "sometimes"/],
  ])('a bad input is one line with a code and a hint, exit 2: %j', async (args, pattern) => {
    const base = mkdtempSync(join(tmpdir(), 'voiceaec-bad-'));
    writeFileSync(join(base, 'file'), 'x');
    mkdirSync(join(base, 'empty'));
    mkdirSync(join(base, 'badjson'));
    writeFileSync(join(base, 'badjson', 'manifest.json'), '{ nope');
    const map: Record<string, string> = { FILE: join(base, 'file'), EMPTY: join(base, 'empty'), BADJSON: join(base, 'badjson'), CLEAN: clean };
    const r = await runCli(args.map((a) => map[a] ?? a));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(pattern);
  });
});

describe('voiceaec report', () => {
  it('writes the four reports and exits 0 even when acceptance fails; 1 with --fail-on-acceptance', async () => {
    const r = await runCli(['report', clean]);
    expect(r.code).toBe(0);
    for (const f of ['results.json', 'report.html', 'junit.xml', 'summary.md']) expect(existsSync(join(clean, f)), f).toBe(true);
    expect(r.stdout).toMatch(/acceptance: 1 of 2 checks FAIL, 1 INCONCLUSIVE/);
    const results = ResultsSchema.parse(JSON.parse(readFileSync(join(clean, 'results.json'), 'utf8')));
    expect(results.pass).toBe(false);
    expect(readFileSync(join(clean, 'junit.xml'), 'utf8')).toMatch(/<failure message="upper bound 100 % &gt; max 5 % at gate 300 ms/);
    const strict = await runCli(['report', clean, '--fail-on-acceptance']);
    expect(strict.code).toBe(1);
    const ok = await runCli(['report', other, '--fail-on-acceptance']);
    expect(ok.code).toBe(0);
  });
});

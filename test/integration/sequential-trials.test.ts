/**
 * Sequential trials through the runner (docs/scenarios.md, docs/analysis.md § Sequential
 * trials): each cell stops when its recommendation is decided, the manifest says why, a run
 * killed at any point and resumed takes exactly the trials an uninterrupted run takes (same
 * seed, same trials, same metrics, same stop), a larger maximum reopens cells that ran out,
 * and the evaluation reports anytime-valid bounds with the stop.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anytimeInterval } from '../../src/analysis/sequential-trials.js';
import type { Scenario } from '../../src/config/scenario.js';
import { SimDriver } from '../../src/device/sim-driver.js';
import { evaluateRun } from '../../src/evaluation/evaluate-run.js';
import { TRIAL_FILES } from '../../src/run-dir/layout.js';
import { readManifest, writeManifest } from '../../src/run-dir/manifest-file.js';
import type { RunManifest } from '../../src/run-dir/manifest-schema.js';
import { ScenarioRunner, type RunProgress } from '../../src/scenario/runner.js';
import { parseScenario, withRepetitions } from '../../src/scenario/scenario-file.js';
import { runCli } from '../helpers/cli.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-sequential-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scenarioText = (max: number) =>
  [
    'name: sequential',
    'seed: 5',
    'base: { fixtures: [flite-slt-short-01, flite-slt-question-01] }',
    'matrix: { route: [speaker, receiver] }',
    `trials: { repetitions: { min: 3, max: ${max} }, preRollMs: 300, postRollMs: 1500 }`,
    'analysis: { gatesMs: [0, 300, 800] }',
    'acceptance: { targetLeakRate: 0.35 }',
    'vad: { profiles: [] }',
  ].join('\n');
const scenario = (max: number) => parseScenario(scenarioText(max), 'sequential.yaml');

class Killed extends Error {}

/** Runs (or resumes) the scenario; `killAfter` throws out of the run after that many trials, as a kill would. */
/** The reference run's progress events, in order: what the terminal's count and ETA come from. */
const progress: Array<Extract<RunProgress, { type: 'trial' }>> = [];

async function run(runDir: string, s: Scenario, resume: boolean, killAfter?: number, record = false): Promise<RunManifest> {
  let trials = 0;
  const runner = await ScenarioRunner.create({
    scenario: s,
    scenarioSource: 'sequential.yaml',
    runDir,
    driver: new SimDriver({ seed: 5 }),
    fixturesDir: FIXTURES,
    resume,
    deviceTarget: 'sim',
    toolVersion: 'test',
    gitCommit: null,
    onProgress: (p: RunProgress) => {
      if (p.type === 'trial' && record) progress.push(p);
      if (p.type === 'trial' && killAfter !== undefined && ++trials === killAfter) throw new Killed();
    },
  });
  return runner.run();
}

/** What an uninterrupted run must equal: per cell its trials (folder, fixture, status), metrics and stop. */
function shape(runDir: string, m: RunManifest) {
  return m.cells.map((c) => ({
    id: c.id,
    status: c.status,
    stop: c.stop,
    trials: c.trials.map((t) => ({ dir: t.dir, fixtureId: t.fixtureId, status: t.status })),
    metrics: c.trials.filter((t) => !t.calibration).map((t) => readFileSync(join(runDir, t.dir, TRIAL_FILES.metrics), 'utf8')),
  }));
}

const MAX = 14;
const referenceDir = join(tmp, 'reference');
let reference: RunManifest;

beforeAll(async () => {
  reference = await run(referenceDir, scenario(MAX), false, undefined, true);
}, 300_000);

describe('sequential cells in the runner', () => {
  it('stop each cell between min and max and record why', () => {
    expect(reference.status).toBe('complete');
    for (const c of reference.cells) {
      const measured = c.trials.filter((t) => !t.calibration);
      expect(c.status).toBe('done');
      expect(c.stop).toBeDefined();
      expect(c.stop!.afterTrials).toBe(measured.length);
      expect(measured.length).toBeGreaterThanOrEqual(3);
      expect(measured.length).toBeLessThanOrEqual(MAX);
      expect(measured.every((t) => t.status === 'ok')).toBe(true);
      // Trials are numbered without gaps and cycle through the cell's fixtures.
      expect(measured.map((t) => t.index)).toEqual(measured.map((_, i) => i + 1));
      expect(measured.map((t) => t.fixtureId)).toEqual(measured.map((_, i) => (i % 2 === 0 ? 'flite-slt-short-01' : 'flite-slt-question-01')));
    }
    // The sim's speaker cell leaks at short gates and not at long ones: decided before the maximum.
    expect(reference.cells.some((c) => c.stop!.reason === 'decided-pass' && c.trials.length - 1 < MAX)).toBe(true);
  });

  it('report the total as an upper bound while a cell is open, and the exact count once all have stopped', () => {
    const ran = reference.cells.reduce((n, c) => n + c.trials.length, 0);
    expect(progress[0]!.totalIsMax).toBe(true);
    expect(progress[0]!.total).toBeGreaterThan(ran);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ done: ran, total: ran, totalIsMax: false });
    // The bound only ever tightens as cells stop.
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.total).toBeLessThanOrEqual(progress[i - 1]!.total);
  });

  it('resumed after a kill mid-cell, takes the same trials as the uninterrupted run', async () => {
    for (const killAfter of [2, 6]) {
      const dir = join(tmp, `killed-${killAfter}`);
      await expect(run(dir, scenario(MAX), false, killAfter)).rejects.toBeInstanceOf(Killed);
      const resumed = await run(dir, scenario(MAX), true);
      expect(shape(dir, resumed)).toEqual(shape(referenceDir, reference));
    }
  }, 300_000);

  it('resumed after a kill between a trial and the decision to add the next, still takes the same trials', async () => {
    const dir = join(tmp, 'between');
    await expect(run(dir, scenario(MAX), false, 5)).rejects.toBeInstanceOf(Killed);
    // The kill came before the next trial was journalled: drop the pending trial the runner had added.
    const m = await readManifest(dir);
    const cell = m.cells.find((c) => c.trials.some((t) => t.status === 'pending'))!;
    const last = cell.trials[cell.trials.length - 1]!;
    expect(last.status).toBe('pending');
    cell.trials.pop();
    await writeManifest(dir, m);
    const resumed = await run(dir, scenario(MAX), true);
    expect(shape(dir, resumed)).toEqual(shape(referenceDir, reference));
  }, 300_000);

  it('a larger maximum on resume reopens only cells that ran out of trials, and the result equals a run with that maximum', async () => {
    // A maximum too small to decide anything (scenario files refuse it; the runner takes it as given): every cell settles at the minimum.
    const s = scenario(MAX);
    const small: Scenario = { ...s, trials: { ...s.trials, repetitions: { min: 3, max: 6 } } };
    const dir = join(tmp, 'topped');
    const first = await run(dir, small, false);
    expect(first.cells.map((c) => [c.stop?.reason, c.trials.length - 1])).toEqual(first.cells.map(() => ['settled', 3]));
    const resumed = await run(dir, withRepetitions(small, { min: 3, max: MAX }), true);
    expect(shape(dir, resumed)).toEqual(shape(referenceDir, reference));
  }, 300_000);

  it('the evaluation reports the stop and anytime-valid bounds', async () => {
    const results = await evaluateRun([referenceDir], { toolVersion: 'test' });
    for (const c of results.cells) {
      const rec = reference.cells.find((x) => x.id === c.id)!;
      expect(c.sequential).toMatchObject({ min: 3, max: MAX, trials: rec.trials.length - 1, stop: { reason: rec.stop!.reason, message: rec.stop!.message } });
      for (const g of c.gates.filter((x) => x.decided > 0)) {
        const b = anytimeInterval(g.leaks, g.decided, 0.95, 0.35);
        expect(g.upper).toBeCloseTo(b.upper, 4);
        expect(g.lower).toBeCloseTo(b.lower, 4);
        expect(g.meetsTarget).toBe(g.upper <= 0.35);
      }
      if (rec.stop!.reason === 'decided-pass') expect(c.recommendation).toMatchObject({ status: 'recommended' });
    }
  }, 120_000);

  it('re-evaluated at another target, compares with it but keeps the mixture the run was planned with', async () => {
    const results = await evaluateRun([referenceDir], { toolVersion: 'test', targetLeakRate: 0.5 });
    for (const c of results.cells) {
      expect(c.sequential?.stop?.reason).toBe(reference.cells.find((x) => x.id === c.id)!.stop!.reason);
      for (const g of c.gates.filter((x) => x.decided > 0)) {
        expect(g.upper).toBeCloseTo(anytimeInterval(g.leaks, g.decided, 0.95, 0.35).upper, 4);
        expect(g.meetsTarget).toBe(g.upper <= 0.5);
      }
    }
  }, 120_000);
});

describe('sequential plans in scenario files and on resume', () => {
  it('refuse a maximum that could not meet the target even without a leak', () => {
    expect(() => scenario(8)).toThrow(
      /trials\.repetitions\.max: 8 sequential trials cannot show a leak rate ≤ 35 % at 95 % confidence even without a leak \(needs 12\)/,
    );
  });

  it('refuse min above max', () => {
    expect(() => parseScenario('name: x\ntrials: { repetitions: { min: 30, max: 20 } }\nacceptance: { targetLeakRate: 0.5 }\n', 'x.yaml')).toThrow(
      /min must not exceed max/,
    );
  });

  it('refuse switching a run between fixed and sequential on resume', async () => {
    const dir = join(tmp, 'switch');
    execFileSync('cp', ['-a', referenceDir, dir]);
    const fixed = parseScenario(
      [
        'name: sequential',
        'seed: 5',
        'base: { fixtures: [flite-slt-short-01, flite-slt-question-01] }',
        'matrix: { route: [speaker, receiver] }',
        'trials: { repetitions: 20, preRollMs: 300, postRollMs: 1500 }',
        'analysis: { gatesMs: [0, 300, 800] }',
        'acceptance: { targetLeakRate: 0.35 }',
        'vad: { profiles: [] }',
      ].join('\n'),
      'sequential.yaml',
    );
    await expect(run(dir, fixed, true)).rejects.toThrow(/E_RESUME_REPEAT|between fixed and sequential/);
  }, 60_000);
});

describe('voiceaec run with sequential trials (the built CLI)', () => {
  it('--repeat MIN:MAX with min above max is one usage line', async () => {
    const r = await runCli(['run', '--scenario', 'quiet-room', '--repeat', '9:3', '--out', join(tmp, 'cli-bad')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^E_OPTION: --repeat "9:3": the minimum is above the maximum/);
  });

  it('--repeat MIN:MAX too short for the target is refused before a device, with the count it needs', async () => {
    const r = await runCli(['run', '--scenario', 'quiet-room', '--repeat', '3:10', '--out', join(tmp, 'cli-short')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/E_SCENARIO_FIELD: .*10 sequential trials cannot show a leak rate ≤ 20 % at 95 % confidence even without a leak \(needs 22\)/);
  });

  it('prints per cell the trials run, why it stopped and that the bounds are anytime-valid', async () => {
    const file = join(tmp, 'cli.yaml');
    writeFileSync(file, scenarioText(MAX));
    const out = join(tmp, 'cli-run');
    const r = await runCli(['run', '--scenario', file, '--out', out, '--ci'], 180_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('anytime-valid confidence sequence, sequential trials, 95 % confidence) is ≤ 35 %');
    for (const c of reference.cells) {
      expect(r.stdout).toContain(`${c.id}: sequential: ${c.trials.length - 1} trials (min 3, max ${MAX}); stopped`);
      expect(r.stdout).toContain(`${c.trials.length - 1}/${c.trials.length - 1} · ${c.stop!.reason} (max ${MAX})`);
    }
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toContain('### Sequential trials');
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    expect(junit).toContain('leak-rate bounds are anytime-valid');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<b>Sequential trials</b>');
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { cells: Array<{ sequential?: { stop: { reason: string } | null } }> };
    expect(results.cells.map((c) => c.sequential?.stop?.reason)).toEqual(reference.cells.map((c) => c.stop!.reason));
  }, 200_000);
});

/**
 * A run directory holds everything its analysis needs: replaying each trial's stored
 * analysis request on its stored audio gives the stored metrics byte for byte, and an
 * evaluation that re-analyses every trial gives the same cells as one that reads the
 * stored metrics.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCalibrationRecording, analyzeRecording } from '../../src/analysis/analyze-recording.js';
import { SimDriver } from '../../src/device/sim-driver.js';
import { evaluateRun } from '../../src/evaluation/evaluate-run.js';
import { TRIAL_FILES } from '../../src/run-dir/layout.js';
import type { RunManifest } from '../../src/run-dir/manifest-schema.js';
import { readTrialAnalysis, readTrialPair } from '../../src/run-dir/trial-files.js';
import { ScenarioRunner } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-reanalysis-'));
const runDir = join(tmp, 'run');
let manifest: RunManifest;

beforeAll(async () => {
  const scenario = parseScenario(
    'name: reanalysis\nseed: 7\nbase: { fixtures: [flite-slt-short-01], pattern: underrun }\nmatrix: { route: [speaker, receiver] }\ntrials: { repetitions: 2, preRollMs: 300, postRollMs: 600 }\nanalysis: { gatesMs: [0, 300, 800] }\n',
    'reanalysis.yaml',
  );
  const runner = await ScenarioRunner.create({
    scenario,
    scenarioSource: 'reanalysis.yaml',
    runDir,
    driver: new SimDriver({ seed: 7 }),
    fixturesDir: FIXTURES,
    resume: false,
    toolVersion: 'test',
    gitCommit: null,
  });
  manifest = await runner.run();
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('re-analysis of a run directory', () => {
  it('replays every trial’s stored request into its stored metrics, byte for byte', async () => {
    const trials = manifest.cells.flatMap((c) => c.trials).filter((t) => t.status === 'ok' && !t.calibration);
    expect(trials.length).toBe(4);
    for (const t of trials) {
      const stored = await readTrialAnalysis(runDir, t.dir);
      expect(stored.problems).toEqual([]);
      const again = await analyzeRecording(await readTrialPair(runDir, t.dir, stored.request!.channels), stored.request!);
      expect(JSON.stringify(again, null, 2) + '\n').toBe(readFileSync(join(runDir, t.dir, TRIAL_FILES.metrics), 'utf8'));
    }
  }, 120_000);

  it('recomputes each cell’s calibration.json from its calibration recording, byte for byte', async () => {
    for (const c of manifest.cells) {
      const cal = c.trials.find((t) => t.calibration)!;
      expect(cal.status).toBe('ok');
      const { request } = await readTrialAnalysis(runDir, c.trials.find((t) => !t.calibration)!.dir);
      const again = await analyzeCalibrationRecording(await readTrialPair(runDir, cal.dir), request!.options);
      expect(JSON.stringify(again, null, 2) + '\n').toBe(readFileSync(join(runDir, cal.dir, TRIAL_FILES.calibration), 'utf8'));
    }
  }, 120_000);

  it('evaluates the same cells from audio as from the stored metrics', async () => {
    const [fromAudio, fromMetrics] = await Promise.all([
      evaluateRun([runDir], { toolVersion: 'test', reanalyze: true }),
      evaluateRun([runDir], { toolVersion: 'test', reanalyze: false }),
    ]);
    expect(fromAudio.cells.map((c) => c.counts.reanalysed)).toEqual([2, 2]);
    expect(fromMetrics.cells.map((c) => c.counts.reanalysed)).toEqual([0, 0]);
    const strip = (r: typeof fromAudio) =>
      JSON.parse(JSON.stringify(r.cells, (k, v) => (k === 'reanalysed' || k === 'source' || k === 'options' ? undefined : v)));
    expect(strip(fromAudio)).toEqual(strip(fromMetrics));
  }, 120_000);
});

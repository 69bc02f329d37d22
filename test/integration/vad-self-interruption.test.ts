/**
 * The acceptance on self-interruption, made measurable (docs/vad.md § Self-interruption
 * on the virtual iPhone): the virtual iPhone with the correct init order and with voice
 * processing enabled before the playback graph (`vpFirst`), 10 trials each of five TTS
 * fixtures, fixed seeds; the self-interruption rate during playback per shipped profile.
 * Simulated: the numbers are the model's, not an iPhone's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimDriver } from '../../src/device/sim-driver.js';
import { evaluateRun } from '../../src/evaluation/evaluate-run.js';
import type { Results } from '../../src/report/results-schema.js';
import type { RunManifest } from '../../src/run-dir/manifest-schema.js';
import { readTurnVerdicts } from '../../src/run-dir/turn-verdicts-file.js';
import { ScenarioRunner } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-vad-self-'));
const runDir = join(tmp, 'run');
let manifest: RunManifest;
let results: Results;

const SCENARIO = `name: vad-self-interruption
seed: 11
base: { fixtures: [flite-slt-short-01, flite-slt-question-01, rms-plosive-01, awb-short-01, kal-question-01], profile: iphone15-ios17 }
matrix: { initOrder: [correct, vpFirst] }
trials: { repetitions: 10, preRollMs: 300, postRollMs: 1500, calibration: null }
analysis: { gatesMs: [0, 800] }
`;

beforeAll(async () => {
  const driver = new SimDriver({ seed: 11 });
  const runner = await ScenarioRunner.create({
    scenario: parseScenario(SCENARIO, 'vad-self.yaml'),
    scenarioSource: 'vad-self.yaml',
    runDir,
    driver,
    fixturesDir: FIXTURES,
    resume: false,
    toolVersion: 'test',
    gitCommit: null,
  });
  try {
    manifest = await runner.run();
  } finally {
    await driver.close();
  }
  results = await evaluateRun([runDir], { toolVersion: 'test' });
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const self = (initOrder: string, profile: string) =>
  results.cells.find((c) => c.dims.initOrder === initOrder)!.turns.find((t) => t.profile === profile)!.selfInterruption;

/** Per trial of a cell, in order: did the profile interrupt the agent during playback? */
async function perTrial(initOrder: string, profile: string): Promise<Array<boolean | null>> {
  const cell = manifest.cells.find((c) => c.dims.initOrder === initOrder)!;
  const out: Array<boolean | null> = [];
  for (const t of cell.trials.filter((x) => !x.calibration)) {
    const v = (await readTurnVerdicts(runDir, t.dir)).value!;
    out.push(v.profiles.find((p) => p.profile.name === profile)!.verdicts.playback.fired);
  }
  return out;
}

describe('self-interruption during playback on the virtual iPhone (simulated)', () => {
  it('vpFirst: every profile interrupts the agent in every trial (the issue: near 100 %)', async () => {
    for (const p of ['pipecat', 'livekit', 'openai-realtime']) {
      expect(self('vpFirst', p)).toMatchObject({ leaks: 10, decided: 10, undecided: 0 });
      expect(await perTrial('vpFirst', p)).toEqual(Array(10).fill(true));
    }
  });

  it('correct order: no profile interrupts the agent, the cold first trial included (the issue: near 0)', async () => {
    // The frequency-dependent suppressor replaces the bins its residual echo estimate dominates by comfort noise at the
    // room's floor (docs/vad.md § Self-interruption): what is left of the TTS is neither loud nor speech-shaped.
    for (const p of ['pipecat', 'livekit', 'openai-realtime']) {
      expect(self('correct', p)).toMatchObject({ leaks: 0, decided: 10, undecided: 0 });
      expect(await perTrial('correct', p)).toEqual(Array(10).fill(false));
      expect(self('vpFirst', p).rate! - self('correct', p).rate!).toBe(1);
    }
  });
});

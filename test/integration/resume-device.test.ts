/**
 * A run is resumed on the device it started on: another device is refused with one line
 * (exit 2) unless the user allows it, and then the change is said out loud.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/core/errors.js';
import { SimDriver } from '../../src/device/sim-driver.js';
import { readManifest, writeManifest } from '../../src/run-dir/manifest-file.js';
import { deviceChanges } from '../../src/scenario/resume-run.js';
import { ScenarioRunner } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-resume-device-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scenario = parseScenario(
  'name: resume-device\nbase: { fixtures: [flite-slt-short-01] }\ntrials: { repetitions: 2, preRollMs: 300, postRollMs: 600 }\nanalysis: { gatesMs: [0, 300] }\n',
  'resume-device.yaml',
);

const runner = (runDir: string, profile: string, resume: boolean, allowDeviceChange = false, warnings: string[] = []) =>
  ScenarioRunner.create({
    scenario,
    scenarioSource: 'resume-device.yaml',
    runDir,
    driver: new SimDriver({ seed: 1, profile }),
    fixturesDir: FIXTURES,
    resume,
    deviceTarget: 'sim',
    allowDeviceChange,
    toolVersion: 'test',
    gitCommit: null,
    onProgress: (p) => p.type === 'warning' && warnings.push(p.message),
  });

/** A run killed after its first trials: the journal says running, the last trial pending. */
async function interruptedRun(name: string): Promise<string> {
  const dir = join(tmp, name);
  await (await runner(dir, 'iphone16-ios18', false)).run();
  const m = await readManifest(dir);
  m.status = 'running';
  m.cells[0]!.status = 'running';
  Object.assign(m.cells[0]!.trials.at(-1)!, { status: 'pending', reason: null });
  await writeManifest(dir, m);
  return dir;
}

describe('resuming on another device', () => {
  it('records how the device was reached and its identity', async () => {
    const dir = await interruptedRun('records');
    const m = await readManifest(dir);
    expect(m.device).toMatchObject({ kind: 'sim', class: 'virtual-iphone', target: 'sim', id: null });
  }, 60_000);

  it('refuses another device with one line and a usage exit code, and keeps the journal', async () => {
    const dir = await interruptedRun('refuse');
    const r = await runner(dir, 'iphone15-ios17', true);
    const err = await r.run().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_RESUME_DEVICE', exitCode: ExitCode.usage });
    expect((err as Error).message).toMatch(/started on another device \(model .+ → .+/);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    const m = await readManifest(dir);
    expect(m.cells[0]!.trials.at(-1)!.status).toBe('pending');
  }, 60_000);

  it('continues on another device when allowed, and says so', async () => {
    const dir = await interruptedRun('allow');
    const warnings: string[] = [];
    const m = await (await runner(dir, 'iphone15-ios17', true, true, warnings)).run();
    expect(m.status).toBe('complete');
    expect(m.cells[0]!.trials.every((t) => t.status === 'ok')).toBe(true);
    expect(warnings.join('\n')).toMatch(/continuing on another device than the run started on: model/);
  }, 60_000);

  it('the same device resumes without a word', async () => {
    const dir = await interruptedRun('same');
    const warnings: string[] = [];
    const m = await (await runner(dir, 'iphone16-ios18', true, false, warnings)).run();
    expect(m.status).toBe('complete');
    expect(warnings.filter((w) => /another device/.test(w))).toEqual([]);
  }, 60_000);

  it('compares kind, class, model, name, OS and a known id', () => {
    const d = { kind: 'device' as const, model: 'iPhone17,3', osVersion: '18.3', appVersion: '1', name: 'Lab 7', simulated: false, id: 'UDID-A' };
    expect(deviceChanges(d, { ...d })).toEqual([]);
    expect(deviceChanges(d, { ...d, appVersion: '2' })).toEqual([]); // a rebuilt app is the same device
    expect(deviceChanges(d, { ...d, id: 'UDID-B' })).toEqual(['id UDID-A → UDID-B']);
    expect(deviceChanges(d, { ...d, id: null })).toEqual([]);
    expect(deviceChanges(d, { ...d, osVersion: '18.4', simulated: true })).toEqual(['class iphone → virtual-iphone', 'osVersion 18.3 → 18.4']);
    // Cold (files without warm-up) and warm trials do not mix; a run from before the link was recorded does not compare it.
    const files = (warmupTrials: number) => ({ ...d, link: { connection: 'files' as const, warmupTrials } });
    expect(deviceChanges(files(1), files(0))).toEqual(['link files mode, 1 warm-up trial per launch → files mode, 0 warm-up trials per launch']);
    expect(deviceChanges(files(0), { ...d, link: { connection: 'ws', warmupTrials: 0 } })).toEqual([
      'link files mode, 0 warm-up trials per launch → ws connection',
    ]);
    expect(deviceChanges({ ...d, link: { connection: 'ws', warmupTrials: 0 } }, { ...d, link: { connection: 'lan', warmupTrials: 0 } })).toEqual([]);
    expect(deviceChanges(d, files(0))).toEqual([]);
  });
});

/**
 * The runner against a device that fails: a WebSocket proxy in front of the virtual iPhone
 * drops the connection when chosen trials start (as a crashing app would). The trial is
 * marked failed with the reason, the device is relaunched, the run goes on; too many
 * failures in a row abandon the cell with a reason, and the next cell still runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RemoteDriver } from '../../src/device/remote-driver.js';
import { ScenarioRunner } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import { startSimDevice } from '../../src/sim/device-server.js';
import { startWsProxy } from '../helpers/ws-proxy.js';

const TOKEN = 'fault-token-0123456789';
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Forwards CLI ⇄ device; cuts the connection when a trial whose id matches `kill` is sent. */
function faultyProxy(target: string, kill: (trialId: string, attempt: number) => boolean) {
  const attempts = new Map<string, number>();
  return startWsProxy(target, {
    fromClient: (d, binary) => {
      if (binary) return 'forward';
      const m = JSON.parse(d.toString()) as { type: string; trialId?: string };
      if (m.type !== 'trial') return 'forward';
      const n = (attempts.get(m.trialId!) ?? 0) + 1;
      attempts.set(m.trialId!, n);
      return kill(m.trialId!, n) ? 'cut' : 'forward';
    },
  });
}

const scenario = (repetitions: number) =>
  parseScenario(
    `name: faults\nbase: { fixtures: [flite-slt-short-01] }\nmatrix: { route: [speaker, receiver] }\ntrials: { repetitions: ${repetitions}, preRollMs: 300, postRollMs: 600, maxConsecutiveFailures: 2 }\nanalysis: { gatesMs: [0, 300] }\n`,
    'faults.yaml',
  );

describe('runner with a failing device', () => {
  it('marks a dropped trial failed, relaunches and goes on', async () => {
    const sim = await startSimDevice({ port: 0, token: TOKEN, profile: 'iphone16-ios18', seed: 1 });
    const proxy = await faultyProxy(sim.url, (id) => id === 'speaker.t002');
    const runDir = join(tmp, 'one-drop');
    try {
      const warnings: string[] = [];
      const runner = await ScenarioRunner.create({
        scenario: scenario(3),
        scenarioSource: 'faults.yaml',
        runDir,
        driver: new RemoteDriver(proxy.url, TOKEN),
        fixturesDir: FIXTURES,
        resume: false,
        toolVersion: 'test',
        gitCommit: null,
        onProgress: (p) => p.type === 'warning' && warnings.push(p.message),
      });
      const m = await runner.run();
      expect(m.status).toBe('complete');
      const speaker = m.cells.find((c) => c.id === 'speaker')!;
      expect(speaker.status).toBe('done');
      expect(speaker.trials.map((t) => t.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
      expect(speaker.trials[2]!.reason).toMatch(/E_DEVICE_DISCONNECTED/);
      expect(speaker.deviceCrashes).toBe(1);
      expect(m.cells.find((c) => c.id === 'receiver')!.trials.every((t) => t.status === 'ok')).toBe(true);
      expect(warnings.join('\n')).toMatch(/relaunching/);
      expect(JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')).status).toBe('complete');
    } finally {
      await proxy.close();
      await sim.close();
    }
  }, 60_000);

  it('abandons a cell after consecutive failures and still runs the next cell', async () => {
    const sim = await startSimDevice({ port: 0, token: TOKEN, profile: 'iphone16-ios18', seed: 1 });
    const proxy = await faultyProxy(sim.url, (id) => id.startsWith('speaker.t00') && id !== 'speaker.t000');
    const runDir = join(tmp, 'abandon');
    try {
      const runner = await ScenarioRunner.create({
        scenario: scenario(4),
        scenarioSource: 'faults.yaml',
        runDir,
        driver: new RemoteDriver(proxy.url, TOKEN),
        fixturesDir: FIXTURES,
        resume: false,
        toolVersion: 'test',
        gitCommit: null,
      });
      const m = await runner.run();
      const speaker = m.cells.find((c) => c.id === 'speaker')!;
      expect(speaker.status).toBe('abandoned');
      expect(speaker.reason).toMatch(/2 consecutive failed trials/);
      expect(speaker.trials.slice(3).every((t) => t.status === 'failed' && t.reason === 'not run: cell abandoned')).toBe(true);
      expect(m.cells.find((c) => c.id === 'receiver')!.status).toBe('done');
    } finally {
      await proxy.close();
      await sim.close();
    }
  }, 60_000);
});

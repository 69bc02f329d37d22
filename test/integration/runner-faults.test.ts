/**
 * The runner against a device that fails: a WebSocket proxy in front of the virtual iPhone
 * drops the connection when chosen trials start (as a crashing app would). The trial is
 * marked failed with the reason, the device is relaunched, the run goes on; too many
 * failures in a row abandon the cell with a reason, and the next cell still runs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { RemoteDriver } from '../../src/device/remote-driver.js';
import { ScenarioRunner } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import { startSimDevice } from '../../src/sim/device-server.js';

const TOKEN = 'fault-token-0123456789';
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Forwards CLI ⇄ device; kills the CLI side when a trial whose id matches `kill` is sent. */
async function faultyProxy(target: string, kill: (trialId: string, attempt: number) => boolean) {
  const attempts = new Map<string, number>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const pending: Array<[Buffer, boolean]> = [];
    upstream.on('open', () => pending.splice(0).forEach(([d, b]) => upstream.send(d, { binary: b })));
    upstream.on('message', (d, b) => client.readyState === client.OPEN && client.send(d as Buffer, { binary: b }));
    upstream.on('close', () => client.terminate());
    client.on('message', (d, b) => {
      if (!b) {
        const m = JSON.parse((d as Buffer).toString()) as { type: string; trialId?: string };
        if (m.type === 'trial') {
          const n = (attempts.get(m.trialId!) ?? 0) + 1;
          attempts.set(m.trialId!, n);
          if (kill(m.trialId!, n)) {
            client.terminate();
            upstream.terminate();
            return;
          }
        }
      }
      if (upstream.readyState === upstream.OPEN) upstream.send(d as Buffer, { binary: b });
      else pending.push([d as Buffer, b]);
    });
    client.on('close', () => upstream.terminate());
  });
  await new Promise((r) => wss.once('listening', r));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/harness`, close: () => new Promise<void>((d) => wss.close(() => d())) };
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

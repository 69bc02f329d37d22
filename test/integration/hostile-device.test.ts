/**
 * A device that sends values its trial plan does not allow: host times far in the future,
 * streams longer than the trial, event floods. Each such trial fails with a reason, the
 * run goes on and completes, and memory stays bounded (no stream is allocated from a
 * device's number). A proxy between the runner and the virtual iPhone doctors the traffic.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RemoteDriver } from '../../src/device/remote-driver.js';
import { decodeAudioFrame, encodeAudioFrame, type AudioFrame } from '../../src/protocol/audio-frame.js';
import { ScenarioRunner } from '../../src/scenario/runner.js';
import { parseScenario } from '../../src/scenario/scenario-file.js';
import { startSimDevice } from '../../src/sim/device-server.js';
import { startWsProxy } from '../helpers/ws-proxy.js';

const TOKEN = 'hostile-token-0123456789';
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** What the proxy does to one device → CLI message: the same, another, several, or nothing. */
type Doctor = (msg: { binary: true; frame: AudioFrame } | { binary: false; json: Record<string, unknown> }) => Array<Uint8Array | string>;

function doctoringProxy(target: string, doctor: Doctor) {
  return startWsProxy(target, {
    fromDevice: (d, binary) =>
      binary
        ? doctor({ binary: true, frame: decodeAudioFrame(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)) })
        : doctor({ binary: false, json: JSON.parse(d.toString()) as Record<string, unknown> }),
  });
}

const scenario = parseScenario(
  'name: hostile\nbase: { fixtures: [flite-slt-short-01] }\ntrials: { repetitions: 4, preRollMs: 300, postRollMs: 600, maxConsecutiveFailures: 3, calibration: null }\nanalysis: { gatesMs: [0, 300] }\n',
  'hostile.yaml',
);

/** Which trial a doctor is looking at: the sim numbers streams per trial, in order. */
function trialOf(frame: AudioFrame, seen: Map<number, number>): number {
  if (!seen.has(frame.streamId)) seen.set(frame.streamId, seen.size + 1);
  return seen.get(frame.streamId)!;
}

async function runThrough(name: string, doctor: Doctor) {
  const sim = await startSimDevice({ port: 0, token: TOKEN, profile: 'iphone16-ios18', seed: 1 });
  const proxy = await doctoringProxy(sim.url, doctor);
  try {
    const runner = await ScenarioRunner.create({
      scenario,
      scenarioSource: 'hostile.yaml',
      runDir: join(tmp, name),
      driver: new RemoteDriver(proxy.url, TOKEN),
      fixturesDir: FIXTURES,
      resume: false,
      toolVersion: 'test',
      gitCommit: null,
    });
    const heapBefore = process.memoryUsage().heapUsed;
    const m = await runner.run();
    return { m, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
  } finally {
    await proxy.close();
    await sim.close();
  }
}

const pass = (msg: Parameters<Doctor>[0]) => [msg.binary ? encodeAudioFrame(msg.frame) : JSON.stringify(msg.json)];

describe('a hostile device', () => {
  it.each([
    ['a play frame 1.8e19 ns in the future', 1.8e19],
    ['a play stream placed 1e12 ns (16 min) late', 1e12],
  ])(
    '%s fails that trial only; the run completes without allocating for it',
    async (_what, shiftNs) => {
      const seen = new Map<number, number>();
      const { m, heapGrowth } = await runThrough(`shift-${shiftNs}`, (msg) => {
        if (msg.binary && msg.frame.kind === 'play' && trialOf(msg.frame, seen) === 3) {
          const t = msg.frame.hostTimeNs + BigInt(shiftNs);
          return [encodeAudioFrame({ ...msg.frame, hostTimeNs: t > 2n ** 64n - 1n ? 2n ** 64n - 1n : t })];
        }
        return pass(msg);
      });
      expect(m.status).toBe('complete');
      const trials = m.cells[0]!.trials;
      expect(trials.filter((t) => t.status === 'failed').map((t) => t.reason)).toEqual([
        expect.stringMatching(/^E_TRIAL_BOUNDS: .*the play stream is placed at/),
      ]);
      expect(trials.filter((t) => t.status === 'ok')).toHaveLength(3);
      expect(heapGrowth).toBeLessThan(200 * 2 ** 20); // a 16-minute stream would be ≥ 190 MB
    },
    120_000,
  );

  it('a stream longer than its trial is cut off at the bound and fails that trial', async () => {
    const seen = new Map<number, number>();
    const { m } = await runThrough('long-stream', (msg) => {
      // Trial 2's mic frames are each sent 40 times over: ≈ 40× the planned length.
      if (msg.binary && msg.frame.kind === 'mic' && trialOf(msg.frame, seen) === 2) {
        return Array.from({ length: 40 }, (_, k) => encodeAudioFrame({ ...msg.frame, sequence: msg.frame.sequence * 40 + k }));
      }
      return pass(msg);
    });
    expect(m.status).toBe('complete');
    expect(m.cells[0]!.trials.map((t) => t.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    expect(m.cells[0]!.trials[1]!.reason).toMatch(/^E_TRIAL_BOUNDS: .*the mic stream exceeds/);
  }, 120_000);

  it('an event timed an hour after the trial fails that trial', async () => {
    let n = 0;
    const { m } = await runThrough('late-event', (msg) => {
      if (!msg.binary && msg.json.type === 'event' && msg.json.name === 'bufferDrained' && ++n === 1) {
        return [JSON.stringify({ ...msg.json, hostTimeNs: (BigInt(msg.json.hostTimeNs as string) + 3_600_000_000_000n).toString() })];
      }
      return pass(msg);
    });
    expect(m.status).toBe('complete');
    expect(m.cells[0]!.trials[0]!.reason).toMatch(/^E_TRIAL_BOUNDS: .*event bufferDrained at 36\d{5}\.\d ms/);
    expect(m.cells[0]!.trials.slice(1).every((t) => t.status === 'ok')).toBe(true);
  }, 120_000);

  it('a mic with a corrupt sample (1e34: a flipped exponent bit) fails that trial as unmeasurable, never a verdict', async () => {
    const seen = new Map<number, number>();
    const { m } = await runThrough('corrupt-mic', (msg) => {
      if (msg.binary && msg.frame.kind === 'mic' && trialOf(msg.frame, seen) === 2) {
        const samples = Float32Array.from(msg.frame.samples);
        samples[0] = 1e34;
        return [encodeAudioFrame({ ...msg.frame, samples })];
      }
      return pass(msg);
    });
    expect(m.status).toBe('complete');
    expect(m.cells[0]!.trials.map((t) => t.status)).toEqual(['ok', 'failed', 'ok', 'ok']);
    expect(m.cells[0]!.trials[1]!.reason).toMatch(/^E_ANALYSIS_IMPLAUSIBLE: /);
  }, 120_000);
});

/**
 * The virtual iPhone as its own process keeps serving while a long trial computes: each
 * connection's phone runs on a worker thread (src/sim/sim-app-host.ts). Before, a maximal
 * trial blocked the server's thread and another client's hello timed out behind it. The
 * check is an order, not a duration: the second client is ready before the first trial ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceSession } from '../../src/device/device-session.js';
import { RemoteDriver } from '../../src/device/remote-driver.js';
import { connectToDevice } from '../../src/protocol/endpoints.js';
import type { DeviceConfig } from '../../src/protocol/messages.js';

const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const CONFIG = (JSON.parse(readFileSync(new URL('../../fixtures/protocol/configure.json', import.meta.url), 'utf8')) as { config: DeviceConfig }).config;
const TOKEN = 'responsive-sim-token-0123456789';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

async function startSimDevice(): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'sim-device', '--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const rl = createInterface({ input: child.stdout });
  for await (const line of rl) if (line.startsWith('{')) return (JSON.parse(line) as { url: string }).url;
  throw new Error('sim-device printed no URL');
}

describe('voiceaec sim-device under a long trial', () => {
  it('answers another client while one trial of two minutes of audio computes', async () => {
    const url = await startSimDevice();
    const a = new DeviceSession(new RemoteDriver(url, TOKEN));
    await a.open();
    const config = {
      ...CONFIG,
      sampleRate: 16_000,
      gate: { kind: 'hard' as const, ms: 300, thresholdDbfs: -35 },
      simulation: { ...CONFIG.simulation!, rirAudioId: null },
    };
    expect((await a.configure(config)).ok).toBe(true);
    const frames = 16_000 * 120;
    const audio = new Float32Array(frames).map((_, i) => 0.1 * Math.sin((2 * Math.PI * 220 * i) / 16_000));
    await a.loadAudio('long', audio, 16_000);

    const order: string[] = [];
    const trial = a
      .runTrial(
        {
          type: 'trial',
          trialId: 'long.t001',
          audioId: 'long',
          schedule: [{ atMs: 0, startFrame: 0, frameCount: frames }],
          preRollMs: 500,
          postRollMs: 1000,
          bypassVoiceProcessing: false,
          nearEnd: null,
          groundTruth: false,
        },
        121_500,
        600_000,
      )
      .then((t) => {
        order.push('first trial done');
        return t;
      });
    const b = await connectToDevice(url, TOKEN);
    order.push('second client ready');
    expect(b.ready.device.simulated).toBe(true);
    b.peer.close();

    const done = await trial;
    expect(done.ok).toBe(true);
    expect(done.streams.mic?.length ?? 0).toBeGreaterThanOrEqual(frames);
    expect(order).toEqual(['second client ready', 'first trial done']);
    a.close();
  }, 600_000);
});

/**
 * Malformed, truncated, oversized and out-of-order input against both servers: the
 * virtual iPhone's device server and the CLI's lan listener. Each bad connection must get
 * a protocol error and be closed; the server must keep serving a good connection that
 * runs at the same time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { encodeMessage } from '../../src/protocol/codec.js';
import { connectToDevice, listenForDevice, type Listener } from '../../src/protocol/endpoints.js';
import type { Peer } from '../../src/protocol/peer.js';
import { dialAsSimDevice, startSimDevice } from '../../src/sim/device-server.js';
import { rng } from '../helpers/random.js';

const TOKEN = 'fuzz-token-0123456789';
const vectors = fileURLToPath(new URL('../../fixtures/protocol/', import.meta.url));
const hello = encodeMessage({ type: 'hello', id: 1, version: 1, token: TOKEN, client: { name: 'fuzz', version: '0' } });
const configure = readFileSync(`${vectors}configure.json`, 'utf8');

interface Outcome {
  messages: Array<{ type: string; code?: string }>;
  closeCode: number;
}

/** Opens a raw socket, sends `frames` in order, collects what comes back until the close. */
function attack(url: string, frames: Array<string | Uint8Array>, timeoutMs = 5000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const messages: Outcome['messages'] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no close within ${timeoutMs} ms after ${JSON.stringify(messages)}`));
    }, timeoutMs);
    ws.on('open', () => {
      for (const f of frames) ws.send(f);
    });
    ws.on('message', (data, binary) => {
      if (!binary) messages.push(JSON.parse((data as Buffer).toString()) as { type: string; code?: string });
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve({ messages, closeCode: code });
    });
  });
}

/** A mutated copy of a valid input: flipped bytes, truncation or appended junk, seeded. */
function mutate(input: Uint8Array, r: () => number): Uint8Array {
  const b = Uint8Array.from(input);
  switch (Math.floor(r() * 3)) {
    case 0:
      for (let k = 0; k < 1 + Math.floor(r() * 4); k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
      return b;
    case 1:
      return b.subarray(0, Math.floor(r() * b.length));
    default:
      return Uint8Array.from([...b, ...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256))]);
  }
}

describe('device server under malformed input', () => {
  let server: Listener & { url: string };
  beforeAll(async () => {
    server = await startSimDevice({ port: 0, token: TOKEN, profile: 'iphone16-ios18', seed: 1 });
  });
  afterAll(() => server.close());

  const expectProtocolError = (o: Outcome, code: string, close = 1002) => {
    expect(o.messages.at(-1)).toMatchObject({ type: 'error', code });
    expect(o.closeCode).toBe(close);
  };

  it('closes on text that is not JSON', async () => expectProtocolError(await attack(server.url, ['{"type":']), 'E_PROTO_MALFORMED'));
  it('closes on a wrong token with a policy close', async () =>
    expectProtocolError(await attack(server.url, [hello.replace(TOKEN, 'x'.repeat(21))]), 'E_PROTO_TOKEN', 1008));
  it('closes on a message before hello', async () => expectProtocolError(await attack(server.url, [configure]), 'E_PROTO_UNEXPECTED'));
  it('closes on a trial before configure', async () =>
    expectProtocolError(await attack(server.url, [hello, readFileSync(`${vectors}trial.json`, 'utf8')]), 'E_PROTO_UNEXPECTED'));
  it('closes on a truncated audio frame', async () =>
    expectProtocolError(await attack(server.url, [hello, readFileSync(`${vectors}invalid/truncated.bin`)]), 'E_PROTO_AUDIO_HEADER'));
  it('closes on audio for a stream nobody announced', async () =>
    expectProtocolError(await attack(server.url, [hello, readFileSync(`${vectors}audio-fixture-f32.bin`)]), 'E_PROTO_UNEXPECTED'));
  it('closes on a frame over the size limit with 1009', async () => {
    const o = await attack(server.url, [hello, new Uint8Array(2 << 20)]);
    expect(o.closeCode).toBe(1009);
  });
  it('closes on an unknown message type', async () =>
    expectProtocolError(await attack(server.url, [hello, '{"id":2,"type":"format","version":1}']), 'E_PROTO_UNKNOWN_TYPE'));

  it('survives 60 seeded mutations of valid frames while a good session runs', async () => {
    const good = connectToDevice(server.url, TOKEN).then(async ({ peer }) => {
      const r = await peer.request(JSON.parse(configure) as never, 'configured');
      peer.close();
      return r;
    });
    const r = rng(7);
    const inputs = ['configure.json', 'trial.json', 'loadAudio.json', 'audio-fixture-f32.bin'].map((f) => new Uint8Array(readFileSync(vectors + f)));
    const attacks = Array.from({ length: 60 }, (_, k) => {
      const m = mutate(inputs[k % inputs.length]!, r);
      const asText = k % 4 !== 3;
      return attack(server.url, [hello, asText ? Buffer.from(m).toString('latin1') : m], 8000);
    });
    const outcomes = await Promise.all(attacks);
    // Each mutated input either happens to be valid (the session goes on, then the test's
    // socket closes normally) or draws a protocol error; none hangs, none kills the server.
    for (const o of outcomes) {
      const last = o.messages.at(-1);
      if (last?.type === 'error') expect(last.code).toMatch(/^E_(PROTO|AUDIO)_/);
    }
    expect((await good).type).toBe('configured');
    // The server still takes new sessions.
    const again = await connectToDevice(server.url, TOKEN);
    expect(again.ready.device.simulated).toBe(true);
    again.peer.close();
  }, 30_000);
});

describe('CLI lan listener under malformed input', () => {
  it('refuses a wrong token, closes on garbage, and still accepts a good device', async () => {
    const devices: Peer[] = [];
    const listener = await listenForDevice({ port: 0, token: TOKEN, onDevice: (peer) => devices.push(peer), onError: () => undefined });
    const url = `ws://127.0.0.1:${listener.port}/harness`;
    try {
      // No token: the upgrade itself is refused.
      const refused = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
      expect(refused).toBe(401);
      // Right token, then a device that answers hello with garbage, then one that sends
      // a CLI-only message: both get protocol errors.
      const garbage = await attack(`${url}?token=${TOKEN}`, ['not json at all']);
      expect(garbage.messages.at(-1)).toMatchObject({ type: 'error', code: 'E_PROTO_MALFORMED' });
      const wrongRole = await attack(`${url}?token=${TOKEN}`, [hello]);
      expect(wrongRole.messages.at(-1)).toMatchObject({ type: 'error', code: 'E_PROTO_UNEXPECTED' });
      const oversized = await attack(`${url}?token=${TOKEN}`, [new Uint8Array(2 << 20)]);
      expect(oversized.closeCode).toBe(1009);
      // A well-behaved virtual iPhone dialling in is accepted.
      const sim = await dialAsSimDevice(url, TOKEN, { profile: 'iphone16-ios18', seed: 1 });
      await expect.poll(() => devices.length, { timeout: 5000 }).toBe(1);
      expect(devices[0]!.isOpen).toBe(true);
      sim.close();
    } finally {
      await listener.close();
    }
  }, 30_000);
});

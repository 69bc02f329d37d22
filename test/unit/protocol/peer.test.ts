/** The WebSocket peer: request/reply, timeouts, heartbeats and role checks, on loopback. */
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Peer } from '../../../src/protocol/peer.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0))
    await new Promise<void>((done) => {
      for (const c of s.clients) c.terminate();
      s.close(() => done());
    });
});

/** A loopback server whose connections are handed to `onSocket`, and a client Peer connected to it. */
async function pair(onSocket: (ws: WebSocket) => void, opts: Partial<ConstructorParameters<typeof Peer>[1]> = {}): Promise<Peer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  wss.on('connection', onSocket);
  await new Promise((r) => wss.once('listening', r));
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await new Promise((r) => ws.once('open', r));
  return new Peer(ws, { role: 'cli', ...opts });
}

const closeError = (peer: Peer) => new Promise<string | null>((done) => peer.on('close', (e) => done(e?.code ?? null)));

describe('Peer', () => {
  it('matches a reply to its request by inReplyTo', async () => {
    const peer = await pair((ws) =>
      ws.on('message', (d) => {
        const m = JSON.parse((d as Buffer).toString());
        // A stray reply to another id first: it must not satisfy the request.
        ws.send(JSON.stringify({ type: 'teardownDone', id: 1, version: 1, inReplyTo: m.id + 100, ok: false, errors: [] }));
        ws.send(JSON.stringify({ type: 'teardownDone', id: 2, version: 1, inReplyTo: m.id, ok: true, errors: [] }));
      }),
    );
    const r = await peer.request({ type: 'teardown' }, 'teardownDone', 2000);
    expect(r).toMatchObject({ type: 'teardownDone', ok: true });
    peer.close();
  });

  it('times out a request that gets no reply', async () => {
    const peer = await pair(() => undefined);
    await expect(peer.request({ type: 'teardown' }, 'teardownDone', 100)).rejects.toMatchObject({ code: 'E_DEVICE_TIMEOUT' });
    peer.close();
  });

  it('rejects a pending request when the peer drops the connection', async () => {
    const peer = await pair((ws) => ws.on('message', () => ws.terminate()));
    await expect(peer.request({ type: 'teardown' }, 'teardownDone', 5000)).rejects.toMatchObject({ code: 'E_DEVICE_DISCONNECTED' });
  });

  it('reads close code 1013 as a device busy with another client, not as a crash', async () => {
    const peer = await pair((ws) => ws.close(1013, 'busy'));
    expect(await closeError(peer)).toBe('E_DEVICE_BUSY');
  });

  it('turns a fatal error reply into a rejection carrying its code', async () => {
    const peer = await pair((ws) =>
      ws.on('message', () => ws.send(JSON.stringify({ type: 'error', id: 1, version: 1, inReplyTo: 1, code: 'E_AUDIO_UNKNOWN', message: 'x', fatal: true }))),
    );
    await expect(peer.request({ type: 'teardown' }, 'teardownDone', 2000)).rejects.toMatchObject({ code: 'E_AUDIO_UNKNOWN' });
  });

  it('drops a peer that stops answering heartbeats', async () => {
    const peer = await pair((ws) => (ws as unknown as { _socket: Socket })._socket.pause(), { heartbeatIntervalMs: 40, missedHeartbeats: 2 });
    expect(await closeError(peer)).toBe('E_PROTO_HEARTBEAT');
  });

  it('keeps a live peer past many heartbeat intervals', async () => {
    const peer = await pair(() => undefined, { heartbeatIntervalMs: 20, missedHeartbeats: 2 });
    await new Promise((r) => setTimeout(r, 300));
    expect(peer.isOpen).toBe(true);
    peer.close();
  });

  it('closes with a protocol error when the remote sends a message of the wrong role', async () => {
    const got: string[] = [];
    const peer = await pair((ws) => {
      ws.on('message', (d) => got.push(JSON.parse((d as Buffer).toString()).code));
      // After the client has wrapped its socket in a Peer.
      setTimeout(() => ws.send(JSON.stringify({ type: 'hello', id: 1, version: 1, token: 'a'.repeat(16), client: { name: 'x', version: '1' } })), 30);
    });
    expect(await closeError(peer)).toBe('E_PROTO_UNEXPECTED');
    await expect.poll(() => got).toEqual(['E_PROTO_UNEXPECTED']);
  }, 5000);
});

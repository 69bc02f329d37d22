/**
 * A WebSocket proxy between the CLI and a device, for tests that need a misbehaving device:
 * each direction passes through a hook that may rewrite, multiply, drop a message, or cut
 * the connection as a crashing app would. Listens on 127.0.0.1 on a free port.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export type WsPayload = Buffer | Uint8Array | string;

export interface ProxyHooks {
  /** Device → CLI: what the CLI receives instead of `data` (default: `data` unchanged); strings go as text frames. */
  fromDevice?: (data: Buffer, binary: boolean) => WsPayload[];
  /** CLI → device: `'cut'` closes both sides (the app died), else the message is forwarded. */
  fromClient?: (data: Buffer, binary: boolean) => 'forward' | 'cut';
}

export async function startWsProxy(target: string, hooks: ProxyHooks): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (client) => {
    const upstream = new WebSocket(target);
    // The CLI speaks first (hello) while the upstream socket may still be opening.
    const pending: Array<[Buffer, boolean]> = [];
    upstream.on('open', () => pending.splice(0).forEach(([d, b]) => upstream.send(d, { binary: b })));
    upstream.on('message', (d: RawData, binary) => {
      const out = hooks.fromDevice ? hooks.fromDevice(d as Buffer, binary) : [binary ? (d as Buffer) : (d as Buffer).toString()];
      for (const o of out) if (client.readyState === client.OPEN) client.send(o, { binary: typeof o !== 'string' });
    });
    upstream.on('close', () => client.terminate());
    client.on('message', (d: RawData, b) => {
      if (hooks.fromClient?.(d as Buffer, b) === 'cut') {
        client.terminate();
        upstream.terminate();
        return;
      }
      if (upstream.readyState === upstream.OPEN) upstream.send(d as Buffer, { binary: b });
      else pending.push([d as Buffer, b]);
    });
    client.on('close', () => upstream.terminate());
  });
  await new Promise((r) => wss.once('listening', r));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/harness`, close: () => new Promise<void>((d) => wss.close(() => d())) };
}

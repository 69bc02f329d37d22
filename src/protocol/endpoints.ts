/**
 * The two ways a session comes up (DESIGN §5). Default: the device listens and the CLI
 * connects (usbmuxd forwards host → device only). `lan`: the CLI listens and the device
 * dials in with the run token in the URL. Either way the CLI then sends `hello` and the
 * device answers `ready`, so everything after the socket is the same.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { deviceError, type VoiceAecError } from '../core/errors.js';
import { CloseCode, Peer } from './peer.js';
import { LIMITS, type HelloMessage, type ReadyMessage } from './messages.js';

const CLIENT = { name: 'voiceaec', version: '0.1.0' };

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** CLI side of an open socket: hello → ready. */
export async function handshakeAsCli(peer: Peer, token: string, timeoutMs: number = LIMITS.helloTimeoutMs): Promise<ReadyMessage> {
  peer.send({ type: 'hello', token, client: CLIENT });
  return peer.waitFor((m): m is ReadyMessage => m.type === 'ready' || (m.type === 'error' && m.fatal), timeoutMs, '"ready" after hello');
}

function openSocket(url: string, timeoutMs: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { maxPayload: LIMITS.maxFrameBytes, handshakeTimeout: timeoutMs });
    ws.once('open', () => resolve(ws));
    ws.once('error', (e) =>
      reject(deviceError('E_DEVICE_UNREACHABLE', `cannot connect to the device at ${url} (${e.message})`, { hint: 'is the harness app running and the port forwarded? try `voiceaec doctor`' })),
    );
  });
}

/** Default mode: connect to a listening device. */
export async function connectToDevice(url: string, token: string, timeoutMs: number = LIMITS.helloTimeoutMs): Promise<{ peer: Peer; ready: ReadyMessage }> {
  const ws = await openSocket(url, timeoutMs);
  const peer = new Peer(ws, { role: 'cli' });
  try {
    return { peer, ready: await handshakeAsCli(peer, token, timeoutMs) };
  } catch (e) {
    peer.close();
    throw e;
  }
}

export interface Listener {
  port: number;
  close(): Promise<void>;
}

function listen(port: number, verify: ((url: string) => boolean) | null, onSocket: (ws: WebSocket) => void): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port,
      maxPayload: LIMITS.maxFrameBytes,
      ...(verify ? { verifyClient: (info: { req: { url?: string } }) => verify(info.req.url ?? '') } : {}),
    });
    wss.on('connection', onSocket);
    wss.once('error', (e) =>
      reject(deviceError('E_PORT_IN_USE', `cannot listen on 127.0.0.1:${port} (${e.message})`, { hint: 'pick another port, or 0 for a free one' })),
    );
    wss.once('listening', () =>
      resolve({
        port: (wss.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => done());
          }),
      }),
    );
  });
}

/**
 * Device side, default mode: accept CLI connections; each must say `hello` with the run
 * token within the hello timeout, then `onSession` takes over that connection.
 */
export function serveAsDevice(opts: {
  port: number;
  token: string;
  onSession: (peer: Peer, hello: HelloMessage) => void;
  onPeerError?: (e: VoiceAecError) => void;
}): Promise<Listener> {
  return listen(opts.port, null, (ws) => void acceptHello(new Peer(ws, { role: 'device' }), opts.token, opts.onSession, opts.onPeerError));
}

async function acceptHello(peer: Peer, token: string, onSession: (peer: Peer, hello: HelloMessage) => void, onPeerError?: (e: VoiceAecError) => void): Promise<void> {
  if (onPeerError) peer.on('close', (e) => e && onPeerError(e));
  try {
    const first = await peer.waitFor(() => true, LIMITS.helloTimeoutMs, '"hello"');
    if (first.type !== 'hello') {
      peer.fail(deviceError('E_PROTO_UNEXPECTED', `expected "hello" first, got "${first.type}"`, { hint: 'a session starts with hello' }), first.id);
      return;
    }
    if (!tokensEqual(first.token, token)) {
      peer.fail(deviceError('E_PROTO_TOKEN', 'wrong run token', { hint: 'pass the token the app was launched with' }), first.id, CloseCode.policy);
      return;
    }
    onSession(peer, first);
  } catch (e) {
    peer.fail(e as VoiceAecError);
  }
}

/** CLI side, `lan` mode: wait for a device to dial in with `?token=`, then handshake. */
export function listenForDevice(opts: { port: number; token: string; onDevice: (peer: Peer, ready: ReadyMessage) => void; onError?: (e: unknown) => void }): Promise<Listener> {
  const verify = (url: string) => tokensEqual(new URL(url, 'ws://x').searchParams.get('token') ?? '', opts.token);
  return listen(opts.port, verify, (ws) => {
    const peer = new Peer(ws, { role: 'cli' });
    handshakeAsCli(peer, opts.token).then(
      (ready) => opts.onDevice(peer, ready),
      (e) => {
        peer.close();
        opts.onError?.(e);
      },
    );
  });
}

/** Device side, `lan` mode: dial the CLI, then behave exactly as in default mode. */
export async function dialCli(url: string, token: string, onSession: (peer: Peer, hello: HelloMessage) => void): Promise<Peer> {
  const u = new URL(url);
  u.searchParams.set('token', token);
  const ws = await openSocket(u.toString(), LIMITS.helloTimeoutMs);
  const peer = new Peer(ws, { role: 'device' });
  void acceptHello(peer, token, onSession);
  return peer;
}

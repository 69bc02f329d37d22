/**
 * The two ways a session comes up (docs/protocol.md § Transport). Default: the device listens and the CLI
 * connects (usbmuxd forwards host → device only). `lan`: the CLI listens and the device
 * dials in with the run token in the URL. Either way the CLI then sends `hello` and the
 * device answers `ready`, so everything after the socket is the same.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { deviceError, type VoiceAecError } from '../core/errors.js';
import { CloseCode, Peer } from './peer.js';
import { LIMITS, type AnyMessage, type HelloMessage, type ReadyMessage } from './messages.js';

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

/** Connects and wraps the socket in a Peer in the same tick as 'open', so no early frame is lost. */
function openPeer(url: string, role: 'cli' | 'device', timeoutMs: number): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { maxPayload: LIMITS.maxFrameBytes, handshakeTimeout: timeoutMs });
    ws.once('open', () => resolve(new Peer(ws, { role })));
    ws.once('error', (e) =>
      reject(
        deviceError('E_DEVICE_UNREACHABLE', `cannot connect to the device at ${url} (${e.message})`, {
          hint: 'is the harness app running and the port forwarded? try `voiceaec doctor`',
        }),
      ),
    );
  });
}

/** Default mode: connect to a listening device. */
export async function connectToDevice(url: string, token: string, timeoutMs: number = LIMITS.helloTimeoutMs): Promise<{ peer: Peer; ready: ReadyMessage }> {
  const peer = await openPeer(url, 'cli', timeoutMs);
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

function listen(port: number, verify: ((url: string) => boolean) | null, onSocket: (ws: WebSocket) => void, host = '127.0.0.1'): Promise<Listener> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({
      host,
      port,
      maxPayload: LIMITS.maxFrameBytes,
      ...(verify ? { verifyClient: (info: { req: { url?: string } }) => verify(info.req.url ?? '') } : {}),
    });
    wss.on('connection', onSocket);
    wss.once('error', (e) =>
      reject(deviceError('E_PORT_IN_USE', `cannot listen on ${host}:${port} (${e.message})`, { hint: 'pick another port, or 0 for a free one' })),
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
  return listen(opts.port, null, (ws) => acceptHello(new Peer(ws, { role: 'device' }), opts.token, opts.onSession, opts.onPeerError));
}

/**
 * Device side: the first message must be hello with the run token. The session is attached
 * synchronously inside the hello's delivery, so messages right behind it reach the session.
 */
function acceptHello(peer: Peer, token: string, onSession: (peer: Peer, hello: HelloMessage) => void, onPeerError?: (e: VoiceAecError) => void): void {
  if (onPeerError) peer.on('close', (e) => e && onPeerError(e));
  const timer = setTimeout(
    () => peer.fail(deviceError('E_PROTO_TIMEOUT', `no "hello" within ${LIMITS.helloTimeoutMs} ms`, { hint: 'a session starts with hello' })),
    LIMITS.helloTimeoutMs,
  );
  timer.unref();
  const first = (m: AnyMessage) => {
    clearTimeout(timer);
    peer.off('message', first);
    peer.off('audio', early);
    if (m.type !== 'hello') {
      peer.fail(deviceError('E_PROTO_UNEXPECTED', `expected "hello" first, got "${m.type}"`, { hint: 'a session starts with hello' }), m.id);
    } else if (!tokensEqual(m.token, token)) {
      peer.fail(deviceError('E_PROTO_TOKEN', 'wrong run token', { hint: 'pass the token the app was launched with' }), m.id, CloseCode.policy);
    } else {
      onSession(peer, m);
    }
  };
  const early = () => peer.fail(deviceError('E_PROTO_UNEXPECTED', 'audio before "hello"', { hint: 'a session starts with hello' }));
  peer.on('message', first);
  peer.on('audio', early);
  peer.on('close', () => clearTimeout(timer));
  peer.release();
}

/** CLI side, `lan` mode: wait for a device to dial in with `?token=`, then handshake. */
export function listenForDevice(opts: {
  port: number;
  /** Address to listen on: loopback by default; a phone on Wi-Fi needs one it can reach (0.0.0.0). */
  host?: string;
  token: string;
  onDevice: (peer: Peer, ready: ReadyMessage) => void;
  onError?: (e: unknown) => void;
}): Promise<Listener> {
  const verify = (url: string) => tokensEqual(new URL(url, 'ws://x').searchParams.get('token') ?? '', opts.token);
  return listen(
    opts.port,
    verify,
    (ws) => {
      const peer = new Peer(ws, { role: 'cli' });
      handshakeAsCli(peer, opts.token).then(
        (ready) => opts.onDevice(peer, ready),
        (e) => {
          peer.close();
          opts.onError?.(e);
        },
      );
    },
    opts.host,
  );
}

/** Device side, `lan` mode: dial the CLI, then behave exactly as in default mode. */
export async function dialCli(url: string, token: string, onSession: (peer: Peer, hello: HelloMessage) => void): Promise<Peer> {
  const u = new URL(url);
  u.searchParams.set('token', token);
  const peer = await openPeer(u.toString(), 'device', LIMITS.helloTimeoutMs);
  acceptHello(peer, token, onSession);
  return peer;
}

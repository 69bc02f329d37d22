/**
 * One protocol connection over `ws`, for either role: validated text messages, validated
 * audio frames, heartbeats, request/reply with timeouts. Anything malformed closes this
 * connection with an `error` message and a close code; it never throws into the process.
 */
import { EventEmitter } from 'node:events';
import { deviceError, isVoiceAecError, VoiceAecError } from '../core/errors.js';
import { decodeAudioFrame, encodeAudioFrame, type AudioFrame } from './audio-frame.js';
import { decodeMessage, encodeMessage } from './codec.js';
import { LIMITS, PROTOCOL_VERSION, type AnyMessage } from './messages.js';

/**
 * WebSocket close codes used by the protocol (docs/protocol.md §Errors). busy (1013, "try
 * again later"): the harness app serves one client at a time and another holds it.
 */
export const CloseCode = { normal: 1000, protocolError: 1002, policy: 1008, tooBig: 1009, internal: 1011, busy: 1013 } as const;

export type Role = 'cli' | 'device';

/**
 * What a Peer needs of its socket: ws's WebSocket, or a transport shaped like it (the files
 * link of src/device/files/, which has no socket). An `error` event carrying a VoiceAecError
 * closes the peer with that error as is.
 */
export interface PeerSocket {
  readonly readyState: number;
  readonly OPEN: number;
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'pong', fn: () => void): unknown;
  on(event: 'error', fn: (e: Error) => void): unknown;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): unknown;
  send(data: string | Uint8Array): void;
  ping(): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** A message as passed to `send`: the envelope fields are filled in. */
export type Outgoing = AnyMessage extends infer M ? (M extends AnyMessage ? Omit<M, 'id' | 'version'> : never) : never;

export interface PeerOptions {
  /** Role of this side; the remote side's messages are validated against the other role. */
  role: Role;
  heartbeatIntervalMs?: number;
  missedHeartbeats?: number;
  maxFrameBytes?: number;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- typed overloads of EventEmitter's `on`
export interface Peer {
  on(event: 'message', fn: (msg: AnyMessage) => void): this;
  on(event: 'audio', fn: (frame: AudioFrame) => void): this;
  /** The connection is gone; `error` says why when it was not a normal close. */
  on(event: 'close', fn: (error: VoiceAecError | null) => void): this;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class Peer extends EventEmitter {
  private nextId = 1;
  private closed = false;
  private closeError: VoiceAecError | null = null;
  private missed = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly remoteRole: Role;
  private readonly maxFrameBytes: number;
  /**
   * Input that arrived before anyone listened. ws can deliver several frames in the same
   * tick as the handshake, before an awaiting caller has attached its listeners; they wait
   * here until `release()` (called by waitFor/request, or by whoever attached listeners).
   */
  private held: Array<['message', AnyMessage] | ['audio', AudioFrame]> | null = [];

  constructor(
    private readonly ws: PeerSocket,
    opts: PeerOptions,
  ) {
    super();
    this.remoteRole = opts.role === 'cli' ? 'device' : 'cli';
    this.maxFrameBytes = opts.maxFrameBytes ?? LIMITS.maxFrameBytes;
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.missed = 0));
    ws.on('error', (e) =>
      this.finish(
        isVoiceAecError(e) ? e : deviceError('E_PROTO_SOCKET', `connection error: ${e.message}`, { hint: 'check that the peer is running and reachable' }),
      ),
    );
    ws.on('close', (code, reason) => {
      if (!this.closeError && code === CloseCode.busy) {
        this.closeError = deviceError('E_DEVICE_BUSY', 'the harness app is serving another client (close code 1013)', {
          hint: 'another voiceaec run is connected to this phone; wait for it to finish or stop it, then run again',
        });
      } else if (!this.closeError && code !== CloseCode.normal) {
        this.closeError = deviceError('E_DEVICE_DISCONNECTED', `connection closed (${code}${reason.length ? `: ${reason.toString()}` : ''})`, {
          hint: 'check that the harness app is still running; an interrupted run continues with voiceaec run --resume <run dir>',
        });
      }
      this.finish(this.closeError);
    });
    const interval = opts.heartbeatIntervalMs ?? LIMITS.heartbeatIntervalMs;
    const allowed = opts.missedHeartbeats ?? LIMITS.missedHeartbeats;
    this.heartbeat = setInterval(() => {
      if (++this.missed > allowed) {
        this.closeError = deviceError('E_PROTO_HEARTBEAT', `no heartbeat for ${allowed} intervals of ${interval} ms`, {
          hint: 'check that the harness app is still running and in the foreground, and that the link (USB forward or Wi-Fi) is up',
        });
        ws.terminate();
        return;
      }
      if (ws.readyState === ws.OPEN) ws.ping();
    }, interval);
    this.heartbeat.unref();
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Sends a message, filling in id and version; returns the id (for inReplyTo). */
  send(msg: Outgoing): number {
    const id = this.nextId++;
    if (this.isOpen) this.ws.send(encodeMessage({ ...msg, id, version: PROTOCOL_VERSION }));
    return id;
  }

  sendAudio(frame: Parameters<typeof encodeAudioFrame>[0]): void {
    if (this.isOpen) this.ws.send(encodeAudioFrame(frame));
  }

  /** Sends a fatal protocol error and closes with the matching close code. */
  fail(error: VoiceAecError, inReplyTo: number | null = null, closeCode: number = CloseCode.protocolError): void {
    if (this.closed) return;
    this.closeError = error;
    this.send({ type: 'error', inReplyTo, code: error.code, message: error.message.slice(0, 2000), fatal: true });
    this.ws.close(closeCode, error.code);
    // A peer that ignores the close handshake is cut off.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /** Drops the socket without a close handshake: how a crashed app looks from the other side. */
  crash(): void {
    this.ws.terminate();
  }

  close(): void {
    if (this.closed) return;
    this.ws.close(CloseCode.normal);
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  /** Delivers held input to the listeners attached now, then everything live. */
  release(): void {
    const held = this.held;
    this.held = null;
    for (const [event, item] of held ?? []) {
      if (this.closed) return;
      this.emit(event, item);
    }
  }

  /** Waits for the first message matching `pred`; rejects on timeout or when the connection closes. */
  waitFor<T extends AnyMessage>(pred: (m: AnyMessage) => m is T, timeoutMs: number, what: string): Promise<T>;
  waitFor(pred: (m: AnyMessage) => boolean, timeoutMs: number, what: string): Promise<AnyMessage>;
  waitFor(pred: (m: AnyMessage) => boolean, timeoutMs: number, what: string): Promise<AnyMessage> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(
          this.closeError ??
            deviceError('E_DEVICE_DISCONNECTED', `connection closed before ${what}`, { hint: 'check that the harness app is still running and reachable' }),
        );
        return;
      }
      const cleanup = () => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('close', onClose);
      };
      const onMessage = (m: AnyMessage) => {
        if (!pred(m)) return;
        cleanup();
        if (m.type === 'error' && m.fatal)
          reject(deviceError(m.code, `device: ${m.message}`, { hint: 'the harness app gave up; its log (Xcode console, or stderr in files mode) says why' }));
        else resolve(m);
      };
      const onClose = (e: VoiceAecError | null) => {
        cleanup();
        reject(
          e ?? deviceError('E_DEVICE_DISCONNECTED', `connection closed before ${what}`, { hint: 'check that the harness app is still running and reachable' }),
        );
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          deviceError('E_DEVICE_TIMEOUT', `no ${what} within ${timeoutMs} ms`, {
            hint: 'check that the harness app is running and not stuck (real iPhones: voiceaec doctor)',
          }),
        );
      }, timeoutMs);
      this.on('message', onMessage);
      this.on('close', onClose);
      this.release();
    });
  }

  /** Sends `msg` and waits for the reply of type `replyType` (or a fatal error) naming its id. */
  async request<T extends AnyMessage['type']>(
    msg: Outgoing,
    replyType: T,
    timeoutMs: number = LIMITS.replyTimeoutMs,
  ): Promise<Extract<AnyMessage, { type: T }>> {
    const id = this.send(msg);
    const reply = await this.waitFor(
      (m) => (m.type === replyType || (m.type === 'error' && m.fatal)) && 'inReplyTo' in m && (m.inReplyTo === id || m.type === 'error'),
      timeoutMs,
      `"${replyType}" reply to "${msg.type}"`,
    );
    return reply as Extract<AnyMessage, { type: T }>;
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    try {
      if (data.length > this.maxFrameBytes) {
        throw deviceError('E_PROTO_TOO_LARGE', `frame of ${data.length} bytes exceeds the ${this.maxFrameBytes}-byte limit`, { hint: 'send smaller chunks' });
      }
      const item: ['message', AnyMessage] | ['audio', AudioFrame] = isBinary
        ? ['audio', decodeAudioFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), this.maxFrameBytes)]
        : ['message', decodeMessage(data.toString('utf8'), this.remoteRole)];
      if (this.held) this.held.push(item);
      else this.emit(item[0], item[1]);
    } catch (e) {
      // A listener's own bug must not be reported to the peer as the peer's fault.
      if (!isVoiceAecError(e) || !e.code.startsWith('E_PROTO_')) throw e;
      this.fail(e, null, e.code === 'E_PROTO_TOO_LARGE' ? CloseCode.tooBig : CloseCode.protocolError);
    }
  }

  private finish(error: VoiceAecError | null): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.emit('close', error);
  }
}

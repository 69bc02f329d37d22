/**
 * The virtual iPhone as a protocol endpoint: a WebSocket device server that behaves as the
 * Swift harness app does (hello → ready → configure → loadAudio → trial… → teardown), on a
 * virtual clock. Each connection is one launch of the app: a fresh VirtualPhone. A modelled
 * crash drops the connection without a close frame, as a dying app would.
 */
import { deviceError, isVoiceAecError, type VoiceAecError } from '../core/errors.js';
import { dialCli, serveAsDevice, type Listener } from '../protocol/endpoints.js';
import type { AnyMessage, MessageOf, StreamKind } from '../protocol/messages.js';
import { CloseCode, type Peer } from '../protocol/peer.js';
import { launchSimApp, type AsyncSimApp } from './sim-app-host.js';
import { SimCrash } from './virtual-phone.js';

export interface SimDeviceOptions {
  /** Device profile at launch; a configure message's simulation block may switch it. */
  profile: string;
  seed: number;
  /** Audio frames sent per binary message, in samples. */
  chunkFrames?: number;
}

/** Virtual host clock origin: a plausible mach_absolute_time in ns (≈ 3 h of uptime). */
const CLOCK_ORIGIN_NS = 10_800_000_000_000n;
/** Virtual time between trials, so host times of consecutive trials never overlap. */
const INTER_TRIAL_GAP_NS = 250_000_000n;

interface Upload {
  audioId: string;
  requestId: number;
  sampleRate: number;
  samples: Float32Array;
  filled: number;
  nextSequence: number;
}

/**
 * One app launch serving one CLI connection. The phone runs on its own worker thread
 * (sim-app-host.ts); input is handled strictly in arrival order through one queue, so a
 * trial's frames never interleave with the next message's reply.
 */
class SimSession {
  private app: AsyncSimApp | null = null;
  private readonly loaded = new Set<string>();
  private readonly uploads = new Map<number, Upload>();
  private clockNs = CLOCK_ORIGIN_NS;
  private configured = false;
  private rate = 48_000;
  private readonly chunkFrames: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly peer: Peer,
    private readonly opts: SimDeviceOptions,
  ) {
    this.chunkFrames = opts.chunkFrames ?? 9600;
    peer.on('message', (m) => this.enqueue(() => this.onMessage(m)));
    peer.on('audio', (f) => this.enqueue(() => this.onAudio(f)));
    peer.on('close', () => this.app?.close());
  }

  /** Launches the app (a worker thread) and says ready; a launch failure closes the connection. */
  start(): void {
    this.enqueue(async () => {
      this.app = await launchSimApp({ profile: this.opts.profile, seed: this.opts.seed });
      if (!this.peer.isOpen) return this.app.close();
      this.peer.send({ type: 'ready', device: this.app.ready.info, capabilities: { ...this.app.ready.capabilities, maxFrameBytes: 1 << 20 } });
    });
  }

  private enqueue(fn: () => void | Promise<void>): void {
    this.queue = this.queue.then(() => (this.peer.isOpen ? this.guard(fn) : undefined));
  }

  /** Protocol misuse closes this connection with an error; a modelled crash drops it. */
  private async guard(fn: () => void | Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (e instanceof SimCrash) this.peer.crash();
      else if (isVoiceAecError(e)) this.peer.fail(e);
      else
        this.peer.fail(
          deviceError('E_SIM_INTERNAL', `virtual iPhone failed: ${(e as Error).message}`, { hint: 'a bug in the simulator; run with --debug and report it' }),
          null,
          CloseCode.internal,
        );
    }
  }

  private get phone(): AsyncSimApp {
    if (!this.app) throw new Error('the app has not launched');
    return this.app;
  }

  private async onMessage(m: AnyMessage): Promise<void> {
    switch (m.type) {
      case 'hello':
        throw unexpected('a second "hello"');
      case 'configure':
        return this.configure(m);
      case 'loadAudio':
        if (this.uploads.has(m.streamId)) throw unexpected(`loadAudio on stream ${m.streamId}, which is still uploading`);
        this.uploads.set(m.streamId, {
          audioId: m.audioId,
          requestId: m.id,
          sampleRate: m.sampleRate,
          samples: new Float32Array(m.frames),
          filled: 0,
          nextSequence: 0,
        });
        return;
      case 'trial':
        return this.trial(m);
      case 'teardown': {
        const r = await this.phone.teardown();
        this.configured = false;
        this.peer.send({ type: 'teardownDone', inReplyTo: m.id, ok: r.ok, errors: r.errors });
        return;
      }
      case 'error':
        // A fatal error from the CLI ends the session; a non-fatal one is only logged by the CLI.
        if (m.fatal) this.peer.close();
        return;
    }
  }

  private async configure(m: MessageOf<'configure'>): Promise<void> {
    // Every configure rebuilds the engine (sim-app.ts): a new phone model when the profile or seed changes.
    const r = await this.phone.configure(m.config);
    this.configured = r.ok;
    this.rate = m.config.sampleRate;
    this.peer.send({ type: 'configured', inReplyTo: m.id, ok: r.ok, requested: m.config, effective: r.effective, errors: r.errors });
  }

  private async onAudio(f: {
    kind: StreamKind;
    streamId: number;
    sequence: number;
    sampleRate: number;
    channels: number;
    samples: Float32Array;
  }): Promise<void> {
    const up = this.uploads.get(f.streamId);
    if (!up || f.kind !== 'fixture') throw unexpected(`${f.kind} audio on stream ${f.streamId}, which no loadAudio announced`);
    if (f.sequence !== up.nextSequence)
      throw deviceError('E_PROTO_SEQUENCE', `upload ${up.audioId}: frame ${f.sequence} arrived, ${up.nextSequence} expected`, {
        hint: 'frames must arrive in order without gaps',
      });
    if (f.channels !== 1 || f.sampleRate !== up.sampleRate) throw unexpected(`upload ${up.audioId}: frame format differs from loadAudio`);
    if (up.filled + f.samples.length > up.samples.length)
      throw deviceError('E_PROTO_OVERRUN', `upload ${up.audioId}: more frames than announced`, { hint: 'send exactly the frames loadAudio announced' });
    up.samples.set(f.samples, up.filled);
    up.filled += f.samples.length;
    up.nextSequence++;
    if (up.filled === up.samples.length) {
      this.uploads.delete(f.streamId);
      const frames = up.samples.length;
      await this.phone.loadAudio(up.audioId, up.sampleRate, up.samples);
      this.loaded.add(up.audioId);
      this.peer.send({ type: 'audioLoaded', inReplyTo: up.requestId, audioId: up.audioId, frames });
    }
  }

  private async trial(m: MessageOf<'trial'>): Promise<void> {
    if (!this.configured) throw unexpected('"trial" before a successful "configure"');
    for (const id of [m.audioId, m.nearEnd?.audioId].filter((x): x is string => !!x)) {
      if (!this.loaded.has(id))
        throw deviceError('E_AUDIO_UNKNOWN', `trial ${m.trialId} plays audio "${id}", which was never loaded`, { hint: 'send loadAudio first' });
    }
    const start = this.clockNs;
    const result = await this.phone.runTrial(m);
    if (!this.peer.isOpen) return;
    const rate = this.rate;
    const ns = (ms: number) => start + BigInt(Math.round(ms * 1e6));
    const streams = (Object.entries(result.streams) as Array<[StreamKind, Float32Array | null]>).filter((e): e is [StreamKind, Float32Array] => e[1] !== null);
    const length = result.streams.mic.length;
    const events = [...result.events];
    let e = 0;
    // Interleave events and audio in time order, as a phone streaming live would.
    for (let from = 0, seq = 0; from < length; from += this.chunkFrames, seq++) {
      const to = Math.min(length, from + this.chunkFrames);
      const endMs = (to / rate) * 1000;
      for (; e < events.length && events[e]!.tMs < endMs; e++) {
        const ev = events[e]!;
        this.peer.send({ type: 'event', trialId: m.trialId, name: ev.name, hostTimeNs: ns(ev.tMs).toString(), data: ev.data });
      }
      for (const [kind, samples] of streams) {
        this.peer.sendAudio({
          kind,
          format: 'f32',
          channels: 1,
          streamId: m.streamId,
          sequence: seq,
          hostTimeNs: ns((from / rate) * 1000),
          sampleRate: rate,
          samples: samples.subarray(from, to),
        });
      }
    }
    for (; e < events.length; e++) {
      const ev = events[e]!;
      this.peer.send({ type: 'event', trialId: m.trialId, name: ev.name, hostTimeNs: ns(ev.tMs).toString(), data: ev.data });
    }
    this.clockNs = ns((length / rate) * 1000) + INTER_TRIAL_GAP_NS;
    this.peer.send({
      type: 'trialDone',
      inReplyTo: m.id,
      trialId: m.trialId,
      ok: result.ok,
      error: result.error,
      frames: Object.fromEntries(streams.map(([k, s]) => [k, s.length])),
    });
  }
}

function unexpected(what: string): VoiceAecError {
  return deviceError('E_PROTO_UNEXPECTED', `unexpected ${what}`, { hint: 'see docs/protocol.md §Session for the message order' });
}

/** Serves the virtual iPhone on 127.0.0.1:port (0: a free port). */
export async function startSimDevice(opts: SimDeviceOptions & { port: number; token: string }): Promise<Listener & { url: string }> {
  const listener = await serveAsDevice({ port: opts.port, token: opts.token, onSession: (peer) => new SimSession(peer, opts).start() });
  return { ...listener, url: `ws://127.0.0.1:${listener.port}/harness` };
}

/** `lan` mode: the virtual iPhone dials the CLI's server. */
export function dialAsSimDevice(url: string, token: string, opts: SimDeviceOptions): Promise<Peer> {
  return dialCli(url, token, (peer) => new SimSession(peer, opts).start());
}

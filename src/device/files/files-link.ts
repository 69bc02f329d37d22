/**
 * The CLI side of `files` mode (docs/protocol.md § Transport): a socket-shaped link under an
 * ordinary protocol Peer, so DeviceSession and the runner speak to it as to any device. It
 * has no connection: each request the peer sends (hello, configure, loadAudio, trial,
 * teardown) becomes one launch of the harness, whose plan replays the state the request
 * needs — hello with the token, the current configure, the fixtures loaded so far — and then
 * the request itself. The replies to the replay are checked here (a device that now answers
 * differently fails the link with the reason) and only the device's frames for the request
 * reach the peer, which validates them as it validates a socket's. Nothing is answered on
 * the device's behalf: a request whose launch left no reply fails the link.
 *
 * A launch that asks for a trial first runs `warmupTrials` copies of it (their own ids, stream
 * ids and trial ids), so the measured trial meets an engine that has played before, as the
 * second trial over a socket does. Their replies are read and checked (answered, ok, every
 * announced frame there) and dropped; a failed warm-up fails the link, never the measured
 * trial's reply. Each launch is bounded by the launch timeout plus the audio its trials play.
 */
import { EventEmitter } from 'node:events';
import { deviceError, isVoiceAecError, VoiceAecError } from '../../core/errors.js';
import { playbackTimeline } from '../../core/playback-timeline.js';
import { encodeMessage } from '../../protocol/codec.js';
import { handshakeAsCli } from '../../protocol/endpoints.js';
import { LIMITS, type AnyMessage } from '../../protocol/messages.js';
import { decodeAudioFrame } from '../../protocol/audio-frame.js';
import { CloseCode, Peer, type PeerSocket } from '../../protocol/peer.js';
import type { DeviceLink } from '../device-driver.js';
import { PLAN_FILE, planText, readResults, type PlanEntry, type ResultFrame } from './files-plan.js';
import { FILES_LIMITS, type FilesTransfer } from './files-transfer.js';

/** Samples per binary frame the harness writes: 1 s at 48 kHz, well under the frame limit, so a trial is a few dozen files. */
export const FILES_FRAMES_PER_MESSAGE = 48_000;
/** Warm-up k (0-based) of a launch uses message id and stream id TOP - k: far above the session's own, which count from 1. */
const WARMUP_TOP = 2 ** 32 - 1;
/** Open and closed, as ws numbers them. */
const OPEN = 1;
const CLOSED = 3;

export interface FilesLinkOptions {
  transfer: FilesTransfer;
  /** The run token of this link: a launch argument and the hello of every plan. */
  token: string;
  /**
   * Longest one launch may take — pushing its plan, starting the app, pulling its results —
   * beyond the audio its trials play (warm-ups included). The peer's reply timeouts are widened
   * by it (DeviceLink.replyTimeoutMs), so this one, with its E_FILES_TIMEOUT, fires first.
   */
  launchTimeoutMs: number;
  /** Trials each trial's launch runs and discards before it (0: every measured trial is the launch's first). */
  warmupTrials?: number;
  /** Says how to raise the launch timeout where these options came from (a flag, a config key). */
  timeoutHint?: string;
  /** More launch arguments (LoopbackEngine knobs for voiceaec-harness). */
  extraArgs?: readonly string[];
  /** Called with a line per launch (what it replays and asks). */
  onLaunch?: (line: string) => void;
}

/** A request the peer sent that waits for the device's reply in the coming launch. */
interface Pending {
  id: number;
  type: 'hello' | 'configure' | 'loadAudio' | 'trial' | 'teardown';
  text: string;
  /** loadAudio: the fixture frames that follow it. */
  files: string[];
}

/** A warm-up trial a launch runs before the measured one: what its reply must show. */
interface Warmup {
  id: number;
  streamId: number;
  trialId: string;
  before: string;
  done: MessageOfType<'trialDone'> | null;
  frames: Map<string, number>;
}
type MessageOfType<T extends AnyMessage['type']> = Extract<AnyMessage, { type: T }>;

/** What the app holds after the launches so far, replayed at the start of every plan. */
interface Replay {
  hello: { text: string; ready: string } | null;
  configure: { id: number; text: string; reply: string } | null;
  fixtures: Array<{ id: number; text: string; files: string[]; audioId: string; frames: number }>;
}

/** The message without its envelope, canonical: what must be the same when a reply is replayed. */
function body(m: AnyMessage): string {
  return encodeMessage({ ...m, id: 0, ...('inReplyTo' in m ? { inReplyTo: 0 } : {}) });
}

function warmupError(launch: number, w: Warmup, what: string): VoiceAecError {
  return deviceError('E_FILES_WARMUP', `files mode: launch ${launch}: the warm-up trial before ${w.before} ${what}`, {
    hint: 'the measured trial of that launch is not used (it did not follow a good warm-up); the run relaunches the app and retries it',
  });
}

interface TrialPlanText {
  trialId: string;
  audioId: string;
  schedule: Array<{ atMs: number; frameCount: number }>;
  preRollMs: number;
  postRollMs: number;
}

function replayError(what: string): VoiceAecError {
  return deviceError('E_FILES_REPLAY', `files mode: ${what}`, {
    hint: 'each launch replays the session so far; the app answered differently this time, so the link is dropped and the run relaunches it',
  });
}

export class FilesSocket extends EventEmitter implements PeerSocket {
  readonly OPEN = OPEN;
  readyState: number = OPEN;
  private queue: Pending[] = [];
  private scheduled = false;
  /** Fixture frames being written into the folder; the launch waits for them. */
  private pendingUploads: Array<Promise<void>> = [];
  private running: Promise<void> = Promise.resolve();
  private files = 0;
  private launches = 0;
  private warmupsRun = 0;
  private readonly state: Replay = { hello: null, configure: null, fixtures: [] };
  private closedBy: ((e: VoiceAecError) => void) | null = null;
  private readonly closedSignal = new Promise<VoiceAecError>((resolve) => (this.closedBy = resolve));
  /** Settles when the harness of the last launch has been stopped after the link closed. */
  stopped: Promise<void> = Promise.resolve();

  constructor(private readonly opts: FilesLinkOptions) {
    super();
  }

  /** Launches so far (the cost of files mode: one per request). */
  get launchCount(): number {
    return this.launches;
  }

  /** Warm-up trials the device ran, checked and discarded so far. */
  get warmupCount(): number {
    return this.warmupsRun;
  }

  /** The peer's wait for a reply: a launch's allowance on top, and a trial's length again for each warm-up. */
  replyTimeoutMs(normalMs: number, request: 'trial' | 'other'): number {
    return (request === 'trial' ? normalMs * (1 + this.warmups) : normalMs) + this.opts.launchTimeoutMs;
  }

  private get warmups(): number {
    return this.opts.warmupTrials ?? 0;
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    if (typeof data !== 'string') {
      const last = this.queue.at(-1);
      if (last?.type !== 'loadAudio') {
        this.fail(deviceError('E_FILES_PLAN', 'a binary frame that follows no loadAudio', { hint: 'only fixture uploads carry binary frames to the device' }));
        return;
      }
      if (++this.files > FILES_LIMITS.maxPlanFiles)
        return this.fail(deviceError('E_FILES_PLAN', `more than ${FILES_LIMITS.maxPlanFiles} fixture frames`, { hint: 'load fewer or shorter fixtures' }));
      const file = `plan/${String(this.files).padStart(6, '0')}.bin`;
      last.files.push(file);
      const upload = this.opts.transfer.put(file, data);
      // Awaited before the launch; until then a failure must not count as unhandled.
      upload.catch(() => undefined);
      this.pendingUploads.push(upload);
      return;
    }
    const m = JSON.parse(data) as { type: Pending['type'] | 'error'; id: number };
    // The peer's own fatal error before it closes: there is no one to tell but the next launch, which will not come.
    if (m.type === 'error') return;
    this.queue.push({ id: m.id, type: m.type, text: data, files: [] });
    if (!this.scheduled) {
      this.scheduled = true;
      // After the current tick: a loadAudio's frames are sent right after it.
      setImmediate(() => {
        this.scheduled = false;
        const batch = this.queue;
        this.queue = [];
        this.running = this.running.then(() => this.launch(batch));
      });
    }
  }

  ping(): void {
    // No connection to keep alive: each launch is bounded by its own timeout instead.
    setImmediate(() => this.readyState === OPEN && this.emit('pong'));
  }

  close(code: number = CloseCode.normal, reason = ''): void {
    this.finish(code, reason, null);
  }

  terminate(): void {
    this.finish(1006, '', null);
  }

  private fail(e: VoiceAecError): void {
    this.finish(CloseCode.internal, e.code, e);
  }

  private finish(code: number, reason: string, error: VoiceAecError | null): void {
    if (this.readyState !== OPEN) return;
    this.readyState = CLOSED;
    this.closedBy?.(error ?? deviceError('E_DEVICE_DISCONNECTED', 'the files link was closed', { hint: 'the run relaunches the app' }));
    this.stopped = this.running.then(() => this.opts.transfer.stop()).catch(() => undefined);
    if (error) this.emit('error', error);
    this.emit('close', code, Buffer.from(reason));
  }

  /** One launch: the replay, then the requests; the device's frames for the requests go to the peer. */
  private async launch(batch: Pending[]): Promise<void> {
    if (this.readyState !== OPEN || batch.length === 0) return;
    try {
      const { frames, warmups } = await this.exchange(batch);
      if (this.readyState !== OPEN) return;
      this.deliver(batch, frames, warmups);
    } catch (e) {
      // A transfer's own failure (a file system or Appium error) is the link's, with its reason.
      this.fail(
        isVoiceAecError(e)
          ? e
          : deviceError('E_FILES_TRANSFER', `files mode: ${(e as Error).message ?? String(e)}`.slice(0, 600), {
              hint: 'the exchange folder could not be written or read; the run relaunches the app',
            }),
      );
    }
  }

  /** One launch within its allowance: the launch timeout plus the audio its trials play. */
  private async exchange(batch: Pending[]): Promise<{ frames: ResultFrame[]; warmups: Warmup[] }> {
    const launch = this.launches + 1;
    const warmups: Warmup[] = [];
    const entries = this.planEntries(batch, warmups);
    const audioMs = batch.filter((p) => p.type === 'trial').reduce((sum, p) => sum + this.trialMs(p.text) * (1 + this.warmups), 0);
    const budgetMs = this.opts.launchTimeoutMs + audioMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const asked = batch.map((p) => (p.type === 'trial' ? `trial ${(JSON.parse(p.text) as TrialPlanText).trialId}` : p.type)).join(', ');
        reject(
          deviceError(
            'E_FILES_TIMEOUT',
            `files mode: launch ${launch} (${asked}) left no results within ${seconds(budgetMs)} s (launch timeout ${seconds(this.opts.launchTimeoutMs)} s${audioMs > 0 ? ` + ${seconds(audioMs)} s of trial audio` : ''}) at ${this.opts.transfer.describe}`,
            {
              hint: `a slow farm or a long install: raise the launch timeout (${this.opts.timeoutHint ?? '--files-launch-timeout <seconds>'}); if the app hangs, see its log — the run relaunches it`,
            },
          ),
        );
      }, budgetMs);
    });
    expired.catch(() => undefined);
    try {
      return { frames: await Promise.race([this.runLaunch(entries, batch, budgetMs), expired]), warmups };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The plan: the replay, then the requests, each trial after its warm-ups. */
  private planEntries(batch: Pending[], warmups: Warmup[]): PlanEntry[] {
    const s = this.state;
    const replay: PlanEntry[] = [];
    if (s.hello) replay.push({ text: s.hello.text });
    if (s.configure) replay.push({ text: s.configure.text });
    for (const f of s.fixtures) replay.push({ text: f.text }, ...f.files.map((file) => ({ file })));
    if (!s.hello && batch[0]?.type !== 'hello')
      throw deviceError('E_FILES_PLAN', `"${batch[0]?.type}" before hello`, { hint: 'the session starts with hello' });
    const requests = batch.flatMap((p): PlanEntry[] => {
      if (p.type !== 'trial') return [{ text: p.text }, ...p.files.map((file) => ({ file }))];
      const trial = JSON.parse(p.text) as Record<string, unknown> & TrialPlanText;
      const copies: PlanEntry[] = [];
      for (let k = 0; k < this.warmups; k++) {
        const w: Warmup = {
          id: WARMUP_TOP - warmups.length,
          streamId: WARMUP_TOP - warmups.length,
          trialId: `${trial.trialId.slice(0, 54)}.warmup${k + 1}`,
          before: trial.trialId,
          done: null,
          frames: new Map(),
        };
        warmups.push(w);
        copies.push({ text: JSON.stringify({ ...trial, id: w.id, streamId: w.streamId, trialId: w.trialId }) });
      }
      return [...copies, { text: p.text }];
    });
    return [...replay, ...requests];
  }

  /** The trial's length by its plan, at its fixture's rate (the rate the upload announced; 8 kHz, the longest reading, if unknown). */
  private trialMs(text: string): number {
    const t = JSON.parse(text) as TrialPlanText;
    const load = this.state.fixtures.find((f) => f.audioId === t.audioId);
    const rate = load ? (JSON.parse(load.text) as { sampleRate: number }).sampleRate : 8000;
    return t.preRollMs + playbackTimeline(t.schedule, rate).endMs + t.postRollMs;
  }

  private async runLaunch(entries: PlanEntry[], batch: Pending[], budgetMs: number): Promise<ResultFrame[]> {
    const t = this.opts.transfer;
    const s = this.state;
    const uploads = this.pendingUploads;
    this.pendingUploads = [];
    await Promise.all(uploads);
    await t.clearResults();
    await t.put(PLAN_FILE, new TextEncoder().encode(planText(entries)));
    this.launches++;
    this.opts.onLaunch?.(
      `files launch ${this.launches}: ${batch.map((p) => p.type).join(', ')} (replaying ${s.configure ? 'configure, ' : ''}${s.fixtures.length} fixtures)`,
    );
    await t.launch([
      '-voiceaecMode',
      'files',
      '-voiceaecFilesDir',
      t.folderArgument,
      '-voiceaecToken',
      this.opts.token,
      '-voiceaecFramesPerMessage',
      String(FILES_FRAMES_PER_MESSAGE),
      ...(this.opts.extraArgs ?? []),
    ]);
    // The transfer's own limit a little later than the launch's: the launch's error names the launch and what to do.
    const outcome = await Promise.race([t.waitForResults(budgetMs + 5_000).then(() => null), this.closedSignal]);
    if (outcome) throw outcome;
    const frames = await readResults(t);
    await t.stop();
    return frames;
  }

  /** Checks the replies to the replay, updates what the app holds, then hands the rest to the peer in order. */
  private deliver(batch: Pending[], frames: ResultFrame[], warmups: Warmup[]): void {
    const s = this.state;
    const fixtures = new Map(s.fixtures.map((f) => [f.id, f]));
    const requests = new Map(batch.map((p) => [p.id, p]));
    const answered = new Set<number>();
    const forward: ResultFrame[] = [];
    const warmupById = new Map(warmups.map((w) => [w.id, w]));
    const warmupByStream = new Map(warmups.map((w) => [w.streamId, w]));
    const warmupByTrial = new Map(warmups.map((w) => [w.trialId, w]));
    for (const f of frames) {
      if (!('message' in f)) {
        const a = warmups.length > 0 ? audioHeader(f.binary) : null;
        const w = a ? warmupByStream.get(a.streamId) : undefined;
        if (w && a) w.frames.set(a.kind, (w.frames.get(a.kind) ?? 0) + a.frameCount);
        else forward.push(f);
        continue;
      }
      const m = f.message;
      // A warm-up's events and reply are checked below and go no further.
      if (m.type === 'event' && warmupByTrial.has(m.trialId ?? '')) continue;
      const toWarmup = 'inReplyTo' in m && m.inReplyTo !== null ? warmupById.get(m.inReplyTo) : undefined;
      if (toWarmup) {
        if (m.type !== 'trialDone') throw warmupError(this.launches, toWarmup, `was answered with ${m.type} (line ${f.line})`);
        toWarmup.done = m;
        continue;
      }
      if (m.type === 'ready') {
        if (s.hello) {
          if (body(m) !== s.hello.ready) throw replayError(`another device answered hello (line ${f.line}): ${m.device.name} ${m.device.osVersion}`);
          continue;
        }
        const hello = batch.find((p) => p.type === 'hello');
        if (hello) {
          answered.add(hello.id);
          s.hello = { text: hello.text, ready: body(m) };
        }
        forward.push(f);
        continue;
      }
      const to = 'inReplyTo' in m ? m.inReplyTo : null;
      if (to !== null && s.configure?.id === to && !requests.has(to)) {
        if (m.type !== 'configured' || body(m) !== s.configure.reply)
          throw replayError(`the replayed configure was answered differently (line ${f.line}: ${m.type}${m.type === 'configured' ? `, ok ${m.ok}` : ''})`);
        continue;
      }
      const fixture = to === null ? undefined : fixtures.get(to);
      if (fixture && !requests.has(to!)) {
        if (m.type !== 'audioLoaded' || m.audioId !== fixture.audioId || m.frames !== fixture.frames)
          throw replayError(`the replayed upload of ${fixture.audioId} was answered with ${m.type} (line ${f.line})`);
        continue;
      }
      if (to !== null && requests.has(to)) {
        answered.add(to);
        this.remember(requests.get(to)!, m);
      }
      forward.push(f);
    }
    this.checkWarmups(warmups);
    for (const f of forward) {
      if (this.readyState !== OPEN) return;
      this.emit('message', 'binary' in f ? Buffer.from(f.binary.buffer, f.binary.byteOffset, f.binary.byteLength) : Buffer.from(f.text), 'binary' in f);
    }
    const missing = batch.find((p) => !answered.has(p.id));
    if (missing && this.readyState === OPEN)
      this.fail(
        deviceError('E_FILES_NO_REPLY', `files mode: launch ${this.launches} left no reply to ${missing.type} (id ${missing.id}) in its results`, {
          hint: 'the harness stopped before it answered (a crash or a refused plan); the run relaunches it',
        }),
      );
  }

  /** Every warm-up ran whole, or the launch's measured trial is not handed on. */
  private checkWarmups(warmups: Warmup[]): void {
    for (const w of warmups) {
      if (!w.done) throw warmupError(this.launches, w, 'left no reply in the results');
      if (!w.done.ok)
        throw warmupError(this.launches, w, `failed: ${w.done.error ? `${w.done.error.code}: ${w.done.error.message}`.slice(0, 300) : 'no reason given'}`);
      for (const [kind, announced] of Object.entries(w.done.frames)) {
        const got = w.frames.get(kind) ?? 0;
        if (got !== announced) throw warmupError(this.launches, w, `announced ${announced} ${kind} frames and ${got} are in the results`);
      }
      this.warmupsRun++;
    }
  }

  /** What a reply to a request changes in the app's state for the next replay. */
  private remember(p: Pending, m: AnyMessage): void {
    const s = this.state;
    if (p.type === 'configure') s.configure = m.type === 'configured' && m.ok ? { id: p.id, text: p.text, reply: body(m) } : null;
    else if (p.type === 'teardown' && m.type === 'teardownDone') s.configure = null;
    else if (p.type === 'loadAudio' && m.type === 'audioLoaded')
      s.fixtures.push({ id: p.id, text: p.text, files: p.files, audioId: m.audioId, frames: m.frames });
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A binary frame's stream, kind and length (audio-frame.ts); null when it does not decode — the peer rejects those with the reason. */
function audioHeader(b: Uint8Array): { streamId: number; kind: string; frameCount: number } | null {
  try {
    const a = decodeAudioFrame(b);
    return { streamId: a.streamId, kind: a.kind, frameCount: a.frameCount };
  } catch {
    return null;
  }
}

/** Opens a files link: the first launch runs hello alone and gives the device's `ready`. */
export async function openFilesLink(opts: FilesLinkOptions): Promise<DeviceLink & { socket: FilesSocket }> {
  const socket = new FilesSocket(opts);
  const peer = new Peer(socket, { role: 'cli' });
  try {
    const ready = await handshakeAsCli(peer, opts.token, opts.launchTimeoutMs + LIMITS.helloTimeoutMs);
    if (ready.type !== 'ready') throw deviceError('E_FILES_REPLAY', 'no ready after hello', { hint: 'see the harness output' });
    return { peer, ready, socket, replyTimeoutMs: (normalMs, request) => socket.replyTimeoutMs(normalMs, request) };
  } catch (e) {
    peer.close();
    throw e;
  }
}

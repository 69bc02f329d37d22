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
 */
import { EventEmitter } from 'node:events';
import { deviceError, isVoiceAecError, VoiceAecError } from '../../core/errors.js';
import { encodeMessage } from '../../protocol/codec.js';
import { handshakeAsCli } from '../../protocol/endpoints.js';
import { LIMITS, type AnyMessage } from '../../protocol/messages.js';
import { CloseCode, Peer, type PeerSocket } from '../../protocol/peer.js';
import type { DeviceLink } from '../device-driver.js';
import { PLAN_FILE, planText, readResults, type PlanEntry, type ResultFrame } from './files-plan.js';
import { FILES_LIMITS, type FilesTransfer } from './files-transfer.js';

/** Samples per binary frame the harness writes: 1 s at 48 kHz, well under the frame limit, so a trial is a few dozen files. */
export const FILES_FRAMES_PER_MESSAGE = 48_000;
/** Open and closed, as ws numbers them. */
const OPEN = 1;
const CLOSED = 3;

export interface FilesLinkOptions {
  transfer: FilesTransfer;
  /** The run token of this link: a launch argument and the hello of every plan. */
  token: string;
  /** Longest one launch may take until its results are there; the peer's own reply timeouts apply as well. */
  launchTimeoutMs: number;
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
      const frames = await this.exchange(batch);
      if (this.readyState !== OPEN) return;
      this.deliver(batch, frames);
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

  private async exchange(batch: Pending[]): Promise<ResultFrame[]> {
    const t = this.opts.transfer;
    const s = this.state;
    const replay: PlanEntry[] = [];
    if (s.hello) replay.push({ text: s.hello.text });
    if (s.configure) replay.push({ text: s.configure.text });
    for (const f of s.fixtures) replay.push({ text: f.text }, ...f.files.map((file) => ({ file })));
    if (!s.hello && batch[0]?.type !== 'hello')
      throw deviceError('E_FILES_PLAN', `"${batch[0]?.type}" before hello`, { hint: 'the session starts with hello' });
    const entries = [...replay, ...batch.flatMap((p) => [{ text: p.text }, ...p.files.map((file) => ({ file }))])];
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
    const outcome = await Promise.race([t.waitForResults(this.opts.launchTimeoutMs).then(() => null), this.closedSignal]);
    if (outcome) throw outcome;
    const frames = await readResults(t);
    await t.stop();
    return frames;
  }

  /** Checks the replies to the replay, updates what the app holds, then hands the rest to the peer in order. */
  private deliver(batch: Pending[], frames: ResultFrame[]): void {
    const s = this.state;
    const fixtures = new Map(s.fixtures.map((f) => [f.id, f]));
    const requests = new Map(batch.map((p) => [p.id, p]));
    const answered = new Set<number>();
    const forward: ResultFrame[] = [];
    for (const f of frames) {
      if (!('message' in f)) {
        forward.push(f);
        continue;
      }
      const m = f.message;
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

  /** What a reply to a request changes in the app's state for the next replay. */
  private remember(p: Pending, m: AnyMessage): void {
    const s = this.state;
    if (p.type === 'configure') s.configure = m.type === 'configured' && m.ok ? { id: p.id, text: p.text, reply: body(m) } : null;
    else if (p.type === 'teardown' && m.type === 'teardownDone') s.configure = null;
    else if (p.type === 'loadAudio' && m.type === 'audioLoaded')
      s.fixtures.push({ id: p.id, text: p.text, files: p.files, audioId: m.audioId, frames: m.frames });
  }
}

/** Opens a files link: the first launch runs hello alone and gives the device's `ready`. */
export async function openFilesLink(opts: FilesLinkOptions): Promise<DeviceLink & { socket: FilesSocket }> {
  const socket = new FilesSocket(opts);
  const peer = new Peer(socket, { role: 'cli' });
  try {
    const ready = await handshakeAsCli(peer, opts.token, opts.launchTimeoutMs + LIMITS.helloTimeoutMs);
    if (ready.type !== 'ready') throw deviceError('E_FILES_REPLAY', 'no ready after hello', { hint: 'see the harness output' });
    return { peer, ready, socket };
  } catch (e) {
    peer.close();
    throw e;
  }
}

/**
 * The conversation with one device over its current link: configure, load audio, run a
 * trial (gathering its frames), tear down, and relaunch through the driver after a crash.
 * The runner orchestrates trials through this and never touches the wire.
 */
import { deviceError } from '../core/errors.js';
import { LIMITS, type ConfiguredMessage, type DeviceConfig, type MessageOf, type ReadyMessage, type TrialMessage } from '../protocol/messages.js';
import type { DeviceDriver, DeviceLink } from './device-driver.js';
import { exchangeTrial, type TrialExchange } from './trial-exchange.js';

/** Fixture audio goes up in chunks well under the protocol's frame limit. */
const UPLOAD_CHUNK_FRAMES = 16_384;

export type TrialRequest = Omit<TrialMessage, 'id' | 'version' | 'streamId'>;

export class DeviceSession {
  private link: DeviceLink | null = null;
  private streamId = 1;
  /** Audio the current app launch holds; a relaunch forgets it. */
  private readonly loaded = new Set<string>();

  constructor(readonly driver: DeviceDriver) {}

  get isOpen(): boolean {
    return this.link?.peer.isOpen ?? false;
  }

  /** What the device said about itself when it last came up. */
  get ready(): ReadyMessage {
    if (!this.link) throw deviceError('E_DEVICE_DISCONNECTED', 'the device has not been connected yet', { hint: 'open the session first' });
    return this.link.ready;
  }

  /** (Re)launches the app where the driver can and waits for it to be ready. */
  async open(): Promise<ReadyMessage> {
    this.link?.peer.close();
    this.link = null;
    this.loaded.clear();
    this.link = await this.driver.connect();
    return this.link.ready;
  }

  /** Opens the session unless its link is up; true when it had to (a relaunch after a crash). */
  async ensureOpen(): Promise<boolean> {
    if (this.isOpen) return false;
    await this.open();
    return true;
  }

  async configure(config: DeviceConfig): Promise<ConfiguredMessage> {
    return this.peer().request({ type: 'configure', config }, 'configured', this.timeout(LIMITS.replyTimeoutMs, 'other'));
  }

  /** Uploads a fixture unless this launch of the app already holds it. */
  async loadAudio(audioId: string, samples: Float32Array, sampleRate: number): Promise<void> {
    if (this.loaded.has(audioId)) return;
    const peer = this.peer();
    const streamId = this.streamId++;
    const reply = peer.request(
      { type: 'loadAudio', audioId, streamId, sampleRate, frames: samples.length },
      'audioLoaded',
      this.timeout(LIMITS.replyTimeoutMs, 'other'),
    );
    for (let from = 0, sequence = 0; from < samples.length; from += UPLOAD_CHUNK_FRAMES, sequence++) {
      peer.sendAudio({
        kind: 'fixture',
        format: 'f32',
        channels: 1,
        streamId,
        sequence,
        hostTimeNs: 0n,
        sampleRate,
        samples: samples.subarray(from, from + UPLOAD_CHUNK_FRAMES),
      });
    }
    await reply;
    this.loaded.add(audioId);
  }

  /**
   * Runs one trial on a fresh stream id and returns its streams and events on one time axis;
   * `plannedMs` (the trial's length by its plan) bounds what the device may send.
   */
  async runTrial(trial: TrialRequest, plannedMs: number, timeoutMs: number): Promise<TrialExchange> {
    return exchangeTrial(this.peer(), { ...trial, streamId: this.streamId++ }, this.timeout(timeoutMs, 'trial'), plannedMs);
  }

  async teardown(): Promise<MessageOf<'teardownDone'>> {
    return this.peer().request({ type: 'teardown' }, 'teardownDone', this.timeout(LIMITS.replyTimeoutMs, 'other'));
  }

  /** After a dropped link: what the driver can tell about why, or null. Never throws. */
  async diagnose(): Promise<string | null> {
    try {
      return (await this.driver.diagnose?.()) ?? null;
    } catch {
      return null;
    }
  }

  /** Closes the link; the driver (and a device it launched) is the caller's to close. */
  close(): void {
    this.link?.peer.close();
  }

  /** The wait for a reply on the current link (longer in files mode: device-driver.ts). */
  private timeout(normalMs: number, request: 'trial' | 'other'): number {
    return this.link?.replyTimeoutMs?.(normalMs, request) ?? normalMs;
  }

  private peer() {
    if (!this.link?.peer.isOpen) throw deviceError('E_DEVICE_DISCONNECTED', 'the device is not connected', { hint: 'it is relaunched before the next trial' });
    return this.link.peer;
  }
}

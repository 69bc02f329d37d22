/**
 * One trial over the wire: send `trial`, gather the device's audio frames and events for
 * its stream, wait for `trialDone`, and check that every frame announced arrived in order.
 * Returns the streams on one time axis (sample 0 = first mic sample) and the events with
 * their host times and ms offsets.
 */
import { deviceError } from '../core/errors.js';
import type { AudioFrame } from '../protocol/audio-frame.js';
import type { AnyMessage, StreamKind, TrialMessage } from '../protocol/messages.js';
import type { Peer } from '../protocol/peer.js';
import type { DeviceEvent } from '../io/events.js';

export interface TrialExchange {
  ok: boolean;
  error: { code: string; message: string } | null;
  sampleRate: number;
  streams: Partial<Record<StreamKind, Float32Array>>;
  events: DeviceEvent[];
}

interface StreamBuffer {
  chunks: Float32Array[];
  frames: number;
  nextSequence: number;
  firstHostTimeNs: bigint;
  sampleRate: number;
}

/** Slack on the trial's planned length before the device's audio or times count as out of bounds. */
const BOUNDS_SLACK_MS = 2000;
/** Events one trial may carry; a device flooding more is faulty. */
const MAX_EVENTS = 10_000;

/**
 * Exchanges one trial. `plannedMs` is the trial's length by its plan (pre-roll, playback,
 * post-roll): every value the device sends (frame counts, stream placement, event times) is
 * bounded by it, and a violation fails the trial with a reason instead of growing memory.
 */
export async function exchangeTrial(peer: Peer, trial: Omit<TrialMessage, 'id' | 'version'>, timeoutMs: number, plannedMs: number): Promise<TrialExchange> {
  const limitMs = plannedMs + BOUNDS_SLACK_MS;
  const outOfBounds = (what: string) =>
    deviceError('E_TRIAL_BOUNDS', `trial ${trial.trialId}: ${what}, beyond the trial's planned ${Math.round(plannedMs)} ms`, {
      hint: 'the device sent values its trial plan does not allow; the trial is retried on a new connection',
    });
  const buffers = new Map<StreamKind, StreamBuffer>();
  const rawEvents: Array<{ name: string; hostTimeNs: string; data: Record<string, string | number | boolean | null> }> = [];
  // A holder, not a variable: the audio callback sets it, and flow analysis cannot see that.
  const fault: { error: Error | null } = { error: null };

  const onAudio = (f: AudioFrame) => {
    if (f.streamId !== trial.streamId || fault.error) return;
    let b = buffers.get(f.kind);
    if (!b) {
      b = { chunks: [], frames: 0, nextSequence: 0, firstHostTimeNs: f.hostTimeNs, sampleRate: f.sampleRate };
      buffers.set(f.kind, b);
    }
    if (f.sequence !== b.nextSequence || f.channels !== 1 || f.sampleRate !== b.sampleRate) {
      fault.error ??= deviceError(
        'E_PROTO_SEQUENCE',
        `trial ${trial.trialId}: ${f.kind} frame ${f.sequence} out of order or in another format (expected ${b.nextSequence}, mono, ${b.sampleRate} Hz)`,
        {
          hint: 'the device must send each stream in order, mono, at one rate',
        },
      );
      return;
    }
    if (((b.frames + f.frameCount) / b.sampleRate) * 1000 > limitMs) {
      fault.error = outOfBounds(`the ${f.kind} stream exceeds ${b.frames + f.frameCount} frames at ${b.sampleRate} Hz`);
      buffers.clear(); // what arrived is useless now; do not hold it
      return;
    }
    b.chunks.push(f.samples);
    b.frames += f.frameCount;
    b.nextSequence++;
  };
  const onMessage = (m: AnyMessage) => {
    if (m.type !== 'event' || m.trialId !== trial.trialId || fault.error) return;
    if (rawEvents.length >= MAX_EVENTS) fault.error = outOfBounds(`more than ${MAX_EVENTS} events`);
    else rawEvents.push({ name: m.name, hostTimeNs: m.hostTimeNs, data: m.data });
  };
  peer.on('audio', onAudio);
  peer.on('message', onMessage);
  try {
    const done = await peer.request(trial, 'trialDone', timeoutMs);
    if (fault.error) throw fault.error;
    for (const [kind, frames] of Object.entries(done.frames) as Array<[StreamKind, number]>) {
      const got = buffers.get(kind)?.frames ?? 0;
      if (got !== frames) {
        throw deviceError('E_TRIAL_INCOMPLETE', `trial ${trial.trialId}: device sent ${frames} ${kind} frames, ${got} arrived`, {
          hint: 'frames were lost; the trial is retried on a new connection',
        });
      }
    }
    const mic = buffers.get('mic');
    if (done.ok && !mic)
      throw deviceError('E_TRIAL_INCOMPLETE', `trial ${trial.trialId}: no mic audio`, { hint: 'the device recorded nothing; check microphone permission' });
    const origin = mic?.firstHostTimeNs ?? 0n;
    const rate = mic?.sampleRate ?? 48_000;
    const streams: Partial<Record<StreamKind, Float32Array>> = {};
    for (const [kind, b] of buffers) {
      // Streams that started later than the mic are padded so all share the mic's sample 0;
      // a stream placed before the mic or past the trial's end is the device's error.
      const startMs = Number(b.firstHostTimeNs - origin) / 1e6;
      if (startMs < -1 || startMs + (b.frames / b.sampleRate) * 1000 > limitMs)
        throw outOfBounds(`the ${kind} stream is placed at ${startMs.toFixed(1)} ms from the first mic sample`);
      const offset = Math.max(0, Math.round((startMs / 1000) * rate));
      const out = new Float32Array(offset + b.frames);
      let at = offset;
      for (const c of b.chunks) {
        out.set(c, at);
        at += c.length;
      }
      streams[kind] = out;
    }
    const events: DeviceEvent[] = [];
    if (mic && !rawEvents.some((e) => e.name === 'micStarted')) events.push({ type: 'micStarted', tMs: 0, hostTimeNs: origin.toString() });
    for (const e of rawEvents) {
      const tMs = Number(BigInt(e.hostTimeNs) - origin) / 1e6;
      if (tMs < -limitMs || tMs > limitMs) throw outOfBounds(`event ${e.name} at ${tMs.toFixed(1)} ms from the first mic sample`);
      events.push({ ...e.data, type: e.name, tMs, hostTimeNs: e.hostTimeNs });
    }
    events.sort((a, b) => a.tMs - b.tMs);
    return { ok: done.ok, error: done.error, sampleRate: rate, streams, events };
  } finally {
    peer.off('audio', onAudio);
    peer.off('message', onMessage);
  }
}

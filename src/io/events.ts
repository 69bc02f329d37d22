/**
 * Device event files (JSON Lines as a run directory stores them, or a JSON array written by hand): the
 * drain and playback-start times the analysis measures from.
 *
 * Each event has a `type` and a time: `tMs` (ms from the first mic sample) or
 * `hostTimeNs` (device host time), in which case the file must hold a `micStarted`
 * event whose host time is the first mic sample's.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { inputError } from '../core/errors.js';

const EventSchema = z
  .object({
    type: z.string().min(1),
    tMs: z.number().finite().optional(),
    hostTimeNs: z.union([z.number(), z.string().regex(/^\d+$/)]).optional(),
  })
  .passthrough();

/** One line of a trial's events file as the runner writes it: the device's event with its ms offset from the first mic sample. */
export interface DeviceEvent {
  type: string;
  tMs: number;
  hostTimeNs: string;
  [key: string]: string | number | boolean | null;
}

export interface TimedEvent {
  type: string;
  tMs: number;
}

export interface TrialTiming {
  /** The last `bufferDrained`: the end of the agent's turn, where the gate starts. */
  drainMs: number | null;
  drainCount: number;
  playbackStartMs: number | null;
  /** Onset of a near-end talker (barge-in trials; written by the runner): leak verdicts stop there. */
  nearEndStartMs: number | null;
  events: TimedEvent[];
}

export function parseEvents(text: string, name: string): TrialTiming {
  const trimmed = text.trim();
  let raw: unknown[];
  try {
    raw = trimmed.startsWith('[')
      ? (JSON.parse(trimmed) as unknown[])
      : trimmed
          .split(/\r?\n/)
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown);
  } catch (e) {
    throw inputError('E_EVENTS_JSON', `${name} is not JSON or JSON Lines (${(e as Error).message})`, {
      hint: 'give a JSON array of events or one JSON object per line (JSON Lines)',
      cause: e,
    });
  }
  if (!Array.isArray(raw)) throw inputError('E_EVENTS_JSON', `${name} holds no list of events`, { hint: 'write a JSON array or JSON Lines' });
  const parsed = raw.map((ev, i) => {
    const r = EventSchema.safeParse(ev);
    if (!r.success) {
      throw inputError(
        'E_EVENTS_FIELD',
        `${name}: event ${i + 1} is invalid (${r.error.issues[0]!.path.join('.') || 'event'}: ${r.error.issues[0]!.message})`,
        {
          hint: 'each event needs a "type" and a "tMs" or "hostTimeNs"',
        },
      );
    }
    return r.data;
  });
  const origin = parsed.find((e) => e.type === 'micStarted' && e.hostTimeNs !== undefined)?.hostTimeNs;
  const events: TimedEvent[] = parsed.map((e, i) => {
    if (e.tMs !== undefined) return { type: e.type, tMs: e.tMs };
    if (e.hostTimeNs !== undefined && origin !== undefined) {
      return { type: e.type, tMs: Number(BigInt(e.hostTimeNs) - BigInt(origin)) / 1e6 };
    }
    throw inputError('E_EVENTS_TIME', `${name}: event ${i + 1} (${e.type}) has no usable time`, {
      hint: 'give "tMs" (ms from the first mic sample), or "hostTimeNs" together with a "micStarted" event',
    });
  });
  return trialTiming(events);
}

/** The times the analysis measures from, out of a trial's events (ms from the first mic sample). */
export function trialTiming(events: TimedEvent[]): TrialTiming {
  const drains = events.filter((e) => e.type === 'bufferDrained');
  const start = events.find((e) => e.type === 'playbackStarted');
  const nearEnd = events.find((e) => e.type === 'nearEndStarted');
  return {
    drainMs: drains.length > 0 ? drains[drains.length - 1]!.tMs : null,
    drainCount: drains.length,
    playbackStartMs: start ? start.tMs : null,
    nearEndStartMs: nearEnd ? nearEnd.tMs : null,
    events,
  };
}

export async function readEventsFile(path: string): Promise<TrialTiming> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw inputError('E_FILE_NOT_FOUND', `cannot read events file ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'check the --events path',
      cause: e,
    });
  }
  return parseEvents(text, path);
}

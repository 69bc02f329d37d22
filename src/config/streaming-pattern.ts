/**
 * Streaming patterns: how the chunks of a TTS fixture reach the device's playback buffer.
 * A pattern is data (fixtures/streaming-patterns.json, referred to by id from scenarios);
 * `buildSchedule` turns it into the schedule a trial carries (docs/protocol.md § trial), so steady,
 * bursty and underrun deliveries replay identically and independently of network jitter.
 *
 * Time model: playback starts when chunk 0 is appended (t = 0) and then plays the buffered
 * audio in real time; whenever the buffer runs empty it stops (the device reports
 * `bufferDrained`, the mic gate arms) and resumes when the next chunk arrives.
 */
import { z } from 'zod';
import { uniform } from '../core/random.js';
import { usageError } from '../core/errors.js';
import { issueText } from './issue-text.js';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lower-case letters, digits and dashes');
const common = {
  id,
  description: z.string().min(1),
  /** Audio per chunk; the last chunk holds the rest. */
  chunkMs: z.number().min(5).max(5000),
};

/** Chunks at `deliveryRate` × real time, back to back: a TTS service that outpaces playback. */
const Steady = z.object({ ...common, kind: z.literal('steady'), deliveryRate: z.number().min(1).max(1000) }).strict();

/** Chunks as fast as they play, `leadMs` ahead of the playhead: a TTS that just keeps up. */
const Realtime = z.object({ ...common, kind: z.literal('realtime'), leadMs: z.number().min(0).max(10_000) }).strict();

/**
 * Groups of `burstChunks` chunks at `deliveryRate` × real time; the next group arrives while
 * at least `minBufferedMs` is still queued (up to `jitterMs` earlier, seeded), so the buffer
 * runs low between bursts but never empty.
 */
const Bursty = z
  .object({
    ...common,
    kind: z.literal('bursty'),
    burstChunks: z.number().int().min(1).max(1000),
    deliveryRate: z.number().min(1).max(1000),
    minBufferedMs: z.number().positive().max(10_000),
    jitterMs: z.number().min(0).max(10_000).default(0),
  })
  .strict();

/**
 * Steady delivery that stalls once mid-utterance: the chunk starting at `atFraction` of the
 * fixture arrives `starveMs` after the buffer has run dry, so playback drains (arming the mic
 * gate), stays silent for `starveMs`, and resumes (disarming it).
 */
const Underrun = z
  .object({
    ...common,
    kind: z.literal('underrun'),
    deliveryRate: z.number().min(1).max(1000),
    atFraction: z.number().gt(0).lt(1),
    starveMs: z.number().positive().max(60_000),
  })
  .strict();

export const StreamingPatternSchema = z.discriminatedUnion('kind', [Steady, Realtime, Bursty, Underrun]);
export type StreamingPattern = z.infer<typeof StreamingPatternSchema>;
export type StreamingPatternInput = z.input<typeof StreamingPatternSchema>;

export interface ScheduledChunk {
  /** When the chunk is appended to the playback buffer, ms after the trial's playback start. */
  atMs: number;
  /** First fixture frame of the chunk. */
  startFrame: number;
  frameCount: number;
}

/** Validate a pattern from a file or a scenario; the error names the field. */
export function parseStreamingPattern(input: unknown, where = 'streaming pattern'): StreamingPattern {
  const r = StreamingPatternSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw usageError('E_STREAMING_PATTERN', `${where}: ${issue.path.join('.') || '(root)'}: ${issueText(issue, StreamingPatternSchema)}`, {
      hint: 'see docs/fixtures.md (streaming patterns) for the kinds and their fields',
    });
  }
  return r.data;
}

/**
 * Times are floored to the microsecond: stable in JSON, and never later than the exact
 * value, so a chunk due exactly when the playhead reaches it is not made late by rounding.
 */
const floorUs = (ms: number) => Math.floor(ms * 1000 + 1e-6) / 1000;

/**
 * The delivery schedule of a fixture of `frames` frames at `sampleRate` under `pattern`.
 * Chunks cover the fixture exactly once, in order and contiguously; `atMs` never decreases.
 * Deterministic: the same inputs (and `seed`, used only by bursty jitter) give the same schedule.
 */
export function buildSchedule(pattern: StreamingPattern, frames: number, sampleRate: number, seed = 0): ScheduledChunk[] {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`frames must be a positive integer, got ${frames}`);
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be > 0, got ${sampleRate}`);
  const chunkFrames = Math.max(1, Math.round((pattern.chunkMs * sampleRate) / 1000));
  const n = Math.ceil(frames / chunkFrames);
  const startOf = (i: number) => i * chunkFrames;
  /** Playback time of a frame when nothing has starved yet. */
  const msOf = (frame: number) => (frame * 1000) / sampleRate;
  const at: number[] = new Array<number>(n);

  switch (pattern.kind) {
    case 'steady':
      for (let i = 0; i < n; i++) at[i] = msOf(startOf(i)) / pattern.deliveryRate;
      break;
    case 'realtime':
      for (let i = 0; i < n; i++) at[i] = Math.max(0, msOf(startOf(i)) - pattern.leadMs);
      break;
    case 'bursty': {
      const jitter = uniform(seed);
      let t = 0;
      for (let b = 0; b * pattern.burstChunks < n; b++) {
        const first = b * pattern.burstChunks;
        if (b > 0) {
          // While playback has not starved, frame f plays at msOf(f): arrive minBufferedMs before it runs out.
          const due = msOf(startOf(first)) - pattern.minBufferedMs - jitter() * pattern.jitterMs;
          t = Math.max(t, due);
        }
        for (let k = 0; k < pattern.burstChunks && first + k < n; k++) {
          at[first + k] = t + msOf(startOf(k)) / pattern.deliveryRate;
        }
        t = at[Math.min(n, first + pattern.burstChunks) - 1]!;
      }
      break;
    }
    case 'underrun': {
      if (n < 2) {
        throw usageError(
          'E_STREAMING_PATTERN',
          `pattern "${pattern.id}" needs at least 2 chunks of ${pattern.chunkMs} ms to stall between; the fixture is ${msOf(frames).toFixed(0)} ms`,
          {
            hint: 'use a longer fixture or a smaller chunkMs',
          },
        );
      }
      const stall = Math.min(n - 1, Math.max(1, Math.floor((pattern.atFraction * frames) / chunkFrames)));
      for (let i = 0; i < stall; i++) at[i] = msOf(startOf(i)) / pattern.deliveryRate;
      // Playback ran without a gap since t = 0, so it drains when the audio before the stall has played.
      const resume = msOf(startOf(stall)) + pattern.starveMs;
      for (let i = stall; i < n; i++) at[i] = resume + (msOf(startOf(i)) - msOf(startOf(stall))) / pattern.deliveryRate;
      break;
    }
  }

  const out: ScheduledChunk[] = [];
  let last = 0;
  for (let i = 0; i < n; i++) {
    last = Math.max(last, floorUs(at[i]!));
    const startFrame = startOf(i);
    out.push({ atMs: last, startFrame, frameCount: Math.min(chunkFrames, frames - startFrame) });
  }
  return out;
}

// The time model the schedule is played under lives in core (files mode needs it too); re-exported for the pattern's users.
export { playbackTimeline, type PlaybackTimeline } from '../core/playback-timeline.js';

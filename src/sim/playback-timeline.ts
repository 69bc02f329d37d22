/**
 * The player on the trial timeline: chunk i is appended to the player's buffer at
 * preRoll + schedule[i].atMs; the render thread plays buffered audio continuously; when
 * the buffer runs empty the player reports the drain at the instant the render consumed
 * the last sample (as AVAudioPlayerNode's completion does); a chunk arriving after a drain
 * resumes playback. The trial ends postRoll after the final drain.
 */
import type { ScheduleEntry } from '../protocol/messages.js';

/** A stretch between a drain and the next append (or the end of the trial), in samples. */
export interface Silence {
  /** Sample at which the buffer drained. */
  drainAt: number;
  /** Sample at which the next chunk was appended, or null after the final drain. */
  resumeAt: number | null;
}

export interface PlaybackTimeline {
  /** What the render thread played, one sample per trial sample. */
  play: Float32Array;
  /** Trial length in samples. */
  length: number;
  playbackStartAt: number;
  /** Append instant of each schedule entry, indexed like the schedule. */
  appendAt: number[];
  /** Every drain, in time order; the last one has resumeAt null. */
  silences: Silence[];
}

const toSample = (ms: number, fs: number) => Math.round((ms * fs) / 1000);

export function renderSchedule(audio: Float32Array, schedule: readonly ScheduleEntry[], preRollMs: number, postRollMs: number, fs: number): PlaybackTimeline {
  const playbackStartAt = toSample(preRollMs, fs);
  const appendAt = schedule.map((c) => toSample(preRollMs + c.atMs, fs));
  // Appends in time order; entries with equal times keep their schedule order.
  const order = schedule.map((_, i) => i).sort((a, b) => appendAt[a]! - appendAt[b]! || a - b);

  const placements: Array<{ at: number; entry: ScheduleEntry }> = [];
  const silences: Silence[] = [];
  let end = -1; // one past the last buffered sample; −1 before the first append
  for (const i of order) {
    const a = appendAt[i]!;
    const entry = schedule[i]!;
    let start: number;
    if (end < 0) start = a;
    else if (a > end) {
      // The buffer ran dry at `end` before this chunk came: an underrun.
      silences.push({ drainAt: end, resumeAt: a });
      start = a;
    } else start = end;
    placements.push({ at: start, entry });
    end = start + entry.frameCount;
  }
  silences.push({ drainAt: end, resumeAt: null });

  const length = end + toSample(postRollMs, fs);
  const play = new Float32Array(length);
  for (const { at, entry } of placements) play.set(audio.subarray(entry.startFrame, entry.startFrame + entry.frameCount), at);
  return { play, length, playbackStartAt, appendAt, silences };
}

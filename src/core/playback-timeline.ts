/**
 * What a device plays from a trial's schedule: chunk i is appended at `atMs` after the playback
 * start and plays back to back with what is queued; an empty buffer waits for the next chunk.
 * The one time model of the runner (trial length, near-end timing), the streaming patterns'
 * tests and files mode's launch allowance (docs/protocol.md § trial).
 */

export interface PlaybackTimeline {
  /** Times the buffer ran empty before the end, and for how long (ms after playback start). */
  underruns: Array<{ atMs: number; durationMs: number }>;
  /** When the last frame has played: the final `bufferDrained`. */
  endMs: number;
}

/** The underruns a schedule causes and its final drain. */
export function playbackTimeline(schedule: ReadonlyArray<{ atMs: number; frameCount: number }>, sampleRate: number): PlaybackTimeline {
  const underruns: PlaybackTimeline['underruns'] = [];
  let playhead = 0; // when the audio queued so far finishes playing
  for (const [i, c] of schedule.entries()) {
    if (i > 0 && c.atMs > playhead + 1e-9) {
      underruns.push({ atMs: playhead, durationMs: c.atMs - playhead });
      playhead = c.atMs;
    }
    playhead = Math.max(playhead, c.atMs) + (c.frameCount * 1000) / sampleRate;
  }
  return { underruns, endMs: playhead };
}

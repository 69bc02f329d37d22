import { describe, expect, it } from 'vitest';
import { renderSchedule } from '../../../src/sim/playback-timeline.js';

const RATE = 1000; // 1 sample per ms
const audio = Float32Array.from({ length: 1000 }, (_, i) => (i + 1) / 1000);

describe('renderSchedule', () => {
  it('one chunk: plays from the pre-roll, drains at its end, the trial ends a post-roll later', () => {
    const t = renderSchedule(audio, [{ atMs: 0, startFrame: 100, frameCount: 300 }], 200, 500, RATE);
    expect(t.playbackStartAt).toBe(200);
    expect(t.appendAt).toEqual([200]);
    expect(t.silences).toEqual([{ drainAt: 500, resumeAt: null }]);
    expect(t.length).toBe(1000);
    expect(t.play.length).toBe(1000);
    expect(Array.from(t.play.subarray(200, 500))).toEqual(Array.from(audio.subarray(100, 400)));
    expect(t.play.subarray(0, 200).every((v) => v === 0) && t.play.subarray(500).every((v) => v === 0)).toBe(true);
  });

  it('chunks appended before the buffer empties play back to back without a drain', () => {
    const t = renderSchedule(
      audio,
      [
        { atMs: 0, startFrame: 0, frameCount: 100 },
        { atMs: 50, startFrame: 100, frameCount: 100 },
        { atMs: 199, startFrame: 200, frameCount: 100 },
      ],
      0,
      10,
      RATE,
    );
    expect(t.silences).toEqual([{ drainAt: 300, resumeAt: null }]);
    expect(Array.from(t.play.subarray(0, 300))).toEqual(Array.from(audio.subarray(0, 300)));
  });

  it('a chunk arriving exactly as the buffer empties continues seamlessly', () => {
    const t = renderSchedule(
      audio,
      [
        { atMs: 0, startFrame: 0, frameCount: 100 },
        { atMs: 100, startFrame: 100, frameCount: 100 },
      ],
      0,
      10,
      RATE,
    );
    expect(t.silences).toEqual([{ drainAt: 200, resumeAt: null }]);
  });

  it('an underrun drains the buffer, leaves silence and resumes when the late chunk arrives', () => {
    const t = renderSchedule(
      audio,
      [
        { atMs: 0, startFrame: 0, frameCount: 100 },
        { atMs: 250, startFrame: 100, frameCount: 100 },
      ],
      100,
      300,
      RATE,
    );
    expect(t.silences).toEqual([
      { drainAt: 200, resumeAt: 350 },
      { drainAt: 450, resumeAt: null },
    ]);
    expect(t.play.subarray(200, 350).every((v) => v === 0)).toBe(true);
    expect(Array.from(t.play.subarray(350, 450))).toEqual(Array.from(audio.subarray(100, 200)));
    expect(t.length).toBe(750);
  });

  it('appends in time order whatever the schedule order; equal times keep schedule order', () => {
    const t = renderSchedule(
      audio,
      [
        { atMs: 10, startFrame: 500, frameCount: 10 },
        { atMs: 0, startFrame: 0, frameCount: 5 },
        { atMs: 0, startFrame: 100, frameCount: 5 },
      ],
      0,
      0,
      RATE,
    );
    expect(t.appendAt).toEqual([10, 0, 0]);
    expect(Array.from(t.play.subarray(0, 10))).toEqual([...audio.subarray(0, 5), ...audio.subarray(100, 105)]);
    expect(Array.from(t.play.subarray(10, 20))).toEqual(Array.from(audio.subarray(500, 510)));
    expect(t.silences).toEqual([{ drainAt: 20, resumeAt: null }]);
  });

  it('the first chunk may come after the playback start: no drain before any audio played', () => {
    const t = renderSchedule(audio, [{ atMs: 300, startFrame: 0, frameCount: 100 }], 100, 0, RATE);
    expect(t.playbackStartAt).toBe(100);
    expect(t.silences).toEqual([{ drainAt: 500, resumeAt: null }]);
  });
});

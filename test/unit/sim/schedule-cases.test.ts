/**
 * The shared schedule table (fixtures/harness/schedule-cases.json) through the TypeScript
 * streaming schedule: buildSchedule and playbackTimeline (src/config/streaming-pattern.ts)
 * and the virtual iPhone's player timeline (src/sim/playback-timeline.ts). The Swift harness
 * runs the same cases (ios-harness-app/HarnessKit/Tests/HarnessCoreTests/ScheduleCaseTests.swift),
 * so a case or an implementation changed on one side only fails a test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSchedule, parseStreamingPattern, playbackTimeline, type ScheduledChunk } from '../../../src/config/streaming-pattern.js';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { renderSchedule } from '../../../src/sim/playback-timeline.js';

interface PatternCase {
  name: string;
  pattern: unknown;
  frames: number;
  sampleRate: number;
  seed: number;
  expected: { schedule: ScheduledChunk[]; playback: ReturnType<typeof playbackTimeline> } | { error: string };
}

interface TimelineCase {
  name: string;
  schedule: ScheduledChunk[];
  preRollMs: number;
  postRollMs: number;
  rate: number;
  expected: { playbackStartAt: number; appendAt: number[]; placedAt: number[]; silences: Array<{ drainAt: number; resumeAt: number | null }>; length: number };
}

const table = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/harness/schedule-cases.json', import.meta.url)), 'utf8')) as {
  schema: string;
  patternCases: PatternCase[];
  timelineCases: TimelineCase[];
};

describe('shared schedule cases', () => {
  it('is the table this test reads, covering every pattern kind', () => {
    expect(table.schema).toBe('voiceaec.harness-schedule-cases/1');
    const kinds = new Set(table.patternCases.map((c) => (c.pattern as { kind: string }).kind));
    expect(kinds).toEqual(new Set(['steady', 'realtime', 'bursty', 'underrun']));
    expect(table.timelineCases.length).toBeGreaterThanOrEqual(7);
  });

  it.each(table.patternCases.map((c) => [c.name, c] as const))('pattern: %s', (_name, c) => {
    const pattern = parseStreamingPattern(c.pattern);
    if ('error' in c.expected) {
      let code = 'no error';
      try {
        buildSchedule(pattern, c.frames, c.sampleRate, c.seed);
      } catch (e) {
        if (!isVoiceAecError(e)) throw e;
        code = e.code;
      }
      expect(code).toBe(c.expected.error);
      return;
    }
    const schedule = buildSchedule(pattern, c.frames, c.sampleRate, c.seed);
    // toStrictEqual compares numbers exactly: the Swift side must produce the same doubles.
    expect(schedule).toStrictEqual(c.expected.schedule);
    expect(playbackTimeline(schedule, c.sampleRate)).toStrictEqual(c.expected.playback);
  });

  it.each(table.timelineCases.map((c) => [c.name, c] as const))('timeline: %s', (_name, c) => {
    const frames = Math.max(...c.schedule.map((e) => e.startFrame + e.frameCount));
    const audio = Float32Array.from({ length: frames }, (_, i) => (i + 1) / frames);
    const t = renderSchedule(audio, c.schedule, c.preRollMs, c.postRollMs, c.rate);
    expect({ playbackStartAt: t.playbackStartAt, appendAt: t.appendAt, silences: t.silences, length: t.length }).toStrictEqual({
      playbackStartAt: c.expected.playbackStartAt,
      appendAt: c.expected.appendAt,
      silences: c.expected.silences,
      length: c.expected.length,
    });
    // Each entry plays whole from where the table says it starts.
    c.schedule.forEach((e, i) => {
      const at = c.expected.placedAt[i]!;
      expect(Array.from(t.play.subarray(at, at + e.frameCount))).toEqual(Array.from(audio.subarray(e.startFrame, e.startFrame + e.frameCount)));
    });
  });
});

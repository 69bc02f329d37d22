/** The turn-detector profiles as data: the shipped defaults, a user's own profile, and the rules of the schema. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { CustomTurnProfilesSchema, SHIPPED_TURN_PROFILES, TurnProfileSchema, framesFor, resolveTurnProfiles } from '../../../src/config/turn-profiles.js';

const byName = (n: string) => SHIPPED_TURN_PROFILES.find((p) => p.name === n)!;

describe('shipped turn profiles', () => {
  it('are Pipecat, LiveKit and OpenAI Realtime, each with its source', () => {
    expect(SHIPPED_TURN_PROFILES.map((p) => p.name)).toEqual(['pipecat', 'livekit', 'openai-realtime']);
    for (const p of SHIPPED_TURN_PROFILES) {
      expect(p.source).toMatch(/^https:\/\//);
      expect(p.engine).toBe('silero-v5');
    }
  });

  it('carry the frameworks’ defaults', () => {
    expect(byName('pipecat')).toMatchObject({ threshold: 0.7, startMs: 200, stopMs: 800, frameCount: 'round', volume: { min: 0.6, smoothing: 0.2 } });
    expect(byName('livekit')).toMatchObject({ threshold: 0.5, probabilityFilter: 0.35, startMs: 50, stopMs: 550, interruptAfterMs: 500, prefixPaddingMs: 500 });
    expect(byName('openai-realtime')).toMatchObject({ threshold: 0.5, startMs: 0, stopMs: 500, prefixPaddingMs: 300, volume: null });
  });

  it('count frames as each framework does on 32 ms Silero frames', () => {
    expect(framesFor(200, 32, 'round')).toBe(6); // Pipecat: round(0.2 / 0.032)
    expect(framesFor(800, 32, 'round')).toBe(25);
    expect(framesFor(80, 32, 'round')).toBe(2); // 2.5: Python rounds halves to even
    expect(framesFor(112, 32, 'round')).toBe(4); // 3.5 → 4
    expect(framesFor(50, 32, 'atLeast')).toBe(2); // LiveKit: accumulate until ≥ 0.05 s
    expect(framesFor(64, 32, 'atLeast')).toBe(2);
    expect(framesFor(550, 32, 'atLeast')).toBe(18);
    expect(framesFor(0, 32, 'atLeast')).toBe(1); // OpenAI: the first frame over the threshold
    expect(framesFor(0, 32, 'round')).toBe(1);
  });
});

describe('a user profile', () => {
  it('parses from scenario data with defaults filled in', () => {
    const p = TurnProfileSchema.parse({ name: 'my-agent', threshold: 0.6, startMs: 100, stopMs: 600 });
    expect(p).toEqual({
      name: 'my-agent',
      description: '',
      source: '',
      engine: 'silero-v5',
      threshold: 0.6,
      probabilityFilter: 0,
      startMs: 100,
      stopMs: 600,
      frameCount: 'atLeast',
      interruptAfterMs: 0,
      prefixPaddingMs: 0,
      volume: null,
    });
    expect(resolveTurnProfiles(['my-agent', 'pipecat', 'my-agent'], [p]).map((q) => q.name)).toEqual(['my-agent', 'pipecat']);
  });

  it.each([
    [{ name: 'x', threshold: 1.2, startMs: 0, stopMs: 0 }, /threshold/],
    [{ name: 'Bad Name', threshold: 0.5, startMs: 0, stopMs: 0 }, /name/],
    [{ name: 'x', threshold: 0.5, startMs: 0, stopMs: 0, extra: 1 }, /extra/],
    [{ name: 'x', threshold: 0.5, startMs: -1, stopMs: 0 }, /startMs/],
    [{ name: 'x', threshold: 0.5, startMs: 0, stopMs: 0, volume: { measure: 'rms', min: 0.5, smoothing: 0.2 } }, /volume/],
  ])('is refused when invalid: %j', (input, field) => {
    const r = TurnProfileSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error!.issues)).toMatch(field);
  });

  it('may not be defined twice or shadow a shipped one', () => {
    const mine = { name: 'mine', threshold: 0.5, startMs: 0, stopMs: 0 };
    expect(CustomTurnProfilesSchema.safeParse([mine, mine]).success).toBe(false);
    expect(CustomTurnProfilesSchema.safeParse([{ ...mine, name: 'pipecat' }]).success).toBe(false);
    expect(CustomTurnProfilesSchema.safeParse([mine, { ...mine, name: 'other' }]).success).toBe(true);
  });

  it('an unknown name is a usage error naming the known ones', () => {
    let err: unknown;
    try {
      resolveTurnProfiles(['pipecat', 'nope']);
    } catch (e) {
      err = e;
    }
    expect(isVoiceAecError(err) && err.code).toBe('E_VAD_PROFILE');
    expect(isVoiceAecError(err) && err.exitCode).toBe(2);
    expect(isVoiceAecError(err) && err.hint).toMatch(/pipecat, livekit, openai-realtime/);
  });

  it('a misspelt name gets the profile it is closest to, on the same hint', () => {
    expect(() => resolveTurnProfiles(['livekti'])).toThrow(expect.objectContaining({ hint: expect.stringMatching(/^did you mean "livekit"\? known: /) }));
  });

  it('has a JSON Schema for the scenario schema to include', () => {
    const js = z.toJSONSchema(CustomTurnProfilesSchema, { target: 'draft-2020-12', io: 'input' }) as { items: { required: string[] } };
    expect(js.items.required).toEqual(['name', 'threshold', 'startMs', 'stopMs']);
  });
});

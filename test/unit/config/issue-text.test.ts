import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { issueText, knownKeysAt } from '../../../src/config/issue-text.js';
import { ScenarioSchema } from '../../../src/config/scenario.js';

const Schema = z
  .object({
    name: z.string().min(3),
    token: z.string().min(16).max(128),
    confidence: z.number().gt(0).lt(1),
    count: z.number().int().min(1).optional(),
    list: z.array(z.number()).max(2).optional(),
    mode: z.enum(['a', 'b']).optional(),
    nested: z.object({ route: z.string() }).strict().optional(),
  })
  .strict();

const textOf = (input: unknown) => {
  const r = Schema.safeParse(input);
  if (r.success) throw new Error('expected issues');
  return r.error.issues.map((i) => `${i.path.join('.')}: ${issueText(i, Schema)}`);
};

describe('issueText', () => {
  const base = { name: 'abc', token: 'x'.repeat(16), confidence: 0.5 };

  it('says a missing field is required instead of "expected string, received undefined"', () => {
    expect(textOf({ token: 'x'.repeat(16), confidence: 0.5 })).toEqual(['name: is required (text)']);
  });

  it('words sizes, bounds, kinds and choices', () => {
    expect(textOf({ ...base, token: 'short' })).toEqual(['token: must be at least 16 characters long']);
    expect(textOf({ ...base, confidence: 5 })).toEqual(['confidence: must be below 1']);
    expect(textOf({ ...base, count: 0 })).toEqual(['count: must be at least 1']);
    expect(textOf({ ...base, count: 'x' })).toEqual(['count: must be a number']);
    expect(textOf({ ...base, list: [1, 2, 3] })).toEqual(['list: must have at most 2 entries']);
    expect(textOf({ ...base, mode: 'c' })).toEqual(['mode: must be one of a, b (did you mean "a"?)']);
  });

  it('names an unknown field with the known one it is closest to', () => {
    expect(textOf({ ...base, nested: { rout: 'x' } })).toEqual(['nested.route: is required (text)', 'nested: unknown field "rout" (did you mean "route"?)']);
    expect(textOf({ ...base, nmae: 1 })).toEqual([': unknown field "nmae" (did you mean "name"?)']);
  });

  it('keeps a schema’s own message', () => {
    const r = z
      .number()
      .refine((x) => x > 1, 'a gate of at least 1 ms')
      .safeParse(0);
    expect(issueText(r.error!.issues[0]!)).toBe('a gate of at least 1 ms');
  });

  it('never echoes zod’s default English', () => {
    for (const input of [{}, { ...base, token: 1 }, { ...base, confidence: -1 }, { ...base, mode: 1 }, { ...base, extra: 1 }])
      for (const line of textOf(input)) expect(line).not.toMatch(/Invalid input|Too (big|small)|Unrecognized key|received/);
  });
});

describe('knownKeysAt', () => {
  it('finds the fields of a nested scenario object through optional and default wrappers', () => {
    expect(knownKeysAt(ScenarioSchema, [])).toEqual(expect.arrayContaining(['name', 'description', 'trials', 'acceptance']));
    expect(knownKeysAt(ScenarioSchema, ['acceptance'])).toEqual(expect.arrayContaining(['targetLeakRate', 'confidence', 'rules']));
    expect(knownKeysAt(ScenarioSchema, ['nope'])).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
// What main.ts installs first: zod's error map in our words, for every layer's schemas.
import '../../../src/cli/zod-wording.js';
import { fieldName, zodIssueWords } from '../../../src/core/zod-words.js';
import { parseAppiumOptions } from '../../../src/device/appium/appium-options.js';
import { parseEvents } from '../../../src/io/events.js';
import { readLabManifest } from '../../../src/run-dir/lab-file.js';

const ZOD_ENGLISH = /Invalid input|Invalid option|Invalid (string|URL)|Too (big|small)|Unrecognized key|expected \w+, received/;
const messageOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

const Schema = z
  .object({
    name: z.string().min(3),
    confidence: z.number().gt(0).lt(1),
    mode: z.enum(['a', 'b']).optional(),
    version: z.literal(1).optional(),
    url: z.url().optional(),
    id: z
      .string()
      .regex(/^[a-z]+$/)
      .optional(),
    tags: z.array(z.string()).max(2).optional(),
    nested: z.object({ route: z.string() }).strict().optional(),
  })
  .strict();

const lines = (input: unknown) => Schema.safeParse(input).error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

describe('zod error map (core/zod-words.ts, installed by cli/zod-wording.ts)', () => {
  const base = { name: 'abc', confidence: 0.5 };

  it('words zod’s own issues where the schema is parsed, with no caller rewording them', () => {
    expect(lines({ confidence: 0.5 })).toEqual(['name: is required (text)']);
    expect(lines({ ...base, name: 'x' })).toEqual(['name: must be at least 3 characters long']);
    expect(lines({ ...base, confidence: 1 })).toEqual(['confidence: must be below 1']);
    expect(lines({ ...base, mode: 'c' })).toEqual(['mode: must be one of a, b (did you mean "a"?)']);
    expect(lines({ ...base, mode: 7 })).toEqual(['mode: must be one of a, b']);
    expect(lines({ ...base, version: 2 })).toEqual(['version: must be 1']);
    expect(lines({ ...base, url: 'not a url' })).toEqual(['url: is not a valid URL']);
    expect(lines({ ...base, id: 'A1' })).toEqual(['id: must match /^[a-z]+$/']);
    expect(lines({ ...base, tags: ['a', 'b', 'c'] })).toEqual(['tags: must have at most 2 entries']);
    expect(lines({ ...base, nested: { route: 'r', rout: 1 } })).toEqual(['nested: unknown field "rout" (did you mean "route"?)']);
  });

  it('suggests the closest allowed value of an enum, and never echoes the input', () => {
    const Farm = z.object({ farm: z.enum(['local', 'browserstack', 'saucelabs']) });
    expect(Farm.safeParse({ farm: 'browserstak' }).error!.issues[0]!.message).toBe(
      'must be one of local, browserstack, saucelabs (did you mean "browserstack"?)',
    );
    const far = Farm.safeParse({ farm: 'sk-secret-0123456789' }).error!.issues[0]!.message;
    expect(far).toBe('must be one of local, browserstack, saucelabs');
    expect(messageOf(() => parseAppiumOptions({ connection: 'fils' }))).toContain('(did you mean "files"?)');
  });

  it('keeps a schema’s own message', () => {
    expect(z.number().min(1, 'a gate of at least 1 ms').safeParse(0).error!.issues[0]!.message).toBe('a gate of at least 1 ms');
    expect(z.string({ error: 'a device name' }).safeParse(3).error!.issues[0]!.message).toBe('a device name');
  });

  it('keeps an unknown field name from the input on one line', () => {
    expect(fieldName('a\nb\u0007c')).toBe('a?b?c');
    expect(fieldName('k'.repeat(100))).toHaveLength(60);
    expect(lines({ ...base, ['x\ny']: 1 })).toEqual([': unknown field "x?y"']);
  });

  it('leaves the issues it does not word to zod', () => {
    expect(zodIssueWords({ code: 'custom', message: 'mine', path: [], input: 1 })).toBeUndefined();
  });
});

describe('layers that cannot reach config/ now say it in words too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceaec-zod-words-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Appium settings', () => {
    expect(messageOf(() => parseAppiumOptions({ startServer: 'yes' }))).toBe('appium startServer: must be true or false');
    expect(messageOf(() => parseAppiumOptions({ serverUrl: 'ftp://hub' }))).toBe('appium serverUrl: is not a valid URL');
    expect(messageOf(() => parseAppiumOptions({ startServr: true }))).toMatch(/unknown field "startServr" \(did you mean "startServer"\?\)$/);
  });

  it('events files', () => {
    expect(messageOf(() => parseEvents('[{"type":"micStarted","tMs":"5"}]', 'events.json'))).toBe('events.json: event 1 is invalid (tMs: must be a number)');
    expect(messageOf(() => parseEvents('{"tMs":5}', 'events.json'))).toBe('events.json: event 1 is invalid (type: is required (text))');
  });

  it('lab manifests', async () => {
    writeFileSync(join(dir, 'lab.json'), JSON.stringify({ schema: 'voiceaec.lab/1', scenario: 'quiet-room', devices: [{ id: 'a b', target: 'sim' }] }));
    const e = await readLabManifest(dir).catch((x: Error) => x);
    expect((e as Error).message).toMatch(/lab\.json: devices\.0\.id: must match /);
    expect((e as Error).message).not.toMatch(ZOD_ENGLISH);
  });

  it('never zod’s default English for a battery of bad inputs', () => {
    for (const input of [{}, { name: 1 }, { name: 'abc', confidence: -1 }, { name: 'abc', confidence: 0.5, mode: 1, nested: {} }, { extra: 1 }])
      for (const line of lines(input)) expect(line).not.toMatch(ZOD_ENGLISH);
  });
});

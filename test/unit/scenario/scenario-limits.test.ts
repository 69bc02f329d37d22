import { describe, expect, it } from 'vitest';
import { SCENARIO_LIMITS } from '../../../src/config/scenario.js';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { FixtureCatalog } from '../../../src/scenario/fixture-catalog.js';
import { parseScenario } from '../../../src/scenario/scenario-file.js';
import { SHIPPED_FIXTURES_DIR } from '../../../src/cli/shipped-fixtures.js';

const catalog = await FixtureCatalog.load(SHIPPED_FIXTURES_DIR);

function lineOf(text: string): string {
  try {
    parseScenario(text, 'x.yaml', {}, { catalog });
  } catch (e) {
    if (!isVoiceAecError(e)) throw e;
    expect(e.exitCode).toBe(2);
    return e.toLine();
  }
  return 'ok';
}

const list = (n: number, f: (i: number) => number) => `[${Array.from({ length: n }, (_, i) => f(i)).join(',')}]`;

describe('scenario checks run would make, at validate time', () => {
  it.each([
    ['base:\n  room: nope-room', /^E_SCENARIO_FIELD: x\.yaml:3: base\.room: no room preset "nope-room"; presets: quiet-room/],
    ['matrix:\n  room: [office, nope]', /^E_SCENARIO_FIELD: x\.yaml:3: matrix\.room\.1: no room preset "nope"/],
    ['base:\n  profile: iphone99', /base\.profile: no device profile "iphone99"/],
    ['base:\n  fixtures: nope-set', /base\.fixtures: .*no fixture set or id "nope-set"/],
    ['base:\n  fixtures: [nope1]', /base\.fixtures: no fixture "nope1"/],
    ['base:\n  pattern: nope', /base\.pattern: no streaming pattern "nope"/],
    ['trials:\n  calibration: {fixture: zzz}', /trials\.calibration\.fixture: no fixture "zzz"/],
    ['analysis:\n  sweep: "0:2000:0"', /^E_SCENARIO_FIELD: x\.yaml:3: analysis\.sweep: "0:2000:0" has a step of 0/],
  ])('%s', (body, expected) => {
    const line = lineOf(`name: x\n${body}\n`);
    expect(line).toMatch(expected);
    expect(line).not.toContain('--sweep');
  });
});

describe('scenario limits (docs/limits.md)', () => {
  it('counts cells without expanding them', () => {
    const text = `name: x\nmatrix:\n  volume: ${list(1000, (i) => i / 1000)}\n  ioBufferMs: ${list(1000, (i) => 1 + i / 100)}\n`;
    expect(lineOf(text)).toMatch(/^E_SCENARIO_LIMIT: x\.yaml:3: matrix: 1000000 cells; the limit is 1000 \(maxCells/);
  });

  it('bounds the trials of a run, the gates after the sweep and a gate list', () => {
    expect(lineOf(`name: x\nmatrix:\n  volume: ${list(100, (i) => i / 100)}\ntrials:\n  repetitions: 1000\n`)).toMatch(
      /trials\.repetitions: 100 cells × 1000 repetitions make 100100 trials; the limit is 50000 \(maxTrials/,
    );
    expect(lineOf(`name: x\nanalysis:\n  gatesMs: ${list(990, (i) => i * 3 + 1)}\n  sweep: "0:2000:50"\n`)).toMatch(
      /analysis\.sweep: gatesMs and the sweep make 1018 gates; the limit is 1000/,
    );
    expect(lineOf(`name: x\nanalysis:\n  gatesMs: ${list(100_000, (i) => i % 60_000)}\n`)).toMatch(
      /^E_SCENARIO_FIELD: x\.yaml:3: analysis\.gatesMs: must have at most/,
    );
  });

  it('refuses a text over the size limit before parsing it', () => {
    expect(lineOf(`name: x\ndescription: "${'a'.repeat(SCENARIO_LIMITS.maxFileBytes)}"\n`)).toMatch(
      /^E_SCENARIO_LIMIT: x\.yaml: is longer than 1048576 characters/,
    );
  });

  it('reports the first of 90 000 unknown keys, not all of them', () => {
    let text = 'name: x\n';
    for (let i = 0; i < 90_000; i++) text += `k${i}: 1\n`;
    expect(text.length).toBeLessThan(SCENARIO_LIMITS.maxFileBytes);
    const line = lineOf(text);
    expect(line).toMatch(/^E_SCENARIO_FIELD: x\.yaml:2: \(root\): unknown field "k0" \(and 89999 more\)/);
    expect(line.length).toBeLessThan(300);
  });
});

describe('hostile YAML', () => {
  it.each([
    ['an unknown tag', 'name: !foo x\n', /^E_SCENARIO_YAML: x\.yaml:1: Unresolved tag: !foo/],
    ['a known but unsupported tag', 'name: x\nseed: !!binary aGVsbG8=\n', /^E_SCENARIO_YAML: x\.yaml:2: tag tag:yaml\.org,2002:binary is not supported/],
    ['an undefined alias', 'name: *nope\n', /^E_SCENARIO_YAML: x\.yaml:1: alias \*nope has no anchor before it/],
    [
      'an alias bomb',
      'name: x\nbase: {a: &a [x,x,x,x,x,x,x,x,x,x]}\nmatrix: {b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], d: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]}\n',
      /^E_SCENARIO_YAML: x\.yaml: more than 100 alias expansions/,
    ],
    ['a duplicate key', 'name: a\nname: b\n', /^E_SCENARIO_YAML: x\.yaml:2: duplicate key name/],
    ['40 levels of nesting', `name: x\nbase: ${'['.repeat(40)}${']'.repeat(40)}\n`, /^E_SCENARIO_LIMIT: x\.yaml:2: nested deeper than 32 levels/],
    ['100 000 levels of nesting', `name: ${'['.repeat(100_000)}`, /^E_SCENARIO_YAML: x\.yaml:1: /],
    ['control characters in a value', `name: x\nbase:\n  mode: "\\u0000\\n<script>${'a'.repeat(5000)}"\n`, /^E_SCENARIO_FIELD: x\.yaml:3: base\.mode: /],
    [
      'a long key with a bell',
      `name: x\n"\\u0007${'b'.repeat(500)}": 1\n`,
      /^E_SCENARIO_FIELD: x\.yaml:2: \(root\): unknown field "\?b+…"$|unknown field "\?b+…"/,
    ],
  ])('%s is an input error on one short line', (_what, text, expected) => {
    const line = lineOf(text);
    expect(line).toMatch(expected);
    expect([...line].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(line.length).toBeLessThan(400);
  });
});

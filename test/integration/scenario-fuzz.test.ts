/**
 * Hostile scenario files: seeded mutations of every shipped scenario in-process, and the
 * worst cases through the built CLI. Each ends valid or as an input error on one line
 * (exit 2), never E_INTERNAL, never a hang.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../src/core/errors.js';
import { SHIPPED_FIXTURES_DIR } from '../../src/cli/shipped-fixtures.js';
import { FixtureCatalog } from '../../src/scenario/fixture-catalog.js';
import { listShippedScenarios, loadScenario, parseScenario, SCENARIO_DIR } from '../../src/scenario/scenario-file.js';
import { runCli } from '../helpers/cli.js';
import { rng } from '../helpers/random.js';

const dir = mkdtempSync(join(tmpdir(), 'voiceaec-scenario-fuzz-'));
const catalog = await FixtureCatalog.load(SHIPPED_FIXTURES_DIR);
/** Tokens that change YAML's structure: anchors, aliases, tags, flow brackets, block markers. */
const TOKENS = [
  '&a ',
  '*a',
  '!t ',
  '!!binary ',
  '[',
  ']',
  '{',
  '}',
  ': ',
  '- ',
  '\n  ',
  '"',
  "'",
  '#',
  '|',
  '>',
  '<<: *a',
  '\t',
  '\u0000',
  '99999999',
  '-1',
  'nope',
  ':2000:0',
];

function expectInputErrorOrValid(text: string): void {
  try {
    parseScenario(text, 'fuzz.yaml', {}, { catalog });
  } catch (e) {
    if (!isVoiceAecError(e)) throw e;
    expect(e.exitCode, e.toLine()).toBe(2);
    expect([...e.toLine()].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(e.toLine().length).toBeLessThan(500);
  }
}

describe('scenario fuzz (in-process)', () => {
  it.each(listShippedScenarios())('%s: 40 seeded mutations', (name) => {
    const valid = readFileSync(join(SCENARIO_DIR, `${name}.yaml`), 'utf8');
    const random = rng([...name].reduce((a, c) => a * 31 + c.charCodeAt(0), 7) >>> 0);
    const int = (n: number) => Math.floor(random() * n);
    for (let k = 0; k < 40; k++) {
      let text = valid;
      for (let edits = 1 + int(3); edits > 0; edits--) {
        const at = int(text.length);
        const kind = int(4);
        if (kind === 0) text = text.slice(0, at) + TOKENS[int(TOKENS.length)]! + text.slice(at);
        else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + int(20));
        else if (kind === 2) {
          // Repeat one line: duplicate keys, doubled list items.
          const lines = text.split('\n');
          const i = int(lines.length);
          lines.splice(i, 0, lines[i]!);
          text = lines.join('\n');
        } else text = text.slice(0, at) + String.fromCharCode(32 + int(95)) + text.slice(at + 1);
      }
      expectInputErrorOrValid(text);
    }
  });

  it('refuses invalid UTF-8 and an oversized file from disk', async () => {
    const bad = join(dir, 'latin1.yaml');
    writeFileSync(bad, Buffer.concat([Buffer.from('name: x\ndescription: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    await expect(loadScenario(bad)).rejects.toMatchObject({ code: 'E_SCENARIO_ENCODING' });
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `name: x\n${'# padding\n'.repeat(110_000)}`);
    await expect(loadScenario(big)).rejects.toMatchObject({ code: 'E_SCENARIO_LIMIT' });
  });
});

describe('scenario fuzz (CLI)', () => {
  it('validate gives exit 2 and one line for hostile files, exit 0 for a shipped one', async () => {
    let keys = 'name: x\n';
    for (let i = 0; i < 200_000; i++) keys += `unknown${i}: 1\n`;
    const cases: Array<[string, string | Buffer, RegExp]> = [
      ['keys.yaml', keys, /^E_SCENARIO_LIMIT: .*keys\.yaml: is \d+ bytes; the limit is 1048576 bytes \(maxFileBytes\)/],
      ['utf8.yaml', Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xc3, 0x28, 0x0a]), /^E_SCENARIO_ENCODING: .*utf8\.yaml: is not valid UTF-8/],
      [
        'bomb.yaml',
        'name: x\na: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n',
        /^E_SCENARIO_YAML: .*alias/,
      ],
      ['room.yaml', 'name: x\nbase:\n  room: nope-room\n', /^E_SCENARIO_FIELD: .*room\.yaml:3: base\.room: no room preset "nope-room"/],
    ];
    for (const [file, body, expected] of cases) {
      writeFileSync(join(dir, file), body);
      const r = await runCli(['scenarios', 'validate', join(dir, file)]);
      const lines = r.stderr.trim().split('\n');
      expect(lines, file).toHaveLength(1);
      expect(lines[0]).toMatch(expected);
      expect(r.code, file).toBe(2);
    }
    const ok = await runCli(['scenarios', 'validate', 'quiet-room']);
    expect(ok.code).toBe(0);
  });
});

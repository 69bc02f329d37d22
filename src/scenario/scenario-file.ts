/**
 * Loads a scenario by name (scenarios/<name>.yaml shipped with the package) or path,
 * validates it against the one scenario schema and what `run` checks before a device
 * (scenario-check.ts), and applies `voiceaec run` overrides. Errors name the file, the
 * line and the field, on one short line; hostile files (docs/limits.md) end the same way.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlias, isCollection, isMap, isNode, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { didYouMean } from '../core/did-you-mean.js';
import { inputError, usageError } from '../core/errors.js';
import type { z } from 'zod';
import { issueText } from '../config/issue-text.js';
import { repetitionsLabel, SCENARIO_LIMITS, ScenarioSchema, type Repetitions, type Scenario } from '../config/scenario.js';
import { anytimeTrialsNeeded } from '../analysis/sequential-trials.js';
import type { FixtureCatalog } from './fixture-catalog.js';
import { checkScenario } from './scenario-check.js';

export const SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export function listShippedScenarios(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

export function resolveScenarioPath(nameOrPath: string): string {
  if (/[\\/]|\.ya?ml$/.test(nameOrPath)) {
    if (!existsSync(nameOrPath))
      throw inputError('E_SCENARIO_NOT_FOUND', `scenario file ${nameOrPath} does not exist`, {
        hint: 'give a path to a .yaml file or a shipped name (voiceaec scenarios list)',
      });
    return nameOrPath;
  }
  const shipped = join(SCENARIO_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(shipped)) {
    throw usageError('E_SCENARIO_NOT_FOUND', `no shipped scenario named "${nameOrPath}"`, {
      hint: `${didYouMean(nameOrPath, listShippedScenarios())}choose one of: ${listShippedScenarios().join(', ')}`,
    });
  }
  return shipped;
}

/** Overrides from the command line, applied before validation so they obey the same schema. */
export interface ScenarioOverrides {
  seed?: number;
  /** `--repeat N` or `--repeat MIN:MAX` (sequential). */
  repetitions?: Repetitions;
}

export interface ScenarioCheckOptions {
  /** Also check fixtures, sets and patterns against this catalog (what `run` resolves first). */
  catalog?: FixtureCatalog;
}

const MAX_ALIASES = 100;
const MAX_ECHO = 80;
/** At most this many schema problems are reported for one file (a hostile file can have millions). */
const MAX_REPORTED = 50;

/** User text in an error line: control characters made visible, at most MAX_ECHO characters. */
function clip(text: string, max = MAX_ECHO): string {
  // Control characters (and line separators) would break the one-line error.
  const flat = Array.from(text, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029 ? '?' : c;
  }).join('');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Our own messages may be longer than echoed text, but still one short line. */
const MAX_MESSAGE = 240;

/** Explicit tags a scenario may carry: YAML's core schema. Any other is refused, known to the library or not. */
const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

/** The YAML node at a zod issue path, for its line number. */
function nodeAt(root: Node | null, path: PropertyKey[]): Node | null {
  let node = root;
  let last = root;
  for (const key of path) {
    if (isMap(node)) node = (node.get(key, true) as Node | undefined) ?? null;
    else if (isSeq(node) && typeof key === 'number') node = (node.get(key, true) as Node | undefined) ?? null;
    else node = null;
    if (!node) return last;
    last = node;
  }
  return node;
}

function yamlError(source: string, line: number | null, message: string) {
  return inputError('E_SCENARIO_YAML', `${source}${line === null ? '' : `:${line}`}: ${clip(message)}`, { hint: 'fix the YAML at that line' });
}

function limitError(source: string, line: number | null, message: string) {
  return inputError('E_SCENARIO_LIMIT', `${source}${line === null ? '' : `:${line}`}: ${message}`, { hint: 'see docs/limits.md for the scenario limits' });
}

/** Parse without the library's quadratic duplicate-key check (200 000 keys took minutes); ours is linear. */
function parseYaml(text: string, source: string, lines: LineCounter): Document.Parsed {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    // The parser recurses per nesting level: a pathological nesting ends its stack.
    throw yamlError(source, null, `cannot be parsed (${e instanceof RangeError ? 'nested too deeply' : String(e)})`);
  }
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    // Warnings are errors here: an unknown tag (!foo, !!binary) would otherwise pass as a plain value.
    const what = problem.code === 'TAG_RESOLVE_FAILED' ? `${problem.message.split('\n')[0]} (tags are not supported)` : problem.message.split('\n')[0]!;
    throw yamlError(source, lines.linePos(problem.pos[0]).line, what);
  }
  return doc;
}

/** Depth, duplicate keys and aliases, walked once in document order before anything is built. */
function checkStructure(doc: Document.Parsed, source: string, lines: LineCounter): void {
  const anchors = new Set<string>();
  const lineOf = (n: { range?: [number, number, number] | null }) => (n.range ? lines.linePos(n.range[0]).line : null);
  visit(doc, (_key, node, path) => {
    if (isCollection(node) && path.filter((p) => isCollection(p)).length >= SCENARIO_LIMITS.maxDepth)
      throw limitError(source, lineOf(node), `nested deeper than ${SCENARIO_LIMITS.maxDepth} levels (maxDepth)`);
    if (isAlias(node)) {
      if (!anchors.has(node.source)) throw yamlError(source, lineOf(node), `alias *${node.source} has no anchor before it`);
      return;
    }
    if (isNode(node) && node.tag !== undefined && !CORE_TAGS.has(node.tag)) throw yamlError(source, lineOf(node), `tag ${node.tag} is not supported`);
    if (isNode(node) && typeof node.anchor === 'string') anchors.add(node.anchor);
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key && typeof pair.key === 'object' && 'value' in pair.key ? pair.key.value : pair.key;
        if (seen.has(key)) throw yamlError(source, isNode(pair.key) ? lineOf(pair.key) : null, `duplicate key ${String(key)}`);
        seen.add(key);
      }
    }
  });
}

/** One zod issue as a short line in words (config/issue-text.ts): the first unknown key, never the list of all of them. */
const scenarioIssueText = (issue: z.core.$ZodIssue) => clip(issueText(issue, ScenarioSchema, (k) => clip(k)).split('\n')[0]!, MAX_MESSAGE);

export function parseScenario(text: string, source: string, overrides: ScenarioOverrides = {}, checks: ScenarioCheckOptions = {}): Scenario {
  if (text.length > SCENARIO_LIMITS.maxFileBytes) throw limitError(source, null, `is longer than ${SCENARIO_LIMITS.maxFileBytes} characters (maxFileBytes)`);
  const lines = new LineCounter();
  const doc = parseYaml(text, source, lines);
  checkStructure(doc, source, lines);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    // yaml throws a ReferenceError for an alias bomb: the file's fault, not ours.
    throw yamlError(source, null, e instanceof ReferenceError ? `more than ${MAX_ALIASES} alias expansions (an alias bomb?)` : String(e));
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw inputError('E_SCENARIO_FIELD', `${source}: a scenario is a mapping of fields`, { hint: 'see docs/scenarios.md' });
  const fields = raw as Record<string, unknown>;
  if (overrides.seed !== undefined) fields.seed = overrides.seed;
  if (overrides.repetitions !== undefined) {
    const trials = fields.trials && typeof fields.trials === 'object' && !Array.isArray(fields.trials) ? fields.trials : {};
    fields.trials = { ...trials, repetitions: overrides.repetitions };
  }
  const lineAt = (path: PropertyKey[]) => {
    const node = nodeAt(doc.contents, path);
    return node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
  };
  const r = ScenarioSchema.safeParse(fields);
  if (!r.success) {
    // Every issue becomes its own error; the first is thrown and carries all of them (scenarios validate lists them).
    const all = r.error.issues.slice(0, MAX_REPORTED).map((issue) => {
      const field = issue.path.map((k) => clip(String(k))).join('.') || '(root)';
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
      const limit = issue.code === 'custom' && /docs\/limits\.md|\(max\w+\)/.test(issue.message);
      return inputError(limit ? 'E_SCENARIO_LIMIT' : 'E_SCENARIO_FIELD', `${source}${lineAt(path)}: ${field}: ${scenarioIssueText(issue)}`, {
        hint: limit ? 'see docs/limits.md for the scenario limits' : 'see docs/scenarios.md or docs/scenario.schema.json for the allowed values',
      });
    });
    const first = all[0]!;
    first.details.problems = all.map((e) => ({ code: e.code, message: e.message, hint: e.hint }));
    first.details.more = Math.max(0, r.error.issues.length - MAX_REPORTED);
    throw first;
  }
  const short = sequentialTooShort(r.data);
  if (short)
    throw inputError('E_SCENARIO_FIELD', `${source}${lineAt(['trials', 'repetitions', 'max'])}: trials.repetitions.max: ${short}`, {
      hint: 'raise max, or the target (docs/scenarios.md § Sequential trials)',
    });
  const problem = checkScenario(r.data, checks.catalog);
  if (problem) {
    throw inputError('E_SCENARIO_FIELD', `${source}${lineAt(problem.path)}: ${problem.path.join('.')}: ${clip(problem.message, MAX_MESSAGE)}`, {
      hint: 'see docs/scenarios.md; `voiceaec fixtures list` shows fixture ids and sets',
    });
  }
  return r.data;
}

function readError(source: string, e: unknown) {
  const errno = (e as NodeJS.ErrnoException | undefined)?.code ?? String(e);
  return inputError('E_SCENARIO_READ', `${source}: cannot be read (${clip(errno)})`, { hint: 'check the file exists and is readable', cause: e });
}

/** Strict UTF-8: a replacement character in a scenario would be a silent change of a value. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function loadScenario(
  nameOrPath: string,
  overrides: ScenarioOverrides = {},
  checks: ScenarioCheckOptions = {},
): Promise<{ scenario: Scenario; source: string }> {
  const path = resolveScenarioPath(nameOrPath);
  const source = basename(path) === path ? path : path.startsWith(SCENARIO_DIR) ? `scenarios/${basename(path)}` : path;
  // Size first: a huge file is refused before a byte of it is read.
  const st = await stat(path).catch((e: unknown) => {
    throw readError(source, e);
  });
  if (!st.isFile()) throw inputError('E_SCENARIO_NOT_FOUND', `${source} is not a regular file`, { hint: 'give a path to a .yaml file' });
  if (st.size > SCENARIO_LIMITS.maxFileBytes)
    throw limitError(source, null, `is ${st.size} bytes; the limit is ${SCENARIO_LIMITS.maxFileBytes} bytes (maxFileBytes)`);
  let text: string;
  try {
    text = utf8.decode(await readFile(path));
  } catch (e) {
    if (e instanceof TypeError) throw inputError('E_SCENARIO_ENCODING', `${source}: is not valid UTF-8`, { hint: 'save the file as UTF-8' });
    throw readError(source, e);
  }
  return { scenario: parseScenario(text, source, overrides, checks), source: path };
}

/**
 * A sequential maximum so small that even a cell without a single leak could never meet the
 * target stops every cell at `settled` without a claim: refused, with the count it needs.
 */
export function sequentialTooShort(s: Scenario): string | null {
  const r = s.trials.repetitions;
  if (typeof r === 'number') return null;
  const { targetLeakRate: target, confidence } = s.acceptance;
  const need = anytimeTrialsNeeded(0, 0, target, confidence);
  if (need !== null && need <= r.max) return null;
  return `${r.max} sequential trials cannot show a leak rate ≤ ${Math.round(target * 1000) / 10} % at ${Math.round(confidence * 1000) / 10} % confidence even without a leak (needs ${need ?? 'over 100000'})`;
}

/** The recorded scenario with more trials per cell, checked against the scenario limits again (docs/limits.md). */
export function withRepetitions(s: Scenario, repetitions: Repetitions): Scenario {
  const label = typeof repetitions === 'number' ? String(repetitions) : `${repetitions.min}:${repetitions.max}`;
  const r = ScenarioSchema.safeParse({ ...s, trials: { ...s.trials, repetitions } });
  if (!r.success)
    throw inputError('E_SCENARIO_LIMIT', `--repeat ${label}: ${issueText(r.error.issues[0]!)}`, { hint: 'add fewer trials per cell (docs/limits.md)' });
  const short = sequentialTooShort(r.data);
  if (short) throw inputError('E_SCENARIO_FIELD', `--repeat ${label}: ${short}`, { hint: `give a larger maximum than ${repetitionsLabel(repetitions)}` });
  return r.data;
}

/**
 * Loads a scenario by name (scenarios/<name>.yaml shipped with the package) or path,
 * validates it against the one scenario schema, and applies `voiceaec run` overrides.
 * Errors name the file, the line and the field.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { inputError, usageError } from '../core/errors.js';
import { ScenarioSchema, type Scenario } from '../config/scenario.js';

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
    throw usageError('E_SCENARIO_NOT_FOUND', `no shipped scenario named "${nameOrPath}"`, { hint: `choose one of: ${listShippedScenarios().join(', ')}` });
  }
  return shipped;
}

/** Overrides from the command line, applied before validation so they obey the same schema. */
export interface ScenarioOverrides {
  seed?: number;
  repetitions?: number;
}

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

export function parseScenario(text: string, source: string, overrides: ScenarioOverrides = {}): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lines.linePos(err.pos[0]);
    throw inputError('E_SCENARIO_YAML', `${source}:${pos.line}: ${err.message.split('\n')[0]}`, { hint: 'fix the YAML syntax at that line' });
  }
  const raw = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw inputError('E_SCENARIO_FIELD', `${source}: a scenario is a mapping of fields`, { hint: 'see docs/scenarios.md' });
  if (overrides.seed !== undefined) raw.seed = overrides.seed;
  if (overrides.repetitions !== undefined) raw.trials = { ...(raw.trials ?? {}), repetitions: overrides.repetitions };
  const r = ScenarioSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(root)';
    const node = nodeAt(doc.contents, issue.path);
    const line = node?.range ? `:${lines.linePos(node.range[0]).line}` : '';
    throw inputError('E_SCENARIO_FIELD', `${source}${line}: ${field}: ${issue.message}`, {
      hint: 'see docs/scenarios.md or docs/scenario.schema.json for the allowed values',
    });
  }
  return r.data;
}

export async function loadScenario(nameOrPath: string, overrides: ScenarioOverrides = {}): Promise<{ scenario: Scenario; source: string }> {
  const path = resolveScenarioPath(nameOrPath);
  const text = await readFile(path, 'utf8');
  const scenario = parseScenario(text, basename(path) === path ? path : path.startsWith(SCENARIO_DIR) ? `scenarios/${basename(path)}` : path, overrides);
  return { scenario, source: path };
}

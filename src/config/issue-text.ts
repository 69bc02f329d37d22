/**
 * A zod issue as words on one line, for callers that hold the schema: an unknown field is
 * compared with the fields the schema accepts at that path (through optional, unions, lists),
 * in the caller's quoting. The words themselves are core/zod-words.ts, which the CLI also
 * installs as zod's error map, so most issues arrive already worded; a schema's own message
 * is kept verbatim.
 */
import type { z } from 'zod';
import { zodIssueWords } from '../core/zod-words.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

/** The field names an object schema at `path` accepts (through optional, default, unions, lists and records). */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const walk = (s: AnySchema | undefined, rest: readonly PropertyKey[], depth: number): void => {
    if (!s || depth > 64) return;
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        return walk(def.innerType as AnySchema, rest, depth + 1);
      case 'pipe':
        return walk(def.in as AnySchema, rest, depth + 1);
      case 'lazy':
        return walk((def.getter as () => AnySchema)(), rest, depth + 1);
      case 'union':
        for (const o of def.options as AnySchema[]) walk(o, rest, depth + 1);
        return;
      case 'intersection':
        walk(def.left as AnySchema, rest, depth + 1);
        walk(def.right as AnySchema, rest, depth + 1);
        return;
      case 'array':
        return walk(def.element as AnySchema, typeof rest[0] === 'number' ? rest.slice(1) : rest, depth + 1);
      case 'record':
        return rest.length === 0 ? undefined : walk(def.valueType as AnySchema, rest.slice(1), depth + 1);
      case 'object': {
        const shape = def.shape as Record<string, AnySchema>;
        if (rest.length === 0) for (const k of Object.keys(shape)) keys.add(k);
        else walk(shape[String(rest[0])], rest.slice(1), depth + 1);
        return;
      }
      default:
        return;
    }
  };
  walk(schema, path, 0);
  return [...keys];
}

/** One issue as words. Our own messages (refinements, union descriptions) are kept; zod's defaults are worded (core/zod-words.ts). */
export function issueText(issue: Issue, schema?: AnySchema, quote: (s: string) => string = (s) => s): string {
  if (issue.code === 'unrecognized_keys') return zodIssueWords(issue, schema ? knownKeysAt(schema, issue.path) : [], quote)!;
  return isZodDefault(issue.message) ? (zodIssueWords(issue) ?? issue.message) : issue.message;
}

/** zod's built-in English messages start with these words; a schema's own message is kept verbatim. */
function isZodDefault(message: string): boolean {
  return /^(Invalid input|Invalid option|Invalid |Too (big|small)|Unrecognized key|Expected )/.test(message);
}

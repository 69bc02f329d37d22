/**
 * Zod issues in words a user reads on one line ("is required", "must be at most 1",
 * "unknown field "rooom" — did you mean "room"?") instead of zod's own wording
 * ("Invalid input: expected string, received undefined").
 */
import type { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';

type Issue = z.core.$ZodIssue;
type AnySchema = z.core.$ZodType;

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  array: 'a list',
  record: 'a mapping',
  bigint: 'a whole number',
};

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

const bound = (n: number | bigint, inclusive: boolean | undefined, above: boolean) =>
  `${above ? (inclusive ? 'at least' : 'above') : inclusive ? 'at most' : 'below'} ${String(n)}`;

/** One issue as words. Our own messages (refinements, union descriptions) are kept; zod's defaults are rephrased. */
export function issueText(issue: Issue, schema?: AnySchema, quote: (s: string) => string = (s) => s): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const more = issue.keys.length - 1;
      const mean = schema ? didYouMean(key, knownKeysAt(schema, issue.path)).trim() : '';
      return `unknown field "${quote(key)}"${mean ? ` (${mean})` : ''}${more > 0 ? ` (and ${more} more)` : ''}`;
    }
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (/received undefined/.test(issue.message)) return `is required (${want})`;
      return isZodDefault(issue.message) ? `must be ${want}` : issue.message;
    }
    case 'too_small':
    case 'too_big': {
      if (!isZodDefault(issue.message)) return issue.message;
      const above = issue.code === 'too_small';
      const n = above ? issue.minimum : issue.maximum;
      if (issue.origin === 'string') return `must be ${above ? 'at least' : 'at most'} ${String(n)} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${above ? 'at least' : 'at most'} ${String(n)} entries`;
      return `must be ${bound(n, issue.inclusive, above)}`;
    }
    case 'invalid_value':
      return isZodDefault(issue.message) ? `must be one of ${issue.values.map((v) => String(v)).join(', ')}` : issue.message;
    case 'invalid_format':
      return isZodDefault(issue.message) ? `is not a valid ${issue.format}` : issue.message;
    case 'not_multiple_of':
      return isZodDefault(issue.message) ? `must be a multiple of ${String(issue.divisor)}` : issue.message;
    case 'invalid_union':
      return isZodDefault(issue.message) ? 'has none of the allowed forms' : issue.message;
    default:
      return issue.message;
  }
}

/** zod's built-in English messages start with these words; a schema's own message is kept verbatim. */
function isZodDefault(message: string): boolean {
  return /^(Invalid input|Invalid option|Invalid |Too (big|small)|Unrecognized key|Expected )/.test(message);
}

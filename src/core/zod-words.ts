/**
 * zod's issues in words a user reads on one line ("is required (text)", "must be at most 1",
 * "unknown field "rooom" (did you mean "room"?)") instead of zod's default English
 * ("Invalid input: expected string, received undefined"). `zodWords` is a zod error map: the
 * CLI installs it once with `z.config({ customError })` (cli/zod-wording.ts), so every layer's
 * schemas speak these words, including those that cannot reach config/ (Appium options,
 * events files, run and lab manifests, protocol messages). zod asks the map only for issues
 * whose schema gave no message of its own, so a refinement's or a schema's `error` wording wins.
 */
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';

/** What the map and config/issue-text.ts read of an issue: raw (with `input`, `inst`) or finished (with `message`). */
type IssueLike = (z.core.$ZodRawIssue | z.core.$ZodIssue) & { input?: unknown; message?: string };

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

/** A field name from the input, safe on one line: no control characters, at most 60 characters. */
export function fieldName(key: string): string {
  // eslint-disable-next-line no-control-regex -- replacing control characters is the point
  const flat = key.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

const bound = (n: number | bigint, inclusive: boolean | undefined, above: boolean) =>
  `${above ? (inclusive ? 'at least' : 'above') : inclusive ? 'at most' : 'below'} ${String(n)}`;

/**
 * One issue of zod's default wording in words; undefined for a kind of issue this does not
 * word (zod's own English stays). `known` lists the field names an unknown one is compared with.
 */
export function zodIssueWords(issue: IssueLike, known: readonly string[] = [], quote: (s: string) => string = fieldName): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      const more = issue.keys.length - 1;
      const mean = didYouMean(key, known).trim();
      return `unknown field "${quote(key)}"${mean ? ` (${mean})` : ''}${more > 0 ? ` (and ${more} more)` : ''}`;
    }
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      // A raw issue carries the input; a finished one only zod's sentence.
      const missing = 'input' in issue ? issue.input === undefined : /received undefined/.test(issue.message ?? '');
      return missing ? `is required (${want})` : `must be ${want}`;
    }
    case 'too_small':
    case 'too_big': {
      const above = issue.code === 'too_small';
      const n = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (issue.origin === 'string') return `must be ${above ? 'at least' : 'at most'} ${String(n)} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set') return `must have ${above ? 'at least' : 'at most'} ${String(n)} entries`;
      return `must be ${bound(n, issue.inclusive, above)}`;
    }
    case 'invalid_value': {
      if (issue.values.length === 1) return `must be ${String(issue.values[0])}`;
      // Only a known value is echoed, never the input (it may sit where a secret would).
      const mean = 'input' in issue && typeof issue.input === 'string' ? didYouMean(issue.input, issue.values.map(String)).trim() : '';
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}${mean ? ` (${mean})` : ''}`;
    }
    case 'invalid_format':
      return formatWords(issue as z.core.$ZodIssueInvalidStringFormat);
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'has none of the allowed forms';
    case 'invalid_key':
      return 'has a field name that is not allowed';
    default:
      return undefined;
  }
}

const FORMAT_WORDS: Record<string, string> = {
  url: 'URL',
  uuid: 'UUID',
  email: 'e-mail address',
  datetime: 'date and time (ISO 8601)',
  date: 'date',
  ipv4: 'IPv4 address',
};

function formatWords(issue: z.core.$ZodIssueInvalidStringFormat): string {
  const i = issue as z.core.$ZodIssueInvalidStringFormat & { pattern?: string; prefix?: string; suffix?: string; includes?: string };
  if (i.format === 'regex' && i.pattern) return `must match ${i.pattern}`;
  if (i.format === 'starts_with' && i.prefix !== undefined) return `must start with "${i.prefix}"`;
  if (i.format === 'ends_with' && i.suffix !== undefined) return `must end with "${i.suffix}"`;
  if (i.format === 'includes' && i.includes !== undefined) return `must contain "${i.includes}"`;
  return `is not a valid ${FORMAT_WORDS[i.format] ?? i.format}`;
}

/** The fields of the object schema that raised an unrecognized_keys issue. */
function fieldsOf(inst: unknown): string[] {
  const def = (inst as { _zod?: { def?: { type?: string; shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/** The error map: for `z.config({ customError: zodWords })`. */
export const zodWords: z.core.$ZodErrorMap = (issue) => zodIssueWords(issue, issue.code === 'unrecognized_keys' ? fieldsOf(issue.inst) : []);

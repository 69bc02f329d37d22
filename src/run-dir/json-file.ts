/** A JSON file of the run directory read against its schema: the value, or why there is none. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

export type JsonRead<T> = { value: T; problem: null } | { value: null; problem: string };

/** `name` labels the file in the problem; `what` names the expected content (e.g. its schema id). */
export async function readJsonFile<T>(path: string, name: string, schema: z.ZodType<T>, what: string): Promise<JsonRead<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { value: null, problem: code === 'ENOENT' ? `${name} is missing` : `${name} cannot be read (${code ?? 'error'})` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { value: null, problem: `${name} is not valid JSON (${(e as Error).message})` };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { value: r.data, problem: null };
  const issue = r.error.issues[0]!;
  return { value: null, problem: `${name} does not match ${what} (${issue.path.join('.')}: ${issue.message})` };
}

/** Terminal output: colours as colour.ts decided (TTY, NO_COLOR, FORCE_COLOR, --no-color), one line per error. */
import chalk from 'chalk';
import stringWidth from 'string-width';
import type { VoiceAecError } from '../core/errors.js';

/** Control characters, bidi overrides and line separators: what lets a string break a line or drive the terminal. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from outside (a device's names and error messages, file contents) made safe for one
 * terminal line: control characters shown as escapes, never executed or line-breaking.
 */
export function plain(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** An error as one JSON line, for --json callers: the same code, message and hint as the text line. */
export function errorJson(err: Pick<VoiceAecError, 'code' | 'message' | 'hint' | 'exitCode' | 'details'>): string {
  const { code, message, hint, exitCode, details } = err;
  return JSON.stringify({ error: { code, message, hint: hint ?? null, exitCode, ...(Object.keys(details).length > 0 ? { details } : {}) } });
}

/**
 * Errors go to stderr, one line each; under --json that line is a JSON object (errorJson), so
 * stdout holds only results and a script reads the error from stderr either way.
 */
export function printError(err: VoiceAecError, debug: boolean, json = false): void {
  if (json) process.stderr.write(`${errorJson(err)}\n`);
  else process.stderr.write(`${chalk.red(err.code)}: ${plain(err.toLine().slice(err.code.length + 2))}\n`);
  if (debug) {
    process.stderr.write(`${err.stack ?? ''}\n`);
    if (err.cause instanceof Error && err.cause.stack) process.stderr.write(`caused by: ${err.cause.stack}\n`);
  }
}

export function printWarning(text: string): void {
  process.stderr.write(`${chalk.yellow('warning')}: ${plain(text)}\n`);
}

/**
 * Left-aligned columns in terminal cells: string-width skips chalk's escape codes and counts a
 * CJK character as two cells, an emoji sequence or a letter with its combining accent as what
 * the terminal shows (a device named "王的iPhone" is 10 cells wide, not 8 UTF-16 units).
 */
export function table(rows: string[][]): string {
  const width = (s: string) => stringWidth(s);
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c)))).join('  ')).join('\n');
}

/**
 * Commander's own parse error ("error: unknown option '--x'\n(Did you mean --y?)") as our one
 * line: E_USAGE, the problem, the suggestion on the same line, and where usage is.
 */
export function usageLine(commanderText: string, json = false): string {
  const lines = commanderText
    .replace(/^error:\s*/i, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const suggestion = lines.find((l) => /^\(did you mean/i.test(l));
  const problem = lines.filter((l) => l !== suggestion).join(' ');
  const mean = suggestion ? `${suggestion.slice(1, -1).replace(/^Did/, 'did')} ` : '';
  const hint = `${mean}${mean ? 'See' : 'see'} \`voiceaec <command> --help\` for usage`;
  if (json) return JSON.stringify({ error: { code: 'E_USAGE', message: problem, hint, exitCode: 2 } });
  return `E_USAGE: ${plain(problem)} — ${hint}`;
}

/** Terminal output: colours only on a TTY (chalk decides), one line per error. */
import chalk from 'chalk';
import type { VoiceAecError } from '../core/errors.js';

export function printError(err: VoiceAecError, debug: boolean): void {
  process.stderr.write(`${chalk.red(err.code)}: ${err.toLine().slice(err.code.length + 2)}\n`);
  if (debug) {
    process.stderr.write(`${err.stack ?? ''}\n`);
    if (err.cause instanceof Error && err.cause.stack) process.stderr.write(`caused by: ${err.cause.stack}\n`);
  }
}

export function printWarning(text: string): void {
  process.stderr.write(`${chalk.yellow('warning')}: ${text}\n`);
}

/** Left-aligned columns; cells may hold chalk colours (their escape codes do not count as width). */
export function table(rows: string[][]): string {
  // eslint-disable-next-line no-control-regex
  const width = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, width(c))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c)))).join('  ')).join('\n');
}

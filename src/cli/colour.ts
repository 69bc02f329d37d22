/**
 * The colour decision, made once before any command module builds a coloured string
 * (main.ts imports this first). chalk alone honours FORCE_COLOR and --no-color but not
 * NO_COLOR (https://no-color.org); the order here, strongest first:
 * `--no-color` / `--color` on the command line, then FORCE_COLOR, then NO_COLOR, then
 * chalk's own TTY detection. --json output never carries colour.
 */
import chalk from 'chalk';

export function colourLevel(argv: readonly string[], env: NodeJS.ProcessEnv, detected: 0 | 1 | 2 | 3): 0 | 1 | 2 | 3 {
  if (argv.includes('--no-color') || argv.includes('--json')) return 0;
  if (argv.includes('--color')) return detected === 0 ? 1 : detected;
  // chalk already applied FORCE_COLOR to `detected`; it wins over NO_COLOR as in Node's own tty.
  if (env.FORCE_COLOR !== undefined) return detected;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  return detected;
}

chalk.level = colourLevel(process.argv.slice(2), process.env, chalk.level);

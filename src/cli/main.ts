/**
 * The voiceaec command line. The only layer that prints, colours and calls
 * process.exit: every error becomes one line `CODE: message — hint` (the stack only
 * with --debug) and an exit code from docs/architecture.md § Exit codes.
 */
// First: the colour level must be set before any module builds a coloured constant.
import './colour.js';
// zod's messages in our words for every schema, before any command parses (core/zod-words.ts).
import './zod-wording.js';
import { Command, CommanderError } from 'commander';
import { ExitCode, isVoiceAecError, VoiceAecError } from '../core/errors.js';
import { commandsFor, type RegisterCommand } from './command-modules.js';
import { commandExamples } from './help-examples.js';
import { helpLayout } from './help-layout.js';
import { printError, usageLine } from './output.js';
import { toolVersion } from './version.js';

export function buildProgram(commands: readonly RegisterCommand[]): Command {
  const program = new Command();
  program
    .name('voiceaec')
    .description("Measure how much of a voice agent's own speech leaks back through the iPhone mic path, per gate duration.")
    .version(toolVersion())
    .option('--debug', 'print stack traces with errors')
    .option('--color', 'colours even when not on a terminal')
    .option('--no-color', 'no colours (also NO_COLOR=1; FORCE_COLOR=1 forces them)')
    // Help wraps at 100 columns whatever the terminal width, so it reads the same in a log (help-layout.ts).
    .configureHelp(helpLayout)
    // Commander's own parse errors follow the one-line rule too: code, problem, what to do.
    .configureOutput({ outputError: (text, write) => write(`${usageLine(text, jsonRequested(process.argv))}\n`) })
    .exitOverride();
  for (const register of commands) register(program);
  commandExamples(program);
  return program;
}

/** Any command given --json answers in JSON, its errors included (on stderr, one object per line). */
const jsonRequested = (argv: readonly string[]) => argv.slice(2).includes('--json');

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(await commandsFor(argv));
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
    // An action may set process.exitCode (run, report --fail-on-acceptance: 1 on a failed check).
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.pass;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; any other parse failure is a usage error (commander printed it).
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? ExitCode.pass : ExitCode.usage;
    }
    const err = isVoiceAecError(e)
      ? e
      : new VoiceAecError('E_INTERNAL', 'internal', `unexpected failure: ${(e as Error)?.message ?? String(e)}`, {
          hint: 'this is a bug in voiceaec: rerun with --debug and report the stack trace',
          cause: e,
        });
    printError(err, debug, jsonRequested(argv));
    return err.exitCode;
  }
}

// `voiceaec … | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await main(process.argv);

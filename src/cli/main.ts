/**
 * The voiceaec command line. The only layer that prints, colours and calls
 * process.exit: every error becomes one line `CODE: message — hint` (the stack only
 * with --debug) and an exit code from docs/architecture.md § Exit codes.
 */
import { Command, CommanderError } from 'commander';
import { ExitCode, isVoiceAecError, VoiceAecError } from '../core/errors.js';
import { registerAnalyze } from './commands/analyze.js';
import { registerSim } from './commands/sim.js';
import { registerCompareGate } from './commands/compare-gate.js';
import { registerFixtures } from './commands/fixtures.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerScenarios } from './commands/scenarios.js';
import { registerSimDevice } from './commands/sim-device.js';
import { registerDevices } from './commands/devices.js';
import { registerDoctor } from './commands/doctor.js';
import { printError } from './output.js';
import { toolVersion } from './version.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('voiceaec')
    .description("Measure how much of a voice agent's own speech leaks back through the iPhone mic path, per gate duration.")
    .version(toolVersion())
    .option('--debug', 'print stack traces with errors')
    // Commander's own parse errors follow the one-line rule too: code, problem, what to do.
    .configureOutput({
      outputError: (text, write) => write(`E_USAGE: ${text.replace(/^error:\s*/i, '').trim()} — run \`voiceaec <command> --help\` for usage\n`),
    })
    .exitOverride();
  registerRun(program);
  registerAnalyze(program);
  registerSim(program);
  registerCompareGate(program);
  registerFixtures(program);
  registerReport(program);
  registerScenarios(program);
  registerSimDevice(program);
  registerDevices(program);
  registerDoctor(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
    printError(err, debug);
    return err.exitCode;
  }
}

process.exitCode = await main(process.argv);

/**
 * `voiceaec report <run-dir>`: (re-)render results.json, report.html, junit.xml and
 * summary.md of a run directory. Exits 0 when the reports were written, whatever the
 * acceptance outcome, unless --fail-on-acceptance (then 1 on a failed check, for CI jobs
 * that re-render a downloaded run); 2 for a bad run directory.
 */
import { type Command, Option } from 'commander';
import { ExitCode, usageError } from '../../core/errors.js';
import { evaluateRun } from '../../evaluation/evaluate-run.js';
import { DEFAULT_EMBED_AUDIO_BYTES, writeReports } from '../../report-writer/write-reports.js';
import { reanalyzeMode } from '../option-parsers.js';
import { printResultsSummary } from '../results-summary.js';
import { toolVersion } from '../version.js';

interface ReportFlags {
  embedAudioMaxMb: number;
  reanalyze: string;
  failOnAcceptance?: boolean;
  json?: boolean;
}

const MB = 1024 * 1024;

const megabytes = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !(n >= 0) || n > 1024)
    throw usageError('E_OPTION', `--embed-audio-max-mb "${v}" is not a size in MB`, { hint: 'give a number from 0 (always link the WAVs) to 1024' });
  return n;
};

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('render results.json, report.html, junit.xml and summary.md of a run directory')
    .argument('<run-dir>', 'a run directory written by voiceaec run')
    .addOption(
      new Option('--embed-audio-max-mb <mb>', 'embed the trials’ audio in report.html when it totals at most this; else link the WAVs')
        .default(DEFAULT_EMBED_AUDIO_BYTES / MB)
        .argParser(megabytes),
    )
    .option('--reanalyze <auto|always|never>', 'auto: re-analyse from the audio only trials whose metrics lack a gate', 'auto')
    .option('--fail-on-acceptance', 'exit 1 when an acceptance check fails (default: 0 once the reports are written)')
    .option('--json', 'print the results instead of the summary')
    .action(async (dir: string, flags: ReportFlags) => {
      const results = await evaluateRun([dir], { toolVersion: toolVersion(), reanalyze: reanalyzeMode(flags.reanalyze) });
      await writeReports(dir, results, { embedAudioMaxBytes: Math.round(flags.embedAudioMaxMb * MB) });
      if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else printResultsSummary(results, dir);
      if (flags.failOnAcceptance && !results.pass) process.exitCode = ExitCode.acceptanceFailed;
    });
}

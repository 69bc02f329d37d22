/** `voiceaec scenarios list | validate <file…> | show <name>`. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { ExitCode, isVoiceAecError, type VoiceAecError } from '../../core/errors.js';
import { FixtureCatalog } from '../../scenario/fixture-catalog.js';
import { repetitionsLabel } from '../../config/scenario.js';
import { expandMatrix } from '../../scenario/matrix.js';
import { listShippedScenarios, loadScenario } from '../../scenario/scenario-file.js';
import { plain, table } from '../output.js';
import { SHIPPED_FIXTURES_DIR } from '../shipped-fixtures.js';

interface Problem {
  code: string;
  message: string;
  hint: string | null;
}

/** Every problem one failed load found (a schema error carries all of the file's issues), each one line. */
function problemsOf(e: VoiceAecError): Problem[] {
  const all = Array.isArray(e.details.problems) ? (e.details.problems as { code: string; message: string; hint?: string }[]) : [];
  if (all.length === 0) return [{ code: e.code, message: e.message, hint: e.hint ?? null }];
  return all.map((p) => ({ code: p.code, message: p.message, hint: p.hint ?? null }));
}

export function registerScenarios(program: Command): void {
  const cmd = program.command('scenarios').description('list, validate and show scenario files');
  cmd
    .command('list')
    .description('the shipped scenarios with their cells and trial counts')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = [];
      for (const name of listShippedScenarios()) {
        const { scenario } = await loadScenario(name);
        list.push({ name, cells: expandMatrix(scenario).length, repetitions: scenario.trials.repetitions, description: scenario.description });
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ scenarios: list }, null, 2)}\n`);
        return;
      }
      const rows = [['name', 'cells', 'trials/cell', 'description'].map((h) => chalk.bold(h))];
      for (const s of list) rows.push([s.name, String(s.cells), repetitionsLabel(s.repetitions), s.description]);
      process.stdout.write(`${table(rows)}\n`);
    });
  cmd
    .command('validate')
    .argument('<scenario...>', 'names or YAML files')
    .description('check scenario files as `run` would before a device: schema, limits, rooms, profiles, fixtures, patterns (every problem of every file)')
    .option('--fixtures <dir>', 'fixture directory the scenario will run with (default: the shipped fixtures)')
    .option('--json', 'print one result per file as JSON')
    .action(async (names: string[], flags: { fixtures?: string; json?: boolean }) => {
      const catalog = await FixtureCatalog.load(flags.fixtures ? resolve(flags.fixtures) : SHIPPED_FIXTURES_DIR);
      const files = [];
      let worst: number = ExitCode.pass;
      // Each file is checked whatever the others hold; the exit code is the worst of them.
      for (const n of names) {
        try {
          const { scenario, source } = await loadScenario(n, {}, { catalog });
          const cells = expandMatrix(scenario).length;
          files.push({ input: n, source, ok: true, cells, repetitions: scenario.trials.repetitions, problems: [] as Problem[] });
          if (!flags.json) process.stdout.write(`${chalk.green('ok')} ${source}: ${cells} cells × ${repetitionsLabel(scenario.trials.repetitions)} trials\n`);
        } catch (e) {
          if (!isVoiceAecError(e)) throw e;
          worst = Math.max(worst, e.exitCode);
          const problems = problemsOf(e);
          files.push({ input: n, source: null, ok: false, problems });
          if (!flags.json) {
            for (const p of problems) process.stderr.write(`${chalk.red(p.code)}: ${plain(`${p.message}${p.hint ? ` — ${p.hint}` : ''}`)}\n`);
            const more = typeof e.details.more === 'number' && e.details.more > 0 ? ` (and ${e.details.more} more)` : '';
            if (problems.length > 1 || more) process.stderr.write(`${chalk.red('invalid')} ${plain(n)}: ${problems.length} problems${more}\n`);
          }
        }
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ ok: worst === ExitCode.pass, files }, null, 2)}\n`);
      process.exitCode = worst;
    });
  cmd
    .command('show')
    .argument('<scenario>', 'name or YAML file')
    .option('--json', 'print as JSON')
    .description('print the scenario with every default filled in, and its cells')
    .action(async (name: string, flags: { json?: boolean }) => {
      const { scenario } = await loadScenario(name);
      const cells = expandMatrix(scenario).map((c) => ({ id: c.id, dims: c.dims }));
      process.stdout.write(flags.json ? `${JSON.stringify({ scenario, cells }, null, 2)}\n` : `${stringify({ ...scenario, cells })}`);
    });
}

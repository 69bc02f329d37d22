/** `voiceaec scenarios list | validate <file…> | show <name>`. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { FixtureCatalog } from '../../scenario/fixture-catalog.js';
import { repetitionsLabel } from '../../config/scenario.js';
import { expandMatrix } from '../../scenario/matrix.js';
import { listShippedScenarios, loadScenario } from '../../scenario/scenario-file.js';
import { table } from '../output.js';
import { SHIPPED_FIXTURES_DIR } from '../shipped-fixtures.js';

export function registerScenarios(program: Command): void {
  const cmd = program.command('scenarios').description('list, validate and show scenario files');
  cmd
    .command('list')
    .description('the shipped scenarios with their cells and trial counts')
    .action(async () => {
      const rows = [['name', 'cells', 'trials/cell', 'description'].map((h) => chalk.bold(h))];
      for (const name of listShippedScenarios()) {
        const { scenario } = await loadScenario(name);
        rows.push([name, String(expandMatrix(scenario).length), repetitionsLabel(scenario.trials.repetitions), scenario.description]);
      }
      process.stdout.write(`${table(rows)}\n`);
    });
  cmd
    .command('validate')
    .argument('<scenario...>', 'names or YAML files')
    .description('check scenario files as `run` would before a device: schema, limits, rooms, profiles, fixtures, patterns (errors name file, line and field)')
    .option('--fixtures <dir>', 'fixture directory the scenario will run with (default: the shipped fixtures)')
    .action(async (names: string[], flags: { fixtures?: string }) => {
      const catalog = await FixtureCatalog.load(flags.fixtures ? resolve(flags.fixtures) : SHIPPED_FIXTURES_DIR);
      for (const n of names) {
        const { scenario, source } = await loadScenario(n, {}, { catalog });
        process.stdout.write(`${chalk.green('ok')} ${source}: ${expandMatrix(scenario).length} cells × ${repetitionsLabel(scenario.trials.repetitions)} trials\n`);
      }
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

/** `voiceaec scenarios list | validate <file…> | show <name>`. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { expandMatrix } from '../../scenario/matrix.js';
import { listShippedScenarios, loadScenario } from '../../scenario/scenario-file.js';
import { table } from '../output.js';

export function registerScenarios(program: Command): void {
  const cmd = program.command('scenarios').description('list, validate and show scenario files');
  cmd
    .command('list')
    .description('the shipped scenarios with their cells and trial counts')
    .action(async () => {
      const rows = [['name', 'cells', 'trials/cell', 'description'].map((h) => chalk.bold(h))];
      for (const name of listShippedScenarios()) {
        const { scenario } = await loadScenario(name);
        rows.push([name, String(expandMatrix(scenario).length), String(scenario.trials.repetitions), scenario.description]);
      }
      process.stdout.write(`${table(rows)}\n`);
    });
  cmd
    .command('validate')
    .argument('<scenario...>', 'names or YAML files')
    .description('check scenario files against the schema (errors name file, line and field)')
    .action(async (names: string[]) => {
      for (const n of names) {
        const { scenario, source } = await loadScenario(n);
        process.stdout.write(`${chalk.green('ok')} ${source}: ${expandMatrix(scenario).length} cells × ${scenario.trials.repetitions} trials\n`);
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

/** `voiceaec devices`: the virtual iPhone's profiles and the phones on USB, with how to run on each. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { listDevices } from '../../device/list-devices.js';
import { plain, printWarning, table } from '../output.js';

export function registerDevices(program: Command): void {
  program
    .command('devices')
    .description('list the devices a run can use: the virtual iPhone and phones on USB')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { json?: boolean }) => {
      const listing = await listDevices();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
        return;
      }
      const rows = [['kind', 'id', 'name', 'OS', 'run with'].map((h) => chalk.dim(h))];
      for (const d of listing.devices) {
        const use = d.kind === 'sim' ? '--device sim' : `--device appium --udid ${d.id}`;
        rows.push([d.simulated ? chalk.yellow('virtual (simulated)') : 'iPhone (USB)', plain(d.id), plain(d.name), plain(d.osVersion ?? '?'), use]);
      }
      process.stdout.write(`${table(rows)}\n`);
      for (const u of listing.unavailable) printWarning(u);
    });
}

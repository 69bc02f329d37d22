/** `voiceaec devices`: the virtual iPhone's profiles and the phones on USB, with how to run on each; or, with --farm, the iOS devices behind a farm. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { listFarmDevices, type FarmAvailability, type FarmListing } from '../../device/appium/farm-device-list.js';
import { listDevices } from '../../device/list-devices.js';
import { farmOptions, namesFarm, type FarmFlags } from '../farm-options.js';
import { plain, printWarning, table } from '../output.js';

interface DevicesFlags extends FarmFlags {
  json?: boolean;
}

export function registerDevices(program: Command): void {
  program
    .command('devices')
    .description('list the devices a run can use: the virtual iPhone and phones on USB, or with --farm the iOS devices behind a farm')
    .option(
      '--farm <appium-device-farm|selenium-grid|browserstack|saucelabs|aws-device-farm>',
      'list the iOS devices behind this farm preset, through its own API (credentials from the environment; docs/appium.md § Farm devices and doctor)',
    )
    .option('--appium-url <url>', 'the hub, as for a run (appium-device-farm, selenium-grid; implies the cloud presets by host)')
    .option('--farm-api-url <url>', "the farm's device API when not the preset's (the public host, or the hub): a proxy, a mirror, a private endpoint")
    .option('--appium-config <file>', 'JSON or YAML file of Appium settings (farm, serverUrl, region, farmApiUrl); the flags above override it')
    .option('--json', 'print the list as JSON')
    .action(async (flags: DevicesFlags) => {
      if (namesFarm(flags)) {
        const listing = await listFarmDevices(await farmOptions(flags), { env: process.env });
        if (flags.json) process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
        else printFarmListing(listing);
        return;
      }
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

const SHOWN: Record<FarmAvailability, (s: string) => string> = {
  available: chalk.green,
  busy: chalk.yellow,
  offline: chalk.red,
  listed: chalk.dim,
};

function printFarmListing(listing: FarmListing): void {
  const free = listing.devices.filter((d) => d.availability === 'available').length;
  if (listing.devices.length) {
    const rows = [['farm', 'device', 'iOS', 'id', 'availability'].map((h) => chalk.dim(h))];
    for (const d of listing.devices) {
      const kind = d.real === false ? ' (simulator)' : '';
      rows.push([d.farm, plain(d.name) + kind, plain(d.osVersion ?? '?'), plain(d.id ?? '—'), SHOWN[d.availability](d.availability)]);
    }
    process.stdout.write(`${table(rows)}\n`);
  }
  const count = listing.devices.length ? `${listing.devices.length} iOS device(s) on ${listing.farm}, ${free} free now` : `no iOS device on ${listing.farm}`;
  process.stdout.write(`${chalk.dim(`${count} (${listing.endpoints.join(', ')})`)}\n`);
  if (listing.note) process.stdout.write(`${chalk.dim(`note: ${listing.note}`)}\n`);
}

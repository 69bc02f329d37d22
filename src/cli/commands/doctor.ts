/** `voiceaec doctor`: what this host has and lacks for real iPhones, or with --farm what a farm has, each gap with its fix. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { parseAppiumOptions } from '../../device/appium/appium-options.js';
import { inferFarm } from '../../device/appium/farm-presets.js';
import { runFarmPreflight } from '../../device/farm-preflight.js';
import { preflightExit, runPreflight, type CheckResult } from '../../device/preflight.js';
import { farmOptions, type FarmFlags } from '../farm-options.js';
import { plain } from '../output.js';

const MARK: Record<CheckResult['level'], string> = { ok: chalk.green('ok  '), warn: chalk.yellow('warn'), fail: chalk.red('FAIL') };

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this host for real iPhones: Node, Appium and the XCUITest driver, Xcode, usbmuxd, signing; or with --farm a farm: credentials, hub, iOS devices (exit 3 when something needed is missing)',
    )
    .option('--appium-config <file>', 'the Appium settings a run would use (checks the signing team; farm, serverUrl, region, farmApiUrl)')
    .option(
      '--farm <appium-device-farm|selenium-grid|browserstack|saucelabs|aws-device-farm>',
      'check this farm preset instead of the USB setup (docs/appium.md § Farm devices and doctor)',
    )
    .option('--appium-url <url>', 'the hub, as for a run (appium-device-farm, selenium-grid)')
    .option('--farm-api-url <url>', "the farm's device API when not the preset's (the public host, or the hub)")
    .option('--json', 'print the checks as JSON')
    .action(async (flags: FarmFlags & { json?: boolean }) => {
      const input = flags.appiumConfig || flags.farm || flags.appiumUrl || flags.farmApiUrl ? await farmOptions(flags) : undefined;
      const options = input ? parseAppiumOptions(input) : undefined;
      const farm = options ? (options.farm ?? inferFarm(options.serverUrl)) : 'local';
      const results =
        input && farm !== 'local'
          ? [...(await runPreflight(undefined, input, 'farm')), ...(await runFarmPreflight(input, { env: process.env }))]
          : await runPreflight(undefined, input);
      if (flags.json) process.stdout.write(`${JSON.stringify({ checks: results, exitCode: preflightExit(results) }, null, 2)}\n`);
      else {
        for (const r of results) {
          process.stdout.write(`${MARK[r.level]} ${r.title}: ${plain(r.found)}\n`);
          if (r.fix) process.stdout.write(`     ${chalk.dim('→')} ${plain(r.fix)}\n`);
        }
        const failed = results.filter((r) => r.level === 'fail').length;
        const what = farm === 'local' ? 'real iPhones' : `runs on ${farm}`;
        const after = farm === 'local' ? '; the virtual iPhone works regardless' : '';
        process.stdout.write(failed ? chalk.red(`${failed} missing for ${what}${after}\n`) : chalk.green(`ready for ${what}\n`));
      }
      process.exitCode = preflightExit(results);
    });
}

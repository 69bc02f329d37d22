/** `voiceaec doctor`: what this host has and lacks for real iPhones, each gap with its fix. */
import chalk from 'chalk';
import type { Command } from 'commander';
import { preflightExit, runPreflight, type CheckResult } from '../../device/preflight.js';
import { appiumOptions } from '../appium-config.js';
import { plain } from '../output.js';

const MARK: Record<CheckResult['level'], string> = { ok: chalk.green('ok  '), warn: chalk.yellow('warn'), fail: chalk.red('FAIL') };

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check this host for real iPhones: Node, Appium and the XCUITest driver, Xcode, usbmuxd, signing (exit 3 when something needed is missing)')
    .option('--appium-config <file>', 'the Appium settings a run would use (checks the signing team)')
    .option('--json', 'print the checks as JSON')
    .action(async (flags: { appiumConfig?: string; json?: boolean }) => {
      const results = await runPreflight(undefined, flags.appiumConfig ? await appiumOptions(flags) : undefined);
      if (flags.json) process.stdout.write(`${JSON.stringify({ checks: results, exitCode: preflightExit(results) }, null, 2)}\n`);
      else {
        for (const r of results) {
          process.stdout.write(`${MARK[r.level]} ${r.title}: ${plain(r.found)}\n`);
          if (r.fix) process.stdout.write(`     ${chalk.dim('→')} ${r.fix}\n`);
        }
        const failed = results.filter((r) => r.level === 'fail').length;
        process.stdout.write(
          failed ? chalk.red(`${failed} missing for real iPhones; the virtual iPhone works regardless\n`) : chalk.green('ready for real iPhones\n'),
        );
      }
      process.exitCode = preflightExit(results);
    });
}

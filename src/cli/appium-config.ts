/**
 * Appium settings for `--device appium`: a JSON or YAML file (`--appium-config`) under the
 * flags that name single settings. Checking the values is the driver's schema's job
 * (docs/appium.md); this only reads the file and merges.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { inputError, usageError } from '../core/errors.js';
import type { AppiumOptionsInput } from '../device/appium/appium-options.js';
import { filesModeFromFlags, type FilesMode } from '../device/files/files-options.js';
import { redactTarget } from '../device/resolve-device.js';

export interface AppiumFlags {
  appiumConfig?: string;
  appiumUrl?: string;
  udid?: string;
  app?: string;
  connection?: string;
  farm?: string;
  appiumStart?: boolean;
  appiumHome?: string;
  /** files mode (both `--device files:<dir>` and appium's files connection): files-options.ts. */
  warmupTrials?: string;
  filesLaunchTimeout?: string;
}

export async function appiumOptions(flags: AppiumFlags): Promise<AppiumOptionsInput> {
  let fromFile: Record<string, unknown> = {};
  if (flags.appiumConfig) {
    const text = await readFile(flags.appiumConfig, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw inputError('E_APPIUM_CONFIG', `${flags.appiumConfig}: cannot be read (${e.code ?? e.message})`, {
        hint: 'give a JSON or YAML file of Appium settings',
      });
    });
    let parsed: unknown;
    try {
      parsed = parse(text, { maxAliasCount: 0 });
    } catch (e) {
      throw inputError('E_APPIUM_CONFIG', `${flags.appiumConfig}: not JSON or YAML (${(e as Error).message.split('\n')[0]})`, {
        hint: 'see docs/appium.md for the settings',
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw inputError('E_APPIUM_CONFIG', `${flags.appiumConfig}: a mapping of settings is expected`, { hint: 'see docs/appium.md for the settings' });
    fromFile = parsed as Record<string, unknown>;
  }
  const fromFlags: Record<string, unknown> = Object.fromEntries(
    Object.entries({
      serverUrl: flags.appiumUrl,
      udid: flags.udid,
      app: flags.app,
      connection: flags.connection,
      farm: flags.farm,
      startServer: flags.appiumStart,
      appiumHome: flags.appiumHome,
    }).filter(([, v]) => v !== undefined),
  );
  const files = filesModeFromFlags(flags);
  if (files.warmupTrials !== undefined) fromFlags.warmupTrials = files.warmupTrials;
  // One key of the file's timeouts, the others kept (a wrong shape there is the schema's to name).
  const timeouts = files.launchTimeoutMs === undefined ? {} : { timeouts: { ...asRecord(fromFile.timeouts), filesLaunchMs: files.launchTimeoutMs } };
  return { ...fromFile, ...fromFlags, ...timeouts };
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** --warmup-trials / --files-launch-timeout: for files:<dir> targets; appium takes them with its options; refused where no app is launched per request. */
export function filesFlags(flags: AppiumFlags, targets: readonly string[]): Partial<FilesMode> {
  const files = filesModeFromFlags(flags);
  const given = flags.warmupTrials !== undefined ? '--warmup-trials' : flags.filesLaunchTimeout !== undefined ? '--files-launch-timeout' : null;
  const other = targets.find((t) => !t.startsWith('files:') && !t.startsWith('appium'));
  if (given && other !== undefined)
    throw usageError('E_OPTION', `${given} applies to files mode, not to --device ${redactTarget(other)}`, {
      hint: 'it is for --device files:<dir> and --device appium (files connection); a connected app stays up between trials',
    });
  return files;
}

/**
 * Appium settings for `--device appium`: a JSON or YAML file (`--appium-config`) under the
 * flags that name single settings. Checking the values is the driver's schema's job
 * (docs/appium.md); this only reads the file and merges.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { inputError } from '../core/errors.js';
import type { AppiumOptionsInput } from '../device/appium/appium-options.js';

export interface AppiumFlags {
  appiumConfig?: string;
  appiumUrl?: string;
  udid?: string;
  app?: string;
  connection?: string;
  farm?: string;
  appiumStart?: boolean;
  appiumHome?: string;
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
  const fromFlags = Object.fromEntries(
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
  return { ...fromFile, ...fromFlags };
}

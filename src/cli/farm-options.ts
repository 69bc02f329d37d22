/**
 * The Appium options `devices --farm` and `doctor --farm` act on: the run's (the config file
 * under --farm and --appium-url, appium-config.ts) plus `--farm-api-url`, so a farm is named
 * the same way for a run, a listing and a check.
 */
import type { AppiumOptionsInput } from '../device/appium/appium-options.js';
import { appiumOptions, type AppiumFlags } from './appium-config.js';

export interface FarmFlags extends Pick<AppiumFlags, 'appiumConfig' | 'appiumUrl' | 'farm'> {
  farmApiUrl?: string;
}

/** True when the flags name a farm (or a file or URL that may): the command then acts on the farm. */
export const namesFarm = (f: FarmFlags): boolean => !!(f.farm ?? f.appiumUrl ?? f.appiumConfig ?? f.farmApiUrl);

export async function farmOptions(flags: FarmFlags): Promise<AppiumOptionsInput> {
  const input = await appiumOptions(flags);
  return flags.farmApiUrl === undefined ? input : { ...input, farmApiUrl: flags.farmApiUrl };
}

/**
 * What `--device` targets need from the command line, read once for a single run and for a lab
 * run alike (the lab once dropped --harness while the single run passed it).
 */
import type { ResolveContext } from '../device/resolve-device.js';
import { appiumOptions, filesFlags, type AppiumFlags } from './appium-config.js';
import { runToken } from './option-parsers.js';

export interface DeviceFlags extends AppiumFlags {
  token?: string;
  harness?: string;
}

export async function deviceContext(flags: DeviceFlags, targets: readonly string[], seed: number): Promise<ResolveContext> {
  return {
    seed,
    token: runToken(flags.token, process.env.VOICEAEC_TOKEN),
    harness: flags.harness,
    appium: targets.some((t) => t.startsWith('appium')) ? await appiumOptions(flags) : undefined,
    files: filesFlags(flags, targets),
  };
}

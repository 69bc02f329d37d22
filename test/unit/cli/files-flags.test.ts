/**
 * --warmup-trials and --files-launch-timeout (src/device/files/files-options.ts): one schema
 * for the flags and the Appium config file, each mistake one line naming the flag, refused on
 * a device that is not launched per request, and the per-farm launch timeouts.
 */
import { describe, expect, it } from 'vitest';
import { appiumOptions, filesFlags } from '../../../src/cli/appium-config.js';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { parseAppiumOptions } from '../../../src/device/appium/appium-options.js';
import { filesLaunchTimeoutMs, filesModeFromFlags, LOCAL_FILES_LAUNCH_TIMEOUT_MS } from '../../../src/device/files/files-options.js';

function line(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isVoiceAecError(e)) return e.toLine();
    throw e;
  }
  throw new Error('it must fail');
}

describe('files-mode flags', () => {
  it('parses the warm-up count and the launch timeout in seconds', () => {
    expect(filesModeFromFlags({ warmupTrials: '0', filesLaunchTimeout: '900' })).toEqual({ warmupTrials: 0, launchTimeoutMs: 900_000 });
    expect(filesModeFromFlags({})).toEqual({});
  });

  it('a bad value is one line naming the flag', () => {
    expect(line(() => filesModeFromFlags({ warmupTrials: '9' }))).toMatch(/^E_OPTION: --warmup-trials "9" is not a whole number from 0 to 5 — /);
    expect(line(() => filesModeFromFlags({ warmupTrials: '1.5' }))).toMatch(/^E_OPTION: --warmup-trials "1.5"/);
    expect(line(() => filesModeFromFlags({ filesLaunchTimeout: 'soon' }))).toMatch(/^E_OPTION: --files-launch-timeout "soon" is not a number of seconds/);
    expect(line(() => filesModeFromFlags({ filesLaunchTimeout: '0' }))).toMatch(/^E_OPTION: --files-launch-timeout "0"/);
  });

  it('is refused on a device that is not launched per request', () => {
    expect(line(() => filesFlags({ warmupTrials: '1' }, ['sim']))).toMatch(/^E_OPTION: --warmup-trials applies to files mode, not to --device sim — /);
    expect(line(() => filesFlags({ filesLaunchTimeout: '60' }, ['files:/tmp/x', 'ws://u:p@phone:8765']))).toMatch(/not to --device ws:\/\/phone:8765/);
    expect(filesFlags({ warmupTrials: '2' }, ['files:/tmp/x', 'appium:ABC'])).toEqual({ warmupTrials: 2 });
  });

  it('go into the Appium options, keeping the file’s other timeouts', async () => {
    const o = parseAppiumOptions(await appiumOptions({ warmupTrials: '0', filesLaunchTimeout: '30' }));
    expect(o.warmupTrials).toBe(0);
    expect(o.timeouts.filesLaunchMs).toBe(30_000);
    const plain = parseAppiumOptions(await appiumOptions({}));
    expect(plain.warmupTrials).toBe(1);
    // Not given: the preset's default applies when the driver opens the link.
    expect(plain.timeouts.filesLaunchMs).toBeUndefined();
  });

  it('the launch timeout is shorter where the phone is near', () => {
    expect(LOCAL_FILES_LAUNCH_TIMEOUT_MS).toBe(60_000);
    expect(filesLaunchTimeoutMs('local')).toBe(120_000);
    expect(filesLaunchTimeoutMs('appium-device-farm')).toBe(300_000);
    expect(filesLaunchTimeoutMs('selenium-grid')).toBe(300_000);
    for (const cloud of ['browserstack', 'saucelabs', 'aws-device-farm']) expect(filesLaunchTimeoutMs(cloud)).toBe(600_000);
  });
});

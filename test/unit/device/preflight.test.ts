import { describe, expect, it } from 'vitest';
import { preflightExit, runPreflight, type PreflightHost } from '../../../src/device/preflight.js';

/** A host described by its answers, so each platform's verdicts are known without owning one. */
function host(over: Partial<PreflightHost> & { tools?: Record<string, string>; packages?: Record<string, string>; files?: string[] }): PreflightHost {
  return {
    platform: 'darwin',
    nodeVersion: '22.12.0',
    env: {},
    tool: (cmd) => Promise.resolve(over.tools?.[cmd] ?? null),
    packageVersion: (name) => over.packages?.[name] ?? null,
    exists: (p) => Promise.resolve((over.files ?? []).includes(p)),
    ...over,
  };
}

const ALL = { appium: '3.8.0', 'appium-xcuitest-driver': '12.13.1', webdriverio: '9.33.1', 'appium-ios-device': '3.1.23' };

describe('runPreflight', () => {
  it('a ready Mac passes every check', async () => {
    const r = await runPreflight(host({ tools: { xcodebuild: 'Xcode 16.2', xcodegen: 'Version: 2.42.0' }, packages: ALL, files: ['/var/run/usbmuxd'] }), {
      xcodeOrgId: 'ABCDE12345',
    });
    expect(r.filter((c) => c.level !== 'ok')).toEqual([]);
    expect(preflightExit(r)).toBe(0);
  });

  it('Linux names what is missing for USB phones, with a fix, and exits 3', async () => {
    const r = await runPreflight(host({ platform: 'linux', packages: ALL }));
    const bad = r.filter((c) => c.level !== 'ok');
    expect(bad.map((c) => [c.id, c.level])).toEqual([
      ['macos', 'fail'],
      ['usbmuxd', 'warn'],
    ]);
    expect(bad.every((c) => c.fix)).toBe(true);
    expect(r.find((c) => c.id === 'virtual-iphone')!.level).toBe('ok');
    expect(preflightExit(r)).toBe(3);
  });

  it('a Mac without Xcode, the driver or a signing team says so', async () => {
    const r = await runPreflight(host({ packages: { appium: '2.11.0', webdriverio: '9.0.0' }, files: ['/var/run/usbmuxd'] }));
    const by = Object.fromEntries(r.map((c) => [c.id, c.level]));
    expect(by).toMatchObject({
      xcode: 'fail',
      xcodegen: 'warn',
      appium: 'fail',
      xcuitest: 'fail',
      'wda-signing': 'warn',
      'usbmux-forward': 'warn',
      usbmuxd: 'ok',
    });
    expect(r.find((c) => c.id === 'appium')!.found).toBe('2.11.0'); // Appium 2 is not enough
  });

  it('an old Node fails; a usbmuxd over TCP counts as there', async () => {
    const r = await runPreflight(host({ nodeVersion: '20.18.0', env: { USBMUXD_SOCKET_ADDRESS: '127.0.0.1:27015' }, packages: ALL }));
    expect(r.find((c) => c.id === 'node')!.level).toBe('fail');
    expect(r.find((c) => c.id === 'usbmuxd')!.level).toBe('ok');
  });
});

/** connection auto (docs/appium.md § Connection modes): one rule, explicit settings always win. */
import { describe, expect, it } from 'vitest';
import { chooseConnection, describeChoice, type ConnectionFacts } from '../../../src/device/appium/connection-choice.js';

const base: ConnectionFacts = { requested: 'auto', serverLocal: false, usbmux: false, udid: false, deviceHost: false, lanHost: false };
const pick = (f: Partial<ConnectionFacts>) => chooseConnection({ ...base, ...f }).connection;

describe('chooseConnection', () => {
  it('forward when the phone is on this host’s usbmux', () => {
    expect(pick({ serverLocal: true, usbmux: true, udid: true })).toBe('forward');
    // Without the udid there is nothing to forward to; without a local server the phone is elsewhere.
    expect(pick({ serverLocal: true, usbmux: true, udid: false })).toBe('lan');
    expect(pick({ serverLocal: false, usbmux: true, udid: true })).toBe('files');
  });

  it('ws or lan when an address is given for one side to reach the other', () => {
    expect(pick({ deviceHost: true })).toBe('ws');
    expect(pick({ lanHost: true })).toBe('lan');
    expect(pick({ deviceHost: true, lanHost: true })).toBe('ws');
  });

  it('lan on loopback for a local server without usbmux (a simulator or the desk harness)', () => {
    expect(pick({ serverLocal: true })).toBe('lan');
  });

  it('files for a farm: nothing says either side reaches the other', () => {
    expect(pick({})).toBe('files');
    expect(pick({ udid: true })).toBe('files');
  });

  it('keeps an explicit choice whatever the facts', () => {
    for (const requested of ['forward', 'lan', 'ws', 'files'] as const)
      expect(pick({ requested, serverLocal: true, usbmux: true, udid: true, deviceHost: true })).toBe(requested);
  });

  it('says the choice in one line, with the reason and the override', () => {
    const line = describeChoice(chooseConnection(base), 'auto');
    expect(line).toMatch(/^appium connection: files \(auto: .+; override with --connection\)$/);
    expect(line).not.toContain('\n');
    expect(describeChoice(chooseConnection({ ...base, requested: 'lan' }), 'lan')).toBe('appium connection: lan (as configured)');
  });
});

describe('AppiumDriver with connection auto', () => {
  it('chooses once from the server URL and what this host has, and says so in one line', async () => {
    const { AppiumDriver } = await import('../../../src/device/appium/appium-driver.js');
    const lines: string[] = [];
    const notify = (l: string) => lines.push(l);
    const farm = new AppiumDriver({ serverUrl: 'https://hub.example.com/wd/hub', udid: 'U1' }, { env: {}, notify });
    expect(await farm.connection()).toBe('files');
    expect(await farm.connection()).toBe('files');
    expect(lines).toEqual([expect.stringMatching(/^appium connection: files \(auto: a remote Appium server/) as unknown]);
    expect(farm.describe).toMatch(/\(files\)$/);
    // A local server on a host without usbmuxd: the app runs here and dials loopback.
    const desk = new AppiumDriver({ udid: 'U1' }, { env: { USBMUXD_SOCKET_ADDRESS: '/nonexistent/usbmuxd' }, notify });
    expect(await desk.connection()).toBe('lan');
    // An explicit setting wins.
    const asked = new AppiumDriver({ serverUrl: 'https://hub.example.com/wd/hub', connection: 'lan', lanHost: '10.0.0.2' }, { env: {}, notify });
    expect(await asked.connection()).toBe('lan');
    expect(lines.at(-1)).toBe('appium connection: lan (as configured)');
  });
});

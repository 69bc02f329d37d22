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

import { describe, expect, it } from 'vitest';
import { AppiumDriver } from '../../../src/device/appium/appium-driver.js';
import { LanDriver } from '../../../src/device/lan-driver.js';
import { RemoteDriver } from '../../../src/device/remote-driver.js';
import { redactTarget, resolveDevice } from '../../../src/device/resolve-device.js';
import { SimDriver } from '../../../src/device/sim-driver.js';

const ctx = { seed: 1, token: 'tok-0123456789abcdef' };

describe('resolveDevice', () => {
  it('turns each kind of target into its driver and the target the manifest records', () => {
    const sim = resolveDevice('sim', { seed: 1 });
    expect(sim.driver).toBeInstanceOf(SimDriver);
    expect(sim.target).toBe('sim');
    const lan = resolveDevice('lan', ctx);
    expect(lan.driver).toBeInstanceOf(LanDriver);
    expect(lan.target).toBe('lan:8765');
    expect(resolveDevice('lan:9001', ctx).target).toBe('lan:9001');
    const local = resolveDevice('lan:127.0.0.1:9002', ctx);
    expect(local.target).toBe('lan:127.0.0.1:9002');
    expect((local.driver as LanDriver).host).toBe('127.0.0.1');
    expect((lan.driver as LanDriver).host).toBe('0.0.0.0'); // a phone on Wi-Fi must reach it; the token guards it
    const appium = resolveDevice('appium', { seed: 1, appium: { connection: 'lan' } });
    expect(appium.driver).toBeInstanceOf(AppiumDriver);
    expect(appium.target).toBe('appium');
    const ws = resolveDevice('ws://10.0.0.7:8765/harness', ctx);
    expect(ws.driver).toBeInstanceOf(RemoteDriver);
    expect(ws.target).toBe('ws://10.0.0.7:8765/harness');
  });

  it('never records or prints the credentials of a URL', () => {
    expect(redactTarget('wss://user:s3cret-key@hub.example.com/wd/hub')).toBe('wss://hub.example.com/wd/hub');
    expect(resolveDevice('wss://user:s3cret-key@hub.example.com/harness', ctx).target).not.toContain('s3cret');
    expect(() => resolveDevice('wss://user:s3cret-key@hub.example.com/harness', { seed: 1 })).toThrow(
      expect.objectContaining({ code: 'E_TOKEN', message: expect.not.stringContaining('s3cret') as unknown }),
    );
  });

  it('rejects what it cannot reach with one line saying what to give', () => {
    expect(() => resolveDevice('lan', { seed: 1 })).toThrow(expect.objectContaining({ code: 'E_TOKEN' }));
    expect(() => resolveDevice('lan:70000', ctx)).toThrow(expect.objectContaining({ code: 'E_DEVICE' }));
    expect(() => resolveDevice('iphone', ctx)).toThrow(expect.objectContaining({ code: 'E_DEVICE', message: expect.stringContaining('"iphone"') as unknown }));
  });
});

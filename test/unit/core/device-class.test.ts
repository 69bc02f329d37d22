import { describe, expect, it } from 'vitest';
import { DEVICE_CLASSES, deviceCaveat, deviceClassOf, deviceClassTag, deviceLabel, type DeviceIdentity } from '../../../src/core/device-class.js';

const base: DeviceIdentity = { model: 'iPhone17,3', osVersion: '18.3', appVersion: '0.1.0', name: 'Lab 07', simulated: false };

describe('device class', () => {
  it('derives the class from `simulated` when a device or an old run directory gives none', () => {
    expect(deviceClassOf({ simulated: false })).toBe('iphone');
    expect(deviceClassOf({ simulated: true })).toBe('virtual-iphone');
  });

  it('keeps an announced class, but never takes a simulated device for an iPhone', () => {
    expect(deviceClassOf({ simulated: true, class: 'loopback' })).toBe('loopback');
    expect(deviceClassOf({ simulated: false, class: 'iphone' })).toBe('iphone');
    expect(deviceClassOf({ simulated: true, class: 'iphone' })).toBe('virtual-iphone');
  });

  it('labels each class so that only a real iPhone reads as hardware', () => {
    expect(deviceLabel(base)).toBe('Lab 07 — iPhone17,3, iOS 18.3, harness app 0.1.0');
    expect(deviceCaveat(base)).toBeNull();
    const sim = { ...base, simulated: true, name: 'Virtual iPhone 16' };
    expect(deviceLabel(sim)).toMatch(/^SIMULATED DEVICE — Virtual iPhone 16 /);
    expect(deviceCaveat(sim)).toMatch(/virtual iPhone's model, not real hardware/);
    const loop = { ...base, simulated: true, class: 'loopback' as const, model: 'LoopbackEngine', osVersion: 'Linux 6.1', name: 'voiceaec-harness' };
    expect(deviceLabel(loop)).toBe('LOOPBACK TEST DEVICE — voiceaec-harness (LoopbackEngine, Linux 6.1; not a phone)');
    expect(deviceCaveat(loop)).toMatch(/loopback test double/);
    expect(deviceLabel(loop)).not.toMatch(/iOS|SIMULATED/);
  });

  it('labels the app in the iOS Simulator as the Mac’s audio, never as a phone or the virtual iPhone', () => {
    const simulator = { ...base, simulated: true, class: 'ios-simulator' as const, model: 'iOS Simulator (arm64)', osVersion: 'iOS 18.2', name: 'iPhone 16' };
    expect(deviceClassOf(simulator)).toBe('ios-simulator');
    expect(deviceLabel(simulator)).toBe("IOS SIMULATOR — iPhone 16 (iOS Simulator (arm64), iOS 18.2, harness app 0.1.0; the Mac's audio, not a phone)");
    expect(deviceCaveat(simulator)).toMatch(/Mac’s audio devices/);
    expect(deviceCaveat(simulator)).not.toMatch(/virtual iPhone/);
  });

  it('tags every class but the iPhone in titles', () => {
    expect(DEVICE_CLASSES.map(deviceClassTag)).toEqual([null, 'SIMULATED', 'LOOPBACK', 'IOS SIMULATOR']);
  });
});

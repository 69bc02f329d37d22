/**
 * What ran a trial: a real iPhone, the virtual iPhone (src/sim/, a model), HarnessKit's
 * LoopbackEngine (a test double with a configured echo path), or the harness app in Apple's
 * iOS Simulator (real AVFoundation code, but the Mac's audio devices and voice processing).
 * Only the first measures a phone; every report says which one it was (docs/reports.md §
 * Device labels).
 */
export const DEVICE_CLASSES = ['iphone', 'virtual-iphone', 'loopback', 'ios-simulator'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

export interface DeviceIdentity {
  model: string;
  osVersion: string;
  appVersion: string;
  name: string;
  simulated: boolean;
  class?: DeviceClass | undefined;
}

/**
 * The class a device announced, or the one its `simulated` flag implies (devices and run
 * directories from before the class existed). A device that says it is simulated is never
 * taken for an iPhone, whatever class it claims.
 */
export function deviceClassOf(d: Pick<DeviceIdentity, 'simulated' | 'class'>): DeviceClass {
  const c = d.class ?? (d.simulated ? 'virtual-iphone' : 'iphone');
  return d.simulated && c === 'iphone' ? 'virtual-iphone' : c;
}

/** One line naming the device, with its class in capitals unless it is a real iPhone. */
export function deviceLabel(d: DeviceIdentity): string {
  switch (deviceClassOf(d)) {
    case 'virtual-iphone':
      return `SIMULATED DEVICE — ${d.name} (model ${d.model}, iOS ${d.osVersion} profile)`;
    case 'loopback':
      return `LOOPBACK TEST DEVICE — ${d.name} (${d.model}, ${d.osVersion}; not a phone)`;
    case 'ios-simulator':
      return `IOS SIMULATOR — ${d.name} (${d.model}, ${d.osVersion}, harness app ${d.appVersion}; the Mac's audio, not a phone)`;
    case 'iphone':
      return `${d.name} — ${d.model}, iOS ${d.osVersion}, harness app ${d.appVersion}`;
  }
}

/** Why the numbers say nothing about real hardware; null for a real iPhone. */
export function deviceCaveat(d: DeviceIdentity): string | null {
  switch (deviceClassOf(d)) {
    case 'virtual-iphone':
      return "These numbers describe the virtual iPhone's model, not real hardware.";
    case 'loopback':
      return 'These numbers describe HarnessKit’s loopback test double (a configured echo path), not a phone.';
    case 'ios-simulator':
      return 'These numbers come from the iOS Simulator, which plays and records through the Mac’s audio devices and voice processing: they check the app’s code paths, not an iPhone’s echo.';
    case 'iphone':
      return null;
  }
}

/** The one word a title puts before a device that is not an iPhone; null for an iPhone. */
export function deviceClassTag(c: DeviceClass): string | null {
  switch (c) {
    case 'virtual-iphone':
      return 'SIMULATED';
    case 'loopback':
      return 'LOOPBACK';
    case 'ios-simulator':
      return 'IOS SIMULATOR';
    case 'iphone':
      return null;
  }
}

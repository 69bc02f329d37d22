/**
 * What ran a trial: a real iPhone, the virtual iPhone (src/sim/, a model), or HarnessKit's
 * LoopbackEngine (a test double with a configured echo path). Only the first measures
 * hardware; every report says which one it was (docs/reports.md § Device labels).
 */
export const DEVICE_CLASSES = ['iphone', 'virtual-iphone', 'loopback'] as const;
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
    case 'iphone':
      return null;
  }
}

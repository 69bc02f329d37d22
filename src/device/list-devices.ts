/**
 * The devices a run could use (`voiceaec devices`): the virtual iPhone's profiles, and the
 * phones usbmuxd sees on USB when it and `appium-ios-device` are there (otherwise why not).
 */
import { access } from 'node:fs/promises';
import { DEVICE_PROFILES } from '../sim/device-profiles.js';

export interface ListedDevice {
  kind: 'sim' | 'usb';
  /** What to pass: `--device sim` with this profile, or `--device appium --udid <id>`. */
  id: string;
  name: string;
  model: string | null;
  osVersion: string | null;
  simulated: boolean;
}

export interface DeviceListing {
  devices: ListedDevice[];
  /** Sources that could not be asked, with why (one line each). */
  unavailable: string[];
}

interface UsbUtilities {
  getConnectedDevices(): Promise<string[]>;
  getOSVersion?(udid: string): Promise<string>;
  getDeviceName?(udid: string): Promise<string>;
}

async function usbDevices(env: NodeJS.ProcessEnv): Promise<ListedDevice[]> {
  // Asked first: without a usbmuxd the library logs a stack trace before giving up.
  const socket = env.USBMUXD_SOCKET_ADDRESS ?? '/var/run/usbmuxd';
  if (
    !/^[^/]+:\d+$/.test(socket) &&
    !(await access(socket).then(
      () => true,
      () => false,
    ))
  )
    throw new Error(`no usbmuxd at ${socket}`);
  // A specifier in a variable: the package is optional.
  const name = 'appium-ios-device';
  const m = (await import(name)) as { utilities?: UsbUtilities };
  if (!m.utilities) throw new Error(`${name} has no utilities export`);
  const u = m.utilities;
  const udids = await u.getConnectedDevices();
  return Promise.all(
    udids.map(async (udid) => ({
      kind: 'usb' as const,
      id: udid,
      name: (await u.getDeviceName?.(udid).catch(() => null)) ?? udid,
      model: null,
      osVersion: (await u.getOSVersion?.(udid).catch(() => null)) ?? null,
      simulated: false,
    })),
  );
}

export async function listDevices(env: NodeJS.ProcessEnv = process.env): Promise<DeviceListing> {
  const devices: ListedDevice[] = Object.values(DEVICE_PROFILES).map((p) => ({
    kind: 'sim',
    id: p.id,
    name: p.name,
    model: p.model,
    osVersion: p.osVersion,
    simulated: true,
  }));
  const unavailable: string[] = [];
  try {
    devices.push(...(await usbDevices(env)));
  } catch (e) {
    unavailable.push(`USB phones: ${(e as Error).message.split('\n')[0]} (voiceaec doctor says what is missing)`);
  }
  return { devices, unavailable };
}

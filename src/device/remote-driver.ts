/**
 * A device that is already listening: a harness app whose port is forwarded (usbmuxd,
 * `iproxy`), or `voiceaec sim-device` in another process. Reconnecting is all a relaunch
 * can be here; launching apps on phones belongs to the Appium driver.
 */
import { connectToDevice } from '../protocol/endpoints.js';
import type { DeviceDriver, DeviceLink } from './device-driver.js';

export class RemoteDriver implements DeviceDriver {
  readonly kind = 'device' as const;
  readonly link = { connection: 'ws', warmupTrials: 0 } as const;
  readonly describe: string;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {
    this.describe = `device at ${url}`;
  }

  connect(): Promise<DeviceLink> {
    return connectToDevice(this.url, this.token);
  }

  async close(): Promise<void> {}
}

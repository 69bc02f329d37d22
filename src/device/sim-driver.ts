/**
 * The default device: the virtual iPhone served in-process on a free loopback port and
 * reached over a real WebSocket, so `voiceaec run` exercises the same protocol path as a
 * phone. Each connect is a fresh app launch (the server gives every connection its own
 * phone), which is how a modelled crash is recovered from.
 */
import { randomBytes } from 'node:crypto';
import { connectToDevice } from '../protocol/endpoints.js';
import type { Listener } from '../protocol/endpoints.js';
import { startSimDevice } from '../sim/device-server.js';
import type { DeviceDriver, DeviceLink } from './device-driver.js';

export const DEFAULT_SIM_PROFILE = 'iphone16-ios18';

export class SimDriver implements DeviceDriver {
  readonly kind = 'sim' as const;
  /** The virtual iPhone runs in this process; its engine stays up from trial to trial. */
  readonly link = { connection: 'in-process', warmupTrials: 0 } as const;
  readonly describe = 'virtual iPhone (simulated, in-process)';
  private server: (Listener & { url: string }) | null = null;
  private readonly token = randomBytes(16).toString('hex');

  constructor(private readonly opts: { seed: number; profile?: string }) {}

  async connect(): Promise<DeviceLink> {
    this.server ??= await startSimDevice({ port: 0, token: this.token, profile: this.opts.profile ?? DEFAULT_SIM_PROFILE, seed: this.opts.seed });
    return connectToDevice(this.server.url, this.token);
  }

  async close(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}

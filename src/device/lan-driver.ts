/**
 * `lan` mode: the CLI listens and the device dials in over Wi-Fi with the run token
 * (docs/protocol.md § Transport). `connect` waits for the next device connection, so a relaunched app that
 * dials again picks the run up.
 */
import { deviceError } from '../core/errors.js';
import { listenForDevice, type Listener } from '../protocol/endpoints.js';
import type { DeviceDriver, DeviceLink } from './device-driver.js';

export class LanDriver implements DeviceDriver {
  readonly kind = 'device' as const;
  readonly link = { connection: 'lan', warmupTrials: 0 } as const;
  private listener: Listener | null = null;
  private readonly waiting: Array<(s: DeviceLink) => void> = [];
  private readonly arrived: DeviceLink[] = [];

  constructor(
    private readonly port: number,
    private readonly token: string,
    private readonly waitMs: number = 120_000,
    /** Where to listen: every interface by default, since the phone dials in over Wi-Fi; the token guards it. */
    readonly host: string = '0.0.0.0',
  ) {}

  get describe(): string {
    return `device dialling in on port ${this.listener?.port ?? this.port}`;
  }

  /** Starts listening; returns the port (useful with port 0). */
  async listen(): Promise<number> {
    this.listener ??= await listenForDevice({
      port: this.port,
      host: this.host,
      token: this.token,
      onDevice: (peer, ready) => {
        const session = { peer, ready };
        const w = this.waiting.shift();
        if (w) w(session);
        else this.arrived.push(session);
      },
    });
    return this.listener.port;
  }

  async connect(): Promise<DeviceLink> {
    await this.listen();
    const ready = this.arrived.shift();
    if (ready) return ready;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(done), 1);
        reject(
          deviceError('E_DEVICE_TIMEOUT', `no device dialled in within ${this.waitMs / 1000} s`, {
            hint: 'start the harness app with this host, port and token',
          }),
        );
      }, this.waitMs);
      const done = (s: DeviceLink) => {
        clearTimeout(timer);
        resolve(s);
      };
      this.waiting.push(done);
    });
  }

  async close(): Promise<void> {
    await this.listener?.close();
    this.listener = null;
  }
}

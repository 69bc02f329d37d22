/**
 * The one place a device target (`--device`, or the target a run directory recorded) becomes
 * a driver: `sim`, `lan[:port]` (the app dials in), or `ws://host:port` (a listening app).
 */
import { usageError } from '../core/errors.js';
import type { DeviceDriver } from './device-driver.js';
import { LanDriver } from './lan-driver.js';
import { RemoteDriver } from './remote-driver.js';
import { SimDriver } from './sim-driver.js';

export const DEFAULT_LAN_PORT = 8765;

export interface ResolveContext {
  /** Seed of the virtual iPhone. */
  seed: number;
  /** The run token the harness app was launched with; needed by every real device. */
  token?: string | undefined;
}

export interface ResolvedDevice {
  driver: DeviceDriver;
  /** The target as the manifest records it: user and password of a URL removed. */
  target: string;
}

/** A URL's user information (farm credentials) never reaches a run directory or a message. */
export function redactTarget(target: string): string {
  return target.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

export function resolveDevice(target: string, ctx: ResolveContext): ResolvedDevice {
  const shown = redactTarget(target);
  if (target === 'sim') return { driver: new SimDriver({ seed: ctx.seed }), target: 'sim' };
  const lan = /^lan(?::(\d{1,5}))?$/.exec(target);
  if (lan || /^wss?:\/\//.test(target)) {
    if (!ctx.token)
      throw usageError('E_TOKEN', `--device ${shown} needs the run token`, {
        hint: 'pass --token or set VOICEAEC_TOKEN to the token the harness app was launched with',
      });
    if (lan) {
      const port = Number(lan[1] ?? DEFAULT_LAN_PORT);
      if (port > 65_535) throw usageError('E_DEVICE', `--device ${shown}: port ${port} is out of range`, { hint: 'use a port from 1 to 65535, e.g. lan:8765' });
      return { driver: new LanDriver(port, ctx.token), target: `lan:${port}` };
    }
    return { driver: new RemoteDriver(target, ctx.token), target: shown };
  }
  throw usageError('E_DEVICE', `--device "${shown}" is not sim, a ws:// URL or lan[:port]`, {
    hint: 'sim runs the virtual iPhone; a harness app listens on ws://<phone>:<port> or dials lan',
  });
}

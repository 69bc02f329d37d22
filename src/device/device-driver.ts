/**
 * How the runner reaches a device. `connect` (re)launches when it can and returns a
 * session that has passed hello → ready; the runner calls it again after a crash or a
 * disconnect, which is how a crashed harness app gets relaunched and the run goes on.
 */
import type { ReadyMessage } from '../protocol/messages.js';
import type { Peer } from '../protocol/peer.js';

export interface DeviceSession {
  peer: Peer;
  ready: ReadyMessage;
}

export interface DeviceDriver {
  readonly kind: 'sim' | 'device' | 'manual';
  /** Where the device is, for messages: "virtual iPhone (in-process)", a URL… */
  readonly describe: string;
  connect(): Promise<DeviceSession>;
  close(): Promise<void>;
}

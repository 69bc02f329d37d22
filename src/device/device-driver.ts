/**
 * How a device is reached. `connect` (re)launches the harness when the driver can and
 * returns a link that has passed hello → ready; the device session calls it again after a
 * crash or a disconnect, which is how a crashed harness app gets relaunched and the run
 * goes on. Drivers know transports and launchers; the protocol conversation above the
 * link belongs to `DeviceSession` (device-session.ts).
 */
import type { DeviceLinkInfo } from '../core/device-link.js';
import type { ReadyMessage } from '../protocol/messages.js';
import type { Peer } from '../protocol/peer.js';

export interface DeviceLink {
  peer: Peer;
  ready: ReadyMessage;
  /**
   * A link whose replies take longer than a socket's (files mode: every request waits for a
   * launch of the app, a trial also for its warm-ups): the wait for a reply that normally takes
   * `normalMs`. The session applies it, so the link's own timeout, with its clearer error, fires first.
   */
  replyTimeoutMs?: (normalMs: number, request: 'trial' | 'other') => number;
}

/** What the manifest records about where a run's device came from, so a resume can check it. */
export interface DeviceOrigin {
  /** sim: the in-process virtual iPhone; device: a harness app reached over the network; appium: launched through Appium. */
  kind: 'sim' | 'device' | 'manual' | 'appium';
  /** A stable id of the device where the driver knows one (an iPhone's UDID, the sim profile); null otherwise. */
  id: string | null;
}

export interface DeviceDriver {
  readonly kind: DeviceOrigin['kind'];
  /** Where the device is, for messages: "virtual iPhone (in-process)", a URL… */
  readonly describe: string;
  /** The device's stable id where the driver knows one before connecting. */
  readonly deviceId?: string | null;
  /** How the CLI reaches the harness (files mode and its warm-up, for the manifest and the reports); known after the first connect. */
  readonly link?: DeviceLinkInfo | null;
  connect(): Promise<DeviceLink>;
  /**
   * After a dropped link: what the driver can tell about why (app state, the tail of the
   * device log), one line or a few; null when it knows nothing more than the dropped link.
   */
  diagnose?(): Promise<string | null>;
  close(): Promise<void>;
}

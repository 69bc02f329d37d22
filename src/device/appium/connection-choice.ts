/**
 * `connection: auto` (docs/appium.md § Connection modes): which way the CLI reaches the app,
 * from what this host can tell. Pure: the facts are gathered by the driver (appium-driver.ts).
 *   1. asked for explicitly → that, whatever else holds;
 *   2. the Appium server is on this host, usbmuxd is here and the phone's udid is known → forward
 *      (the phone is on this host's USB: the surest link);
 *   3. the phone's address is given (deviceHost) → ws (the CLI can reach the phone);
 *   4. this host's address for the phone is given (lanHost) → lan (the phone can reach the CLI);
 *   5. the Appium server is on this host without usbmux → lan on loopback (the app runs on this
 *      host: a simulator, or the HarnessKit harness behind a fake WebDriverAgent);
 *   6. otherwise (a farm or cloud: nothing says either side reaches the other) → files.
 */
import type { AppiumConnection } from './appium-options.js';

export interface ConnectionFacts {
  requested: AppiumConnection | 'auto';
  /** The Appium server's host is a loopback address. */
  serverLocal: boolean;
  /** A usbmuxd answers on this host (its socket exists) and the forwarding package loads. */
  usbmux: boolean;
  udid: boolean;
  deviceHost: boolean;
  lanHost: boolean;
}

export interface ConnectionChoice {
  connection: AppiumConnection;
  /** Why, for the one line the CLI prints. */
  why: string;
}

export function chooseConnection(f: ConnectionFacts): ConnectionChoice {
  if (f.requested !== 'auto') return { connection: f.requested, why: 'as configured' };
  if (f.serverLocal && f.usbmux && f.udid) return { connection: 'forward', why: 'the phone is on this host’s usbmux' };
  if (f.deviceHost) return { connection: 'ws', why: 'the phone’s address (deviceHost) is given' };
  if (f.lanHost) return { connection: 'lan', why: 'the phone dials this host at lanHost' };
  if (f.serverLocal) return { connection: 'lan', why: 'the Appium server is on this host without usbmux: the app runs here and dials 127.0.0.1' };
  return { connection: 'files', why: 'a remote Appium server and no address either side can reach: plans and results go through the app’s Documents' };
}

/** The line the CLI prints once per driver: the choice and why, and how to override it. */
export function describeChoice(c: ConnectionChoice, requested: AppiumConnection | 'auto'): string {
  return requested === 'auto'
    ? `appium connection: ${c.connection} (auto: ${c.why}; override with --connection)`
    : `appium connection: ${c.connection} (as configured)`;
}

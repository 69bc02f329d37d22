/**
 * Host → phone port forwarding over usbmux (what `iproxy` does): a loopback TCP port whose
 * every connection is piped to a port on the phone through `appium-ios-device`. That
 * package is optional and loaded on first use; without it, or without a usbmuxd to talk
 * to, forwarding fails with one line saying so and what to use instead.
 */
import { access } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { environmentError } from '../../core/errors.js';

export interface PortForward {
  /** The loopback port that reaches the phone's port. */
  port: number;
  close(): Promise<void>;
}

interface IosDeviceUtilities {
  connectPort(udid: string, port: number): Promise<Socket>;
}

const DEFAULT_USBMUXD = '/var/run/usbmuxd';
const NO_FORWARD_HINT = 'use appium.connection lan (the app dials the CLI) or ws (a reachable phone address)';

async function loadUtilities(): Promise<IosDeviceUtilities> {
  // A specifier in a variable: the package is optional, so its absence must not break the build.
  const name = 'appium-ios-device';
  try {
    const m = (await import(name)) as { utilities?: IosDeviceUtilities };
    if (!m.utilities) throw new Error('no utilities export');
    return m.utilities;
  } catch (e) {
    throw environmentError('E_USBMUX_UNAVAILABLE', `usbmux forwarding needs ${name}, which cannot be loaded (${(e as Error).message})`, {
      hint: `npm install ${name} (with the bplist-parser 0.3.2 override), or ${NO_FORWARD_HINT}`,
    });
  }
}

/** usbmuxd listens on a Unix socket unless USBMUXD_SOCKET_ADDRESS names another (a path or host:port). */
async function checkUsbmuxd(env: NodeJS.ProcessEnv): Promise<void> {
  const where = env.USBMUXD_SOCKET_ADDRESS ?? DEFAULT_USBMUXD;
  if (/^[^/]+:\d+$/.test(where)) return;
  try {
    await access(where);
  } catch {
    throw environmentError('E_USBMUX_UNAVAILABLE', `no usbmuxd at ${where}: phones on USB cannot be reached from this host`, {
      hint: `connect the phone to a Mac (or run usbmuxd), or ${NO_FORWARD_HINT}`,
    });
  }
}

/** Whether forwarding could work here: the package loads and a usbmuxd is there (for connection auto). */
export async function usbmuxAvailable(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    await loadUtilities();
    await checkUsbmuxd(env);
    return true;
  } catch {
    return false;
  }
}

export async function forwardToDevice(udid: string, devicePort: number, env: NodeJS.ProcessEnv = process.env): Promise<PortForward> {
  const utilities = await loadUtilities();
  await checkUsbmuxd(env);
  const open = new Set<Socket>();
  const server: Server = createServer((local) => {
    open.add(local);
    local.once('close', () => open.delete(local));
    local.on('error', () => local.destroy());
    utilities.connectPort(udid, devicePort).then(
      (remote) => {
        open.add(remote);
        remote.once('close', () => {
          open.delete(remote);
          local.destroy();
        });
        remote.on('error', () => remote.destroy());
        local.once('close', () => remote.destroy());
        local.pipe(remote);
        remote.pipe(local);
      },
      // The app is not listening yet (or has died): the caller's connect fails and retries.
      () => local.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((done) => {
        for (const s of open) s.destroy();
        server.close(() => done());
      }),
  };
}

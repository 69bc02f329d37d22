/**
 * The one place a device target (`--device`, or the target a run directory recorded) becomes
 * a driver: `sim`, `lan[:port]` (the app dials in), `ws://host:port` (a listening app), or
 * `files:<dir>` (the harness on this host in files mode, its command from --harness or $VOICEAEC_HARNESS).
 */
import { isAbsolute, resolve } from 'node:path';
import { didYouMean } from '../core/did-you-mean.js';
import { usageError } from '../core/errors.js';
import { AppiumDriver, type AppiumDriverDeps } from './appium/appium-driver.js';
import type { AppiumOptionsInput } from './appium/appium-options.js';
import type { DeviceDriver } from './device-driver.js';
import { FilesDriver } from './files/files-driver.js';
import type { FilesMode } from './files/files-options.js';
import { LocalFilesTransfer, parseHarnessCommand } from './files/local-files-transfer.js';
import { LanDriver } from './lan-driver.js';
import { RemoteDriver } from './remote-driver.js';
import { DEVICE_PROFILES } from '../sim/device-profiles.js';
import { SimDriver } from './sim-driver.js';

export const DEFAULT_LAN_PORT = 8765;

export interface ResolveContext {
  /** Seed of the virtual iPhone. */
  seed: number;
  /** The run token the harness app was launched with; needed by every real device not launched through Appium. */
  token?: string | undefined;
  /** Appium settings for `appium` (config file and flags merged); the driver makes its own tokens. */
  appium?: AppiumOptionsInput | undefined;
  /** `files:<dir>`: the harness command (--harness); $VOICEAEC_HARNESS when absent. */
  harness?: string | undefined;
  /** Where $VOICEAEC_HARNESS is read; the process environment unless a test says otherwise. */
  env?: NodeJS.ProcessEnv;
  /** One line per files-mode launch, for the terminal. */
  onLaunch?: (line: string) => void;
  /** `files:<dir>`: warm-up trials and launch timeout (--warmup-trials, --files-launch-timeout); appium takes them in `appium`. */
  files?: Partial<FilesMode> | undefined;
  /** appium: a shared starter for `startServer` (a lab run starts one server for all its phones). */
  startAppiumServer?: AppiumDriverDeps['startServer'];
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
  const sim = /^sim:([a-z0-9-]+)$/.exec(target);
  if (sim) {
    if (!(sim[1]! in DEVICE_PROFILES))
      throw usageError('E_DEVICE', `--device ${target}: no virtual iPhone profile "${sim[1]}"`, {
        hint: `${didYouMean(sim[1]!, Object.keys(DEVICE_PROFILES))}choose one of: ${Object.keys(DEVICE_PROFILES).join(', ')}`,
      });
    return { driver: new SimDriver({ seed: ctx.seed, profile: sim[1]! }), target };
  }
  // appium, or appium:<udid> (one phone of several behind the same server).
  const appium = /^appium(?::([\w.-]{1,64}))?$/.exec(target);
  if (appium)
    return {
      driver: new AppiumDriver(
        { ...ctx.appium, ...(appium[1] ? { udid: appium[1] } : {}) },
        ctx.startAppiumServer ? { startServer: ctx.startAppiumServer } : {},
      ),
      target,
    };
  // files:DIR — the exchange folder on this host, recorded absolute so a resume finds it.
  const files = /^files:(.{1,1024})$/s.exec(target);
  if (files) {
    const dir = resolve(files[1]!);
    if (!isAbsolute(dir) || /[\0\n]/.test(dir))
      throw usageError('E_DEVICE', `--device files:${files[1]}: not a folder path`, { hint: 'e.g. files:/tmp/voiceaec-files' });
    const command = parseHarnessCommand(ctx.harness ?? (ctx.env ?? process.env).VOICEAEC_HARNESS);
    const driver = new FilesDriver(new LocalFilesTransfer(dir, command), { ...ctx.files, ...(ctx.onLaunch ? { onLaunch: ctx.onLaunch } : {}) });
    return { driver, target: `files:${dir}` };
  }
  // lan, lan:PORT or lan:HOST:PORT (HOST: the address to listen on, e.g. 127.0.0.1 for a harness on this machine).
  const lan = /^lan(?::(?:([\w.-]+|\[[\da-f:]+\]):)?(\d{1,5}))?$/i.exec(target);
  if (lan || /^wss?:\/\//.test(target)) {
    if (!ctx.token)
      throw usageError('E_TOKEN', `--device ${shown} needs the run token`, {
        hint: 'pass --token or set VOICEAEC_TOKEN to the token the harness app was launched with',
      });
    if (lan) {
      const port = Number(lan[2] ?? DEFAULT_LAN_PORT);
      if (port > 65_535) throw usageError('E_DEVICE', `--device ${shown}: port ${port} is out of range`, { hint: 'use a port from 1 to 65535, e.g. lan:8765' });
      const host = lan[1]?.replace(/^\[|\]$/g, '');
      return { driver: new LanDriver(port, ctx.token, undefined, host), target: host ? `lan:${lan[1]}:${port}` : `lan:${port}` };
    }
    return { driver: new RemoteDriver(target, ctx.token), target: shown };
  }
  throw usageError('E_DEVICE', `--device "${shown}" is not sim[:profile], appium[:udid], a ws:// URL, lan[:[host:]port] or files:<dir>`, {
    hint: 'sim runs the virtual iPhone; appium launches the harness app on a phone; a harness app listens on ws://<phone>:<port> or dials lan',
  });
}

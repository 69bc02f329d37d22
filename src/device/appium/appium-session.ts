/**
 * One webdriverio session against an Appium server with the XCUITest driver: launch,
 * terminate and query the app, device info, the device log, delete. webdriverio is loaded
 * on first use so the rest of the CLI does not pay for it. Every error leaving here is a
 * VoiceAecError whose text has the credentials and the run token scrubbed out.
 */
import type { Browser } from 'webdriverio';
import { deviceError, environmentError, VoiceAecError } from '../../core/errors.js';
import type { Capabilities } from './capabilities.js';
import { redact, type Credentials } from './farm-credentials.js';

export interface AppiumSessionOptions {
  serverUrl: string;
  capabilities: Capabilities;
  credentials: Credentials | null;
  sessionTimeoutMs: number;
  commandTimeoutMs: number;
  /** Values to scrub from every message (credentials, tokens). */
  secrets: () => readonly string[];
}

/** XCUITest's `mobile: queryAppState` values. */
export const APP_STATES = ['unknown', 'not running', 'running in background (suspended)', 'running in background', 'running in foreground'] as const;
export type AppState = (typeof APP_STATES)[number];

/** What the driver uses of a session; tests may give their own (AppiumDriverDeps.startSession). */
export type AppiumSessionApi = Pick<
  AppiumSession,
  'launchApp' | 'terminateApp' | 'appState' | 'deviceInfo' | 'logTail' | 'delete' | 'pushFile' | 'pullFile' | 'deleteFile' | 'deleteFolder'
>;

export class AppiumSession {
  private constructor(
    private readonly browser: Browser,
    private readonly opts: AppiumSessionOptions,
  ) {}

  static async start(opts: AppiumSessionOptions): Promise<AppiumSession> {
    const url = new URL(opts.serverUrl);
    let wdio: typeof import('webdriverio');
    try {
      wdio = await import('webdriverio');
    } catch (e) {
      throw environmentError('E_APPIUM_CLIENT', `webdriverio cannot be loaded (${(e as Error).message})`, {
        hint: 'reinstall voiceaec with its dependencies (npm install)',
      });
    }
    try {
      const browser = await wdio.remote({
        protocol: url.protocol.slice(0, -1),
        hostname: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
        path: url.pathname,
        ...(opts.credentials ? { user: opts.credentials.user, key: opts.credentials.key } : {}),
        // Only the CLI prints; webdriverio's own log would also echo requests with their capabilities.
        logLevel: 'silent',
        // A retried POST /session or mobile: launchApp would start a second WDA or launch.
        connectionRetryCount: 0,
        connectionRetryTimeout: Math.max(opts.sessionTimeoutMs, opts.commandTimeoutMs),
        capabilities: opts.capabilities,
      });
      return new AppiumSession(browser, opts);
    } catch (e) {
      throw wrap(e, opts, 'E_APPIUM_SESSION', `cannot start an Appium session at ${redactedUrl(url)}`, sessionHint(e));
    }
  }

  get sessionId(): string {
    return this.browser.sessionId;
  }

  /** What the server says the session runs on (udid, platformVersion, deviceName…), capability prefixes removed. */
  get sessionCapabilities(): Record<string, unknown> {
    const caps = this.browser.capabilities as Record<string, unknown>;
    return Object.fromEntries(Object.entries(caps).map(([k, v]) => [k.replace(/^appium:/, ''), v]));
  }

  /** Starts the app with these arguments; they only apply when it was not running (terminate first). */
  async launchApp(bundleId: string, args: string[]): Promise<void> {
    await this.execute('mobile: launchApp', { bundleId, arguments: args }, 'E_APPIUM_LAUNCH', `cannot launch ${bundleId}`, {
      hint: 'is the harness app installed on the phone? give the app path (appium.app) to install it',
    });
  }

  /** Stops the app; false when it was not running. */
  async terminateApp(bundleId: string): Promise<boolean> {
    const r = await this.execute('mobile: terminateApp', { bundleId }, 'E_APPIUM_TERMINATE', `cannot terminate ${bundleId}`);
    return r !== false;
  }

  async appState(bundleId: string): Promise<AppState> {
    const r = await this.execute('mobile: queryAppState', { bundleId }, 'E_APPIUM_STATE', `cannot query the state of ${bundleId}`);
    return typeof r === 'number' && APP_STATES[r] ? APP_STATES[r] : 'unknown';
  }

  /** Writes a file on the phone (`@<bundleId>:documents/…` for the app's Documents; docs/appium.md § Files mode). */
  async pushFile(remotePath: string, base64: string): Promise<void> {
    await this.call(() => this.browser.pushFile(remotePath, base64), 'E_APPIUM_PUSH', `cannot push ${remotePath}`);
  }

  /** A file of the phone, base64; rejects when it does not exist. */
  async pullFile(remotePath: string): Promise<string> {
    return this.call(() => this.browser.pullFile(remotePath), 'E_APPIUM_PULL', `cannot pull ${remotePath}`);
  }

  async deleteFile(remotePath: string): Promise<void> {
    await this.execute('mobile: deleteFile', { remotePath }, 'E_APPIUM_DELETE', `cannot delete ${remotePath}`);
  }

  async deleteFolder(remotePath: string): Promise<void> {
    await this.execute('mobile: deleteFolder', { remotePath }, 'E_APPIUM_DELETE', `cannot delete ${remotePath}`);
  }

  /** `mobile: deviceInfo` where the driver can reach the phone for it, else what the session capabilities say. */
  async deviceInfo(): Promise<Record<string, unknown>> {
    try {
      const r = await this.execute('mobile: deviceInfo', {}, 'E_APPIUM_DEVICE_INFO', 'cannot read the device info');
      if (typeof r === 'object' && r !== null) return r as Record<string, unknown>;
    } catch {
      // Without usbmux / a RemoteXPC tunnel (any non-macOS host) the driver cannot ask the phone.
    }
    const c = this.sessionCapabilities;
    return { udid: c.udid ?? null, platformVersion: c.platformVersion ?? null, deviceName: c.deviceName ?? null };
  }

  /** The last `lines` messages of a log type the driver offers (`syslog`), null when it offers none. */
  async logTail(type: string, lines: number): Promise<string[] | null> {
    try {
      const types = await this.withTimeout(this.browser.getLogTypes());
      if (!types.includes(type)) return null;
      const entries = (await this.withTimeout(this.browser.getLogs(type))) as Array<{ message?: unknown }>;
      return entries.slice(-lines).map((e) => redact(typeof e.message === 'string' ? e.message : JSON.stringify(e.message ?? ''), this.opts.secrets()));
    } catch {
      return null;
    }
  }

  /** Ends the session; a session the server has already dropped is not an error. */
  async delete(): Promise<void> {
    try {
      await this.withTimeout(this.browser.deleteSession());
    } catch {
      // Closing is best effort: the server ends an idle session after newCommandTimeout anyway.
    }
  }

  private async execute(script: string, args: Record<string, unknown>, code: string, what: string, extra: { hint?: string } = {}): Promise<unknown> {
    return this.call(() => this.browser.execute(script, args), code, what, extra.hint);
  }

  private async call<T>(run: () => Promise<T>, code: string, what: string, hint?: string): Promise<T> {
    try {
      return await this.withTimeout(run());
    } catch (e) {
      throw wrap(e, this.opts, code, what, hint ?? 'see the Appium server log; `voiceaec doctor` checks the setup');
    }
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(deviceError('E_APPIUM_TIMEOUT', `no answer from Appium within ${this.opts.commandTimeoutMs / 1000} s`, { hint: 'is the Appium server up?' })),
        this.opts.commandTimeoutMs,
      );
    });
    return Promise.race([p, limit]).finally(() => clearTimeout(timer));
  }
}

function redactedUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

function sessionHint(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/ECONNREFUSED|fetch failed|ENOTFOUND/i.test(m)) return 'is the Appium server running at that URL? (appium server, or --appium-url)';
  // Before the driver check: a farm's refusal often names the driver it would have used.
  if (/\b40[13]\b|unauthori[sz]ed|forbidden|credentials|access key/i.test(m))
    return 'the server refused the credentials from the environment (docs/appium.md § Farm presets)';
  if (/automationName|driver/i.test(m) && /not|could not|unable/i.test(m)) return 'install the XCUITest driver: appium driver install xcuitest';
  if (/xcodebuild|code 65|code 70|signing/i.test(m))
    return 'WebDriverAgent did not build or sign: check xcodeOrgId, xcodeSigningId, updatedWDABundleId (docs/appium.md)';
  return 'see the Appium server log; `voiceaec doctor` checks the setup';
}

/** One line, secrets scrubbed; the original error is not kept as the cause because its text may hold them. */
function wrap(e: unknown, opts: AppiumSessionOptions, code: string, what: string, hint: string): VoiceAecError {
  if (e instanceof VoiceAecError) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const reason = redact(raw, opts.secrets())
    .replace(/\s*\n[\s\S]*$/, '')
    .slice(0, 400);
  return deviceError(code, `${what}: ${reason}`, { hint });
}

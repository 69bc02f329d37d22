/**
 * A harness app on an iPhone, launched through Appium (XCUITest driver). Every `connect`
 * terminates the app and launches it again with a fresh run token, then reaches it the
 * configured way: `lan` (the app dials a listener of the CLI), `ws` (the app listens and
 * its address is reachable), `forward` (the app listens and usbmux forwards a loopback
 * port to it) or `files` (plans and results through the app's Documents, one launch per
 * request: src/device/files/); `auto` picks one once (connection-choice.ts) and says which
 * in one line. That is also how a crashed app is relaunched. `diagnose` tells the app's
 * state and the tail of the device log after a dropped link. The farm preset (farm-presets.ts)
 * shapes the capabilities and picks the credentials; with `startServer` the driver runs its
 * own Appium server for the run (local-appium-server.ts) and stops it on close.
 */
import { randomBytes } from 'node:crypto';
import { deviceError, usageError, VoiceAecError } from '../../core/errors.js';
import { connectToDevice, listenForDevice, type Listener } from '../../protocol/endpoints.js';
import type { DeviceDriver, DeviceLink } from '../device-driver.js';
import { parseAppiumOptions, type AppiumOptions, type AppiumOptionsInput } from './appium-options.js';
import { AppiumSession, type AppiumSessionApi, type AppiumSessionOptions, type AppState } from './appium-session.js';
import { buildCapabilities, harnessArguments, type HarnessLaunch } from './capabilities.js';
import { redact } from './farm-credentials.js';
import { describeFarmPlan, planFarmSession, secretsInEnv, type FarmPlan } from './farm-presets.js';
import { checkLocalAppium, startLocalAppium, type LocalAppiumServer } from './local-appium-server.js';
import { forwardToDevice, usbmuxAvailable, type PortForward } from './usbmux-forward.js';
import { chooseConnection, describeChoice, type ConnectionChoice } from './connection-choice.js';
import type { AppiumConnection } from './appium-options.js';
import { AppiumFilesTransfer } from '../files/appium-files-transfer.js';
import { openFilesLink, type FilesSocket } from '../files/files-link.js';
import { filesLaunchTimeoutMs } from '../files/files-options.js';
import type { DeviceLinkInfo } from '../../core/device-link.js';

/** Device log lines a diagnosis carries. */
const LOG_TAIL_LINES = 20;
/** Between attempts to reach an app that is still starting. */
const RETRY_MS = 250;
/** How often a still-starting app's state is checked, so an app that died at launch fails fast. */
const STATE_POLL_MS = 2_000;

export interface AppiumDriverDeps {
  /** Where credentials come from; the process environment unless a test says otherwise. */
  env?: NodeJS.ProcessEnv;
  /** Where the one line about the connection chosen goes; stderr unless a test says otherwise. */
  notify?: (line: string) => void;
  /** Starts the Appium session; webdriverio against `serverUrl` unless a test gives its own. */
  startSession?: (opts: AppiumSessionOptions) => Promise<AppiumSessionApi>;
  /** Starts the server for `startServer`; the project's Appium unless a test gives its own. */
  startServer?: typeof startLocalAppium;
}

/** How long a started server may take to answer `/status` (it loads the XCUITest driver first). */
const SERVER_START_MS = 90_000;

/** The loopback address a lan-mode app dials when lanHost is not given. */
const LOOPBACK = '127.0.0.1';

export class AppiumDriver implements DeviceDriver {
  readonly kind = 'appium' as const;
  readonly options: AppiumOptions;
  readonly deviceId: string | null;
  /** The preset applied to the options: capabilities, credentials, server. */
  readonly plan: FarmPlan;
  private server: LocalAppiumServer | null = null;
  private readonly startServer: typeof startLocalAppium;
  private readonly env: NodeJS.ProcessEnv;
  private readonly notify: (line: string) => void;
  private chosen: ConnectionChoice | null = null;
  private files: { transfer: AppiumFilesTransfer; socket: FilesSocket | null } | null = null;
  private session: AppiumSessionApi | null = null;
  private readonly startSession: (opts: AppiumSessionOptions) => Promise<AppiumSessionApi>;
  private lan: Listener | null = null;
  private forward: PortForward | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  /** Every token handed to the app: the device log may echo its arguments. */
  private readonly tokens: string[] = [];
  /** lan: a device that dialled in before anyone waited, or the waiter it goes to. */
  private pendingDevice: { link: DeviceLink | null; waiter: ((l: DeviceLink) => void) | null } | null = null;

  constructor(options: AppiumOptionsInput, deps: AppiumDriverDeps = {}) {
    this.options = parseAppiumOptions(options);
    this.env = deps.env ?? process.env;
    this.notify = deps.notify ?? ((line) => process.stderr.write(`${line}\n`));
    this.startSession = deps.startSession ?? ((opts) => AppiumSession.start(opts));
    this.startServer = deps.startServer ?? startLocalAppium;
    // Checked here, so a missing credential or a path given to a cloud fails before any run starts.
    this.plan = planFarmSession(this.options, this.env);
    this.deviceId = this.plan.udid;
    if (this.plan.connection === 'forward' && !this.plan.udid) throw this.needsUdid();
    // A missing Appium or driver is said before the run directory exists; a test's own starter checks nothing.
    if (this.options.startServer && !deps.startServer) checkLocalAppium({ appiumHome: this.options.appiumHome });
  }

  private needsUdid() {
    return usageError('E_APPIUM_OPTIONS', 'appium connection "forward" needs the phone\'s udid', {
      hint: 'give appium.udid (see `voiceaec devices`), or use connection lan, ws or files',
    });
  }

  /** files: one launch per request, through the app's Documents; the link replays the session (files-link.ts). */
  private async connectFiles(token: string): Promise<DeviceLink> {
    const o = this.options;
    const session = await this.ensureSession({ mode: 'files', dir: o.filesDir, token });
    this.files ??= { transfer: new AppiumFilesTransfer(session, o.bundleId, o.filesDir), socket: null };
    // The previous link's launch is stopped before the next one uses the folder.
    await this.files.socket?.stopped;
    const link = await openFilesLink({
      transfer: this.files.transfer,
      token,
      launchTimeoutMs: o.timeouts.filesLaunchMs ?? filesLaunchTimeoutMs(this.plan.farm),
      warmupTrials: o.warmupTrials,
      timeoutHint: '--files-launch-timeout <seconds>, or timeouts.filesLaunchMs in --appium-config',
    });
    this.files.socket = link.socket;
    return { peer: link.peer, ready: link.ready, ...(link.replyTimeoutMs ? { replyTimeoutMs: link.replyTimeoutMs } : {}) };
  }

  /** How the app is reached, once the connection is chosen (the first connect). */
  get link(): DeviceLinkInfo | null {
    const c = this.chosen?.connection;
    if (!c) return null;
    return { connection: c, warmupTrials: c === 'files' ? this.options.warmupTrials : 0 };
  }

  /** files: warm-up trials run and discarded on the current link. */
  get warmups(): number {
    return this.files?.socket?.warmupCount ?? 0;
  }

  get describe(): string {
    const where = this.plan.serverUrl ? `at ${new URL(this.plan.serverUrl).host}` : 'started by voiceaec';
    const farm = this.plan.farm === 'local' ? '' : ` on ${this.plan.farm}`;
    return `iPhone ${this.deviceId ?? '(any)'} through Appium ${where}${farm} (${this.chosen?.connection ?? this.plan.connection})`;
  }

  /** The preset, hub and capabilities in one line, credentials redacted. */
  describeFarm(): string {
    return describeFarmPlan(this.plan, this.env);
  }

  /** The connection in use: as configured, or chosen once from what this host can tell (and said in one line). */
  async connection(): Promise<AppiumConnection> {
    if (!this.chosen) {
      const o = this.options;
      const requested = this.plan.connection;
      const serverLocal = !this.plan.serverUrl || /^(127\.|localhost$|\[::1\]$)/.test(new URL(this.plan.serverUrl).hostname);
      const choice = chooseConnection({
        requested,
        serverLocal,
        usbmux: requested === 'auto' && serverLocal && !!this.deviceId ? await usbmuxAvailable(this.env) : false,
        udid: !!this.deviceId,
        deviceHost: !!o.deviceHost,
        lanHost: !!o.lanHost,
      });
      if (choice.connection === 'forward' && !this.deviceId) throw this.needsUdid();
      this.chosen = this.plan.connectionWhy ? { connection: choice.connection, why: `${this.plan.farm}: ${this.plan.connectionWhy}` } : choice;
      // A preset's default is said as such, so the line tells why files was taken and how to change it.
      this.notify(
        this.plan.connectionWhy
          ? `appium connection: ${choice.connection} (${this.chosen.why}; override with --connection)`
          : describeChoice(choice, o.connection ?? 'auto'),
      );
    }
    return this.chosen.connection;
  }

  async connect(): Promise<DeviceLink> {
    const token = randomBytes(24).toString('hex');
    this.tokens.push(token);
    const connection = await this.connection();
    if (connection === 'files') return this.connectFiles(token);
    const launch = await this.prepareTransport(connection, token);
    const session = await this.ensureSession(launch);
    const { bundleId } = this.options;
    // Launch arguments only apply to an app that is not running, so a relaunch always terminates first.
    await session.terminateApp(bundleId);
    await session.launchApp(bundleId, harnessArguments(launch));
    return launch.mode === 'lan' ? this.awaitDialIn(session) : this.dialApp(session, token);
  }

  /** Device facts for the manifest and `voiceaec devices`; needs a session. */
  async deviceInfo(): Promise<Record<string, unknown>> {
    if (!this.session) return { udid: this.deviceId };
    return this.session.deviceInfo();
  }

  async diagnose(): Promise<string | null> {
    if (!this.session) return null;
    const lines: string[] = [];
    try {
      lines.push(`app ${this.options.bundleId}: ${await this.session.appState(this.options.bundleId)}`);
    } catch (e) {
      lines.push(`app state unknown (${(e as Error).message})`);
    }
    const tail = await this.session.logTail('syslog', LOG_TAIL_LINES);
    if (tail?.length) lines.push(`device log, last ${tail.length} lines:`, ...tail);
    return redact(lines.join('\n'), this.secrets());
  }

  async close(): Promise<void> {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
    const session = this.session;
    this.session = null;
    if (this.files) {
      await this.files.socket?.stopped;
      await this.files.transfer.cleanup();
      this.files = null;
    }
    if (session) {
      // A lan-mode harness dials again after each session; stopping it leaves the phone quiet.
      await session.terminateApp(this.options.bundleId).catch(() => false);
      await session.delete();
    }
    await this.lan?.close();
    this.lan = null;
    await this.forward?.close();
    this.forward = null;
    const server = this.server;
    this.server = null;
    if (server) {
      await server.stop();
      // A shared server says so itself when the last phone lets go of it.
      if (!server.shared) this.notify(`appium: stopped the server it started (pid ${server.pid})`);
    }
  }

  private secrets(): string[] {
    return [...secretsInEnv(this.env), ...this.tokens];
  }

  /** Sets up the CLI's end for this launch and says how the app must be launched to meet it. */
  private async prepareTransport(connection: Exclude<AppiumConnection, 'files'>, token: string): Promise<HarnessLaunch> {
    const o = this.options;
    if (connection === 'lan') {
      // A listener per launch: it admits only this launch's token.
      await this.lan?.close();
      this.lan = null;
      this.pendingDevice = null;
      // Loopback when the phone dials a loopback address (a harness on this host); else every interface, guarded by the token.
      const lanHost = o.lanHost ?? LOOPBACK;
      const host = /^(127\.|localhost$|\[?::1\]?$)/.test(lanHost) ? '127.0.0.1' : '0.0.0.0';
      this.lan = await listenForDevice({ port: o.lanPort, host, token, onDevice: (peer, ready) => this.arrived({ peer, ready }) });
      return { mode: 'lan', url: `ws://${lanHost}:${this.lan.port}/harness`, token };
    }
    if (connection === 'forward') this.forward ??= await forwardToDevice(this.deviceId!, o.devicePort, this.env);
    return { mode: 'server', port: o.devicePort, token };
  }

  private async ensureSession(launch: HarnessLaunch): Promise<AppiumSessionApi> {
    if (this.session) return this.session;
    const o = this.options;
    const serverUrl = await this.serverUrl();
    this.session = await this.startSession({
      serverUrl,
      capabilities: buildCapabilities(o, this.plan, launch),
      credentials: this.plan.credentials,
      sessionTimeoutMs: o.timeouts.sessionMs,
      commandTimeoutMs: o.timeouts.commandMs,
      secrets: () => this.secrets(),
    });
    const idleMs = o.timeouts.newCommandTimeoutSec * 1000;
    if (idleMs > 0) {
      // A run sends Appium nothing while trials play; a cheap query keeps the session from timing out.
      const session = this.session;
      this.keepAlive = setInterval(() => void session.appState(o.bundleId).catch(() => undefined), Math.max(1_000, Math.min(60_000, idleMs / 2)));
      this.keepAlive.unref();
    }
    return this.session;
  }

  /** The preset's or configured server, or one started now for `startServer`. */
  private async serverUrl(): Promise<string> {
    if (this.plan.serverUrl) return this.plan.serverUrl;
    if (!this.server) {
      this.server = await this.startServer({ appiumHome: this.options.appiumHome, env: this.env, timeoutMs: SERVER_START_MS });
      const home = `${this.server.privateHome ? 'private ' : ''}APPIUM_HOME ${this.server.home}`;
      if (this.server.reused) this.notify(`appium: using the server this run started at ${this.server.url} (pid ${this.server.pid})`);
      else this.notify(`appium: started Appium ${this.server.version} at ${this.server.url} (pid ${this.server.pid}, ${home}); it stops when the run ends`);
    }
    return this.server.url;
  }

  private arrived(link: DeviceLink): void {
    const p = (this.pendingDevice ??= { link: null, waiter: null });
    if (p.waiter) p.waiter(link);
    else if (!p.link) p.link = link;
    else link.peer.close();
  }

  private awaitDialIn(session: AppiumSessionApi): Promise<DeviceLink> {
    const p = (this.pendingDevice ??= { link: null, waiter: null });
    const early = p.link;
    if (early) {
      p.link = null;
      return Promise.resolve(early);
    }
    return this.untilUp(
      session,
      (run) =>
        new Promise<DeviceLink>((resolve) => {
          p.waiter = (link) => {
            p.waiter = null;
            if (run.over) link.peer.close();
            else resolve(link);
          };
        }),
      'did not dial in',
    );
  }

  private dialApp(session: AppiumSessionApi, token: string): Promise<DeviceLink> {
    const o = this.options;
    const url = this.forward ? `ws://127.0.0.1:${this.forward.port}/harness` : `ws://${o.deviceHost}:${o.devicePort}/harness`;
    const attempt = async (run: { over: boolean }): Promise<DeviceLink> => {
      while (!run.over) {
        try {
          const link = await connectToDevice(url, token);
          if (run.over) link.peer.close();
          return link;
        } catch (e) {
          // Not listening yet: the app is still starting. Anything else (a refused token) is final.
          if (!(e instanceof VoiceAecError && e.code === 'E_DEVICE_UNREACHABLE')) throw e;
          await sleep(RETRY_MS);
        }
      }
      // Only reached after untilUp has settled, so nobody awaits this.
      throw deviceError('E_APPIUM_APP_TIMEOUT', 'gave up reaching the app', { hint: modeHint(o, this.chosen?.connection ?? 'forward') });
    };
    return this.untilUp(session, attempt, 'did not accept a connection');
  }

  /** Runs `reach` until it succeeds, the launch time is up, or the app is seen not running; then tells `reach` to stop. */
  private async untilUp(session: AppiumSessionApi, reach: (run: { over: boolean }) => Promise<DeviceLink>, failed: string): Promise<DeviceLink> {
    const o = this.options;
    const what = `${o.bundleId} on ${this.deviceId ?? 'the phone'}`;
    const run = { over: false };
    const watch = async (): Promise<never> => {
      const deadline = Date.now() + o.timeouts.launchMs;
      for (;;) {
        await sleep(Math.min(STATE_POLL_MS, Math.max(0, deadline - Date.now())));
        if (run.over) return new Promise<never>(() => undefined);
        if (Date.now() >= deadline)
          throw deviceError('E_APPIUM_APP_TIMEOUT', `${what} ${failed} within ${o.timeouts.launchMs / 1000} s of its launch`, {
            hint: modeHint(o, this.chosen?.connection ?? 'forward'),
          });
        const state: AppState = await session.appState(o.bundleId).catch(() => 'unknown');
        if (state === 'not running')
          throw deviceError('E_APPIUM_APP_EXITED', `${what} exited right after its launch`, {
            hint: 'the harness refused its arguments or crashed; see the device log (diagnose) and docs/ios-app.md',
          });
      }
    };
    const reaching = reach(run);
    // A late failure of the abandoned attempt is of no interest once the race is decided.
    reaching.catch(() => undefined);
    try {
      return await Promise.race([reaching, watch()]);
    } finally {
      run.over = true;
      if (this.pendingDevice) this.pendingDevice.waiter = null;
    }
  }
}

function modeHint(o: AppiumOptions, connection: AppiumConnection): string {
  if (connection === 'lan')
    return `can the phone reach ${o.lanHost ?? LOOPBACK}? (same Wi-Fi, Local Network permission; or --connection files; docs/appium.md § Connection modes)`;
  if (connection === 'ws') return `can this host reach ${o.deviceHost}:${o.devicePort}? (docs/appium.md § Connection modes)`;
  return 'is the phone connected by USB and trusted? try `voiceaec doctor`';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

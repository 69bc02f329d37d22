/**
 * The settings of the Appium driver, as CLI flags, a config file or a scenario's device
 * section give them: where the Appium server is, which phone and app, how the CLI reaches
 * the app, WDA signing, timeouts and extra capabilities. Credentials are never settings:
 * they come from environment variables only (farm-credentials.ts), so a file that holds
 * these options can be committed and recorded in a run directory.
 */
import { z } from 'zod';
import { usageError } from '../../core/errors.js';
import { DEFAULT_WARMUP_TRIALS, FilesLaunchTimeoutMs, WarmupTrials } from '../files/files-options.js';
import { FARM_NAMES } from './farm-presets.js';

/** The harness app's bundle identifier (ios-harness-app/project.yml). */
export const HARNESS_BUNDLE_ID = 'dev.voiceaec.harness';
/** The port the harness listens on in server mode when nothing else is said (docs/ios-app.md). */
export const HARNESS_DEVICE_PORT = 8765;

/** A key that looks like it holds a secret: refused anywhere in the options. */
const SECRET_KEY = /pass(word)?|secret|access.?key|api.?key|token|credential|^key$|^user(name)?$/i;

const port = z.int().min(1).max(65_535);
const ms = z.int().min(1);

const CONNECTION = z.enum(['auto', 'forward', 'lan', 'ws', 'files']);
/** How the CLI reaches the app once chosen (connection-choice.ts turns `auto` into one of these). */
export type AppiumConnection = Exclude<z.infer<typeof CONNECTION>, 'auto'>;
/** The exchange folder in the app's Documents for `files` (docs/appium.md § Connection modes). */
export const DEFAULT_FILES_DIR = 'voiceaec-files';

export const APPIUM_OPTIONS_SCHEMA = z
  .strictObject({
    /** Where the session comes from and so the shape of its capabilities (farm-presets.ts); implied by serverUrl's host when not named. */
    farm: z.enum(FARM_NAMES).optional(),
    /** The Appium server (a local one, a device-farm hub, a grid or a cloud endpoint); the preset's hub when not given. */
    serverUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Start a private Appium server on 127.0.0.1 for the run and stop it after (local preset; docs/appium.md § A server started by the CLI). */
    startServer: z.boolean().default(false),
    /** startServer: the APPIUM_HOME whose XCUITest driver it uses; a private one linking the project's driver when not given. */
    appiumHome: z.string().min(1).optional(),
    /**
     * Where the farm's own REST API is, for `voiceaec devices --farm` and `doctor --farm` (farm-api.ts): the
     * preset's public API host, or the hub's URL for the hub presets, when not given. Runs do not use it.
     */
    farmApiUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** saucelabs: the data center (us-west-1, eu-central-1, …). */
    region: z
      .string()
      .regex(/^[a-z0-9-]{2,32}$/)
      .optional(),
    /** Session labels on the farm's dashboard (df:build, bstack buildName/sessionName, sauce build/name, se:name). */
    build: z.string().min(1).max(255).optional(),
    sessionName: z.string().min(1).max(255).optional(),
    /** The phone's UDID; required for real devices. */
    udid: z.string().min(1).optional(),
    /** iOS version of the phone; lets the XCUITest driver skip asking the phone over usbmux. */
    platformVersion: z.string().min(1).optional(),
    deviceName: z.string().min(1).optional(),
    /** A signed .ipa / device .app on the Appium host, or a farm's upload reference (bs://…, storage:…); installed at session start. */
    app: z.string().min(1).optional(),
    /** The app to launch; the harness unless told otherwise. */
    bundleId: z.string().min(1).default(HARNESS_BUNDLE_ID),
    /**
     * How the CLI reaches the launched app: `forward` (the app listens, usbmux forwards a host
     * port to it), `lan` (the app dials the CLI), `ws` (the app listens and its address is
     * reachable), `files` (nothing reaches anything: plans and results go through the app's
     * Documents), or `auto` (chosen from what this host can tell; connection-choice.ts). Not
     * given: the preset's default (auto, or files for the clouds).
     */
    connection: CONNECTION.optional(),
    /** forward / ws: the port the app listens on, on the phone. */
    devicePort: port.default(HARNESS_DEVICE_PORT),
    /** ws: the phone's address as the CLI reaches it. */
    deviceHost: z.string().min(1).optional(),
    /** lan: the CLI's address as the phone reaches it (127.0.0.1 when lan is asked for without one); giving it tells auto the phone can reach this host. */
    lanHost: z.string().min(1).optional(),
    /** lan: the port the CLI listens on; 0 picks a free one. */
    lanPort: z.int().min(0).max(65_535).default(0),
    /** files: the exchange folder inside the app's Documents. */
    filesDir: z
      .string()
      .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/, "one folder name (letters, digits, . _ -), inside the app's Documents")
      .default(DEFAULT_FILES_DIR),
    /** files: trials each launch runs and discards before the measured one (0: measure cold starts; files-options.ts). */
    warmupTrials: WarmupTrials.default(DEFAULT_WARMUP_TRIALS),
    /** WDA signing (real devices; see docs/appium.md). */
    xcodeOrgId: z.string().min(1).optional(),
    xcodeSigningId: z.string().min(1).optional(),
    updatedWDABundleId: z.string().min(1).optional(),
    /** Host side of WDA's usbmux forward; unique per phone in parallel runs. */
    wdaLocalPort: port.optional(),
    /** Attach to a WebDriverAgent that already runs (and how the tests reach their fake one). */
    webDriverAgentUrl: z.url({ protocol: /^https?$/ }).optional(),
    timeouts: z
      .strictObject({
        /** Creating the Appium session (WDA build and start on a real phone take minutes). */
        sessionMs: ms.default(600_000),
        /** From launching the app until it has said `ready`. */
        launchMs: ms.default(60_000),
        /** files: one launch, from pushing its plan until its results are pulled, beyond the audio its trials play; the preset's default (files-options.ts) when not given. */
        filesLaunchMs: FilesLaunchTimeoutMs.optional(),
        /** One Appium command (launch, terminate, state, logs). */
        commandMs: ms.default(120_000),
        /** Appium ends a session without commands after this; the driver keeps it alive while a run lasts. */
        newCommandTimeoutSec: z.int().min(0).default(300),
      })
      .prefault({}),
    /** More W3C capabilities, merged last; non-standard ones need a vendor prefix (`appium:`, `df:`, `bstack:options`…). */
    capabilities: z.record(z.string(), z.unknown()).default({}),
  })
  .superRefine((o, ctx) => {
    if (o.connection === 'ws' && !o.deviceHost) ctx.addIssue({ code: 'custom', path: ['deviceHost'], message: 'ws connection needs deviceHost' });
    if (o.startServer && o.serverUrl)
      ctx.addIssue({
        code: 'custom',
        path: ['startServer'],
        message: 'a started server has its own URL; drop serverUrl (--appium-url) or startServer (--appium-start)',
      });
    if (o.appiumHome && !o.startServer) ctx.addIssue({ code: 'custom', path: ['appiumHome'], message: 'only applies with startServer (--appium-start)' });
    for (const key of ['serverUrl', 'farmApiUrl'] as const) {
      const url = o[key] ? new URL(o[key]) : null;
      if (url && (url.username || url.password))
        ctx.addIssue({ code: 'custom', path: [key], message: 'must not hold a user or password (credentials come from the environment)' });
    }
    for (const path of secretPaths(o.capabilities, ['capabilities']))
      ctx.addIssue({ code: 'custom', path, message: 'looks like a credential; credentials come from the environment only' });
    for (const key of Object.keys(o.capabilities))
      if (!STANDARD_CAPS.has(key) && !key.includes(':'))
        ctx.addIssue({ code: 'custom', path: ['capabilities', key], message: `non-standard capability needs a vendor prefix, e.g. "appium:${key}"` });
  });

export type AppiumOptions = z.infer<typeof APPIUM_OPTIONS_SCHEMA>;
export type AppiumOptionsInput = z.input<typeof APPIUM_OPTIONS_SCHEMA>;

/** W3C capabilities that take no prefix. */
const STANDARD_CAPS = new Set([
  'platformName',
  'browserName',
  'browserVersion',
  'acceptInsecureCerts',
  'pageLoadStrategy',
  'proxy',
  'setWindowRect',
  'timeouts',
  'strictFileInteractability',
  'unhandledPromptBehavior',
  'webSocketUrl',
]);

function secretPaths(value: unknown, path: (string | number)[]): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const bare = k.includes(':') ? k.slice(k.indexOf(':') + 1) : k;
    return SECRET_KEY.test(bare) ? [[...path, k]] : secretPaths(v, [...path, k]);
  });
}

/** Parses the options; a mistake is a usage error naming the field (never its value, which might be a secret). */
export function parseAppiumOptions(input: unknown): AppiumOptions {
  const r = APPIUM_OPTIONS_SCHEMA.safeParse(input);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  const where = first.path.length ? first.path.join('.') : 'options';
  throw usageError('E_APPIUM_OPTIONS', `appium ${where}: ${first.message}`, {
    hint: 'see docs/appium.md § Options',
    details: { issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
  });
}

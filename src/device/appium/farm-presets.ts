/**
 * Farm presets (docs/appium.md § Farm presets): for each place an Appium session can come
 * from, where the phone's identity and the app reference go in the capabilities, which
 * environment variables hold its credentials and where they are sent, the connection mode
 * it starts with, and its hub URL. Data first; `planFarmSession` applies one to the options
 * and the environment. Credentials never leave as text: `describeFarmPlan` redacts them.
 */
import { environmentError, usageError, type VoiceAecError } from '../../core/errors.js';
import type { AppiumOptions } from './appium-options.js';
import { credentials as makeCredentials, redact, type Credentials } from './farm-credentials.js';

export const FARM_NAMES = ['local', 'appium-device-farm', 'selenium-grid', 'browserstack', 'saucelabs', 'aws-device-farm'] as const;
export type FarmName = (typeof FARM_NAMES)[number];

/** A setting the preset places: a capability name, or `vendor:options.field` inside a vendor object. */
export type FarmSlot = 'udid' | 'deviceName' | 'platformVersion' | 'app' | 'build' | 'sessionName';

export interface FarmCredentialSpec {
  /** Environment variables; the values are never written anywhere. */
  userEnv: string;
  keyEnv: string;
  /** A cloud refuses sessions without them; elsewhere they are optional but go in pairs. */
  required: boolean;
  /** `basic-auth`: the Authorization header (what URL userinfo becomes; the URL itself never holds them). `capabilities`: these capability names. */
  placement: { kind: 'basic-auth' } | { kind: 'capabilities'; userCap: string; keyCap: string };
}

export interface FarmPreset {
  name: FarmName;
  title: string;
  /** The hub URL when --appium-url is not given; `{region}` is the region option. null: the user must say where their hub is. */
  hubUrl: string | null;
  defaultRegion?: string;
  /** Where each setting goes; a setting without a slot is refused for this preset. */
  slots: Partial<Record<FarmSlot, string>>;
  /** Settings the preset cannot do without (after the environment has filled what it can). */
  required: FarmSlot[];
  /** The app reference: a cloud takes only an upload reference (a local path cannot reach it). */
  app: { upload: RegExp | null; example: string };
  /** Settings the farm's host gives in its environment (first variable set wins); options given explicitly win. */
  fromEnv: Partial<Record<FarmSlot, readonly string[]>>;
  /** More capabilities from the environment, e.g. a prebuilt WebDriverAgent. */
  envCaps: ReadonlyArray<{ env: string; caps: (value: string) => Record<string, unknown> }>;
  credentials: FarmCredentialSpec | null;
  /** The connection mode when none is configured, and why. */
  connection: 'auto' | 'files';
  connectionWhy: string;
  /** Where the capability format comes from (docs/appium.md § Farm presets lists them). */
  sources: readonly string[];
}

/** Basic auth for a server behind a proxy or a grid router; optional. */
const GENERIC_BASIC: FarmCredentialSpec = {
  userEnv: 'VOICEAEC_APPIUM_USER',
  keyEnv: 'VOICEAEC_APPIUM_KEY',
  required: false,
  placement: { kind: 'basic-auth' },
};

const APPIUM_SLOTS = { udid: 'appium:udid', deviceName: 'appium:deviceName', platformVersion: 'appium:platformVersion', app: 'appium:app' } as const;
const AUTO_WHY = 'auto: forward or lan when the server is on this host, files for a remote hub unless deviceHost or lanHost says who reaches whom';

export const FARM_PRESETS: Record<FarmName, FarmPreset> = {
  local: {
    name: 'local',
    title: 'a local Appium server (or one started with --appium-start)',
    hubUrl: 'http://127.0.0.1:4723',
    slots: { ...APPIUM_SLOTS },
    required: [],
    app: { upload: null, example: '/path/to/VoiceAecHarness.ipa' },
    fromEnv: {},
    envCaps: [],
    credentials: GENERIC_BASIC,
    connection: 'auto',
    connectionWhy: AUTO_WHY,
    sources: ['Appium XCUITest driver capabilities (appium.github.io/appium-xcuitest-driver, reference/capabilities)'],
  },
  'appium-device-farm': {
    name: 'appium-device-farm',
    title: 'an appium-device-farm hub (Appium with the device-farm plugin)',
    hubUrl: null,
    // appium:udid and appium:platformVersion act as device filters on the hub (device-farm src/device-utils.ts).
    slots: { ...APPIUM_SLOTS, build: 'df:build' },
    required: [],
    app: { upload: null, example: '/path/on/the/node/VoiceAecHarness.ipa or https://…/VoiceAecHarness.ipa' },
    fromEnv: {},
    envCaps: [],
    // Hubs with authentication (device-farm v10+) take an access key and token as capabilities.
    credentials: {
      userEnv: 'VOICEAEC_DF_ACCESS_KEY',
      keyEnv: 'VOICEAEC_DF_TOKEN',
      required: false,
      placement: { kind: 'capabilities', userCap: 'df:accesskey', keyCap: 'df:token' },
    },
    connection: 'auto',
    connectionWhy: `${AUTO_WHY}: the phones sit on the hub's nodes, and whether they reach this host depends on the lab's network`,
    sources: ['appium-device-farm capabilities page (df:build, df:recordVideo, df:udids…), README (df:accesskey, df:token)'],
  },
  'selenium-grid': {
    name: 'selenium-grid',
    title: 'a Selenium Grid 4 with Appium relay nodes',
    hubUrl: null,
    slots: { ...APPIUM_SLOTS, sessionName: 'se:name' },
    required: [],
    app: { upload: null, example: '/path/on/the/node/VoiceAecHarness.ipa or https://…/VoiceAecHarness.ipa' },
    fromEnv: {},
    envCaps: [],
    credentials: GENERIC_BASIC,
    connection: 'auto',
    connectionWhy: `${AUTO_WHY}: the relay nodes' phones are elsewhere on the lab's network`,
    sources: ['Appium guide "Appium and Selenium Grid" (packages/appium/docs/en/guides/grid.md): W3C platformName, appium: prefixed capabilities, relay nodes'],
  },
  browserstack: {
    name: 'browserstack',
    title: 'BrowserStack App Automate',
    hubUrl: 'https://hub-cloud.browserstack.com/wd/hub',
    slots: {
      deviceName: 'bstack:options.deviceName',
      platformVersion: 'bstack:options.osVersion',
      app: 'appium:app',
      build: 'bstack:options.buildName',
      sessionName: 'bstack:options.sessionName',
    },
    required: ['deviceName', 'app'],
    app: { upload: /^bs:\/\/[A-Za-z0-9]+$/, example: 'bs://<app id from the upload>' },
    fromEnv: {},
    envCaps: [],
    credentials: { userEnv: 'BROWSERSTACK_USERNAME', keyEnv: 'BROWSERSTACK_ACCESS_KEY', required: true, placement: { kind: 'basic-auth' } },
    connection: 'files',
    connectionWhy:
      "the phone is in BrowserStack's data center: nothing reaches this host without BrowserStack Local, iOS cannot resolve localhost through it, and a native app's WebSocket through the tunnel is unverified",
    sources: [
      'browserstack.com/docs/app-automate/appium/set-up-tests/select-devices (deviceName, platformVersion)',
      'browserstack/webdriverio-appium-app-browserstack (bstack:options, appium:app bs://…)',
    ],
  },
  saucelabs: {
    name: 'saucelabs',
    title: 'Sauce Labs real devices',
    hubUrl: 'https://ondemand.{region}.saucelabs.com/wd/hub',
    defaultRegion: 'us-west-1',
    slots: {
      deviceName: 'appium:deviceName',
      platformVersion: 'appium:platformVersion',
      app: 'appium:app',
      build: 'sauce:options.build',
      sessionName: 'sauce:options.name',
    },
    required: ['deviceName', 'app'],
    app: { upload: /^storage:(filename=.+|[0-9a-f-]{36})$/, example: 'storage:filename=VoiceAecHarness.ipa' },
    fromEnv: {},
    envCaps: [],
    credentials: { userEnv: 'SAUCE_USERNAME', keyEnv: 'SAUCE_ACCESS_KEY', required: true, placement: { kind: 'basic-auth' } },
    connection: 'files',
    connectionWhy:
      "the phone is in Sauce Labs' data center: nothing reaches this host without Sauce Connect, and a native app's WebSocket through it is unverified",
    sources: [
      'docs.saucelabs.com/mobile-apps/automated-testing/appium/real-devices/',
      'devicelab-dev/maestro-runner docs/cloud-providers/saucelabs.md (appium:app storage:filename=…, sauce:options, ondemand.<region>.saucelabs.com/wd/hub)',
    ],
  },
  'aws-device-farm': {
    name: 'aws-device-farm',
    title: "AWS Device Farm custom test environment (the CLI runs on the phone's host)",
    // The test spec starts Appium on the host; the /wd/hub base path is assumed, not verified (docs/appium.md § Farm presets).
    hubUrl: 'http://127.0.0.1:4723/wd/hub',
    slots: { ...APPIUM_SLOTS },
    required: ['udid'],
    app: { upload: null, example: '$DEVICEFARM_APP_PATH' },
    fromEnv: {
      udid: ['DEVICEFARM_DEVICE_UDID_FOR_APPIUM', 'DEVICEFARM_DEVICE_UDID'],
      app: ['DEVICEFARM_APP_PATH'],
      platformVersion: ['DEVICEFARM_DEVICE_OS_VERSION'],
    },
    envCaps: [{ env: 'DEVICEFARM_WDA_DERIVED_DATA_PATH', caps: (v) => ({ 'appium:usePrebuiltWDA': true, 'appium:derivedDataPath': v }) }],
    // AWS credentials schedule the run; the Appium server on the host needs none.
    credentials: null,
    connection: 'files',
    connectionWhy: 'the phone has no route to its host (VPC-ENI is outbound only) and usbmux forwarding on Device Farm hosts is untested',
    sources: [
      'docs.aws.amazon.com/devicefarm/latest/developerguide/custom-test-environment-variables.html',
      'docs.aws.amazon.com/devicefarm/latest/developerguide/custom-test-environments-extending-speed.html',
    ],
  },
};

/** The preset a server URL implies when none is named: the clouds by their host, else local. */
export function inferFarm(serverUrl: string | undefined): FarmName {
  if (!serverUrl) return 'local';
  const host = new URL(serverUrl).hostname;
  if (/(^|\.)browserstack\.com$/i.test(host)) return 'browserstack';
  if (/(^|\.)saucelabs\.com$/i.test(host)) return 'saucelabs';
  return 'local';
}

export interface FarmPlan {
  farm: FarmName;
  /** null until a server started by the CLI gives its URL. */
  serverUrl: string | null;
  /** Identity and app capabilities, credentials placed as capabilities included (the caller merges the launch part). */
  capabilities: Record<string, unknown>;
  /** Basic-auth credentials, or null. */
  credentials: Credentials | null;
  /** The settings as placed (udid from the environment included), for the driver's device identity. */
  udid: string | null;
  connection: NonNullable<AppiumOptions['connection']>;
  connectionWhy: string | null;
}

/** Applies the options' preset (named, or implied by the server URL) to the options and the environment. */
export function planFarmSession(o: AppiumOptions, env: NodeJS.ProcessEnv): FarmPlan {
  const farm = o.farm ?? inferFarm(o.serverUrl);
  const p = FARM_PRESETS[farm];
  const where = `--farm ${farm}`;
  if (o.startServer && farm !== 'local')
    throw usageError('E_APPIUM_OPTIONS', `appium startServer: ${where} has its own server`, { hint: 'use --appium-start with the local preset only' });
  const serverUrl = o.startServer ? null : (o.serverUrl ?? p.hubUrl?.replace('{region}', o.region ?? p.defaultRegion ?? '') ?? null);
  if (!o.startServer && !serverUrl) throw missingHubUrl(farm);
  refuseRegion(o, farm);

  const given: Partial<Record<FarmSlot, string>> = {
    udid: o.udid,
    deviceName: o.deviceName,
    platformVersion: o.platformVersion,
    app: o.app,
    build: o.build,
    sessionName: o.sessionName,
  };
  const values: Partial<Record<FarmSlot, string>> = {};
  for (const slot of Object.keys(given) as FarmSlot[]) {
    const v = given[slot] ?? p.fromEnv[slot]?.map((n) => env[n]).find((x) => !!x);
    if (v === undefined) continue;
    if (!p.slots[slot])
      throw usageError('E_APPIUM_OPTIONS', `appium ${slot}: ${where} has no place for it`, {
        hint: `drop it; ${farm} takes ${Object.keys(p.slots).join(', ')}`,
      });
    values[slot] = v;
  }
  for (const slot of p.required) {
    if (values[slot] !== undefined) continue;
    const vars = p.fromEnv[slot];
    if (vars)
      throw environmentError('E_FARM_ENV', `${where} needs ${vars.join(' or ')} in the environment (or appium ${slot})`, {
        hint: 'run inside the farm’s test host, or give the setting (docs/appium.md § Farm presets)',
      });
    throw usageError('E_APPIUM_OPTIONS', `appium ${slot}: ${where} needs it${slot === 'app' ? ` (${p.app.example})` : ''}`, {
      hint: 'see docs/appium.md § Farm presets',
    });
  }
  if (values.app !== undefined && p.app.upload && !p.app.upload.test(values.app))
    throw usageError('E_APPIUM_OPTIONS', `appium app: ${where} takes an upload reference like ${p.app.example}, not a path`, {
      hint: `upload the .ipa to ${farm} first; a local path cannot reach the cloud (docs/appium.md § Farm presets)`,
    });

  const capabilities: Record<string, unknown> = {};
  for (const [slot, v] of Object.entries(values) as Array<[FarmSlot, string]>) place(capabilities, p.slots[slot]!, v);
  for (const e of p.envCaps) if (env[e.env]) Object.assign(capabilities, e.caps(env[e.env]!));

  let credentials: Credentials | null = null;
  const c = p.credentials;
  const pair = presetCredentials(farm, env);
  if (c && pair) {
    if (c.placement.kind === 'basic-auth') credentials = pair;
    else Object.assign(capabilities, { [c.placement.userCap]: pair.user, [c.placement.keyCap]: pair.key });
  }
  return {
    farm,
    serverUrl,
    capabilities,
    credentials,
    udid: values.udid ?? null,
    connection: o.connection ?? p.connection,
    connectionWhy: o.connection ? null : p.connection === 'files' ? p.connectionWhy : null,
  };
}

/** A hub preset given no hub URL: one line naming the option. */
export function missingHubUrl(farm: FarmName): VoiceAecError {
  return usageError('E_APPIUM_OPTIONS', `appium serverUrl: --farm ${farm} needs the hub's URL`, {
    hint: farm === 'selenium-grid' ? 'give --appium-url, e.g. http://grid.lab:4444' : 'give --appium-url, e.g. http://hub.lab:4723',
  });
}

/** A region only means something to a preset whose hub URL has one (Sauce Labs). */
export function refuseRegion(o: Pick<AppiumOptions, 'region'>, farm: FarmName): void {
  if (o.region && !FARM_PRESETS[farm].hubUrl?.includes('{region}'))
    throw usageError('E_APPIUM_OPTIONS', `appium region: --farm ${farm} has no regions`, { hint: 'drop region, or use --farm saucelabs' });
}

/**
 * The preset's credentials from its environment variables: null when it takes none, or takes
 * them optionally and neither is set; E_FARM_CREDENTIALS naming the variables (never a value)
 * when they are required or only half set.
 */
export function presetCredentials(farm: FarmName, env: NodeJS.ProcessEnv): Credentials | null {
  const c = FARM_PRESETS[farm].credentials;
  if (!c) return null;
  const missing = [c.userEnv, c.keyEnv].filter((n) => !env[n]);
  if (missing.length && (c.required || missing.length === 1))
    throw environmentError('E_FARM_CREDENTIALS', `--farm ${farm} needs ${missing.join(' and ')} in the environment`, {
      hint: `set ${c.userEnv} and ${c.keyEnv} (credentials come from the environment only; docs/appium.md § Farm presets)`,
    });
  return missing.length ? null : makeCredentials(env[c.userEnv]!, env[c.keyEnv]!, `${c.userEnv}/${c.keyEnv}`);
}

/** `bstack:options.deviceName` → caps['bstack:options'].deviceName; a plain name → caps[name]. */
function place(caps: Record<string, unknown>, target: string, value: string): void {
  const dot = target.indexOf('.');
  if (dot < 0) {
    caps[target] = value;
    return;
  }
  const outer = target.slice(0, dot);
  const inner = (caps[outer] ??= {}) as Record<string, unknown>;
  inner[target.slice(dot + 1)] = value;
}

/** Every credential variable any preset reads: all are scrubbed from any text, whichever preset is in use. */
export function credentialEnvNames(): string[] {
  return [...new Set(Object.values(FARM_PRESETS).flatMap((p) => (p.credentials ? [p.credentials.userEnv, p.credentials.keyEnv] : [])))];
}

/**
 * Every value of a credential variable that is set, whatever the preset: a farm error may
 * echo any of them, and redacting one that is not used costs nothing.
 */
export function secretsInEnv(env: NodeJS.ProcessEnv): string[] {
  return credentialEnvNames()
    .map((n) => env[n])
    .filter((v): v is string => typeof v === 'string' && v.length >= 3);
}

/** One line for logs and `describe`: preset, hub (no userinfo), and what the capabilities say, every credential replaced by ***. */
export function describeFarmPlan(plan: FarmPlan, env: NodeJS.ProcessEnv): string {
  const url = plan.serverUrl ? new URL(plan.serverUrl) : null;
  const hub = url ? `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}` : 'a server started by voiceaec';
  const auth = plan.credentials ? ` with basic auth from ${plan.credentials.source}` : '';
  const secrets = [...secretsInEnv(env), ...(plan.credentials ? [plan.credentials.user, plan.credentials.key] : [])];
  return redact(`farm ${plan.farm} at ${hub}${auth}: ${JSON.stringify(plan.capabilities)}`, secrets);
}

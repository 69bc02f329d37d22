/**
 * Farm presets (src/device/appium/farm-presets.ts): for each preset, the exact capabilities
 * and hub URL a given set of options and environment produce (golden objects), the refusals
 * (a missing credential names its variable, a cloud refuses a local app path), and fake
 * credentials absent from every printed form: describe, describeFarm, String/JSON/inspect
 * of the credentials, and every error line.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../src/core/errors.js';
import { AppiumDriver } from '../../src/device/appium/appium-driver.js';
import { parseAppiumOptions, type AppiumOptionsInput } from '../../src/device/appium/appium-options.js';
import { buildCapabilities } from '../../src/device/appium/capabilities.js';
import { FAKE_FARM_CREDENTIALS } from '../helpers/farm-secrets.js';
import { FARM_NAMES, FARM_PRESETS, credentialEnvNames, describeFarmPlan, planFarmSession, type FarmName } from '../../src/device/appium/farm-presets.js';

/** Fake credentials for every preset's variables: none of them may be printed anywhere. */
const ENV = FAKE_FARM_CREDENTIALS;
const SECRETS = Object.values(ENV);
const AWS_ENV = {
  DEVICEFARM_DEVICE_UDID: '00008101-AWS0000000000001',
  DEVICEFARM_DEVICE_UDID_FOR_APPIUM: '00008101-AWS000000000000A',
  DEVICEFARM_APP_PATH: '/tmp/scratch/VoiceAecHarness.ipa',
  DEVICEFARM_DEVICE_OS_VERSION: '17.5',
  DEVICEFARM_WDA_DERIVED_DATA_PATH: '/tmp/wda-derived',
};

interface Golden {
  options: AppiumOptionsInput;
  env?: Record<string, string>;
  serverUrl: string;
  capabilities: Record<string, unknown>;
  basicAuth: [string, string] | null;
  connection: string;
}

const GOLDEN: Record<FarmName, Golden> = {
  local: {
    options: { udid: 'U1', platformVersion: '18.0', app: '/apps/VoiceAecHarness.ipa' },
    serverUrl: 'http://127.0.0.1:4723',
    capabilities: { 'appium:udid': 'U1', 'appium:platformVersion': '18.0', 'appium:app': '/apps/VoiceAecHarness.ipa' },
    basicAuth: ['hub-user-Wy3Hn8', 'hubKEY-5t6y7u8i9o'],
    connection: 'auto',
  },
  'appium-device-farm': {
    options: { serverUrl: 'http://hub.lab:4723/wd/hub', udid: 'U2', build: 'nightly-42', app: 'https://apps.lab/VoiceAecHarness.ipa' },
    serverUrl: 'http://hub.lab:4723/wd/hub',
    capabilities: {
      'appium:udid': 'U2',
      'appium:app': 'https://apps.lab/VoiceAecHarness.ipa',
      'df:build': 'nightly-42',
      'df:accesskey': 'dfAccess-Pp0Oo9',
      'df:token': 'dfToken-Ll8Kk7Jj6',
    },
    basicAuth: null,
    connection: 'auto',
  },
  'selenium-grid': {
    options: { serverUrl: 'http://grid.lab:4444', deviceName: 'iPhone 15', platformVersion: '17.4', sessionName: 'quiet-room' },
    serverUrl: 'http://grid.lab:4444',
    capabilities: { 'appium:deviceName': 'iPhone 15', 'appium:platformVersion': '17.4', 'se:name': 'quiet-room' },
    basicAuth: ['hub-user-Wy3Hn8', 'hubKEY-5t6y7u8i9o'],
    connection: 'auto',
  },
  browserstack: {
    options: {
      deviceName: 'iPhone 15',
      platformVersion: '17',
      app: 'bs://f7c874f21852ba57957a3fdc33f47514288c4ba4',
      build: 'nightly-42',
      sessionName: 'quiet-room',
    },
    serverUrl: 'https://hub-cloud.browserstack.com/wd/hub',
    capabilities: {
      'appium:app': 'bs://f7c874f21852ba57957a3fdc33f47514288c4ba4',
      'bstack:options': { deviceName: 'iPhone 15', osVersion: '17', buildName: 'nightly-42', sessionName: 'quiet-room' },
    },
    basicAuth: ['bs-user-Qx7Kp2', 'bsKEY9f8e7d6c5b4a3'],
    connection: 'files',
  },
  saucelabs: {
    options: { region: 'eu-central-1', deviceName: 'iPhone.*', platformVersion: '^18.*', app: 'storage:filename=VoiceAecHarness.ipa', build: 'nightly-42' },
    serverUrl: 'https://ondemand.eu-central-1.saucelabs.com/wd/hub',
    capabilities: {
      'appium:deviceName': 'iPhone.*',
      'appium:platformVersion': '^18.*',
      'appium:app': 'storage:filename=VoiceAecHarness.ipa',
      'sauce:options': { build: 'nightly-42' },
    },
    basicAuth: ['sauce-user-Zr4Lm1', 'sauce-0a1b2c3d-4e5f-6789'],
    connection: 'files',
  },
  'aws-device-farm': {
    options: {},
    env: AWS_ENV,
    serverUrl: 'http://127.0.0.1:4723/wd/hub',
    capabilities: {
      'appium:udid': '00008101-AWS000000000000A',
      'appium:platformVersion': '17.5',
      'appium:app': '/tmp/scratch/VoiceAecHarness.ipa',
      'appium:usePrebuiltWDA': true,
      'appium:derivedDataPath': '/tmp/wda-derived',
    },
    basicAuth: null,
    connection: 'files',
  },
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isVoiceAecError(e)) return e.toLine();
    throw e;
  }
  return '';
}

const plan = (farm: FarmName, options: AppiumOptionsInput, env: Record<string, string> = ENV) => planFarmSession(parseAppiumOptions({ farm, ...options }), env);

describe('farm presets: capabilities and hub URL per preset', () => {
  for (const farm of FARM_NAMES) {
    it(`${farm}: exactly the golden capabilities, URL, credentials placement and connection`, () => {
      const g = GOLDEN[farm];
      const p = plan(farm, g.options, { ...ENV, ...g.env });
      expect(p.farm).toBe(farm);
      expect(p.serverUrl).toBe(g.serverUrl);
      expect(p.capabilities).toEqual(g.capabilities);
      expect(p.credentials ? [p.credentials.user, p.credentials.key] : null).toEqual(g.basicAuth);
      expect(p.connection).toBe(g.connection);
      // The launch part is added around the preset's part; the identity is never a bare (unprefixed) key.
      const caps = buildCapabilities(parseAppiumOptions({ farm, ...g.options }), p, { mode: 'files', dir: 'voiceaec-files', token: 'tok' });
      expect(caps).toMatchObject({ platformName: 'iOS', 'appium:automationName': 'XCUITest', ...g.capabilities });
      expect(Object.keys(caps).filter((k) => k !== 'platformName' && !k.includes(':'))).toEqual([]);
    });
  }

  it('every preset cites its sources and says why files is its default where it is', () => {
    for (const p of Object.values(FARM_PRESETS)) {
      expect(p.sources.length).toBeGreaterThan(0);
      if (p.connection === 'files') expect(p.connectionWhy).toMatch(/reach|route/);
    }
  });

  it('a cloud is implied by its host when no preset is named', () => {
    expect(planFarmSession(parseAppiumOptions({ serverUrl: 'https://hub.browserstack.com/wd/hub', deviceName: 'iPhone 15', app: 'bs://abc' }), ENV).farm).toBe(
      'browserstack',
    );
    expect(
      planFarmSession(
        parseAppiumOptions({ serverUrl: 'https://ondemand.us-west-1.saucelabs.com/wd/hub', deviceName: 'iPhone', app: 'storage:filename=a.ipa' }),
        ENV,
      ).farm,
    ).toBe('saucelabs');
    expect(planFarmSession(parseAppiumOptions({ serverUrl: 'http://10.0.0.5:4723' }), {}).farm).toBe('local');
  });

  it('saucelabs without a region goes to us-west-1; a user vendor object adds to the preset one', () => {
    expect(plan('saucelabs', { deviceName: 'iPhone.*', app: 'storage:filename=a.ipa' }).serverUrl).toBe('https://ondemand.us-west-1.saucelabs.com/wd/hub');
    const o = parseAppiumOptions({
      farm: 'browserstack',
      deviceName: 'iPhone 15',
      app: 'bs://abc',
      capabilities: { 'bstack:options': { projectName: 'voiceaec' } },
    });
    const caps = buildCapabilities(o, planFarmSession(o, ENV), { mode: 'files', dir: 'd', token: 't' });
    expect(caps['bstack:options']).toEqual({ deviceName: 'iPhone 15', projectName: 'voiceaec' });
  });

  it('an explicit connection wins over the preset default', () => {
    expect(plan('browserstack', { deviceName: 'iPhone 15', app: 'bs://abc', connection: 'lan', lanHost: 'bs-local.com' }).connection).toBe('lan');
  });
});

describe('farm presets: refusals, one line each', () => {
  it('a missing credential names the variable, never a value', () => {
    const { BROWSERSTACK_ACCESS_KEY: _k, ...noKey } = ENV;
    const line = refusal(() => plan('browserstack', { deviceName: 'iPhone 15', app: 'bs://abc' }, noKey));
    expect(line).toMatch(/^E_FARM_CREDENTIALS: --farm browserstack needs BROWSERSTACK_ACCESS_KEY in the environment — /);
    expect(line.split('\n')).toHaveLength(1);
    expect(refusal(() => plan('saucelabs', { deviceName: 'iPhone', app: 'storage:filename=a.ipa' }, {}))).toMatch(/needs SAUCE_USERNAME and SAUCE_ACCESS_KEY/);
    // Optional pairs: none is fine, half a pair is a mistake worth a line.
    expect(plan('selenium-grid', { serverUrl: 'http://grid:4444' }, {}).credentials).toBeNull();
    expect(refusal(() => plan('appium-device-farm', { serverUrl: 'http://hub:4723' }, { VOICEAEC_DF_TOKEN: 'x' }))).toMatch(/needs VOICEAEC_DF_ACCESS_KEY in/);
    for (const s of SECRETS) expect(line).not.toContain(s);
  });

  it('a cloud refuses a local app path and names the upload reference it takes', () => {
    expect(refusal(() => plan('browserstack', { deviceName: 'iPhone 15', app: '/apps/VoiceAecHarness.ipa' }))).toMatch(
      /^E_APPIUM_OPTIONS: appium app: --farm browserstack takes an upload reference like bs:\/\/.*not a path/,
    );
    expect(refusal(() => plan('saucelabs', { deviceName: 'iPhone', app: './VoiceAecHarness.ipa' }))).toMatch(/storage:filename=/);
    expect(refusal(() => plan('browserstack', { deviceName: 'iPhone 15' }))).toMatch(/appium app: --farm browserstack needs it \(bs:\/\//);
  });

  it('a setting the preset has no place for, a hub without a URL, AWS outside its host, a started server on a farm', () => {
    expect(refusal(() => plan('browserstack', { udid: 'U', deviceName: 'iPhone 15', app: 'bs://abc' }))).toMatch(
      /appium udid: --farm browserstack has no place for it/,
    );
    expect(refusal(() => plan('selenium-grid', {}))).toMatch(/needs the hub's URL — give --appium-url, e\.g\. http:\/\/grid/);
    expect(refusal(() => plan('aws-device-farm', {}, {}))).toMatch(
      /^E_FARM_ENV: --farm aws-device-farm needs DEVICEFARM_DEVICE_UDID_FOR_APPIUM or DEVICEFARM_DEVICE_UDID/,
    );
    expect(refusal(() => plan('saucelabs', { startServer: true }))).toMatch(/startServer: --farm saucelabs has its own server/);
    expect(refusal(() => parseAppiumOptions({ startServer: true, serverUrl: 'http://127.0.0.1:4723' }))).toMatch(/drop serverUrl/);
    expect(refusal(() => plan('local', { region: 'eu-central-1' }))).toMatch(/has no regions/);
  });
});

describe('farm presets: credentials in no printed form', () => {
  for (const farm of FARM_NAMES) {
    it(`${farm}: describe, describeFarm, the credentials' String/JSON/inspect and the plan's JSON hide them`, () => {
      const g = GOLDEN[farm];
      const env = { ...ENV, ...g.env };
      const driver = new AppiumDriver({ farm, ...g.options }, { env, notify: () => undefined });
      const p = driver.plan;
      const printed = [
        driver.describe,
        driver.describeFarm(),
        describeFarmPlan(p, env),
        String(p.credentials),
        JSON.stringify(p.credentials),
        inspect(p.credentials),
        JSON.stringify({ ...p, capabilities: undefined }),
      ];
      for (const text of printed) for (const s of SECRETS) expect(text, `${s} in ${text}`).not.toContain(s);
      expect(driver.describeFarm()).toContain(`farm ${farm}`);
      if (g.basicAuth) expect(driver.describeFarm()).toMatch(/with basic auth from [A-Z_]+\/[A-Z_]+/);
      // The capability-placed pair is there, as ***.
      if (farm === 'appium-device-farm') expect(driver.describeFarm()).toContain('"df:accesskey":"***"');
    });
  }

  it('every credential variable of every preset is among those scrubbed', () => {
    expect(credentialEnvNames().sort()).toEqual(Object.keys(ENV).sort());
  });
});

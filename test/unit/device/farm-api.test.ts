/** Where each farm's device API is and which credentials it takes (farm-api.ts), without a network. */
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { farmApiTarget } from '../../../src/device/appium/farm-api.js';
import { FAKE_AWS_CREDENTIALS, FAKE_FARM_CREDENTIALS } from '../../helpers/farm-secrets.js';

const ENV = { ...FAKE_FARM_CREDENTIALS, ...FAKE_AWS_CREDENTIALS };
const codeOf = (f: () => unknown) => {
  try {
    f();
    return null;
  } catch (e) {
    return isVoiceAecError(e) ? e.toLine() : String(e);
  }
};

describe('farmApiTarget', () => {
  it('takes the base from the hub for the hub presets, the public host for the clouds, and farmApiUrl over both', () => {
    expect(farmApiTarget({ farm: 'appium-device-farm', serverUrl: 'http://hub.lab:4723/wd/hub' }, ENV).base).toBe('http://hub.lab:4723');
    expect(farmApiTarget({ farm: 'selenium-grid', serverUrl: 'http://grid.lab:4444/wd/hub' }, ENV).base).toBe('http://grid.lab:4444');
    expect(farmApiTarget({ farm: 'selenium-grid', serverUrl: 'http://lab/grid/' }, ENV).base).toBe('http://lab/grid');
    expect(farmApiTarget({ farm: 'browserstack' }, ENV).base).toBe('https://api-cloud.browserstack.com');
    expect(farmApiTarget({ farm: 'aws-device-farm' }, ENV)).toMatchObject({
      base: 'https://devicefarm.us-west-2.amazonaws.com',
      overridden: false,
      auth: null,
    });
    expect(farmApiTarget({ farm: 'browserstack', farmApiUrl: 'http://proxy.lab/bs/' }, ENV)).toMatchObject({ base: 'http://proxy.lab/bs', overridden: true });
  });

  it('finds the Sauce Labs data center in the region option, else in the hub URL, else us-west-1', () => {
    expect(farmApiTarget({ farm: 'saucelabs' }, ENV).base).toBe('https://api.us-west-1.saucelabs.com');
    expect(farmApiTarget({ serverUrl: 'https://ondemand.eu-central-1.saucelabs.com/wd/hub' }, ENV).base).toBe('https://api.eu-central-1.saucelabs.com');
    expect(farmApiTarget({ farm: 'saucelabs', region: 'us-east-4' }, ENV).base).toBe('https://api.us-east-4.saucelabs.com');
  });

  it('carries basic-auth credentials that print as their variables, never their values', () => {
    const t = farmApiTarget({ farm: 'saucelabs' }, ENV);
    expect(t.auth).toMatchObject({ user: ENV.SAUCE_USERNAME, key: ENV.SAUCE_ACCESS_KEY });
    expect(`${String(t.auth)} ${JSON.stringify(t.auth)}`).not.toContain(ENV.SAUCE_ACCESS_KEY);
    expect(t.secrets).toEqual(expect.arrayContaining([ENV.SAUCE_ACCESS_KEY, ENV.AWS_SECRET_ACCESS_KEY, ENV.AWS_SESSION_TOKEN]));
  });

  it('refuses what it cannot use, naming variables and never values', () => {
    expect(codeOf(() => farmApiTarget({ farm: 'browserstack' }, {}))).toMatch(
      /^E_FARM_CREDENTIALS: --farm browserstack needs BROWSERSTACK_USERNAME and BROWSERSTACK_ACCESS_KEY/,
    );
    const half = codeOf(() => farmApiTarget({ farm: 'appium-device-farm', serverUrl: 'http://hub:4723' }, { VOICEAEC_DF_TOKEN: 'dfToken-Ll8Kk7Jj6' }));
    expect(half).toMatch(/^E_FARM_CREDENTIALS: --farm appium-device-farm needs VOICEAEC_DF_ACCESS_KEY/);
    expect(half).not.toContain('dfToken-Ll8Kk7Jj6');
    expect(farmApiTarget({ farm: 'appium-device-farm', serverUrl: 'http://hub:4723' }, {}).auth).toBeNull();
    expect(farmApiTarget({ farm: 'aws-device-farm' }, { AWS_PROFILE: 'lab' }).credentialVars).toEqual(['AWS_PROFILE']);
    expect(codeOf(() => farmApiTarget({ farm: 'aws-device-farm' }, { AWS_ACCESS_KEY_ID: 'AKIAX' }))).toMatch(/needs AWS_SECRET_ACCESS_KEY \(or AWS_PROFILE\)/);
    expect(codeOf(() => farmApiTarget({ farm: 'local' }, ENV))).toMatch(/^E_FARM_LIST: /);
    expect(codeOf(() => farmApiTarget({}, ENV))).toMatch(/^E_FARM_LIST: /);
    expect(codeOf(() => farmApiTarget({ farm: 'browserstack', region: 'eu' }, ENV))).toMatch(
      /^E_APPIUM_OPTIONS: appium region: --farm browserstack has no regions/,
    );
  });
});

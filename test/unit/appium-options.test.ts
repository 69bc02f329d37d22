/**
 * Appium options, capabilities and credential handling without a server: defaults, refusals
 * of credentials anywhere in the options, prefixed capabilities, the harness's launch
 * arguments as docs/harnesskit.md names them, and redaction of every form a secret takes.
 */
import { describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../src/core/errors.js';
import { parseAppiumOptions } from '../../src/device/appium/appium-options.js';
import { buildCapabilities, harnessArguments } from '../../src/device/appium/capabilities.js';
import { redact } from '../../src/device/appium/farm-credentials.js';
import { planFarmSession, secretsInEnv } from '../../src/device/appium/farm-presets.js';

function refusal(input: unknown): string {
  try {
    parseAppiumOptions(input);
  } catch (e) {
    if (isVoiceAecError(e)) return e.toLine();
    throw e;
  }
  return '';
}

describe('appium options', () => {
  it('fills defaults: local server, the harness bundle, auto mode on port 8765', () => {
    const o = parseAppiumOptions({ udid: 'U' });
    expect(o).toMatchObject({ bundleId: 'dev.voiceaec.harness', devicePort: 8765, startServer: false });
    expect(planFarmSession(o, {})).toMatchObject({ farm: 'local', serverUrl: 'http://127.0.0.1:4723', connection: 'auto' });
    expect(o.timeouts.newCommandTimeoutSec).toBe(300);
  });

  it('refuses credentials in the URL or the capabilities, without echoing them', () => {
    const line = refusal({ serverUrl: 'https://me:s3cretKey@hub.example.com/wd/hub' });
    expect(line).toMatch(/^E_APPIUM_OPTIONS: appium serverUrl: must not hold a user or password/);
    expect(line).not.toContain('s3cretKey');
    expect(refusal({ capabilities: { 'bstack:options': { accessKey: 'x' } } })).toMatch(/capabilities\.bstack:options\.accessKey: looks like a credential/);
    expect(refusal({ capabilities: { 'df:token': 'x' } })).toMatch(/df:token/);
  });

  it('wants vendor prefixes on non-standard capabilities, and a host in ws mode', () => {
    expect(refusal({ capabilities: { noReset: true } })).toMatch(/"appium:noReset"/);
    expect(refusal({ connection: 'ws' })).toMatch(/deviceHost/);
  });
});

describe('capabilities', () => {
  it('maps the options to prefixed XCUITest capabilities with the launch arguments', () => {
    const o = parseAppiumOptions({
      udid: 'U',
      app: '/apps/VoiceAecHarness.ipa',
      xcodeOrgId: 'TEAM',
      xcodeSigningId: 'Apple Development',
      wdaLocalPort: 8101,
      capabilities: { 'appium:noReset': true },
    });
    const caps = buildCapabilities(o, planFarmSession(o, {}), { mode: 'server', port: 8765, token: 't'.repeat(32) });
    expect(caps).toMatchObject({
      platformName: 'iOS',
      'appium:automationName': 'XCUITest',
      'appium:udid': 'U',
      'appium:app': '/apps/VoiceAecHarness.ipa',
      'appium:autoAcceptAlerts': true,
      'appium:xcodeOrgId': 'TEAM',
      'appium:xcodeSigningId': 'Apple Development',
      'appium:wdaLocalPort': 8101,
      'appium:noReset': true,
      'appium:processArguments': { args: ['-voiceaecMode', 'server', '-port', '8765', '-voiceaecToken', 't'.repeat(32)], env: {} },
    });
    expect(Object.keys(caps).filter((k) => k !== 'platformName' && !k.startsWith('appium:'))).toEqual([]);
    expect(caps).not.toHaveProperty('appium:bundleId');
  });

  it('gives a lan launch the CLI URL', () => {
    expect(harnessArguments({ mode: 'lan', url: 'ws://10.0.0.2:8765/harness', token: 'abc' })).toEqual([
      '-voiceaecMode',
      'lan',
      '-voiceaecURL',
      'ws://10.0.0.2:8765/harness',
      '-voiceaecToken',
      'abc',
    ]);
  });
});

describe('farm credentials', () => {
  const env = {
    BROWSERSTACK_USERNAME: 'bsuser',
    BROWSERSTACK_ACCESS_KEY: 'bskey123',
    SAUCE_USERNAME: 'su',
    VOICEAEC_APPIUM_USER: 'hu',
    VOICEAEC_APPIUM_KEY: 'hk9',
  };

  it('picks the pair by the server host when no preset is named', () => {
    const plan = (serverUrl: string, extra = {}) => planFarmSession(parseAppiumOptions({ serverUrl, ...extra }), env).credentials;
    expect(plan('https://hub-cloud.browserstack.com/wd/hub', { deviceName: 'iPhone 15', app: 'bs://abc123' })).toMatchObject({
      user: 'bsuser',
      key: 'bskey123',
    });
    expect(plan('http://127.0.0.1:4723')).toMatchObject({ user: 'hu', key: 'hk9' });
  });

  it('redacts plain, URL-encoded and basic-auth forms', () => {
    const secrets = ['bsuser', 'k/y+1'];
    const basic = Buffer.from('bsuser:k/y+1').toString('base64');
    const text = `user bsuser key k/y+1 url https://bsuser:k%2Fy%2B1@x auth Basic ${basic}`;
    const out = redact(text, secrets);
    for (const s of [...secrets, 'k%2Fy%2B1', basic]) expect(out).not.toContain(s);
    expect(secretsInEnv(env).sort()).toEqual(['bskey123', 'bsuser', 'hk9'].sort());
  });
});

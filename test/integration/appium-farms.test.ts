/**
 * Every farm preset on the wire, through the real webdriverio client: a fake hub on
 * 127.0.0.1 records the new-session request (where the capabilities and the credentials
 * actually went) and refuses it, echoing the credentials back in its error as a careless
 * farm might. The error line the driver hands on must carry none of them.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isVoiceAecError } from '../../src/core/errors.js';
import { AppiumDriver } from '../../src/device/appium/appium-driver.js';
import type { AppiumOptionsInput } from '../../src/device/appium/appium-options.js';
import { FARM_NAMES, type FarmName } from '../../src/device/appium/farm-presets.js';
import { FAKE_FARM_CREDENTIALS } from '../helpers/farm-secrets.js';

const ENV = {
  ...FAKE_FARM_CREDENTIALS,
  DEVICEFARM_DEVICE_UDID: '00008101-AWS0000000000001',
  DEVICEFARM_APP_PATH: '/tmp/scratch/VoiceAecHarness.ipa',
};
const SECRETS = Object.entries(ENV)
  .filter(([k]) => !k.startsWith('DEVICEFARM_'))
  .map(([, v]) => v);

interface Seen {
  headers: IncomingHttpHeaders;
  caps: Record<string, unknown>;
}
let seen: Seen[] = [];
let hubUrl = '';
const hub = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    const parsed = JSON.parse(body || '{}') as { capabilities?: { alwaysMatch?: object; firstMatch?: object[] } };
    seen.push({ headers: req.headers, caps: { ...parsed.capabilities?.alwaysMatch, ...parsed.capabilities?.firstMatch?.[0] } });
    // A careless farm: its refusal repeats what it was sent.
    const message = `session not created: bad credentials ${req.headers.authorization ?? ''} for ${body}`;
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ value: { error: 'session not created', message, stacktrace: '' } }));
  });
});

beforeAll(async () => {
  await new Promise<void>((r) => hub.listen(0, '127.0.0.1', r));
  hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/wd/hub`;
});
afterAll(() => new Promise<void>((r) => hub.close(() => r())));

const OPTIONS: Record<FarmName, AppiumOptionsInput> = {
  local: { udid: 'U1', platformVersion: '18.0' },
  'appium-device-farm': { udid: 'U2', build: 'nightly' },
  'selenium-grid': { deviceName: 'iPhone 15', sessionName: 'quiet-room' },
  browserstack: { deviceName: 'iPhone 15', platformVersion: '17', app: 'bs://abc123' },
  saucelabs: { deviceName: 'iPhone.*', app: 'storage:filename=VoiceAecHarness.ipa' },
  'aws-device-farm': {},
};
const BASIC: Partial<Record<FarmName, [string, string]>> = {
  local: [ENV.VOICEAEC_APPIUM_USER, ENV.VOICEAEC_APPIUM_KEY],
  'selenium-grid': [ENV.VOICEAEC_APPIUM_USER, ENV.VOICEAEC_APPIUM_KEY],
  browserstack: [ENV.BROWSERSTACK_USERNAME, ENV.BROWSERSTACK_ACCESS_KEY],
  saucelabs: [ENV.SAUCE_USERNAME, ENV.SAUCE_ACCESS_KEY],
};

describe('farm presets through webdriverio to a hub that refuses and echoes', () => {
  for (const farm of FARM_NAMES) {
    it(`${farm}: credentials go where the preset says, and the refusal line carries none`, async () => {
      seen = [];
      const lines: string[] = [];
      const driver = new AppiumDriver(
        { farm, serverUrl: hubUrl, ...OPTIONS[farm], timeouts: { sessionMs: 10_000, commandMs: 10_000 } },
        { env: ENV, notify: (l) => lines.push(l) },
      );
      const e: unknown = await driver.connect().then(
        () => null,
        (x: unknown) => x,
      );
      await driver.close();
      expect(isVoiceAecError(e) && e.code).toBe('E_APPIUM_SESSION');
      const line = isVoiceAecError(e) ? e.toLine() : String(e);
      expect(line).toMatch(/session not created: bad credentials/);
      expect(line).toMatch(/the server refused the credentials/);
      for (const s of SECRETS) for (const text of [line, ...lines]) expect(text, `${s} in ${text}`).not.toContain(s);

      expect(seen).toHaveLength(1);
      const [{ headers, caps }] = seen as [Seen];
      const pair = BASIC[farm];
      expect(headers.authorization ?? null).toBe(pair ? `Basic ${Buffer.from(`${pair[0]}:${pair[1]}`).toString('base64')}` : null);
      expect(caps).toMatchObject({ platformName: 'iOS', 'appium:automationName': 'XCUITest' });
      if (farm === 'appium-device-farm')
        expect(caps).toMatchObject({ 'df:accesskey': ENV.VOICEAEC_DF_ACCESS_KEY, 'df:token': ENV.VOICEAEC_DF_TOKEN, 'df:build': 'nightly' });
      else for (const s of SECRETS) expect(JSON.stringify(caps)).not.toContain(s);
      if (farm === 'browserstack') expect(caps).toMatchObject({ 'appium:app': 'bs://abc123', 'bstack:options': { deviceName: 'iPhone 15', osVersion: '17' } });
      if (farm === 'aws-device-farm') expect(caps).toMatchObject({ 'appium:udid': ENV.DEVICEFARM_DEVICE_UDID, 'appium:app': ENV.DEVICEFARM_APP_PATH });
      // The clouds and AWS start in files mode and say why.
      if (farm === 'browserstack' || farm === 'saucelabs' || farm === 'aws-device-farm') expect(lines[0]).toMatch(/^appium connection: files \(.*reach|route/);
    }, 30_000);
  }
});

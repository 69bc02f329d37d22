/**
 * `voiceaec devices --farm` and `voiceaec doctor --farm` against fake farm APIs on 127.0.0.1:
 * one server answers each farm's device-listing endpoints as their docs show them (the
 * device-farm plugin, a Selenium Grid's /status, BrowserStack, Sauce Labs, AWS Device Farm's
 * ListDevices), records how each request was authenticated, and can be told to fail. Fake
 * credentials are in the environment; none may appear in anything printed, errors included.
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_AWS_CREDENTIALS, FAKE_FARM_CREDENTIALS } from '../helpers/farm-secrets.js';

const BIN = fileURLToPath(new URL('../../bin/voiceaec.js', import.meta.url));
const CREDS: Record<string, string> = { ...FAKE_FARM_CREDENTIALS, ...FAKE_AWS_CREDENTIALS };
const SECRETS = Object.values(CREDS);
const basic = (user: string, key: string) => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
let seen: Seen[] = [];
/** A forced answer for a path (status and raw body), for the failure cases. */
let forced: Record<string, { status: number; body: string; chunked?: boolean }> = {};

const ROUTES: Record<string, unknown> = {
  '/device-farm/api/status': { status: 'ok', version: '10.1.0' },
  '/device-farm/api/device': [
    {
      udid: '00008110-DF0000000000001',
      name: 'iPhone 15 lab',
      platform: 'ios',
      sdk: '17.4',
      busy: false,
      offline: false,
      realDevice: true,
      host: 'http://node1:4723',
    },
    { udid: '00008110-DF0000000000002', name: 'iPhone 13 lab', platform: 'ios', sdk: '16.7', busy: true, offline: false, realDevice: true },
    { udid: 'SIM-1', name: 'iPhone 16 Pro', platform: 'ios', sdk: '18.0', busy: false, offline: true, realDevice: false },
    { udid: 'emulator-5554', name: 'Pixel 8', platform: 'android', sdk: '14', busy: false, offline: false, realDevice: false },
  ],
  '/status': {
    value: {
      ready: true,
      message: 'Selenium Grid ready.',
      nodes: [
        {
          id: 'node-a',
          uri: 'http://relay-a:5555',
          availability: 'UP',
          slots: [
            {
              id: { hostId: 'node-a', id: 's1' },
              session: null,
              stereotype: { platformName: 'iOS', 'appium:deviceName': 'iPhone 14', 'appium:platformVersion': '17.2', 'appium:udid': 'GRID-UDID-1' },
            },
            {
              id: { hostId: 'node-a', id: 's2' },
              session: { sessionId: 'x' },
              stereotype: { platformName: 'ios', 'appium:deviceName': 'iPhone 12', 'appium:platformVersion': '16.0' },
            },
            { id: { hostId: 'node-a', id: 's3' }, session: null, stereotype: { browserName: 'chrome', platformName: 'linux' } },
          ],
        },
        {
          id: 'node-b',
          availability: 'DOWN',
          slots: [{ id: { hostId: 'node-b', id: 's4' }, session: null, stereotype: { platformName: 'iOS', 'appium:deviceName': 'iPad Air' } }],
        },
      ],
    },
  },
  '/app-automate/devices.json': [
    { os: 'ios', os_version: '17', device: 'iPhone 15', realMobile: true },
    { os: 'ios', os_version: '16', device: 'iPhone 14', realMobile: true },
    { os: 'android', os_version: '14.0', device: 'Google Pixel 8', realMobile: true },
  ],
  '/v1/rdc/devices': [
    { id: 'iPhone_15_real', name: 'Apple iPhone 15', os: 'IOS', osVersion: '17.2', isPrivate: false },
    { id: 'iPhone_13_real', name: 'Apple iPhone 13', os: 'IOS', osVersion: '16.1', isPrivate: false },
    { id: 'Google_Pixel_8_real', name: 'Google Pixel 8', os: 'ANDROID', osVersion: '14' },
  ],
  '/v1/rdc/devices/available': ['iPhone_15_real', 'Google_Pixel_8_real'],
};
const AWS_PAGES = [
  {
    devices: [{ arn: 'arn:aws:devicefarm:us-west-2::device:AAA', name: 'Apple iPhone 15', os: '17.0', platform: 'IOS', availability: 'HIGHLY_AVAILABLE' }],
    nextToken: 'page-2',
  },
  { devices: [{ arn: 'arn:aws:devicefarm:us-west-2::device:BBB', name: 'Apple iPhone 12', os: '16.1', platform: 'IOS', availability: 'BUSY' }] },
];

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const path = req.url ?? '';
    const force = forced[path] ?? (req.headers['x-amz-target'] ? forced.aws : undefined);
    if (force) {
      res.writeHead(force.status, { 'content-type': 'application/json' });
      // Chunked: no content-length to refuse by, so the reader must stop counting bytes itself.
      if (force.chunked) for (let i = 0; i < force.body.length; i += 65_536) res.write(force.body.slice(i, i + 65_536));
      res.end(force.chunked ? undefined : force.body);
      return;
    }
    if (req.method === 'POST' && req.headers['x-amz-target'] === 'DeviceFarm_20150623.ListDevices') {
      const input = JSON.parse(body) as { nextToken?: string };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(AWS_PAGES[input.nextToken === 'page-2' ? 1 : 0]));
      return;
    }
    const answer = ROUTES[path];
    res.writeHead(answer === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? { error: 'no such route' }));
  });
});
let base = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  forced = {};
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}
/** The built CLI with the fake credentials (and `env` over them; undefined unsets) and nothing else of AWS. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const merged: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent', ...CREDS };
  for (const [k, v] of Object.entries(env)) merged[k] = v;
  for (const k of Object.keys(merged)) if (merged[k] === undefined) delete merged[k];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: merged, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}
function expectNoSecrets(r: Result): void {
  for (const s of SECRETS) for (const text of [r.stdout, r.stderr]) expect(text, `a credential in: ${text}`).not.toContain(s);
  const b64 = SECRETS.flatMap((a) => SECRETS.map((b) => Buffer.from(`${a}:${b}`).toString('base64')));
  for (const s of b64) expect(r.stdout + r.stderr).not.toContain(s);
}

interface Row {
  farm: string;
  name: string;
  osVersion: string | null;
  id: string | null;
  availability: string;
  real: boolean | null;
}
const rowsOf = (r: Result) =>
  (JSON.parse(r.stdout) as { farm: string; devices: Row[] }).devices.map(({ name, osVersion, id, availability }) => [name, osVersion, id, availability]);

describe('voiceaec devices --farm: each farm through its own API', () => {
  it('appium-device-farm: GET /device-farm/api/device at the hub’s root (its base path dropped), iOS rows, basic auth from VOICEAEC_DF_*', async () => {
    const r = await cli(['devices', '--farm', 'appium-device-farm', '--appium-url', `${base}/wd/hub`, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(rowsOf(r)).toEqual([
      ['iPhone 15 lab', '17.4', '00008110-DF0000000000001', 'available'],
      ['iPhone 13 lab', '16.7', '00008110-DF0000000000002', 'busy'],
      ['iPhone 16 Pro', '18.0', 'SIM-1', 'offline'],
    ]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /device-farm/api/device']);
    expect(seen[0]!.headers.authorization).toBe(basic(CREDS.VOICEAEC_DF_ACCESS_KEY!, CREDS.VOICEAEC_DF_TOKEN!));
    expectNoSecrets(r);

    const text = await cli(['devices', '--farm', 'appium-device-farm', '--appium-url', base]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/appium-device-farm\s+iPhone 16 Pro \(simulator\)\s+18\.0\s+SIM-1\s+offline/);
    expect(text.stdout).toMatch(/3 iOS device\(s\) on appium-device-farm, 1 free now/);
    expectNoSecrets(text);
  }, 60_000);

  it('selenium-grid: the iOS slots of GET /status, busy with a session, offline on a DOWN node; no auth header when VOICEAEC_APPIUM_* are unset', async () => {
    const r = await cli(['devices', '--farm', 'selenium-grid', '--appium-url', base, '--json'], {
      VOICEAEC_APPIUM_USER: undefined,
      VOICEAEC_APPIUM_KEY: undefined,
    });
    expect(r.code).toBe(0);
    expect(rowsOf(r)).toEqual([
      ['iPhone 14', '17.2', 'GRID-UDID-1', 'available'],
      ['iPhone 12', '16.0', null, 'busy'],
      ['iPad Air', null, null, 'offline'],
    ]);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /status']);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expectNoSecrets(r);

    const withAuth = await cli(['devices', '--farm', 'selenium-grid', '--appium-url', base]);
    expect(withAuth.code).toBe(0);
    expect(seen[1]!.headers.authorization).toBe(basic(CREDS.VOICEAEC_APPIUM_USER!, CREDS.VOICEAEC_APPIUM_KEY!));
    expect(withAuth.stdout).toMatch(/selenium-grid\s+iPhone 12\s+16\.0\s+—\s+busy/);
    expect(withAuth.stdout).toMatch(/3 iOS device\(s\) on selenium-grid, 1 free now/);
    expectNoSecrets(withAuth);
  }, 60_000);

  it('browserstack: the catalogue of /app-automate/devices.json through --farm-api-url, basic auth, availability "listed" and a note saying why', async () => {
    const r = await cli(['devices', '--farm', 'browserstack', '--farm-api-url', base, '--json']);
    expect(r.code).toBe(0);
    expect(rowsOf(r)).toEqual([
      ['iPhone 15', '17', null, 'listed'],
      ['iPhone 14', '16', null, 'listed'],
    ]);
    expect((JSON.parse(r.stdout) as { note: string }).note).toMatch(/catalogue/);
    expect(seen[0]!.url).toBe('/app-automate/devices.json');
    expect(seen[0]!.headers.authorization).toBe(basic(CREDS.BROWSERSTACK_USERNAME!, CREDS.BROWSERSTACK_ACCESS_KEY!));
    expectNoSecrets(r);

    const text = await cli(['devices', '--farm', 'browserstack', '--farm-api-url', base]);
    expect(text.stdout).toMatch(/browserstack\s+iPhone 14\s+16\s+—\s+listed/);
    expect(text.stdout).toMatch(/^note: BrowserStack lists its catalogue/m);
    expectNoSecrets(text);
  }, 60_000);

  it('saucelabs: descriptors and the free ids (two requests), basic auth; the table shows each row', async () => {
    const r = await cli(['devices', '--farm', 'saucelabs', '--farm-api-url', `${base}/`, '--json']);
    expect(r.code).toBe(0);
    expect(rowsOf(r)).toEqual([
      ['Apple iPhone 15', '17.2', 'iPhone_15_real', 'available'],
      ['Apple iPhone 13', '16.1', 'iPhone_13_real', 'busy'],
    ]);
    expect(seen.map((s) => s.url).sort()).toEqual(['/v1/rdc/devices', '/v1/rdc/devices/available']);
    for (const s of seen) expect(s.headers.authorization).toBe(basic(CREDS.SAUCE_USERNAME!, CREDS.SAUCE_ACCESS_KEY!));
    expectNoSecrets(r);

    const text = await cli(['devices', '--farm', 'saucelabs', '--farm-api-url', base]);
    expect(text.stdout).toMatch(/^farm\s+device\s+iOS\s+id\s+availability$/m);
    expect(text.stdout).toMatch(/saucelabs\s+Apple iPhone 13\s+16\.1\s+iPhone_13_real\s+busy/);
  }, 60_000);

  it('aws-device-farm: ListDevices signed with SigV4 by the AWS SDK (two pages), the secret key never sent', async () => {
    const r = await cli(['devices', '--farm', 'aws-device-farm', '--farm-api-url', base, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(rowsOf(r)).toEqual([
      ['Apple iPhone 15', '17.0', 'arn:aws:devicefarm:us-west-2::device:AAA', 'available'],
      ['Apple iPhone 12', '16.1', 'arn:aws:devicefarm:us-west-2::device:BBB', 'busy'],
    ]);
    expect(seen).toHaveLength(2);
    for (const s of seen) {
      expect(s.method).toBe('POST');
      expect(s.headers['x-amz-target']).toBe('DeviceFarm_20150623.ListDevices');
      expect(s.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDS.AWS_ACCESS_KEY_ID}/\\d{8}/us-west-2/devicefarm/aws4_request, `));
      expect(s.headers['x-amz-security-token']).toBe(CREDS.AWS_SESSION_TOKEN);
      expect(JSON.stringify(s)).not.toContain(CREDS.AWS_SECRET_ACCESS_KEY);
      expect(JSON.parse(s.body)).toMatchObject({ filters: [{ attribute: 'PLATFORM', operator: 'EQUALS', values: ['IOS'] }] });
    }
    expect(JSON.parse(seen[1]!.body)).toMatchObject({ nextToken: 'page-2' });
    expectNoSecrets(r);

    const text = await cli(['devices', '--farm', 'aws-device-farm', '--farm-api-url', base]);
    expect(text.stdout).toMatch(/aws-device-farm\s+Apple iPhone 12\s+16\.1\s+arn:aws:devicefarm:us-west-2::device:BBB\s+busy/);
    expectNoSecrets(text);
  }, 60_000);
});

describe('voiceaec devices --farm: failures are one line each, credentials in none', () => {
  it('an error status: code, farm, URL, HTTP status and the credential variables to check, even when the farm echoes the credentials', async () => {
    forced['/app-automate/devices.json'] = { status: 401, body: JSON.stringify({ message: `bad ${CREDS.BROWSERSTACK_ACCESS_KEY}` }) };
    const r = await cli(['devices', '--farm', 'browserstack', '--farm-api-url', base]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `E_FARM_API: farm browserstack: GET ${base}/app-automate/devices.json answered HTTP 401 — check BROWSERSTACK_USERNAME and BROWSERSTACK_ACCESS_KEY`,
    ]);
    expectNoSecrets(r);

    forced.aws = {
      status: 400,
      body: JSON.stringify({ __type: 'UnrecognizedClientException', message: `The security token ${CREDS.AWS_ACCESS_KEY_ID} is invalid.` }),
    };
    const aws = await cli(['devices', '--farm', 'aws-device-farm', '--farm-api-url', base, '--json']);
    expect(aws.code).toBe(3);
    const line = aws.stderr.trimEnd().split('\n');
    expect(line).toHaveLength(1);
    const err = (JSON.parse(line[0]!) as { error: { code: string; message: string; hint: string } }).error;
    expect(err.code).toBe('E_FARM_API');
    expect(err.message).toMatch(/farm aws-device-farm: ListDevices at .* answered HTTP 400 \(UnrecognizedClientException\)/);
    expect(err.hint).toMatch(/check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expectNoSecrets(aws);
  }, 60_000);

  it('a hub that cannot be reached: one line naming it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const r = await cli(['devices', '--farm', 'selenium-grid', '--appium-url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `E_FARM_UNREACHABLE: farm selenium-grid: cannot reach GET http://127.0.0.1:${port}/status (ECONNREFUSED) — check the hub URL (--appium-url), or give the API’s with --farm-api-url, and that this host reaches it`,
    ]);
    const aws = await cli(['devices', '--farm', 'aws-device-farm', '--farm-api-url', `http://127.0.0.1:${port}`]);
    expect(aws.code).toBe(3);
    expect(aws.stderr).toMatch(/^E_FARM_UNREACHABLE: farm aws-device-farm: cannot reach ListDevices at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expectNoSecrets(r);
    expectNoSecrets(aws);
  }, 60_000);

  it('a malformed body: not JSON, or not the documented shape, is E_FARM_RESPONSE naming where', async () => {
    forced['/device-farm/api/device'] = { status: 200, body: '<html>a login page</html>' };
    const html = await cli(['devices', '--farm', 'appium-device-farm', '--appium-url', base]);
    expect(html.code).toBe(3);
    expect(html.stderr).toMatch(/^E_FARM_RESPONSE: farm appium-device-farm: GET .*\/device-farm\/api\/device did not answer JSON — /);

    forced['/v1/rdc/devices'] = { status: 200, body: JSON.stringify([{ id: 'iPhone_15_real', name: 'Apple iPhone 15', os: 7 }]) };
    const sauce = await cli(['devices', '--farm', 'saucelabs', '--farm-api-url', base]);
    expect(sauce.code).toBe(3);
    expect(sauce.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(sauce.stderr).toMatch(
      /^E_FARM_RESPONSE: farm saucelabs: GET .*\/v1\/rdc\/devices did not answer a device list as its API documents \(at 0\.os: invalid_type\)/,
    );

    forced.aws = { status: 200, body: JSON.stringify({ devices: 'none' }) };
    const aws = await cli(['devices', '--farm', 'aws-device-farm', '--farm-api-url', base]);
    expect(aws.code).toBe(3);
    expect(aws.stderr).toMatch(/^E_FARM_RESPONSE: farm aws-device-farm: ListDevices .* \(at devices: invalid_type\)/);
    for (const r of [html, sauce, aws]) expectNoSecrets(r);
  }, 60_000);

  it('a body past the size limit is refused without being read whole', async () => {
    forced['/app-automate/devices.json'] = { status: 200, body: `[${'{"os":"ios","os_version":"17","device":"iPhone 15"},'.repeat(200_000)}{}]` };
    const r = await cli(['devices', '--farm', 'browserstack', '--farm-api-url', base]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^E_FARM_RESPONSE: farm browserstack: GET .* the answer is larger than 8 MiB/);
    forced['/app-automate/devices.json'].chunked = true;
    const chunked = await cli(['devices', '--farm', 'browserstack', '--farm-api-url', base]);
    expect(chunked.code).toBe(3);
    expect(chunked.stderr).toMatch(/^E_FARM_RESPONSE: farm browserstack: GET .* the answer is larger than 8 MiB/);
  }, 60_000);

  it('a missing credential names its variable, never a value; the local preset and a hub without URL are usage errors', async () => {
    const r = await cli(['devices', '--farm', 'saucelabs', '--json'], { SAUCE_ACCESS_KEY: undefined });
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stderr.trim()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'E_FARM_CREDENTIALS',
      message: '--farm saucelabs needs SAUCE_ACCESS_KEY in the environment',
    });
    expect(seen).toHaveLength(0);
    expectNoSecrets(r);

    const aws = await cli(['devices', '--farm', 'aws-device-farm'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(aws.code).toBe(3);
    expect(aws.stderr).toMatch(/^E_FARM_CREDENTIALS: --farm aws-device-farm needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(or AWS_PROFILE\)/);

    const local = await cli(['devices', '--farm', 'local']);
    expect(local.code).toBe(2);
    expect(local.stderr).toMatch(/^E_FARM_LIST: /);
    const hub = await cli(['devices', '--farm', 'selenium-grid']);
    expect(hub.code).toBe(2);
    expect(hub.stderr).toMatch(/^E_APPIUM_OPTIONS: appium serverUrl: --farm selenium-grid needs the hub's URL/);
    const userinfo = await cli(['devices', '--farm', 'browserstack', '--farm-api-url', `http://u:p@127.0.0.1:1`]);
    expect(userinfo.code).toBe(2);
    expect(userinfo.stderr).toMatch(/^E_APPIUM_OPTIONS: appium farmApiUrl: must not hold a user or password/);
  }, 60_000);
});

describe('voiceaec doctor --farm', () => {
  interface Doctor {
    checks: Array<{ id: string; level: string; found: string; fix: string | null }>;
    exitCode: number;
  }
  const doctor = (r: Result) => JSON.parse(r.stdout) as Doctor;

  it('a farm that answers with a free iOS device: credentials named, hub and devices ok, exit 0 (the Mac checks are the farm’s)', async () => {
    const r = await cli(['doctor', '--farm', 'appium-device-farm', '--appium-url', base, '--json']);
    expect(r.code).toBe(0);
    const d = doctor(r);
    expect(d.checks.map((c) => [c.id, c.level])).toEqual([
      ['node', 'ok'],
      ['virtual-iphone', 'ok'],
      ['webdriverio', 'ok'],
      ['farm-credentials', 'ok'],
      ['farm-hub', 'ok'],
      ['farm-ios-devices', 'ok'],
    ]);
    expect(d.checks.find((c) => c.id === 'farm-credentials')!.found).toBe('VOICEAEC_DF_ACCESS_KEY and VOICEAEC_DF_TOKEN set');
    expect(d.checks.find((c) => c.id === 'farm-hub')!.found).toMatch(/device-farm plugin 10\.1\.0 answers/);
    expect(d.checks.find((c) => c.id === 'farm-ios-devices')!.found).toBe('1 of 3 free now');
    expect(seen.map((s) => s.url)).toEqual(['/device-farm/api/status', '/device-farm/api/device']);
    expectNoSecrets(r);
  }, 60_000);

  it('each failure with its fix and exit 3: a missing credential, a refusing API, no iOS device; none free is a warning', async () => {
    const missing = await cli(['doctor', '--farm', 'browserstack', '--json'], { BROWSERSTACK_USERNAME: undefined });
    expect(missing.code).toBe(3);
    const cred = doctor(missing).checks.find((c) => c.id === 'farm-credentials')!;
    expect(cred).toMatchObject({ level: 'fail', found: '--farm browserstack needs BROWSERSTACK_USERNAME in the environment' });
    expect(cred.fix).toMatch(/set BROWSERSTACK_USERNAME and BROWSERSTACK_ACCESS_KEY/);

    forced['/v1/rdc/devices'] = { status: 403, body: '{}' };
    const refused = await cli(['doctor', '--farm', 'saucelabs', '--farm-api-url', base, '--json']);
    expect(refused.code).toBe(3);
    const api = doctor(refused).checks.find((c) => c.id === 'farm-api')!;
    expect(api.level).toBe('fail');
    expect(api.found).toMatch(/^E_FARM_API: farm saucelabs: GET .*\/v1\/rdc\/devices answered HTTP 403$/);
    expect(api.fix).toBe('check SAUCE_USERNAME and SAUCE_ACCESS_KEY');

    forced['/status'] = { status: 200, body: JSON.stringify({ value: { ready: true, nodes: [] } }) };
    const none = await cli(['doctor', '--farm', 'selenium-grid', '--appium-url', base]);
    expect(none.code).toBe(3);
    expect(none.stdout).toMatch(/FAIL iOS devices on selenium-grid: none\n\s+→ register an Appium relay node/);
    expect(none.stdout).toMatch(/1 missing for runs on selenium-grid/);

    forced['/v1/rdc/devices/available'] = { status: 200, body: '[]' };
    delete forced['/v1/rdc/devices'];
    const busy = await cli(['doctor', '--farm', 'saucelabs', '--farm-api-url', base, '--json']);
    expect(busy.code).toBe(0);
    expect(doctor(busy).checks.find((c) => c.id === 'farm-ios-devices')).toMatchObject({ level: 'warn', found: 'none of 2 free now' });
    for (const r of [missing, refused, none, busy]) expectNoSecrets(r);
  }, 60_000);
});

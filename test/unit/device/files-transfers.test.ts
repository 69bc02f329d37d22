/**
 * The two FilesTransfer implementations: the local one (a folder and a process; here a small
 * node script stands in for voiceaec-harness) and the Appium one against a mocked webdriver
 * client, asserting the exact XCUITest commands and container paths.
 */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces without waiting */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AppiumFilesTransfer, type AppFilesClient } from '../../../src/device/files/appium-files-transfer.js';
import { LocalFilesTransfer, parseHarnessCommand } from '../../../src/device/files/local-files-transfer.js';
import { deviceError } from '../../../src/core/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'voiceaec-files-transfer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A stand-in harness: copies plan.ndjson to results.ndjson, or misbehaves as $FAKE says. */
const FAKE = join(tmp, 'fake-harness.mjs');
writeFileSync(
  FAKE,
  `import { readFileSync, writeFileSync } from 'node:fs';
const a = process.argv.slice(2);
const dir = a[a.indexOf('-voiceaecFilesDir') + 1];
const how = a[0];
if (how === 'refuse') { console.error('E_HARNESS_ARGS: unknown argument -x'); process.exit(2); }
if (how === 'hang') setInterval(() => {}, 1000);
else writeFileSync(dir + '/results.ndjson', readFileSync(dir + '/plan.ndjson'));
`,
);

function local(how: string) {
  const dir = join(tmp, how);
  mkdirSync(dir, { recursive: true });
  return new LocalFilesTransfer(dir, [process.execPath, FAKE, how]);
}

describe('LocalFilesTransfer', () => {
  it('puts the plan, runs the harness with the arguments, reads its results, and cleans up only its own files', async () => {
    const t = local('ok');
    writeFileSync(join(t.dir, 'notes.txt'), 'the user’s');
    await t.put('plan.ndjson', new TextEncoder().encode('hello\n'));
    await t.put('plan/000001.bin', Uint8Array.from([1, 2, 3]));
    await t.launch(['-voiceaecFilesDir', t.folderArgument]);
    await t.waitForResults(30_000);
    expect(new TextDecoder().decode(await t.get('results.ndjson', 100))).toBe('hello\n');
    expect(await t.get('results/000001.bin', 100)).toBeNull();
    await expect(t.get('results.ndjson', 3)).rejects.toMatchObject({ code: 'E_FILES_TOO_LARGE' });
    await expect(t.get('../fake-harness.mjs', 1e6)).rejects.toMatchObject({ code: 'E_FILES_PATH' });
    await t.clearResults();
    expect(await t.get('results.ndjson', 100)).toBeNull();
    await t.cleanup();
    expect(readdirSync(t.dir)).toEqual(['notes.txt']);
  });

  it('a harness that exits without results is a failed launch with its exit code and output', async () => {
    const t = local('refuse');
    await t.put('plan.ndjson', new TextEncoder().encode('x\n'));
    await t.launch(['-voiceaecFilesDir', t.folderArgument]);
    await expect(t.waitForResults(30_000)).rejects.toMatchObject({
      code: 'E_FILES_NO_RESULTS',
      message: expect.stringMatching(/exit code 2.*E_HARNESS_ARGS: unknown argument -x/) as unknown,
    });
    expect(await t.diagnose()).toMatch(/exit code 2/);
  });

  it('a harness that hangs is stopped at the timeout', async () => {
    const t = local('hang');
    await t.put('plan.ndjson', new TextEncoder().encode('x\n'));
    await t.launch(['-voiceaecFilesDir', t.folderArgument]);
    await expect(t.waitForResults(200)).rejects.toMatchObject({ code: 'E_FILES_TIMEOUT' });
    await t.cleanup();
  });

  it('does not follow a link the folder holds', async () => {
    const t = local('link');
    symlinkSync(FAKE, join(t.dir, 'results.ndjson'));
    await expect(t.get('results.ndjson', 1e6)).rejects.toMatchObject({ code: 'E_FILES_PATH' });
    // Nor a folder on the way that is a link.
    mkdirSync(join(tmp, 'elsewhere'), { recursive: true });
    writeFileSync(join(tmp, 'elsewhere', '000001.bin'), 'outside');
    symlinkSync(join(tmp, 'elsewhere'), join(t.dir, 'results'));
    await expect(t.get('results/000001.bin', 1e6)).rejects.toMatchObject({
      code: 'E_FILES_PATH',
      message: expect.stringMatching(/^results is not a plain folder/) as unknown,
    });
  });

  it('takes the harness command as words or a JSON array, and says how to give it when missing', () => {
    expect(parseHarnessCommand(' bash scripts/swift.sh --exec .build/debug/voiceaec-harness ')).toEqual([
      'bash',
      'scripts/swift.sh',
      '--exec',
      '.build/debug/voiceaec-harness',
    ]);
    expect(parseHarnessCommand('["/opt/my harness/voiceaec-harness", "-loopbackSeed", "3"]')).toEqual([
      '/opt/my harness/voiceaec-harness',
      '-loopbackSeed',
      '3',
    ]);
    for (const bad of [undefined, '', '[1]', '[', '[]'])
      expect(() => parseHarnessCommand(bad), String(bad)).toThrow(expect.objectContaining({ code: 'E_HARNESS_COMMAND' }));
  });
});

/** A webdriver client that records every call; files live in a map keyed by remote path. */
function mockClient(opts: { state?: string[]; pullError?: string } = {}) {
  const calls: string[] = [];
  const files = new Map<string, string>();
  const states = [...(opts.state ?? [])];
  const client: AppFilesClient = {
    pushFile: async (p, b64) => void (calls.push(`push ${p}`), files.set(p, b64)),
    pullFile: async (p) => {
      calls.push(`pull ${p}`);
      const v = files.get(p);
      if (opts.pullError) throw deviceError('E_APPIUM_PULL', opts.pullError, { hint: '' });
      if (v === undefined) throw deviceError('E_APPIUM_PULL', `cannot pull ${p}: The remote file does not exist`, { hint: '' });
      return v;
    },
    deleteFile: async (p) => void (calls.push(`deleteFile ${p}`), files.delete(p)),
    deleteFolder: async (p) => void calls.push(`deleteFolder ${p}`),
    launchApp: async (b, args) => void calls.push(`launch ${b} ${args.join(' ')}`),
    terminateApp: async (b) => (calls.push(`terminate ${b}`), true),
    appState: async () => states.shift() ?? 'running in foreground',
  };
  return { client, calls, files };
}

const DOCS = '@dev.voiceaec.harness:documents/voiceaec-files';

describe('AppiumFilesTransfer (mocked webdriver client)', () => {
  it('pushes into the app’s Documents, relaunches with the arguments, polls for results and pulls them', async () => {
    const { client, calls, files } = mockClient();
    const t = new AppiumFilesTransfer(client, 'dev.voiceaec.harness', 'voiceaec-files', 1);
    expect(t.folderArgument).toBe('voiceaec-files');
    await t.clearResults();
    await t.put('plan.ndjson', new TextEncoder().encode('p\n'));
    await t.launch(['-voiceaecMode', 'files', '-voiceaecFilesDir', 'voiceaec-files']);
    // The app writes its results a moment later.
    setTimeout(() => files.set(`${DOCS}/results.ndjson`, Buffer.from('r\n').toString('base64')), 20);
    await t.waitForResults(10_000);
    expect(new TextDecoder().decode(await t.get('results.ndjson', 100))).toBe('r\n');
    expect(await t.get('results/000001.bin', 100)).toBeNull();
    await t.stop();
    await t.cleanup();
    expect(calls.slice(0, 5)).toEqual([
      `deleteFile ${DOCS}/results.ndjson`,
      `deleteFolder ${DOCS}/results`,
      `push ${DOCS}/plan.ndjson`,
      'terminate dev.voiceaec.harness',
      'launch dev.voiceaec.harness -voiceaecMode files -voiceaecFilesDir voiceaec-files',
    ]);
    expect(calls.filter((c) => c === `pull ${DOCS}/results.ndjson`).length).toBeGreaterThanOrEqual(2);
    expect(calls.slice(-4)).toEqual([
      `pull ${DOCS}/results/000001.bin`,
      'terminate dev.voiceaec.harness',
      'terminate dev.voiceaec.harness',
      `deleteFolder ${DOCS}`,
    ]);
  });

  it('an app seen not running before its results is a failed launch', async () => {
    const { client } = mockClient({ state: ['running in foreground', 'not running'] });
    const t = new AppiumFilesTransfer(client, 'dev.voiceaec.harness', 'voiceaec-files', 1);
    await expect(t.waitForResults(10_000)).rejects.toMatchObject({ code: 'E_FILES_NO_RESULTS' });
  });

  it('times out naming the last pull error, and bounds a pulled file before decoding it', async () => {
    const { client, files } = mockClient({ pullError: 'AFC: the file sharing of the app is off' });
    const t = new AppiumFilesTransfer(client, 'dev.voiceaec.harness', 'voiceaec-files', 1);
    await expect(t.waitForResults(30)).rejects.toMatchObject({
      code: 'E_FILES_TIMEOUT',
      message: expect.stringMatching(/file sharing of the app is off/) as unknown,
    });
    const ok = mockClient();
    ok.files.set(`${DOCS}/results/000001.bin`, Buffer.alloc(2000).toString('base64'));
    const t2 = new AppiumFilesTransfer(ok.client, 'dev.voiceaec.harness', 'voiceaec-files', 1);
    await expect(t2.get('results/000001.bin', 1999)).rejects.toMatchObject({ code: 'E_FILES_TOO_LARGE' });
    expect((await t2.get('results/000001.bin', 2000))!.length).toBe(2000);
    expect(files.size).toBe(0);
  });

  it('refuses a folder or a path outside Documents', () => {
    const { client } = mockClient();
    expect(() => new AppiumFilesTransfer(client, 'b', '../Library', 1)).toThrow(expect.objectContaining({ code: 'E_FILES_PATH' }));
    expect(() => new AppiumFilesTransfer(client, 'b', 'f', 1).remotePath('../../x')).toThrow(expect.objectContaining({ code: 'E_FILES_PATH' }));
  });
});

describe('--device files:<dir>', () => {
  it('resolves to the files driver on an absolute folder, the harness from --harness or $VOICEAEC_HARNESS', async () => {
    const { resolveDevice } = await import('../../../src/device/resolve-device.js');
    const { FilesDriver } = await import('../../../src/device/files/files-driver.js');
    const r = resolveDevice('files:some/dir', { seed: 1, harness: 'voiceaec-harness' });
    expect(r.driver).toBeInstanceOf(FilesDriver);
    expect(r.target).toBe(`files:${join(process.cwd(), 'some/dir')}`);
    expect(r.driver.kind).toBe('device');
    expect(resolveDevice('files:/x', { seed: 1, env: { VOICEAEC_HARNESS: '/opt/h' } }).driver.describe).toBe('harness in files mode at /x (harness: /opt/h)');
    expect(() => resolveDevice('files:/x', { seed: 1, env: {} })).toThrow(
      expect.objectContaining({ code: 'E_HARNESS_COMMAND', hint: expect.stringContaining('VOICEAEC_HARNESS') as unknown }),
    );
  });
});

describe('AppiumFilesTransfer stop', () => {
  it('ends a wait that is still polling when the launch is stopped', async () => {
    const { client } = mockClient();
    const t = new AppiumFilesTransfer(client, 'dev.voiceaec.harness', 'voiceaec-files', 5);
    const waiting = t.waitForResults(600_000);
    setTimeout(() => void t.stop(), 20);
    await expect(waiting).rejects.toMatchObject({ code: 'E_FILES_STOPPED' });
  });
});

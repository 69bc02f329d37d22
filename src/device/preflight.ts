/**
 * What a host needs to reach real iPhones, checked one item at a time (`voiceaec doctor`):
 * each check says what it found and, when something is missing, what to do. Checks that
 * only apply on a Mac say so on other systems instead of failing silently.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { AppiumOptionsInput } from './appium/appium-options.js';

export type CheckLevel = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  id: string;
  title: string;
  level: CheckLevel;
  found: string;
  /** What to do when the level is not ok. */
  fix: string | null;
}

export interface PreflightHost {
  platform: NodeJS.Platform;
  nodeVersion: string;
  env: NodeJS.ProcessEnv;
  /** Runs a tool and returns its first output line, or null when it is not there or fails. */
  tool(cmd: string, args: string[]): Promise<string | null>;
  /** The installed version of an npm package, or null. */
  packageVersion(name: string): string | null;
  exists(path: string): Promise<boolean>;
}

const MIN_NODE = [20, 19] as const;

const require = createRequire(import.meta.url);

export const realHost: PreflightHost = {
  platform: process.platform,
  nodeVersion: process.versions.node,
  env: process.env,
  async tool(cmd, args) {
    try {
      const { stdout, stderr } = await promisify(execFile)(cmd, args, { timeout: 15_000 });
      return (stdout || stderr).trim().split('\n')[0] ?? '';
    } catch {
      return null;
    }
  },
  packageVersion(name) {
    // Found by walking node_modules as Node would: ESM-only packages do not export their package.json.
    for (const dir of require.resolve.paths(name) ?? []) {
      try {
        return (JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { version: string }).version;
      } catch {
        // not in this folder; try the next
      }
    }
    return null;
  },
  exists: (path) =>
    access(path).then(
      () => true,
      () => false,
    ),
};

/** One check's result; `fix` says what to do where it is not ok. */
export const check = (id: string, title: string, level: CheckLevel, found: string, fix: string | null = null): CheckResult => ({
  id,
  title,
  level,
  found,
  fix,
});

/** What a run through a remote farm needs of this host: the farm has the Mac, Xcode, Appium and the phones. */
const FARM_HOST_CHECKS = new Set(['node', 'virtual-iphone', 'webdriverio']);

/**
 * The host's checks. `scope: 'farm'` keeps those a run through a remote farm needs
 * (farm-preflight.ts adds the farm's own); the Mac, Xcode, Appium and usbmux are the farm's.
 */
export async function runPreflight(
  host: PreflightHost = realHost,
  appiumConfig?: AppiumOptionsInput,
  scope: 'local' | 'farm' = 'local',
): Promise<CheckResult[]> {
  const all = await hostChecks(host, appiumConfig);
  return scope === 'farm' ? all.filter((c) => FARM_HOST_CHECKS.has(c.id)) : all;
}

async function hostChecks(host: PreflightHost, appiumConfig?: AppiumOptionsInput): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  const [major = 0, minor = 0] = host.nodeVersion.split('.').map(Number);
  const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  out.push(check('node', 'Node.js', nodeOk ? 'ok' : 'fail', host.nodeVersion, nodeOk ? null : `install Node ${MIN_NODE.join('.')} or newer`));
  out.push(check('virtual-iphone', 'virtual iPhone', 'ok', 'built in (--device sim)'));

  const mac = host.platform === 'darwin';
  out.push(
    check(
      'macos',
      'macOS host for USB phones',
      mac ? 'ok' : 'fail',
      mac ? 'macOS' : host.platform,
      mac ? null : 'phones on USB need a Mac with Xcode (WebDriverAgent is built there); from here, use a device farm (--appium-url) or --device lan',
    ),
  );
  if (mac) {
    const xcode = await host.tool('xcodebuild', ['-version']);
    out.push(
      check(
        'xcode',
        'Xcode',
        xcode ? 'ok' : 'fail',
        xcode ?? 'not found',
        xcode ? null : 'install Xcode from the App Store, then `sudo xcode-select -s /Applications/Xcode.app`',
      ),
    );
    const xcodegen = await host.tool('xcodegen', ['--version']);
    out.push(
      check(
        'xcodegen',
        'XcodeGen (builds the harness app)',
        xcodegen ? 'ok' : 'warn',
        xcodegen ?? 'not found',
        xcodegen ? null : '`brew install xcodegen` to build ios-harness-app (docs/ios-app.md)',
      ),
    );
  }

  const appium = host.packageVersion('appium');
  out.push(
    check(
      'appium',
      'Appium 3 server',
      appium?.startsWith('3.') ? 'ok' : 'fail',
      appium ?? 'not installed',
      appium?.startsWith('3.') ? null : '`npm install -g appium@3` (or as a project dependency)',
    ),
  );
  const xcuitest = host.packageVersion('appium-xcuitest-driver');
  out.push(check('xcuitest', 'XCUITest driver', xcuitest ? 'ok' : 'fail', xcuitest ?? 'not installed', xcuitest ? null : '`appium driver install xcuitest`'));
  const wdio = host.packageVersion('webdriverio');
  out.push(
    check(
      'webdriverio',
      'webdriverio (the CLI’s Appium client)',
      wdio ? 'ok' : 'fail',
      wdio ?? 'not installed',
      wdio ? null : 'reinstall voiceaec (`npm install`)',
    ),
  );

  const usbmuxd = host.env.USBMUXD_SOCKET_ADDRESS ?? '/var/run/usbmuxd';
  const tcp = /^[^/]+:\d+$/.test(usbmuxd);
  const muxOk = tcp || (await host.exists(usbmuxd));
  out.push(
    check(
      'usbmuxd',
      'usbmuxd (USB to phones)',
      muxOk ? 'ok' : mac ? 'fail' : 'warn',
      muxOk ? usbmuxd : `no socket at ${usbmuxd}`,
      muxOk ? null : mac ? 'reconnect the phone; usbmuxd ships with macOS' : 'install usbmuxd, or use --device lan / a device farm',
    ),
  );
  const forward = host.packageVersion('appium-ios-device');
  out.push(
    check(
      'usbmux-forward',
      'appium-ios-device (port forwarding)',
      forward ? 'ok' : 'warn',
      forward ?? 'not installed',
      forward ? null : 'needed for --connection forward only: `npm install appium-ios-device`',
    ),
  );

  if (mac) {
    // Appium builds WebDriverAgent onto the phone with this team; the phone-side settings cannot be read from here.
    const team = appiumConfig?.xcodeOrgId ?? null;
    out.push(
      check(
        'wda-signing',
        'WebDriverAgent signing team',
        team ? 'ok' : 'warn',
        team ? `xcodeOrgId ${team}` : 'none in the Appium config',
        team
          ? null
          : 'set xcodeOrgId (and xcodeSigningId) in --appium-config (docs/appium.md § Setup); on the phone: Developer Mode on, this computer trusted, Settings › Developer › Enable UI Automation',
      ),
    );
  }
  return out;
}

/** The exit code a doctor run ends with: 0 all fine or warnings, 3 when something needed is missing. */
export const preflightExit = (results: CheckResult[]): 0 | 3 => (results.some((r) => r.level === 'fail') ? 3 : 0);

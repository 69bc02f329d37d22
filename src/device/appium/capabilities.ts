/**
 * Appium options → W3C capabilities for the XCUITest driver, and the harness app's launch
 * arguments (docs/harnesskit.md § Launch arguments) for one launch of the app.
 */
import type { AppiumOptions } from './appium-options.js';
import type { FarmPlan } from './farm-presets.js';

/** One launch of the harness: it dials the CLI (lan), listens on a port (server) or runs the plan in a folder of its Documents (files). */
export type HarnessLaunch =
  { mode: 'lan'; url: string; token: string } | { mode: 'server'; port: number; token: string } | { mode: 'files'; dir: string; token: string };

/** The app's process arguments for a launch, in Apple's `-key value` form. */
export function harnessArguments(launch: HarnessLaunch): string[] {
  if (launch.mode === 'lan') return ['-voiceaecMode', 'lan', '-voiceaecURL', launch.url, '-voiceaecToken', launch.token];
  if (launch.mode === 'files') return ['-voiceaecMode', 'files', '-voiceaecFilesDir', launch.dir, '-voiceaecToken', launch.token];
  return ['-voiceaecMode', 'server', '-port', String(launch.port), '-voiceaecToken', launch.token];
}

export type Capabilities = Record<string, unknown>;

/**
 * The session's capabilities. `launch` is the first launch's arguments: when `app` is given
 * the driver installs and starts the app at session start with them, so that launch already
 * runs the harness as asked. `appium:bundleId` is not sent: it would make the driver check
 * over usbmux that the app is installed, and the app is launched by `mobile: launchApp`
 * anyway, whose error says the same when it is missing. Where the phone's identity, the app
 * and the session labels go is the farm preset's say (`plan`, farm-presets.ts).
 */
export function buildCapabilities(o: AppiumOptions, plan: Pick<FarmPlan, 'capabilities'>, launch: HarnessLaunch): Capabilities {
  const caps: Capabilities = {
    platformName: 'iOS',
    'appium:automationName': 'XCUITest',
    // The microphone permission prompt on first launch; it has no other way past it without UI.
    'appium:autoAcceptAlerts': true,
    'appium:processArguments': { args: harnessArguments(launch), env: {} },
    'appium:newCommandTimeout': o.timeouts.newCommandTimeoutSec,
    'appium:wdaLaunchTimeout': o.timeouts.sessionMs,
    'appium:wdaConnectionTimeout': o.timeouts.sessionMs,
  };
  const optional: Array<[string, unknown]> = [
    ['appium:xcodeOrgId', o.xcodeOrgId],
    ['appium:xcodeSigningId', o.xcodeSigningId],
    ['appium:updatedWDABundleId', o.updatedWDABundleId],
    ['appium:wdaLocalPort', o.wdaLocalPort],
    ['appium:webDriverAgentUrl', o.webDriverAgentUrl],
  ];
  for (const [k, v] of optional) if (v !== undefined) caps[k] = v;
  const out: Capabilities = { ...caps, ...plan.capabilities };
  // A vendor object given by the user (bstack:options…) adds to the preset's, not replaces it.
  for (const [k, v] of Object.entries(o.capabilities)) out[k] = isObject(out[k]) && isObject(v) ? { ...out[k], ...v } : v;
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Where a farm preset's own device-listing API is and which credentials it takes
 * (`voiceaec devices --farm`, `doctor --farm`; docs/appium.md § Farm devices and doctor): the
 * same options as a run (farm, serverUrl, region) plus `farmApiUrl`, the explicit override of
 * the API's base URL. Credentials come from the preset's environment variables only and
 * leave this module as a `Credentials` object, which never prints its values.
 */
import { environmentError, usageError } from '../../core/errors.js';
import { parseAppiumOptions, type AppiumOptionsInput } from './appium-options.js';
import type { Credentials } from './farm-credentials.js';
import { FARM_PRESETS, inferFarm, missingHubUrl, presetCredentials, refuseRegion, secretsInEnv, type FarmName } from './farm-presets.js';

/** The presets that have a device list of their own (`local` has none: its phones are on USB). */
export type ListingFarm = Exclude<FarmName, 'local'>;

/** AWS takes SigV4 from the SDK's credential chain; these are the variables it is pointed to. */
export const AWS_KEY_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
export const AWS_PROFILE_ENV = 'AWS_PROFILE';
const AWS_SECRET_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/** The public API hosts; `{region}` is the Sauce Labs data center. The hub presets' API is on the hub. */
const PUBLIC_API: Partial<Record<ListingFarm, string>> = {
  browserstack: 'https://api-cloud.browserstack.com',
  saucelabs: 'https://api.{region}.saucelabs.com',
  // Device Farm's API lives in us-west-2 only.
  'aws-device-farm': 'https://devicefarm.us-west-2.amazonaws.com',
};

export interface FarmApiTarget {
  farm: ListingFarm;
  /** The API's base URL (no trailing slash, never a user or password in it). */
  base: string;
  /** true when `farmApiUrl` set it, so errors point there. */
  overridden: boolean;
  /** Basic-auth credentials, or null (optional and not set; AWS signs with its SDK). */
  auth: Credentials | null;
  /** The variables the credentials come from, for messages (names only). */
  credentialVars: string[];
  /** Values to scrub from any text that leaves: every preset's credentials and AWS's. */
  secrets: string[];
}

/** Every credential value in the environment that a farm error could echo. */
export function farmSecrets(env: NodeJS.ProcessEnv): string[] {
  const aws = AWS_SECRET_ENV.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 3);
  return [...secretsInEnv(env), ...aws];
}

/** The preset named (or implied by the hub URL) by the options, refused when it has no device list. */
export function listingFarm(input: AppiumOptionsInput): ListingFarm {
  const o = parseAppiumOptions(input);
  const farm = o.farm ?? inferFarm(o.serverUrl);
  if (farm === 'local')
    throw usageError('E_FARM_LIST', 'the local preset has no device list of its own', {
      hint: 'phones on this host’s USB are listed by `voiceaec devices` without --farm; give --farm appium-device-farm, selenium-grid, browserstack, saucelabs or aws-device-farm for a farm',
    });
  return farm;
}

/**
 * Resolves the farm's API: its base URL and credentials. A missing required credential, or
 * half of an optional pair, is E_FARM_CREDENTIALS naming the variables (never a value).
 */
export function farmApiTarget(input: AppiumOptionsInput, env: NodeJS.ProcessEnv): FarmApiTarget {
  const o = parseAppiumOptions(input);
  const farm = listingFarm(input);
  const where = `--farm ${farm}`;
  refuseRegion(o, farm);

  let base: string;
  if (o.farmApiUrl) base = o.farmApiUrl;
  else if (farm === 'appium-device-farm' || farm === 'selenium-grid') {
    if (!o.serverUrl) throw missingHubUrl(farm);
    const url = new URL(o.serverUrl);
    // The device-farm plugin mounts /device-farm at the server's root, whatever Appium's base path (its own
    // grid router strips /wd/hub the same way); the Grid answers /status where sessions are created, minus a legacy /wd/hub.
    base = farm === 'appium-device-farm' ? url.origin : `${url.origin}${url.pathname.replace(/\/wd\/hub\/?$/, '')}`;
  } else {
    const region = o.region ?? sauceRegion(o.serverUrl) ?? FARM_PRESETS.saucelabs.defaultRegion ?? 'us-west-1';
    base = PUBLIC_API[farm]!.replace('{region}', region);
  }
  base = base.replace(/\/+$/, '');

  const secrets = farmSecrets(env);
  if (farm === 'aws-device-farm') {
    const keys = AWS_KEY_ENV.filter((n) => env[n]);
    if (keys.length === 1 || (keys.length === 0 && !env[AWS_PROFILE_ENV]))
      throw environmentError(
        'E_FARM_CREDENTIALS',
        `${where} needs ${AWS_KEY_ENV.filter((n) => !env[n]).join(' and ')} (or ${AWS_PROFILE_ENV}) in the environment`,
        {
          hint: `set ${AWS_KEY_ENV.join(' and ')}, or ${AWS_PROFILE_ENV} for a profile of ~/.aws (credentials come from the environment only)`,
        },
      );
    return { farm, base, overridden: !!o.farmApiUrl, auth: null, credentialVars: keys.length ? [...AWS_KEY_ENV] : [AWS_PROFILE_ENV], secrets };
  }

  const spec = FARM_PRESETS[farm].credentials;
  const credentialVars = spec ? [spec.userEnv, spec.keyEnv] : [];
  return { farm, base, overridden: !!o.farmApiUrl, auth: presetCredentials(farm, env), credentialVars, secrets };
}

/** The data center in a Sauce Labs hub URL (`ondemand.<region>.saucelabs.com`), if it names one. */
function sauceRegion(serverUrl: string | undefined): string | null {
  if (!serverUrl) return null;
  return /^ondemand\.([a-z0-9-]+)\.saucelabs\.com$/i.exec(new URL(serverUrl).hostname)?.[1]?.toLowerCase() ?? null;
}

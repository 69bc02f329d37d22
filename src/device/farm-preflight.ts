/**
 * `voiceaec doctor --farm`: what a run through a farm preset needs from the farm, one check at
 * a time with its fix: the preset's credential variables set (named, never shown), the farm
 * answering (the hub's status, or the cloud's device API with the credentials), and an iOS
 * device there, free now where the farm's API says so.
 */
import { isVoiceAecError } from '../core/errors.js';
import type { AppiumOptionsInput } from './appium/appium-options.js';
import { farmApiTarget, listingFarm, type FarmApiTarget } from './appium/farm-api.js';
import { listWithTarget, DF_STATUS, GRID_STATUS, type FarmListOptions } from './appium/farm-device-list.js';
import { getFarmJson } from './appium/farm-http.js';
import { check, type CheckResult } from './preflight.js';

/** The checks of one farm; usage mistakes in the options (no hub URL, the local preset) are thrown, as for a run. */
export async function runFarmPreflight(input: AppiumOptionsInput, opts: FarmListOptions): Promise<CheckResult[]> {
  const farm = listingFarm(input);
  let target: FarmApiTarget;
  try {
    target = farmApiTarget(input, opts.env);
  } catch (e) {
    if (isVoiceAecError(e) && e.code === 'E_FARM_CREDENTIALS') return [check('farm-credentials', `${farm} credentials`, 'fail', e.message, e.hint ?? null)];
    throw e;
  }
  const out: CheckResult[] = [check('farm-credentials', `${farm} credentials`, 'ok', credentialsFound(target))];

  // The hubs have a status of their own; a cloud's device API answering with the credentials is its equivalent.
  try {
    if (farm === 'appium-device-farm') {
      const s = await getFarmJson({ target, path: '/device-farm/api/status', schema: DF_STATUS, what: 'the plugin’s status', fetchImpl: opts.fetchImpl });
      out.push(check('farm-hub', `${farm} hub`, 'ok', `device-farm plugin ${s.version ?? ''} answers at ${target.base}`.replace('  ', ' ')));
    } else if (farm === 'selenium-grid') {
      const s = await getFarmJson({ target, path: '/status', schema: GRID_STATUS, what: 'the Grid’s status', fetchImpl: opts.fetchImpl });
      out.push(
        s.value.ready
          ? check('farm-hub', `${farm} hub`, 'ok', `ready at ${target.base} (${s.value.nodes.length} node(s))`)
          : check(
              'farm-hub',
              `${farm} hub`,
              'warn',
              `answers at ${target.base}, not ready`,
              'the Grid has no node with a free slot now; check its nodes (its /ui)',
            ),
      );
    }
  } catch (e) {
    out.push(failed('farm-hub', `${farm} hub`, e));
    return out;
  }

  let listing;
  try {
    listing = await listWithTarget(target, opts);
  } catch (e) {
    out.push(failed(farm === 'appium-device-farm' || farm === 'selenium-grid' ? 'farm-devices' : 'farm-api', `${farm} device API`, e));
    return out;
  }
  if (farm !== 'appium-device-farm' && farm !== 'selenium-grid')
    out.push(check('farm-api', `${farm} device API`, 'ok', `answers: ${listing.endpoints.join(', ')}`));

  const n = listing.devices.length;
  const free = listing.devices.filter((d) => d.availability === 'available').length;
  const title = `iOS devices on ${farm}`;
  if (n === 0) out.push(check('farm-ios-devices', title, 'fail', 'none', NO_IOS_FIX[farm]));
  else if (listing.devices.every((d) => d.availability === 'listed'))
    out.push(check('farm-ios-devices', title, 'ok', `${n} in the catalogue (its API does not say which are free now)`));
  else if (free === 0)
    out.push(
      check(
        'farm-ios-devices',
        title,
        'warn',
        `none of ${n} free now`,
        'a run waits in the farm’s queue or fails; try later, or see `voiceaec devices --farm` for who holds them',
      ),
    );
  else out.push(check('farm-ios-devices', title, 'ok', `${free} of ${n} free now`));
  return out;
}

const NO_IOS_FIX: Record<FarmApiTarget['farm'], string> = {
  'appium-device-farm': 'start the hub or a node with --plugin-device-farm-platform ios (or both) and an iPhone attached',
  'selenium-grid': 'register an Appium relay node with an iOS stereotype (platformName iOS) to the Grid',
  browserstack: 'this account’s App Automate plan lists no iOS device; check the plan',
  saucelabs: 'this account and data center list no iOS real device; check the region (hub URL or region) and the plan',
  'aws-device-farm': 'Device Farm lists no iOS device for this account; check the account and its private devices',
};

function credentialsFound(t: FarmApiTarget): string {
  if (t.auth) return `${t.credentialVars.join(' and ')} set`;
  if (t.farm === 'aws-device-farm') return `${t.credentialVars.join(' and ')} set (the AWS SDK signs with them)`;
  if (t.credentialVars.length) return `${t.credentialVars.join(' and ')} not set (optional: only a hub with authentication needs them)`;
  return 'none needed';
}

function failed(id: string, title: string, e: unknown): CheckResult {
  if (isVoiceAecError(e)) return check(id, title, 'fail', `${e.code}: ${e.message}`, e.hint ?? null);
  throw e;
}

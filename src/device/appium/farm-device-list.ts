/**
 * The iOS devices behind a farm preset, each through that farm's own device-listing API
 * (`voiceaec devices --farm`; docs/appium.md § Farm devices and doctor lists the endpoints and
 * where they are documented): one row per device with the farm, its name, iOS version, the
 * id the farm gives and whether it is free now. Nothing here was run against a real farm.
 */
import { z } from 'zod';
import type { AppiumOptionsInput } from './appium-options.js';
import { listAwsDevices, type AwsListOptions } from './aws-device-list.js';
import { farmApiTarget, type FarmApiTarget, type ListingFarm } from './farm-api.js';
import { redact } from './farm-credentials.js';
import { getFarmJson } from './farm-http.js';

/**
 * `available`: free now; `busy`: in a session (or reserved); `offline`: the farm says it cannot
 * be used; `listed`: the farm's list says nothing of availability (BrowserStack's catalogue).
 */
export type FarmAvailability = 'available' | 'busy' | 'offline' | 'listed';

export interface FarmDevice {
  farm: ListingFarm;
  name: string;
  osVersion: string | null;
  /** The udid, device id or ARN, where the farm gives one: what to put in `udid` or `deviceName`. */
  id: string | null;
  availability: FarmAvailability;
  /** true: a physical phone; false: a simulator; null: the farm does not say. */
  real: boolean | null;
}

export interface FarmListing {
  farm: ListingFarm;
  /** The requests made, e.g. `GET https://api-cloud.browserstack.com/app-automate/devices.json` (no credentials in them). */
  endpoints: string[];
  devices: FarmDevice[];
  /** What the rows cannot say, one line (e.g. a catalogue without availability), or null. */
  note: string | null;
}

export interface FarmListOptions {
  env: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
  aws?: AwsListOptions['sdk'];
}

const MAX_ROWS = 20_000;
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const isIos = (platform: unknown) => typeof platform === 'string' && platform.toLowerCase() === 'ios';

// appium-device-farm: GET /device-farm/api/device (src/app/routers/grid.ts; fields of src/interfaces/IDevice.ts).
const DF_DEVICES = z
  .array(
    z.object({
      udid: z.string(),
      name: z.string().optional(),
      platform: z.string(),
      sdk: z.string().nullish(),
      busy: z.boolean().optional(),
      offline: z.boolean().optional(),
      userBlocked: z.boolean().optional(),
      realDevice: z.boolean().optional(),
    }),
  )
  .max(MAX_ROWS);
export const DF_STATUS = z.object({ status: z.string(), version: z.string().optional() });

// Selenium Grid 4: GET /status (GridStatusHandler): nodes with availability and slots, each with its stereotype and session.
export const GRID_STATUS = z.object({
  value: z.object({
    ready: z.boolean(),
    message: z.string().optional(),
    nodes: z
      .array(
        z.object({
          id: z.string(),
          availability: z.string(),
          slots: z
            .array(z.object({ session: z.unknown().optional(), stereotype: z.record(z.string(), z.unknown()) }))
            .max(MAX_ROWS)
            .default([]),
        }),
      )
      .max(MAX_ROWS)
      .default([]),
  }),
});

// BrowserStack App Automate: GET /app-automate/devices.json.
const BS_DEVICES = z.array(z.object({ os: z.string(), os_version: z.union([z.string(), z.number()]).transform(String), device: z.string() })).max(MAX_ROWS);

// Sauce Labs: GET /v1/rdc/devices (descriptors) and /v1/rdc/devices/available (ids free now).
const SAUCE_DEVICES = z.array(z.object({ id: z.string(), name: z.string(), os: z.string(), osVersion: z.string().nullish() })).max(MAX_ROWS);
const SAUCE_AVAILABLE = z.array(z.string()).max(MAX_ROWS);

/** The farm's iOS devices; every failure is one error line (farm-http.ts, aws-device-list.ts). */
export async function listFarmDevices(input: AppiumOptionsInput, opts: FarmListOptions): Promise<FarmListing> {
  return listWithTarget(farmApiTarget(input, opts.env), opts);
}

/** The listing for a resolved target; every string a farm sent is scrubbed of credentials, as a careless farm might echo them. */
export async function listWithTarget(target: FarmApiTarget, opts: FarmListOptions): Promise<FarmListing> {
  const listing = await fetchListing(target, opts);
  const scrub = (t: string) => redact(t, target.secrets);
  const orNull = (t: string | null) => (t === null ? null : scrub(t));
  return {
    ...listing,
    devices: listing.devices.map((d) => ({ ...d, name: scrub(d.name), osVersion: orNull(d.osVersion), id: orNull(d.id) })),
  };
}

async function fetchListing(target: FarmApiTarget, opts: FarmListOptions): Promise<FarmListing> {
  const get = <T>(path: string, schema: z.ZodType<T>) => getFarmJson({ target, path, schema, what: 'a device list', fetchImpl: opts.fetchImpl });
  const at = (path: string) => `GET ${target.base}${path}`;
  const farm = target.farm;
  switch (farm) {
    case 'appium-device-farm': {
      const path = '/device-farm/api/device';
      const rows = (await get(path, DF_DEVICES)).filter((d) => isIos(d.platform));
      return {
        farm,
        endpoints: [at(path)],
        note: null,
        devices: rows.map((d) => ({
          farm,
          name: d.name ?? d.udid,
          osVersion: str(d.sdk),
          id: d.udid,
          availability: d.offline ? 'offline' : d.busy || d.userBlocked ? 'busy' : 'available',
          real: d.realDevice ?? null,
        })),
      };
    }
    case 'selenium-grid': {
      const path = '/status';
      const status = await get(path, GRID_STATUS);
      const devices: FarmDevice[] = [];
      for (const node of status.value.nodes)
        for (const slot of node.slots) {
          const s = slot.stereotype;
          if (!isIos(s.platformName)) continue;
          const up = node.availability === 'UP';
          devices.push({
            farm,
            name: str(s['appium:deviceName']) ?? str(s.deviceName) ?? `a slot of node ${node.id}`,
            osVersion: str(s['appium:platformVersion']) ?? str(s.platformVersion),
            id: str(s['appium:udid']) ?? str(s.udid),
            availability: node.availability === 'DOWN' ? 'offline' : !up || slot.session ? 'busy' : 'available',
            real: null,
          });
        }
      return { farm, endpoints: [at(path)], note: null, devices };
    }
    case 'browserstack': {
      const path = '/app-automate/devices.json';
      const rows = (await get(path, BS_DEVICES)).filter((d) => isIos(d.os));
      return {
        farm,
        endpoints: [at(path)],
        note: 'BrowserStack lists its catalogue, not which phones are free now; give deviceName (and platformVersion) as listed',
        devices: rows.map((d) => ({ farm, name: d.device, osVersion: d.os_version, id: null, availability: 'listed', real: true })),
      };
    }
    case 'saucelabs': {
      const all = '/v1/rdc/devices';
      const free = '/v1/rdc/devices/available';
      const [rows, available] = await Promise.all([get(all, SAUCE_DEVICES), get(free, SAUCE_AVAILABLE)]);
      const freeIds = new Set(available);
      return {
        farm,
        endpoints: [at(all), at(free)],
        note: null,
        devices: rows
          .filter((d) => isIos(d.os))
          .map((d) => ({ farm, name: d.name, osVersion: d.osVersion ?? null, id: d.id, availability: freeIds.has(d.id) ? 'available' : 'busy', real: true })),
      };
    }
    case 'aws-device-farm': {
      const { devices, truncated } = await listAwsDevices(target, { env: opts.env, sdk: opts.aws });
      return {
        farm,
        endpoints: [`ListDevices (POST ${target.base}, SigV4)`],
        note: truncated ? 'the list was cut after 20 pages' : null,
        devices: devices
          .filter((d) => d.platform === undefined || isIos(d.platform))
          .map((d) => ({ farm, name: d.name, osVersion: d.os ?? null, id: d.arn, availability: awsAvailability(d.availability), real: true })),
      };
    }
  }
}

/** Device Farm's availability (AVAILABLE, HIGHLY_AVAILABLE, BUSY, TEMPORARY_NOT_AVAILABLE) as a row's. */
function awsAvailability(a: string | undefined): FarmAvailability {
  if (a === 'AVAILABLE' || a === 'HIGHLY_AVAILABLE') return 'available';
  if (a === 'BUSY') return 'busy';
  if (a === 'TEMPORARY_NOT_AVAILABLE') return 'offline';
  return 'listed';
}

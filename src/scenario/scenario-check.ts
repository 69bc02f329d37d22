/**
 * What `run` would reject about a schema-valid scenario: room presets and device profiles
 * the virtual iPhone does not have, fixtures, sets and streaming patterns the catalog does
 * not hold. Each problem names the scenario field that holds the value, so `scenarios
 * validate` points at the file, not at a device or a CLI flag.
 */
import { didYouMean } from '../core/did-you-mean.js';
import type { CellSettings, Scenario } from '../config/scenario.js';
import { DEVICE_PROFILES, deviceProfile } from '../sim/device-profiles.js';
import { ROOM_PRESETS, roomPreset } from '../sim/room-presets.js';
import type { FixtureCatalog } from './fixture-catalog.js';

/** One problem, at a path into the scenario (for the file's line number). */
export interface ScenarioIssue {
  path: Array<string | number>;
  message: string;
}

type Check = (value: unknown) => string | null;

/** Where a cell setting can be written: base.<field> and each matrix.<field>[i]. */
function firstBad(s: Scenario, field: keyof CellSettings, check: Check): ScenarioIssue | null {
  const fromBase = check(s.base[field]);
  if (fromBase !== null) return { path: ['base', field], message: fromBase };
  const values = (s.matrix[field] as unknown[] | undefined) ?? [];
  for (const [i, v] of values.entries()) {
    const bad = check(v);
    if (bad !== null) return { path: ['matrix', field, i], message: bad };
  }
  return null;
}

const quoted = (x: unknown) => JSON.stringify(String(x)).slice(0, 70);

/** Settings only the virtual iPhone reads; checked for every device, since a typo is a typo. */
export function checkSimSettings(s: Scenario): ScenarioIssue | null {
  return (
    firstBad(s, 'room', (v) =>
      roomPreset(String(v))
        ? null
        : `no room preset ${quoted(v)}; ${didYouMean(String(v), Object.keys(ROOM_PRESETS))}presets: ${Object.keys(ROOM_PRESETS).join(', ')}`,
    ) ??
    firstBad(s, 'profile', (v) =>
      deviceProfile(String(v))
        ? null
        : `no device profile ${quoted(v)}; ${didYouMean(String(v), Object.keys(DEVICE_PROFILES))}profiles: ${Object.keys(DEVICE_PROFILES).join(', ')}`,
    )
  );
}

/** A catalog lookup as a message: its own error line, or null when the value is known. */
function lookup(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Fixtures, fixture sets and streaming patterns, as the runner resolves them before a run. */
export function checkFixtures(s: Scenario, catalog: FixtureCatalog): ScenarioIssue | null {
  const fixtures = (v: unknown) =>
    Array.isArray(v)
      ? (v.map((id) => lookup(() => catalog.entry(String(id)))).find((m) => m !== null) ?? null)
      : lookup(() => catalog.resolve(String(v), 'fixtures'));
  const found = firstBad(s, 'fixtures', fixtures) ?? firstBad(s, 'pattern', (v) => lookup(() => catalog.pattern(String(v))));
  if (found) return found;
  const cal = s.trials.calibration;
  if (cal) {
    const bad = lookup(() => catalog.entry(cal.fixture));
    if (bad) return { path: ['trials', 'calibration', 'fixture'], message: bad };
  }
  const near = s.trials.nearEnd;
  if (near) {
    const bad = lookup(() => catalog.entry(near.fixture));
    if (bad) return { path: ['trials', 'nearEnd', 'fixture'], message: bad };
  }
  return null;
}

/** Every check `run` makes before touching a device; the catalog's only when one is given. */
export function checkScenario(s: Scenario, catalog?: FixtureCatalog): ScenarioIssue | null {
  return checkSimSettings(s) ?? (catalog ? checkFixtures(s, catalog) : null);
}

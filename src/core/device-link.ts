/**
 * How the CLI reached the harness during a run, as the manifest records it (docs/run-directory.md)
 * and every report says it: over a connection the app stays up from trial to trial, so its
 * canceller carries over; in `files` mode every request is a new launch of the app, so unless
 * the launch runs warm-up trials first, every measured trial is the first one a freshly started
 * engine plays (docs/appium.md § files mode).
 */

/** in-process: the virtual iPhone inside the CLI; ws / lan / forward: one connection per app launch; files: one launch per request. */
export const DEVICE_CONNECTIONS = ['in-process', 'ws', 'lan', 'forward', 'files'] as const;
export type DeviceConnection = (typeof DEVICE_CONNECTIONS)[number];

export interface DeviceLinkInfo {
  connection: DeviceConnection;
  /** files: trials each launch runs, checks and discards before the measured one; 0 elsewhere. */
  warmupTrials: number;
}

/** Longest warm-up a launch may run: each one costs a trial's length on every launch. */
export const MAX_WARMUP_TRIALS = 5;

/** Why the numbers may differ from a connected run's; null when they do not (or the run did not record its link). */
export function linkCaveat(link: DeviceLinkInfo | null | undefined): string | null {
  if (link?.connection === 'files' && link.warmupTrials === 0)
    return 'each trial ran on a freshly launched app (cold canceller): compare only with other cold runs';
  return null;
}

/** A short phrase for the link, e.g. "files mode, 1 warm-up trial per launch". */
export function linkLabel(link: DeviceLinkInfo): string {
  if (link.connection !== 'files') return link.connection === 'in-process' ? 'in-process' : `${link.connection} connection`;
  return `files mode, ${link.warmupTrials} warm-up trial${link.warmupTrials === 1 ? '' : 's'} per launch`;
}

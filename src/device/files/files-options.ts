/**
 * The settings of `files` mode (docs/appium.md § files mode), one schema whichever way they
 * come: the Appium config file (`warmupTrials`, `timeouts.filesLaunchMs`) and the run flags
 * `--warmup-trials` / `--files-launch-timeout`, for `--device appium` and `--device files:<dir>` alike.
 */
import { z } from 'zod';
import { MAX_WARMUP_TRIALS } from '../../core/device-link.js';
import { usageError } from '../../core/errors.js';

/** Trials each launch runs, checks and discards before the measured one, so the measured trial meets a canceller that has adapted. */
export const WarmupTrials = z.int().min(0).max(MAX_WARMUP_TRIALS);
/** Warm-up trials per launch when nothing is said: one is enough for the canceller to have seen the echo path. */
export const DEFAULT_WARMUP_TRIALS = 1;
/** One launch's allowance beyond the trial audio it plays: install, launch, pushes and pulls. */
export const FilesLaunchTimeoutMs = z
  .int()
  .min(1_000)
  .max(6 * 3_600_000);

export const FilesModeSchema = z.strictObject({
  warmupTrials: WarmupTrials.default(DEFAULT_WARMUP_TRIALS),
  /** Absent: the default of where the app runs (filesLaunchTimeoutMs). */
  launchTimeoutMs: FilesLaunchTimeoutMs.optional(),
});
export type FilesModeInput = z.input<typeof FilesModeSchema>;
export type FilesMode = z.infer<typeof FilesModeSchema>;

/** The harness on this host (`--device files:<dir>`): a process start, no network. */
export const LOCAL_FILES_LAUNCH_TIMEOUT_MS = 60_000;

/**
 * The launch allowance by where the phone is: an Appium server next to the phone answers in
 * seconds; a hub or grid relays every push and pull; a cloud adds its own queueing and a
 * slower AFC path, and installs take minutes there.
 */
export function filesLaunchTimeoutMs(farm: string): number {
  switch (farm) {
    case 'local':
      return 120_000;
    case 'appium-device-farm':
    case 'selenium-grid':
      return 300_000;
    default:
      return 600_000;
  }
}

/** The run flags, checked with the schema; a mistake is one line naming the flag. */
export function filesModeFromFlags(flags: { warmupTrials?: string | number; filesLaunchTimeout?: string | number }): Partial<FilesMode> {
  const out: Partial<FilesMode> = {};
  if (flags.warmupTrials !== undefined) {
    const r = WarmupTrials.safeParse(Number(flags.warmupTrials));
    if (!r.success || String(flags.warmupTrials).trim() === '')
      throw usageError('E_OPTION', `--warmup-trials "${flags.warmupTrials}" is not a whole number from 0 to ${MAX_WARMUP_TRIALS}`, {
        hint: 'e.g. --warmup-trials 1 (the default in files mode), or 0 to measure cold starts',
      });
    out.warmupTrials = r.data;
  }
  if (flags.filesLaunchTimeout !== undefined) {
    const seconds = Number(flags.filesLaunchTimeout);
    const r = FilesLaunchTimeoutMs.safeParse(Math.round(seconds * 1000));
    if (!r.success || !Number.isFinite(seconds) || String(flags.filesLaunchTimeout).trim() === '')
      throw usageError('E_OPTION', `--files-launch-timeout "${flags.filesLaunchTimeout}" is not a number of seconds from 1 to 21600`, {
        hint: 'e.g. --files-launch-timeout 900 for a slow device cloud',
      });
    out.launchTimeoutMs = r.data;
  }
  return out;
}

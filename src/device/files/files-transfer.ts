/**
 * The seam between the files link and where the harness app's exchange folder lives
 * (docs/protocol.md § Transport, `files` mode): a folder on this host with the harness run as
 * a process (local-files-transfer.ts), or the app's Documents on a phone reached through
 * Appium (appium-files-transfer.ts). Paths are relative to the exchange folder, checked by
 * `checkRelativePath`; every read is bounded by the caller's byte limit.
 */
import { deviceError } from '../../core/errors.js';

export interface FilesTransfer {
  /** Where the exchange folder is, for messages. */
  readonly describe: string;
  /** Writes a file into the exchange folder (replacing it). */
  put(path: string, data: Uint8Array): Promise<void>;
  /** Removes what an earlier launch left (results.ndjson, results/); missing is fine. */
  clearResults(): Promise<void>;
  /** Starts the harness with these launch arguments (the exchange folder is the transfer's to name: see `folderArgument`). */
  launch(args: string[]): Promise<void>;
  /** The `-voiceaecFilesDir` value the harness is launched with. */
  readonly folderArgument: string;
  /**
   * Waits until the harness has written results.ndjson, at most `timeoutMs`. Rejects with a
   * reason when the harness ended (or was seen not running) without results, or on timeout.
   */
  waitForResults(timeoutMs: number): Promise<void>;
  /** A file of the exchange folder, or null when it does not exist; rejects when it holds more than `maxBytes`. */
  get(path: string, maxBytes: number): Promise<Uint8Array | null>;
  /** Stops the harness if it still runs. */
  stop(): Promise<void>;
  /** Stops the harness and removes the exchange folder. */
  cleanup(): Promise<void>;
  /** After a failed launch: what the transfer can tell (exit code, output tail, app state), or null. */
  diagnose?(): Promise<string | null>;
}

/** The limits of one launch's results (docs/protocol.md § Limits apply to each frame as over a socket). */
export const FILES_LIMITS = {
  /** results.ndjson: every text frame of one launch plus one "@results/NNNNNN.bin" line per binary frame. */
  maxResultsBytes: 64 << 20,
  /** Lines of results.ndjson (frames of one launch). */
  maxResultLines: 200_000,
  /** All binary frames of one launch together. */
  maxResultBinaryBytes: 512 << 20,
  /** Files of a plan (fixture chunks of every loaded fixture). */
  maxPlanFiles: 100_000,
} as const;

/** A path inside the exchange folder: relative, "/"-separated, no "..", no empty or dot segments. */
export function checkRelativePath(path: string): string {
  const ok =
    path.length > 0 &&
    path.length <= 256 &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    path.split('/').every((s) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(s));
  if (!ok || path.split('/').some((s) => s === '..' || s === '.'))
    throw deviceError('E_FILES_PATH', `"${path.slice(0, 80)}" is not a path inside the exchange folder`, {
      hint: 'files-mode paths are relative, without "..", e.g. results/000001.bin',
    });
  return path;
}

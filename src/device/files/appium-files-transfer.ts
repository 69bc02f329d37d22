/**
 * `files` mode through Appium (docs/appium.md § Connection modes): the exchange folder is
 * `<Documents>/<folder>` of the harness app on the phone, reached with the XCUITest driver's
 * container paths `@<bundleId>:documents/<folder>/<path>` (pushFile / pullFile /
 * `mobile: deleteFile|deleteFolder`, which need the app's UIFileSharingEnabled, set in
 * ios-harness-app/project.yml), and each launch is `mobile: terminateApp` + `mobile: launchApp`
 * with the arguments. The app does not exit after its plan, so the results are there when
 * results.ndjson can be pulled; the app seen not running before that is a crash.
 */
import { deviceError, isVoiceAecError } from '../../core/errors.js';
import { RESULTS_FILE, tooLarge } from './files-plan.js';
import { checkRelativePath, FILES_LIMITS, type FilesTransfer } from './files-transfer.js';

/** What the transfer needs of an Appium session (appium-session.ts implements it). */
export interface AppFilesClient {
  pushFile(remotePath: string, base64: string): Promise<void>;
  pullFile(remotePath: string): Promise<string>;
  deleteFile(remotePath: string): Promise<void>;
  deleteFolder(remotePath: string): Promise<void>;
  launchApp(bundleId: string, args: string[]): Promise<void>;
  terminateApp(bundleId: string): Promise<boolean>;
  appState(bundleId: string): Promise<string>;
}

/** Between two looks for results.ndjson. */
const POLL_MS = 1_000;

/** A pull that failed because the file is not there (the XCUITest driver's AFC errors say so in several ways). */
function isMissing(e: unknown): boolean {
  return isVoiceAecError(e) && /not exist|not found|OBJECT_NOT_FOUND|no such file/i.test(e.message);
}

export class AppiumFilesTransfer implements FilesTransfer {
  /** results.ndjson as pulled by the wait, so `get` does not pull it twice. */
  private results: Uint8Array | null = null;
  /** Bumped by stop(): a wait still polling for a stopped launch gives up. */
  private generation = 0;

  constructor(
    private readonly client: AppFilesClient,
    private readonly bundleId: string,
    /** The folder inside the app's Documents. */
    private readonly folder: string,
    private readonly pollMs: number = POLL_MS,
  ) {
    checkRelativePath(folder);
  }

  get describe(): string {
    return `${this.bundleId} Documents/${this.folder}`;
  }

  /** Relative: the app resolves it inside its Documents (AppModel.swift). */
  get folderArgument(): string {
    return this.folder;
  }

  /** The XCUITest driver's path of a file in the app's Documents. */
  remotePath(path: string): string {
    return `@${this.bundleId}:documents/${this.folder}/${checkRelativePath(path)}`;
  }

  async put(path: string, data: Uint8Array): Promise<void> {
    await this.client.pushFile(this.remotePath(path), Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'));
  }

  async clearResults(): Promise<void> {
    this.results = null;
    // Missing after a first launch or a cleanup; stale results could not answer this launch's request ids anyway.
    await this.client.deleteFile(this.remotePath(RESULTS_FILE)).catch(() => undefined);
    await this.client.deleteFolder(this.remotePath('results')).catch(() => undefined);
  }

  async launch(args: string[]): Promise<void> {
    // Launch arguments only apply to an app that is not running.
    await this.client.terminateApp(this.bundleId);
    await this.client.launchApp(this.bundleId, args);
  }

  async waitForResults(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const generation = this.generation;
    // A pull that fails for another reason than a missing file may be passing (a busy AFC service); it is reported if the wait ends.
    const seen: { error: string | null } = { error: null };
    for (;;) {
      if (generation !== this.generation)
        throw deviceError('E_FILES_STOPPED', `the launch of ${this.bundleId} was stopped before its results`, { hint: 'the link was closed' });
      const got = await this.pull(RESULTS_FILE, FILES_LIMITS.maxResultsBytes).catch((e: unknown) => {
        if (!isVoiceAecError(e) || e.code === 'E_FILES_TOO_LARGE') throw e;
        seen.error = e.message;
        return null;
      });
      if (got) {
        this.results = got;
        return;
      }
      const state = await this.client.appState(this.bundleId).catch(() => 'unknown');
      // Checked after the pull: an app that wrote its results and was then stopped is done, not crashed.
      if (state === 'not running') {
        const late = await this.pull(RESULTS_FILE, FILES_LIMITS.maxResultsBytes);
        if (late) {
          this.results = late;
          return;
        }
        throw deviceError('E_FILES_NO_RESULTS', `${this.bundleId} stopped without writing ${RESULTS_FILE}`, {
          hint: 'the app crashed or refused its plan; see the device log (diagnose) and docs/ios-app.md',
        });
      }
      if (Date.now() >= deadline)
        throw deviceError(
          'E_FILES_TIMEOUT',
          `${this.bundleId} left no ${RESULTS_FILE} within ${timeoutMs / 1000} s of its launch${seen.error ? ` (last pull: ${seen.error})` : ''}`,
          {
            hint: 'the app hangs, or the farm is slower than the launch timeout (--files-launch-timeout, timeouts.filesLaunchMs)',
          },
        );
      await new Promise((r) => setTimeout(r, Math.min(this.pollMs, Math.max(0, deadline - Date.now()))));
    }
  }

  async get(path: string, maxBytes: number): Promise<Uint8Array | null> {
    if (path === RESULTS_FILE && this.results)
      return this.results.length > maxBytes ? Promise.reject(tooLarge(path, this.results.length, maxBytes)) : this.results;
    return this.pull(path, maxBytes);
  }

  async stop(): Promise<void> {
    this.generation++;
    await this.client.terminateApp(this.bundleId);
  }

  async cleanup(): Promise<void> {
    this.generation++;
    await this.client.terminateApp(this.bundleId).catch(() => false);
    await this.client.deleteFolder(`@${this.bundleId}:documents/${this.folder}`).catch(() => undefined);
  }

  private async pull(path: string, maxBytes: number): Promise<Uint8Array | null> {
    let b64: string;
    try {
      b64 = await this.client.pullFile(this.remotePath(path));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    // The size is known from the base64 length before decoding anything.
    const size = Math.floor((b64.length * 3) / 4) - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
    if (size > maxBytes) throw tooLarge(path, size, maxBytes);
    return Buffer.from(b64, 'base64');
  }
}

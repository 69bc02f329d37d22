/**
 * `--device files:<dir>`: the harness on this host in `files` mode (docs/protocol.md §
 * Transport), the exchange folder `dir` and the harness command from --harness or
 * $VOICEAEC_HARNESS. Each connect is a new link with a fresh token and empty app state, as a
 * relaunched app is. What a phone in a device cloud does through Appium, on a desk.
 */
import { randomBytes } from 'node:crypto';
import type { DeviceLinkInfo } from '../../core/device-link.js';
import type { DeviceDriver, DeviceLink } from '../device-driver.js';
import { openFilesLink, type FilesSocket } from './files-link.js';
import { DEFAULT_WARMUP_TRIALS, LOCAL_FILES_LAUNCH_TIMEOUT_MS } from './files-options.js';
import type { FilesTransfer } from './files-transfer.js';

export class FilesDriver implements DeviceDriver {
  readonly kind = 'device' as const;
  readonly deviceId = null;
  private socket: FilesSocket | null = null;

  constructor(
    private readonly transfer: FilesTransfer,
    private readonly opts: { launchTimeoutMs?: number | undefined; warmupTrials?: number | undefined; onLaunch?: (line: string) => void } = {},
  ) {}

  get link(): DeviceLinkInfo {
    return { connection: 'files', warmupTrials: this.opts.warmupTrials ?? DEFAULT_WARMUP_TRIALS };
  }

  /** Warm-up trials run (and discarded) on the current link. */
  get warmups(): number {
    return this.socket?.warmupCount ?? 0;
  }

  get describe(): string {
    return `harness in files mode at ${this.transfer.describe}`;
  }

  /** Launches of the harness so far on the current link. */
  get launches(): number {
    return this.socket?.launchCount ?? 0;
  }

  async connect(): Promise<DeviceLink> {
    // The previous link's harness is stopped before the next one uses the folder.
    await this.socket?.stopped;
    const link = await openFilesLink({
      transfer: this.transfer,
      token: randomBytes(24).toString('hex'),
      launchTimeoutMs: this.opts.launchTimeoutMs ?? LOCAL_FILES_LAUNCH_TIMEOUT_MS,
      warmupTrials: this.link.warmupTrials,
      ...(this.opts.onLaunch ? { onLaunch: this.opts.onLaunch } : {}),
    });
    this.socket = link.socket;
    return { peer: link.peer, ready: link.ready, ...(link.replyTimeoutMs ? { replyTimeoutMs: link.replyTimeoutMs } : {}) };
  }

  async diagnose(): Promise<string | null> {
    return (await this.transfer.diagnose?.()) ?? null;
  }

  async close(): Promise<void> {
    await this.socket?.stopped;
    await this.transfer.cleanup();
  }
}

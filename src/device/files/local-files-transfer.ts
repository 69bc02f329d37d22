/**
 * `files` mode on this host: the exchange folder is a directory here and the harness is a
 * process started with the launch arguments (voiceaec-harness from HarnessKit, docs/harnesskit.md).
 * The process exits when its plan has run, so "results are there" is "it exited and left
 * results.ndjson"; exiting without them is a failed launch with its exit code and output tail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { deviceError, usageError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { PLAN_FILE, RESULTS_FILE, tooLarge } from './files-plan.js';
import { checkRelativePath, type FilesTransfer } from './files-transfer.js';

/** Output of the harness kept for a diagnosis. */
const OUTPUT_TAIL_BYTES = 4096;

/**
 * The harness command from `--harness` or $VOICEAEC_HARNESS: words separated by spaces (no
 * shell), or a JSON array of strings for words that hold spaces.
 */
export function parseHarnessCommand(value: string | undefined): string[] {
  const hint =
    'set --harness or VOICEAEC_HARNESS to the voiceaec-harness command, e.g. "ios-harness-app/HarnessKit/.build/debug/voiceaec-harness" (docs/harnesskit.md)';
  if (!value?.trim()) throw usageError('E_HARNESS_COMMAND', 'files mode on this host needs the harness command', { hint });
  let words: unknown = value.trim().split(/\s+/);
  if (value.trim().startsWith('[')) {
    try {
      words = JSON.parse(value);
    } catch {
      throw usageError('E_HARNESS_COMMAND', 'the harness command starts with "[" but is not a JSON array', { hint });
    }
  }
  if (!Array.isArray(words) || words.length === 0 || words.length > 64 || !words.every((w) => typeof w === 'string' && w.length > 0 && w.length <= 4096))
    throw usageError('E_HARNESS_COMMAND', 'the harness command is not a list of 1–64 words', { hint });
  return words as string[];
}

export class LocalFilesTransfer implements FilesTransfer {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private output = '';
  private lastExit: string | null = null;

  constructor(
    /** The exchange folder, absolute. */
    readonly dir: string,
    private readonly command: readonly string[],
  ) {}

  get describe(): string {
    return `${this.dir} (harness: ${this.command[0]})`;
  }

  get folderArgument(): string {
    return this.dir;
  }

  async put(path: string, data: Uint8Array): Promise<void> {
    const file = join(this.dir, checkRelativePath(path));
    await mkdir(dirname(file), { recursive: true });
    await writeFileAtomic(file, data);
  }

  async clearResults(): Promise<void> {
    await rm(join(this.dir, RESULTS_FILE), { force: true });
    await rm(join(this.dir, 'results'), { recursive: true, force: true });
  }

  async launch(args: string[]): Promise<void> {
    await this.stop();
    this.output = '';
    this.lastExit = null;
    const [cmd, ...pre] = this.command;
    const child = spawn(cmd!, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-OUTPUT_TAIL_BYTES));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('error', (e) => {
        this.lastExit = `could not start (${e.message})`;
        resolve(null);
      });
      child.once('close', (code, signal) => {
        this.lastExit ??= code !== null ? `exit code ${code}` : `signal ${signal}`;
        resolve(code);
      });
    });
  }

  async waitForResults(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const r = await Promise.race([this.exited.then(() => 'exited' as const), timeout]).finally(() => clearTimeout(timer));
    if (r === 'timeout') {
      await this.stop();
      throw deviceError('E_FILES_TIMEOUT', `the harness did not finish its plan within ${timeoutMs / 1000} s`, {
        hint: 'it hangs or the trial is longer than the launch timeout; see its output',
      });
    }
    const results = await lstat(join(this.dir, RESULTS_FILE)).catch(() => null);
    if (!results)
      throw deviceError('E_FILES_NO_RESULTS', `the harness ended (${this.lastExit}) without ${RESULTS_FILE}: ${this.tail()}`, {
        hint: `it refused its arguments or the plan in ${join(this.dir, PLAN_FILE)}; docs/harnesskit.md lists its exit codes`,
      });
  }

  async get(path: string, maxBytes: number): Promise<Uint8Array | null> {
    const file = join(this.dir, checkRelativePath(path));
    // A folder on the way that is a link (results → /somewhere) would lead outside the exchange folder.
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = await lstat(join(this.dir, ...parts.slice(0, i))).catch(() => null);
      if (!folder) return null;
      if (!folder.isDirectory())
        throw deviceError('E_FILES_PATH', `${parts.slice(0, i).join('/')} is not a plain folder`, {
          hint: 'the exchange folder holds only files the harness wrote',
        });
    }
    const st = await lstat(file).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
    if (!st) return null;
    // A link could point anywhere; the harness writes plain files.
    if (!st.isFile()) throw deviceError('E_FILES_PATH', `${path} is not a plain file`, { hint: 'the exchange folder holds only files the harness wrote' });
    if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes);
    const data = await readFile(file);
    if (data.length > maxBytes) throw tooLarge(path, data.length, maxBytes);
    return data;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await this.exited;
    }
  }

  async cleanup(): Promise<void> {
    await this.stop();
    // Only what files mode writes: the folder itself may be the user's.
    for (const p of [PLAN_FILE, 'plan', RESULTS_FILE, 'results']) await rm(join(this.dir, p), { recursive: true, force: true });
  }

  diagnose(): Promise<string | null> {
    return Promise.resolve(this.lastExit ? `harness ${this.lastExit}; output: ${this.tail()}` : null);
  }

  private tail(): string {
    return this.output.trim().split('\n').slice(-5).join(' | ').slice(-800) || '(no output)';
  }
}

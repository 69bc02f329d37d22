/**
 * Atomic file writes: reports and WAVs are written to a temp file in the target's directory,
 * fsynced and renamed over the target, so a reader (or a crash) never sees a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, realpath, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { environmentError, usageError, VoiceAecError } from '../core/errors.js';

/**
 * The file a write lands in: a symlink is written through to the file it points at (the
 * link stays a link); anything that is not a regular file (a device node, a FIFO, a
 * directory) is refused rather than replaced by a regular file.
 */
async function writableTarget(path: string): Promise<string> {
  const abs = resolve(path);
  const link = await lstat(abs).catch(() => null);
  if (!link) return abs;
  const real = link.isSymbolicLink() ? await realpath(abs).catch(() => null) : abs;
  if (real === null) return abs; // a dangling link: rename replaces the link itself
  const st = await stat(real);
  if (!st.isFile()) {
    throw usageError(
      'E_FILE_NOT_REGULAR',
      `${path} is not a regular file (${st.isDirectory() ? 'a directory' : 'a device, FIFO or socket'}); refusing to replace it`,
      {
        hint: 'give the path of a regular file to write, or of one that does not exist yet',
        details: { file: path },
      },
    );
  }
  return real;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const target = await writableTarget(path);
  const dir = dirname(target);
  // Same directory as the target: rename(2) is only atomic within one filesystem.
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fh: FileHandle | undefined;
  try {
    await mkdir(dir, { recursive: true });
    fh = await open(tmp, 'wx');
    await fh.writeFile(data);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await keepMode(target, tmp);
    await rename(tmp, target);
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(e, path);
  }
  await syncDir(dir);
}

/** Write `value` as 2-space JSON with a trailing newline. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (e) {
    throw new VoiceAecError('E_JSON_ENCODE', 'internal', `cannot serialise JSON for ${path}: ${String(e)}`, { cause: e });
  }
  if (text === undefined) {
    throw new VoiceAecError('E_JSON_ENCODE', 'internal', `cannot serialise JSON for ${path}: value is not JSON`);
  }
  await writeFileAtomic(path, `${text}\n`);
}

/** Overwriting should not silently change the file's permissions. Best effort. */
async function keepMode(target: string, tmp: string): Promise<void> {
  const st = await stat(target).catch(() => undefined);
  if (st?.isFile()) await chmod(tmp, st.mode & 0o7777).catch(() => undefined);
}

/** Make the rename itself durable. Best effort: not every platform can fsync a directory. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // ignored: the data is already synced, only the directory entry may lag
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** A bad path is the user's to fix (exit 2); a full disk or missing permission is the environment (exit 3). */
function writeError(e: unknown, path: string): VoiceAecError {
  if (e instanceof VoiceAecError) return e;
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = e instanceof Error ? e.message : String(e);
  const details = { file: path, errno };
  if (errno === 'EISDIR' || errno === 'ENOTDIR' || errno === 'EEXIST' || errno === 'ENAMETOOLONG' || errno === 'EINVAL') {
    return usageError('E_FILE_WRITE', `${path}: cannot write here (${why})`, {
      hint: 'choose an output path that is a file inside a directory',
      details,
      cause: e,
    });
  }
  return environmentError('E_FILE_WRITE', `${path}: cannot be written (${why})`, {
    hint: 'check free disk space and write permission for the output directory',
    details,
    cause: e,
  });
}

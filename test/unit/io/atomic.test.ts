import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VoiceAecError } from '../../../src/core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../../../src/io/atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'voiceaec-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tmpLeft = async (d: string) => (await readdir(d)).filter((f) => f.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('writes, overwrites and leaves no temp files', async () => {
    const path = join(dir, 'report.txt');
    await writeFileAtomic(path, 'first');
    expect(await readFile(path, 'utf8')).toBe('first');
    await writeFileAtomic(path, Uint8Array.from([1, 2, 3]));
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    expect(await readdir(dir)).toEqual(['report.txt']);
  });

  it('a reader sees the old or the new content, never a partial file', async () => {
    const path = join(dir, 'big.bin');
    const size = 8 * 1024 * 1024;
    await writeFile(path, new Uint8Array(size).fill(0x41));
    let done = false;
    const writing = writeFileAtomic(path, new Uint8Array(size).fill(0x42)).finally(() => {
      done = true;
    });
    const seen = new Set<string>();
    do {
      const b = await readFile(path);
      expect(b.length).toBe(size);
      expect(b[0] === b[size - 1]).toBe(true); // all one byte value: never a mix of old and new
      seen.add(String.fromCharCode(b[0]!));
    } while (!done);
    await writing;
    expect(await readFile(path, 'latin1')).toBe('B'.repeat(size));
    expect(seen.has('A') || seen.has('B')).toBe(true);
    expect(await tmpLeft(dir)).toEqual([]);
  });

  it('creates missing parent directories', async () => {
    const path = join(dir, 'a', 'b', 'c', 'out.json');
    await writeFileAtomic(path, 'x');
    expect(await readFile(path, 'utf8')).toBe('x');
  });

  it('fails cleanly when the target is a directory', async () => {
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'k');
    const err = await writeFileAtomic(target, 'data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VoiceAecError);
    expect((err as VoiceAecError).code).toBe('E_FILE_NOT_REGULAR');
    expect((err as VoiceAecError).message).toContain(target);
    expect((err as VoiceAecError).category).toBe('usage');
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readdir(target)).toEqual(['keep']);
    expect(await tmpLeft(dir)).toEqual([]);
  });

  it('refuses a device node or a FIFO instead of replacing it with a regular file', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(writeFileAtomic(fifo, 'data')).rejects.toMatchObject({
      code: 'E_FILE_NOT_REGULAR',
      message: expect.stringContaining('a device, FIFO or socket'),
    });
    expect((await lstat(fifo)).isFIFO()).toBe(true);
    await expect(writeFileAtomic('/dev/null', 'data')).rejects.toMatchObject({ code: 'E_FILE_NOT_REGULAR' });
    expect((await lstat('/dev/null')).isCharacterDevice()).toBe(true);
    expect(await tmpLeft(dir)).toEqual([]);
  });

  it('writes through a symlink to its file, and the link stays a link', async () => {
    await writeFile(join(dir, 'real.json'), 'old');
    await symlink('real.json', join(dir, 'link.json'));
    await writeFileAtomic(join(dir, 'link.json'), 'new');
    expect((await lstat(join(dir, 'link.json'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(dir, 'real.json'), 'utf8')).toBe('new');
    expect(await tmpLeft(dir)).toEqual([]);
  });

  it('fails cleanly when a parent is a file', async () => {
    await writeFile(join(dir, 'file'), 'f');
    const err = await writeFileAtomic(join(dir, 'file', 'out.txt'), 'data').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VoiceAecError);
    expect((err as VoiceAecError).code).toBe('E_FILE_WRITE');
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('concurrent writers to one target: one wins whole, no temp files left', async () => {
    const path = join(dir, 'race.txt');
    const values = Array.from({ length: 20 }, (_, i) => `writer-${i}-`.repeat(1000));
    await Promise.all(values.map((v) => writeFileAtomic(path, v)));
    expect(values).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['race.txt']);
  });

  it.skipIf(process.platform === 'win32')('keeps the permissions of the file it replaces', async () => {
    const path = join(dir, 'script.sh');
    await writeFile(path, 'old');
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'new');
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });
});

describe('writeJsonAtomic', () => {
  it('writes 2-space JSON with a trailing newline', async () => {
    const path = join(dir, 'out', 'r.json');
    await writeJsonAtomic(path, { a: 1, b: [true, null] });
    expect(await readFile(path, 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}\n');
  });

  it('rejects values JSON cannot represent, writing nothing', async () => {
    const path = join(dir, 'bad.json');
    await expect(writeJsonAtomic(path, undefined)).rejects.toMatchObject({ code: 'E_JSON_ENCODE' });
    await expect(writeJsonAtomic(path, { n: 1n })).rejects.toBeInstanceOf(VoiceAecError);
    expect(await readdir(dir)).toEqual([]);
  });
});

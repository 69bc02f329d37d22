/**
 * Reading and writing a run directory's manifest, the run's journal: validated on read,
 * written atomically, so a killed run leaves either the old or the new manifest.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError, isVoiceAecError, VoiceAecError } from '../core/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { manifestPath, MANIFEST_FILE } from './layout.js';
import { RunManifestSchema, type RunManifest } from './manifest-schema.js';

export function hasManifest(runDir: string): boolean {
  return existsSync(manifestPath(runDir));
}

/**
 * Proves the run directory can be written (creating it if needed) by writing and removing a
 * probe file the way the manifest is written: a read-only or full --out fails here, in a
 * second, before a phone is launched or a peer is waited for.
 */
export async function checkRunDirWritable(runDir: string): Promise<void> {
  const probe = join(runDir, '.voiceaec-write-check');
  try {
    await writeFileAtomic(probe, '');
  } catch (e) {
    if (!isVoiceAecError(e)) throw e;
    const why = e.cause instanceof Error ? e.cause.message : e.message;
    throw new VoiceAecError(e.code, e.category, `${runDir}: the run directory cannot be written (${why})`, {
      hint: 'choose another --out, or fix that directory (permissions, free space)',
      details: e.details,
      cause: e,
    });
  }
  await rm(probe, { force: true });
}

export async function readManifest(runDir: string): Promise<RunManifest> {
  const path = manifestPath(runDir);
  if (!existsSync(path)) throw inputError('E_RUNDIR_MANIFEST', `${runDir} has no ${MANIFEST_FILE}`, { hint: 'give a run directory written by voiceaec run' });
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw inputError('E_RUNDIR_MANIFEST', `${path} is not valid JSON (${(e as Error).message})`, { hint: 'the file is damaged; start a new run' });
  }
  const r = RunManifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw inputError('E_RUNDIR_MANIFEST', `${path}: ${issue.path.join('.')}: ${issue.message}`, {
      hint: 'the manifest was written by another voiceaec version or edited by hand',
    });
  }
  return r.data;
}

/** A directory given on the command line: it exists, is a directory and holds a valid manifest; else one E_RUNDIR_* error. */
export async function openRunDir(dir: string): Promise<RunManifest> {
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    throw inputError('E_RUNDIR_NOT_FOUND', `${dir}: no such run directory`, {
      hint: 'give the directory `voiceaec run` wrote (reports/<time>-<scenario>)',
      cause: st,
    });
  }
  if (!st.isDirectory())
    throw inputError('E_RUNDIR_NOT_DIR', `${dir} is a file, not a run directory`, { hint: `give the directory that holds ${MANIFEST_FILE}, not a file in it` });
  return readManifest(dir);
}

export function writeManifest(runDir: string, manifest: RunManifest): Promise<void> {
  return writeJsonAtomic(manifestPath(runDir), manifest);
}

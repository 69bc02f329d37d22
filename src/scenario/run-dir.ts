/**
 * The run directory of DESIGN §4: where it goes, how trial folders are named, and the
 * manifest journal (validated on read, written atomically).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inputError } from '../core/errors.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { RunManifestSchema, type RunManifest } from './run-manifest.js';

/** reports/<UTC timestamp>-<scenario>, with the timestamp safe in file names. */
export function defaultRunDir(reportsDir: string, scenario: string, now: Date = new Date()): string {
  return join(reportsDir, `${now.toISOString().replace(/[:.]/g, '-')}-${scenario}`);
}

export function trialDirName(index: number): string {
  return index === 0 ? 'calibration' : `trial-${String(index).padStart(3, '0')}`;
}

export async function readManifest(runDir: string): Promise<RunManifest> {
  const path = join(runDir, 'manifest.json');
  if (!existsSync(path)) throw inputError('E_RUNDIR_MANIFEST', `${runDir} has no manifest.json`, { hint: 'give a run directory written by voiceaec run' });
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw inputError('E_RUNDIR_MANIFEST', `${path} is not valid JSON (${(e as Error).message})`, { hint: 'the file is damaged; start a new run' });
  }
  const r = RunManifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw inputError('E_RUNDIR_MANIFEST', `${path}: ${issue.path.join('.')}: ${issue.message}`, { hint: 'the manifest was written by another voiceaec version or edited by hand' });
  }
  return r.data;
}

export function writeManifest(runDir: string, manifest: RunManifest): Promise<void> {
  return writeJsonAtomic(join(runDir, 'manifest.json'), manifest);
}

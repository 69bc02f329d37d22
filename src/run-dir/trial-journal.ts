/**
 * What a finished trial left on disk, recorded in the manifest so that a resume can tell a
 * trial whose files are intact from one whose files are gone, truncated or another run's.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TRIAL_AUDIO, TRIAL_FILES } from './layout.js';
import type { TrialRecord } from './manifest-schema.js';

/** The name pattern of writeFileAtomic's temp files: `.<target>.<pid>.<hex>.tmp`. */
const TEMP_FILE = /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/;

/** Files a finished trial must have whatever the journal says: the pair and its analysis. */
function requiredFiles(t: TrialRecord): string[] {
  return t.calibration
    ? [TRIAL_AUDIO.play, TRIAL_AUDIO.mic, TRIAL_FILES.events, TRIAL_FILES.calibration]
    : [TRIAL_AUDIO.play, TRIAL_AUDIO.mic, TRIAL_FILES.events, TRIAL_FILES.metrics, TRIAL_FILES.analysisRequest];
}

/** Sizes in bytes of the files in a trial's folder (temp files left out), by name. */
export async function trialFileSizes(runDir: string, trialDir: string): Promise<Record<string, number>> {
  const dir = join(runDir, trialDir);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !TEMP_FILE.test(n)).sort();
  const out: Record<string, number> = {};
  for (const n of names) {
    const st = await stat(join(dir, n)).catch(() => null);
    if (st?.isFile()) out[n] = st.size;
  }
  return out;
}

/**
 * Why a trial journalled `ok` cannot be trusted on resume, or null when its files are as
 * journalled. A failed trial has nothing to check: it is kept as failed.
 */
export async function trialFileProblem(runDir: string, t: TrialRecord): Promise<string | null> {
  if (t.status !== 'ok') return null;
  const now = await trialFileSizes(runDir, t.dir);
  const missing = requiredFiles(t).filter((f) => !(f in now));
  if (missing.length > 0) return `${missing.join(', ')} missing`;
  if (t.files) {
    for (const [name, size] of Object.entries(t.files)) {
      if (!(name in now)) return `${name} missing`;
      if (now[name] !== size) return `${name} is ${now[name]} bytes, the journal says ${size}`;
    }
  }
  return null;
}

/** Removes the temp files of writes a kill interrupted, anywhere in the run directory; returns how many. */
export async function removeTempFiles(runDir: string): Promise<number> {
  let n = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && TEMP_FILE.test(e.name)) {
        await rm(p, { force: true });
        n++;
      }
    }
  };
  await walk(runDir);
  return n;
}

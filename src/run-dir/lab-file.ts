/**
 * A lab run: the same scenario on several devices at once, in one directory. Each device's
 * run is an ordinary run directory under `devices/<id>/`; `lab.json` lists them, and the
 * lab directory holds the combined reports (one group per device).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { inputError } from '../core/errors.js';
import { writeJsonAtomic } from '../io/atomic.js';

export const LAB_SCHEMA = 'voiceaec.lab/1';
const LAB_FILE = 'lab.json';

export const LabManifestSchema = z
  .object({
    schema: z.literal(LAB_SCHEMA),
    scenario: z.string(),
    devices: z
      .array(
        z
          .object({
            /** The device's run id: its folder's name, safe in paths. */
            id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
            /** How it was reached (a `--device` value without credentials). */
            target: z.string(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type LabManifest = z.infer<typeof LabManifestSchema>;

export const labDevicePath = (labDir: string, id: string) => join(labDir, 'devices', id);
export const isLabDir = (dir: string) => existsSync(join(dir, LAB_FILE));

export function writeLabManifest(labDir: string, lab: LabManifest): Promise<void> {
  return writeJsonAtomic(join(labDir, LAB_FILE), lab);
}

export async function readLabManifest(labDir: string): Promise<LabManifest> {
  const path = join(labDir, LAB_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw inputError('E_LAB_MANIFEST', `${path} is missing or not JSON (${(e as Error).message.slice(0, 120)})`, {
      hint: 'give a lab directory written by voiceaec run with several devices',
    });
  }
  const r = LabManifestSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw inputError('E_LAB_MANIFEST', `${path}: ${issue.path.join('.')}: ${issue.message}`, {
      hint: 'the file was edited by hand or written by another version',
    });
  }
  return r.data;
}

/** A folder name for a device target: its UDID, profile or port, kept safe and unique. */
export function labDeviceIds(targets: readonly string[]): string[] {
  const used = new Map<string, number>();
  return targets.map((t) => {
    const base = (
      t
        .replace(/^[a-z]+:\/\//i, '')
        .replace(/[^A-Za-z0-9._-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'device'
    ).slice(0, 56);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

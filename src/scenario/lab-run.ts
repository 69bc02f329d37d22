/**
 * One scenario on several devices at once (a device lab): a runner per device, all in
 * parallel, each writing an ordinary run directory under the lab directory. Every device
 * runs the whole matrix, so the report compares devices cell by cell; a device that fails
 * does not stop the others. Sharding one matrix across devices is not offered: cells
 * measured on different phones would not be comparable.
 */
import type { ResolvedDevice } from '../device/resolve-device.js';
import { hasManifest } from '../run-dir/manifest-file.js';
import type { RunManifest } from '../run-dir/manifest-schema.js';
import { labDeviceIds, labDevicePath, readLabManifest, writeLabManifest } from '../run-dir/lab-file.js';
import { ScenarioRunner, type RunOptions, type RunProgress } from './runner.js';

export interface LabDevice extends ResolvedDevice {
  /** The device's run id and folder name under devices/. */
  id: string;
}

export interface LabOutcome {
  id: string;
  dir: string;
  manifest: RunManifest | null;
  /** Why this device's run stopped early, if it did. */
  error: unknown;
}

export type LabRunOptions = Omit<RunOptions, 'driver' | 'runDir' | 'deviceTarget' | 'onProgress' | 'resume'> & {
  labDir: string;
  onProgress?: (deviceId: string, p: RunProgress) => void;
};

/** Device ids for the targets of a new lab run, or those recorded by a lab being resumed. */
export async function labIds(labDir: string, targets: readonly string[], resume: boolean): Promise<string[]> {
  if (!resume) return labDeviceIds(targets);
  const lab = await readLabManifest(labDir);
  return lab.devices.map((d) => d.id);
}

export async function runLab(devices: readonly LabDevice[], o: LabRunOptions): Promise<LabOutcome[]> {
  await writeLabManifest(o.labDir, { schema: 'voiceaec.lab/1', scenario: o.scenario.name, devices: devices.map((d) => ({ id: d.id, target: d.target })) });
  return Promise.all(
    devices.map(async (d): Promise<LabOutcome> => {
      const dir = labDevicePath(o.labDir, d.id);
      try {
        const { labDir: _labDir, onProgress, ...shared } = o;
        const runner = await ScenarioRunner.create({
          ...shared,
          driver: d.driver,
          runDir: dir,
          deviceTarget: d.target,
          resume: hasManifest(dir),
          ...(onProgress ? { onProgress: (p: RunProgress) => onProgress(d.id, p) } : {}),
        });
        return { id: d.id, dir, manifest: await runner.run(), error: null };
      } catch (error) {
        return { id: d.id, dir, manifest: null, error };
      } finally {
        await d.driver.close();
      }
    }),
  );
}

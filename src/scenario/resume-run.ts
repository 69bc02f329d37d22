/**
 * Taking a run directory up again: the scenario and the device must be the ones recorded,
 * every trial journalled `ok` must still have its files as journalled (otherwise it runs
 * again), temp files of a killed write go, and a finished run can be topped up with more
 * trials per cell (`--resume DIR --repeat N`).
 */
import { deviceClassOf } from '../core/device-class.js';
import { linkLabel } from '../core/device-link.js';
import { inputError } from '../core/errors.js';
import { maxRepetitions, repetitionsLabel, type Scenario } from '../config/scenario.js';
import { trialDirOf } from '../run-dir/layout.js';
import type { RunManifest } from '../run-dir/manifest-schema.js';
import { removeTempFiles, trialFileProblem } from '../run-dir/trial-journal.js';

export interface ResumeContext {
  runDir: string;
  /** The scenario as given now: the recorded one, possibly with more repetitions. */
  scenario: Scenario;
  /** The device that came up now, as the manifest would record it. */
  device: RunManifest['device'];
  allowDeviceChange: boolean;
  warn: (message: string) => void;
}

/** How the device a run continues on differs from the one it started on, in words. */
export function deviceChanges(started: RunManifest['device'], now: RunManifest['device']): string[] {
  const out: string[] = [];
  if (started.kind !== now.kind) out.push(`kind ${started.kind} → ${now.kind}`);
  if (deviceClassOf(started) !== deviceClassOf(now)) out.push(`class ${deviceClassOf(started)} → ${deviceClassOf(now)}`);
  for (const k of ['model', 'name', 'osVersion'] as const) if (started[k] !== now[k]) out.push(`${k} ${started[k]} → ${now[k]}`);
  if ((started.id ?? null) !== null && (now.id ?? null) !== null && started.id !== now.id) out.push(`id ${started.id} → ${now.id}`);
  // Cold (files, no warm-up) and warm trials do not mix in one run.
  const files = (l: NonNullable<typeof started.link>) => (l.connection === 'files' ? `files/${l.warmupTrials}` : 'connected');
  if (started.link && now.link && files(started.link) !== files(now.link)) out.push(`link ${linkLabel(started.link)} → ${linkLabel(now.link)}`);
  return out;
}

/** The scenario without its repetition count: what must not change when a run is topped up. */
const fixedPart = (s: Scenario) => JSON.stringify({ ...s, trials: { ...s.trials, repetitions: null } });

/** Checks and repairs `m` in place for a resume; throws a one-line usage error where it must refuse. */
export async function prepareResume(m: RunManifest, ctx: ResumeContext): Promise<void> {
  const recorded = m.scenario.resolved as Scenario;
  if (fixedPart(recorded) !== fixedPart(ctx.scenario)) {
    throw inputError('E_RESUME_MISMATCH', `${ctx.runDir} was started with a different scenario or seed`, {
      hint: 'resume with the same scenario file and options, or start a new run',
    });
  }
  const sequential = typeof recorded.trials.repetitions !== 'number';
  if (sequential !== (typeof ctx.scenario.trials.repetitions !== 'number')) {
    // Switching after trials were seen is optional stopping the bounds would not account for.
    throw inputError(
      'E_RESUME_REPEAT',
      `${ctx.runDir} runs ${repetitionsLabel(recorded.trials.repetitions)} trials per cell; --repeat ${repetitionsLabel(ctx.scenario.trials.repetitions)} would change it between fixed and sequential`,
      { hint: sequential ? 'give --repeat as min:max with a larger max' : 'give --repeat as a larger count' },
    );
  }
  const before = maxRepetitions(recorded.trials.repetitions);
  const after = maxRepetitions(ctx.scenario.trials.repetitions);
  if (after < before) {
    throw inputError(
      'E_RESUME_REPEAT',
      `${ctx.runDir} already plans ${before} trials per cell; --repeat ${repetitionsLabel(ctx.scenario.trials.repetitions)} would drop some`,
      {
        hint: `give --repeat above ${before} to add trials, or leave it out to finish the run as planned`,
      },
    );
  }

  const changed = deviceChanges(m.device, ctx.device);
  if (changed.length > 0) {
    if (!ctx.allowDeviceChange) {
      throw inputError('E_RESUME_DEVICE', `${ctx.runDir} was started on another device (${changed.join('; ')})`, {
        hint: 'resume on the device the run started on, or pass --allow-device-change to mix devices in one run',
      });
    }
    ctx.warn(`continuing on another device than the run started on: ${changed.join('; ')}`);
  }

  const removed = await removeTempFiles(ctx.runDir);
  if (removed > 0) ctx.warn(`removed ${removed} temp file${removed === 1 ? '' : 's'} of writes the interruption cut short`);

  for (const cell of m.cells) {
    for (const t of cell.trials) {
      const problem = await trialFileProblem(ctx.runDir, t);
      if (problem === null) continue;
      ctx.warn(`${cell.id} trial ${t.index}: ${problem}; running it again`);
      Object.assign(t, { status: 'pending', reason: null });
      delete t.files;
    }
    if (sequential && after > before && (cell.stop?.reason === 'max-reached' || cell.stop?.reason === 'settled')) {
      // A larger maximum reopens a cell that stopped for lack of trials; the runner decides again.
      delete cell.stop;
      if (cell.status === 'done') cell.status = 'running';
    }
    if (!sequential && after > before && cell.status !== 'unsupported' && cell.status !== 'abandoned') {
      for (let index = before + 1; index <= after; index++) {
        cell.trials.push({
          index,
          calibration: false,
          dir: trialDirOf(cell.id, index),
          fixtureId: '',
          pattern: cell.trials.find((t) => !t.calibration)?.pattern ?? String(cell.settings.pattern ?? 'single'),
          status: 'pending',
          reason: null,
          attempts: 0,
        });
      }
    }
    if (cell.status === 'done' && cell.trials.some((t) => t.status === 'pending')) cell.status = 'running';
  }
  if (after > before) {
    m.scenario.resolved = ctx.scenario;
    ctx.warn(`topping up to ${sequential ? 'at most ' : ''}${after} trials per cell (was ${before})`);
  }
  m.status = 'running';
  m.endedAt = null;
}

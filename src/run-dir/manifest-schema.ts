/**
 * The manifest of a run directory (docs/run-directory.md): what was asked, what the device
 * said, and the status of every trial. Rewritten atomically after each trial, it is also
 * the resume journal: a resumed run redoes only trials that are not `ok` or `failed`.
 */
import { z } from 'zod';
import { DEVICE_CONNECTIONS } from '../core/device-link.js';
import { AcceptanceSchema } from '../config/acceptance.js';
import { AnalysisOptionsSchema } from '../config/analysis-options.js';
import { STOP_REASONS } from '../analysis/sequential-trials.js';
import { DeviceClass, DeviceConfig, DeviceError, EffectiveConfig } from '../protocol/messages.js';

export const RUN_SCHEMA = 'voiceaec.run/1';

export const DeviceLinkSchema = z
  .object({
    connection: z.enum(DEVICE_CONNECTIONS),
    /** files: trials each launch ran and discarded before the measured one; 0 elsewhere. */
    warmupTrials: z.number().int().min(0),
  })
  .strict();

export const TrialStatus = z.enum(['pending', 'ok', 'failed']);

export const TrialRecordSchema = z
  .object({
    /** 0 is the cell's calibration trial (voice processing bypassed); 1… are the measured trials. */
    index: z.number().int().min(0),
    calibration: z.boolean(),
    /** Relative to the run directory, e.g. cells/speaker-voiceChat/trial-001. */
    dir: z.string(),
    fixtureId: z.string(),
    pattern: z.string(),
    status: TrialStatus,
    reason: z.string().nullable(),
    attempts: z.number().int().min(0),
    /** Bytes per file the finished trial left (trial-journal.ts); absent in older run directories. */
    files: z.record(z.string(), z.number().int().min(0)).optional(),
  })
  .strict();

export const CellRecordSchema = z
  .object({
    id: z.string(),
    /** The matrix coordinates of the cell, e.g. { route: 'speaker', mode: 'voiceChat' }. */
    dims: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    /** Every cell setting (matrix or base) as a label: what acceptance `where` filters match. */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    requested: DeviceConfig,
    effective: EffectiveConfig.nullable(),
    configErrors: z.array(DeviceError),
    /** Requested settings the device did not honour, as "route: speaker → receiver". */
    mismatches: z.array(z.string()),
    /** Times the device dropped the connection during the cell (a crashed app), teardown included. */
    deviceCrashes: z.number().int().min(0),
    status: z.enum(['pending', 'running', 'done', 'abandoned', 'unsupported']),
    reason: z.string().nullable(),
    trials: z.array(TrialRecordSchema),
    /** Sequential cells only: why the runner stopped taking trials (docs/analysis.md § Sequential trials). */
    stop: z
      .object({ reason: z.enum(STOP_REASONS), afterTrials: z.number().int().min(0), message: z.string() })
      .strict()
      .optional(),
  })
  .strict();

export const RunManifestSchema = z
  .object({
    schema: z.literal(RUN_SCHEMA),
    tool: z.object({ name: z.literal('voiceaec'), version: z.string(), gitCommit: z.string().nullable() }).strict(),
    scenario: z.object({ name: z.string(), source: z.string(), resolved: z.unknown() }).strict(),
    seed: z.number().int(),
    device: z
      .object({
        kind: z.enum(['sim', 'device', 'manual', 'appium']),
        model: z.string(),
        osVersion: z.string(),
        appVersion: z.string(),
        name: z.string(),
        simulated: z.boolean(),
        /** Absent in run directories from before the class existed: derived from `simulated`. */
        class: DeviceClass.optional(),
        /** How the device was reached (`--device` without credentials); a resume without --device uses it. */
        target: z.string().optional(),
        /** The device's stable id where the driver knows one (an iPhone's UDID); null otherwise. */
        id: z.string().nullable().optional(),
        /** How the CLI reached the harness (files mode: one launch per request, and its warm-up trials); absent in older run directories. */
        link: DeviceLinkSchema.optional(),
      })
      .strict(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    status: z.enum(['running', 'complete', 'aborted']),
    analysis: AnalysisOptionsSchema,
    acceptance: AcceptanceSchema,
    cells: z.array(CellRecordSchema),
  })
  .strict();

export type TrialRecord = z.infer<typeof TrialRecordSchema>;
export type CellRecord = z.infer<typeof CellRecordSchema>;
export type RunManifest = z.infer<typeof RunManifestSchema>;

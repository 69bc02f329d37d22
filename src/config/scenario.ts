/**
 * Scenario files (scenarios/*.yaml) and the `voiceaec run` options that override them:
 * one schema for both. A scenario is a base device configuration, a matrix of dimensions
 * whose cartesian product gives the cells, the trial plan, analysis settings and
 * acceptance thresholds. docs/scenario.schema.json is generated from this file.
 */
import { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';
import { AcceptanceSchema } from './acceptance.js';
import { AnalysisOptionsSchema, MAX_GATES, sweepGates } from './analysis-options.js';
import { ScenarioVadSchema } from './scenario-vad.js';
import { SHIPPED_TURN_PROFILES } from './turn-profiles.js';

/**
 * Bounds of a scenario file (docs/limits.md). Each keeps one file from turning `run` into
 * hours of silent work or gigabytes of run directory; the numbers are far above any
 * shipped scenario.
 */
export const SCENARIO_LIMITS = {
  /** Checked before parsing. */
  maxFileBytes: 1024 * 1024,
  /** Mapping and sequence nesting. */
  maxDepth: 32,
  /** Values of one matrix dimension. */
  maxDimensionValues: 1000,
  /** Cells: the product of the matrix dimensions. */
  maxCells: 1000,
  /** Trials of the whole run: cells × (repetitions, or the sequential max, + calibration). */
  maxTrials: 50_000,
  /** Analysis gates after the sweep is merged in. */
  maxGates: MAX_GATES,
} as const;

const Route = z.enum(['speaker', 'receiver', 'wired', 'bluetoothHFP', 'bluetoothA2DP']);
const SessionMode = z.enum(['voiceChat', 'videoChat', 'default', 'measurement', 'spokenAudio']);
const SessionOption = z.enum(['defaultToSpeaker', 'allowBluetooth', 'allowBluetoothA2DP', 'duckOthers', 'mixWithOthers']);
const Engine = z.enum(['avaudioengine', 'audiounit']);
const InitOrder = z.enum(['correct', 'vpFirst']);
const RenderMode = z.enum(['realtime', 'manual']);
const TeardownOrder = z.enum(['correct', 'disableVpWhileRunning']);
const Activation = z.enum(['app', 'callkit', 'callkitAppActivates']);
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (1–64 characters)');

export const GateSettingSchema = z
  .object({
    kind: z.enum(['none', 'hard', 'rms2']).default('none'),
    ms: z.number().min(0).max(10_000).default(0),
    thresholdDbfs: z.number().min(-120).max(0).default(-35),
  })
  .strict();

export const VoiceProcessingSettingSchema = z
  .object({
    enabled: z.boolean().default(true),
    agc: z.boolean().default(false),
    ducking: z.enum(['default', 'min', 'mid', 'max']).default('default'),
  })
  .strict();

/** Everything a cell can vary. Each field is also a matrix dimension of the same name. */
export const CellSettingsSchema = z
  .object({
    route: Route.default('speaker'),
    mode: SessionMode.default('voiceChat'),
    options: z.array(SessionOption).default(['defaultToSpeaker', 'allowBluetooth']),
    engine: Engine.default('avaudioengine'),
    initOrder: InitOrder.default('correct'),
    renderMode: RenderMode.default('realtime'),
    teardownOrder: TeardownOrder.default('correct'),
    activation: Activation.default('app'),
    ioBufferMs: z.number().min(1).max(100).default(10),
    volume: z.number().min(0).max(1).default(0.8),
    voiceProcessing: VoiceProcessingSettingSchema.default({ enabled: true, agc: false, ducking: 'default' }),
    /** The on-device gate the harness app applies (gated.wav); analysis gates are separate. */
    gate: GateSettingSchema.default({ kind: 'none', ms: 0, thresholdDbfs: -35 }),
    /** Fixture set (fixtures/manifest.json `set`) or a list of fixture ids the trials cycle through. */
    fixtures: z.union([Id, z.array(Id).min(1)]).default('speech-en'),
    /** Streaming pattern id (fixtures/streaming-patterns.json). */
    pattern: Id.default('steady'),
    /** Virtual iPhone only: room preset and device profile. */
    room: Id.default('quiet-room'),
    profile: Id.default('iphone16-ios18'),
  })
  .strict();

export const DIMENSIONS = Object.keys(CellSettingsSchema.shape) as Array<keyof z.infer<typeof CellSettingsSchema>>;

/**
 * Sequential trials (docs/scenarios.md, docs/analysis.md § Sequential trials): per cell at
 * least `min` and at most `max` measured trials, stopping as soon as the recommendation is
 * decided at the acceptance target and confidence; bounds are then anytime-valid.
 */
export const SequentialRepetitionsSchema = z
  .object({
    min: z.number().int().min(1).max(10_000),
    max: z.number().int().min(1).max(10_000),
  })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max', path: ['min'] });

/** A fixed count, or { min, max } for sequential trials. */
export const RepetitionsSchema = z.union([z.number().int().min(1).max(10_000), SequentialRepetitionsSchema], {
  error: 'a whole number of trials per cell (1–10000), or { min, max } for sequential trials',
});
export type Repetitions = z.infer<typeof RepetitionsSchema>;

/** The most measured trials a cell can take: the fixed count, or the sequential maximum. */
export function maxRepetitions(r: Repetitions): number {
  return typeof r === 'number' ? r : r.max;
}

/** "20" or "10–200 (sequential)": how lists and errors name a repetition plan. */
export function repetitionsLabel(r: Repetitions): string {
  return typeof r === 'number' ? String(r) : `${r.min}–${r.max} (sequential)`;
}

export const TrialPlanSchema = z
  .object({
    /** Measured trials per cell (the calibration trial comes on top): a count, or { min, max } to stop each cell once decided. */
    repetitions: RepetitionsSchema.default(20),
    preRollMs: z.number().min(100).max(10_000).default(600),
    postRollMs: z.number().min(200).max(30_000).default(2500),
    /** Calibration trial per cell, voice processing bypassed (docs/analysis.md § Calibration); null skips it. */
    calibration: z
      .object({ fixture: Id.default('p501-css') })
      .strict()
      .nullable()
      .default({ fixture: 'p501-css' }),
    /** Reconfigure (stop and restart the engine) every N trials; null: once per cell. */
    restartEngineEvery: z.number().int().min(1).nullable().default(null),
    /** Near-end talker after the agent stops (barge-in); null: none. */
    nearEnd: z
      .object({ fixture: Id, afterDrainMs: z.number().min(-5000).max(10_000), levelDbfs: z.number().min(-100).max(0) })
      .strict()
      .nullable()
      .default(null),
    /** Ask the device for echo-only / near-end-only streams (virtual iPhone). */
    groundTruth: z.boolean().default(false),
    /** Consecutive failed trials after which a cell is abandoned. */
    maxConsecutiveFailures: z.number().int().min(1).max(100).default(3),
  })
  .strict();

/** A dimension's values: a list of settings of that field. */
const MatrixSchema = z
  .object(
    Object.fromEntries(DIMENSIONS.map((d) => [d, z.array(CellSettingsSchema.shape[d].unwrap()).min(1).max(SCENARIO_LIMITS.maxDimensionValues).optional()])) as {
      [K in (typeof DIMENSIONS)[number]]: z.ZodOptional<z.ZodArray<(typeof CellSettingsSchema.shape)[K] extends z.ZodDefault<infer I> ? I : never>>;
    },
  )
  .strict();

export const ScenarioSchema = z
  .object({
    name: Id,
    description: z.string().max(2000).default(''),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    base: CellSettingsSchema.default(CellSettingsSchema.parse({})),
    matrix: MatrixSchema.default({}),
    trials: TrialPlanSchema.default(TrialPlanSchema.parse({})),
    analysis: AnalysisOptionsSchema.extend({
      /** A gate sweep "from:to:step" in ms, evaluated in addition to gatesMs. */
      sweep: z
        .string()
        .max(100)
        .superRefine((text, ctx) => {
          const r = sweepGates(text);
          if ('error' in r) ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 40)}" ${r.error}` });
        })
        .nullable()
        .default(null),
    }).default(AnalysisOptionsSchema.extend({ sweep: z.string().nullable().default(null) }).parse({})),
    acceptance: AcceptanceSchema.default(AcceptanceSchema.parse({})),
    /** Turn-detector verdicts (docs/vad.md); absent: the shipped profiles, `profiles: []`: off. */
    vad: ScenarioVadSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    // A rule on an unknown turn profile could only come out inconclusive at evaluation: refuse it here (docs/vad.md).
    const profiles = [...SHIPPED_TURN_PROFILES, ...(s.vad?.custom ?? [])].map((p) => p.name);
    for (const [i, rule] of s.acceptance.rules.entries())
      if ('profile' in rule && !profiles.includes(rule.profile))
        ctx.addIssue({
          code: 'custom',
          path: ['acceptance', 'rules', i, 'profile'],
          message: `${rule.metric} names unknown turn profile ${rule.profile} (${didYouMean(rule.profile, profiles)}known: ${profiles.join(', ')})`,
        });
    // Counted, not expanded: a 10⁶-cell matrix must fail in microseconds.
    const cells = scenarioCellCount(s.matrix);
    if (cells > SCENARIO_LIMITS.maxCells) {
      ctx.addIssue({ code: 'custom', path: ['matrix'], message: `${cells} cells; the limit is ${SCENARIO_LIMITS.maxCells} (maxCells, docs/limits.md)` });
      return;
    }
    const trials = cells * (maxRepetitions(s.trials.repetitions) + (s.trials.calibration ? 1 : 0));
    if (trials > SCENARIO_LIMITS.maxTrials)
      ctx.addIssue({
        code: 'custom',
        path: ['trials', 'repetitions'],
        message: `${cells} cells × ${maxRepetitions(s.trials.repetitions)} repetitions make ${trials} trials; the limit is ${SCENARIO_LIMITS.maxTrials} (maxTrials, docs/limits.md)`,
      });
    const sweep = s.analysis.sweep === null ? null : sweepGates(s.analysis.sweep);
    const gates = new Set([...s.analysis.gatesMs, ...(sweep && 'gates' in sweep ? sweep.gates : [])]).size;
    if (gates > SCENARIO_LIMITS.maxGates)
      ctx.addIssue({
        code: 'custom',
        path: ['analysis', 'sweep'],
        message: `gatesMs and the sweep make ${gates} gates; the limit is ${SCENARIO_LIMITS.maxGates} (maxGates, docs/limits.md)`,
      });
  });

/** Cells a matrix expands to, without expanding it. */
export function scenarioCellCount(matrix: Partial<Record<string, readonly unknown[] | undefined>>): number {
  let n = 1;
  for (const d of DIMENSIONS) n *= matrix[d]?.length ?? 1;
  return n;
}

export type CellSettings = z.infer<typeof CellSettingsSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type TrialPlan = z.infer<typeof TrialPlanSchema>;

/** JSON Schema of scenario files, for editors (yaml-language-server) and docs. */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { target: 'draft-2020-12', io: 'input' });
}

/** Does measured trial `index` start on a freshly restarted engine (trials.restartEngineEvery)? */
export function restartsEngine(index: number, every: number | null): boolean {
  return every !== null && index > 1 && (index - 1) % every === 0;
}

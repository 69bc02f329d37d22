/**
 * The per-cell summary's shape: part of `voiceaec.results/2` (src/report/results-schema.ts,
 * docs/reports.md). Types only and their zod schemas; the computation is cell-summary.ts.
 */
import { z } from 'zod';
import { SequentialSummarySchema } from './sequential-trials.js';

const DimValue = z.union([z.string(), z.number(), z.boolean()]);

export const RateSchema = z.object({
  leaks: z.number().int(),
  decided: z.number().int().describe('trials with a verdict at this gate (dead mic and too-short post-roll excluded)'),
  rate: z.number().nullable().describe('leaks / decided; null when nothing was decided'),
  lower: z.number().describe('Wilson lower bound at the confidence; the anytime-valid bound for leak rates of a sequential cell (cells[].sequential)'),
  upper: z
    .number()
    .describe(
      'Wilson upper bound at the confidence (1 when nothing was decided); the anytime-valid bound for leak rates of a sequential cell (cells[].sequential)',
    ),
});

export const SpreadSchema = z
  .object({ n: z.number().int(), median: z.number(), min: z.number(), max: z.number() })
  .describe('median and range over the trials that have the value');

export const GateStatsSchema = RateSchema.extend({
  gateMs: z.number(),
  undecided: z.number().int(),
  attributed: z.number().int().describe('leaks whose post-gate energy correlates with the reference (echo, not room noise)'),
  attributionUnknown: z.number().int().describe('leaks decided on the stored envelope, where no attribution was computed'),
  peakExcessDb: z
    .object({ median: z.number(), worst: z.number() })
    .nullable()
    .describe('highest post-gate frame over the noise floor: median and worst over decided trials'),
  meetsTarget: z.boolean().describe('upper bound ≤ the target leak rate'),
  firstUtterance: RateSchema.describe('trials that were the first utterance after an engine start'),
  later: RateSchema,
});

export const RecommendationSchema = z.object({
  status: z.enum(['recommended', 'not-enough-trials', 'no-gate-meets', 'no-data']),
  gateMs: z.number().nullable().describe('the smallest evaluated gate whose upper bound meets the target'),
  upper: z.number().nullable(),
  targetLeakRate: z.number(),
  confidence: z.number(),
  /** For not-enough-trials: the gate that could meet the target with more trials, and how many it needs. */
  candidateGateMs: z.number().nullable(),
  trialsNeeded: z.number().int().nullable().describe('decided trials needed at the candidate gate if no further trial leaks'),
  /** The longest evaluated gate below the recommended one, to show what the shorter gate costs. */
  shorter: z.object({ gateMs: z.number(), leaks: z.number().int(), decided: z.number().int(), upper: z.number() }).nullable(),
  message: z.string(),
});

export const BargeInSchema = z.object({
  gateMs: z.number(),
  mutedAfterDrainMs: z.number().describe('user speech starting at the drain is muted this long (hard gate)'),
  deafAfterAudibleEndMs: SpreadSchema.nullable().describe('trailing silence + gate: time after the agent’s last audible sound until the mic opens'),
  nearEnd: z
    .object({
      trials: z.number().int(),
      firstWordLostMs: z.object({ median: z.number(), worst: z.number() }),
      firstWordLostFraction: z.object({ median: z.number(), worst: z.number() }),
      mutedSpeechMs: z.object({ median: z.number(), worst: z.number() }).describe('all near-end speech inside the muted window'),
    })
    .nullable()
    .describe('measured on trials with a near-end talker (near.wav): how much of the user’s first word the gate removes'),
});

export const ConfigRowSchema = z.object({
  key: z.string(),
  requested: DimValue.nullable(),
  effective: DimValue.nullable(),
  differs: z.boolean(),
});

export const TrialRowSchema = z.object({
  index: z.number().int(),
  dir: z.string(),
  fixtureId: z.string(),
  pattern: z.string(),
  status: z.enum(['ok', 'failed', 'pending']),
  reason: z.string().nullable(),
  source: z.enum(['metrics', 'reanalysed', 'none']).describe('where the analysis came from'),
  firstUtterance: z.boolean(),
  leaks: z.array(z.boolean().nullable()).describe('verdict per gate of `gates`, same order'),
  leaksFromAcousticEnd: z.array(z.boolean().nullable()),
  drainMs: z.number().nullable().describe('gate origin, ms from the first mic sample'),
  acousticEndMs: z.number().nullable().describe('end of the reference’s last audible frame, ms from the first mic sample'),
  tailLengthMs: z.number().nullable(),
  trailingSilenceMs: z.number().nullable().describe('drain − reference acoustic end'),
  peakExcessDb: z.number().nullable(),
  echoLossDb: z.number().nullable(),
  echoLossIsLowerBound: z.boolean(),
  erleDb: z.number().nullable(),
  delayMs: z.number().nullable(),
  delaySource: z.string().nullable(),
  deadMic: z.boolean(),
  clipped: z.boolean().describe('mic or reference clipping'),
  warnings: z.array(z.string()),
});

const Rms2Schema = z.object({
  thresholdDbfs: z.number(),
  gates: z.array(GateStatsSchema),
  recommendation: RecommendationSchema,
  bargeIn: z.array(BargeInSchema).describe('near-end speech louder than the threshold passes during the cooldown'),
  note: z.string(),
});

export const CellSummarySchema = z.object({
  run: z.string().describe('id of the run the cell belongs to'),
  id: z.string(),
  dims: z.record(z.string(), DimValue),
  settings: z.record(z.string(), DimValue).describe('every setting of the cell (base and matrix), as labels; acceptance `where` filters match these'),
  status: z.string(),
  reason: z.string().nullable(),
  configuredGate: z.object({ kind: z.string(), ms: z.number(), thresholdDbfs: z.number() }).nullable(),
  config: z.array(ConfigRowSchema).describe('requested versus effective configuration'),
  mismatches: z.array(z.string()),
  configErrors: z.array(z.object({ code: z.string(), message: z.string() })),
  counts: z.object({
    planned: z.number().int(),
    ok: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    analysed: z.number().int(),
    reanalysed: z.number().int(),
    deadMic: z.number().int(),
    clipped: z.number().int(),
    firstUtterance: z.number().int(),
    deviceCrashes: z.number().int().describe('times the device dropped the connection (a crashed app), teardown included'),
  }),
  targetLeakRate: z.number(),
  confidence: z.number(),
  gates: z.array(GateStatsSchema).describe('gate measured from the drain event'),
  recommendation: RecommendationSchema,
  gatesFromAcousticEnd: z.array(GateStatsSchema).describe('gate measured from the reference’s acoustic end'),
  recommendationFromAcousticEnd: RecommendationSchema,
  trailingSilenceMs: SpreadSchema.nullable(),
  tailLengthMs: SpreadSchema.nullable(),
  bargeIn: z.array(BargeInSchema),
  rms2: Rms2Schema.nullable().describe('the trade-off for the cell’s two-tier RMS gate (cells configured with gate kind rms2)'),
  levels: z.object({
    echoLossDb: SpreadSchema.nullable(),
    echoLossLowerBounds: z.number().int(),
    erleDb: SpreadSchema.nullable(),
    erleLowerBounds: z.number().int(),
    noiseFloorDbfs: SpreadSchema.nullable(),
    delayMs: SpreadSchema.nullable(),
    delaySources: z.record(z.string(), z.number().int()),
  }),
  calibration: z
    .object({ delayMs: z.number().nullable(), rawEchoLossDb: z.number().nullable(), rawEchoLossIsLowerBound: z.boolean(), source: z.string() })
    .nullable(),
  residual: z.object({
    frameMs: z.number(),
    thresholdDb: z.number(),
    medianDb: z.array(z.number()).describe('frame-wise median over trials of the post-drain excess over the floor'),
    worst: z
      .object({ trial: z.number().int(), excessDb: z.array(z.number()) })
      .nullable()
      .describe('the trial with the longest tail'),
  }),
  trials: z.array(TrialRowSchema),
  warnings: z.array(z.string()),
  sequential: SequentialSummarySchema.optional().describe(
    'present for sequential cells (trials.repetitions: { min, max }): trials run, why the cell stopped; every leak-rate bound of the cell is then anytime-valid',
  ),
});

export type Rate = z.infer<typeof RateSchema>;
export type Spread = z.infer<typeof SpreadSchema>;
export type GateStats = z.infer<typeof GateStatsSchema>;
export type Recommendation = z.infer<typeof RecommendationSchema>;
export type BargeIn = z.infer<typeof BargeInSchema>;
export type ConfigRow = z.infer<typeof ConfigRowSchema>;
export type TrialRow = z.infer<typeof TrialRowSchema>;
export type CellSummary = z.infer<typeof CellSummarySchema>;

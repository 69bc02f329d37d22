/**
 * The versioned, documented shape of one trial's analysis (docs/analysis-json.md).
 * `voiceaec analyze --json` prints it; the runner stores it beside each trial's audio (docs/run-directory.md). Bump
 * ANALYSIS_SCHEMA when a field changes meaning or disappears; adding fields is minor.
 */
import { z } from 'zod';
import { AnalyzeVadSchema } from './turn-analyze-result.js';

export const ANALYSIS_SCHEMA = 'voiceaec.analysis/1';

const ms = z.number();
const db = z.number();

const StreamInfo = z.object({
  path: z.string().nullable(),
  sampleRate: z.number().describe('rate of the file, Hz'),
  channels: z.number().int(),
  channelUsed: z.union([z.number().int(), z.literal('mix')]),
  durationMs: ms,
  resampledTo: z.number().nullable().describe('analysis rate when the file was resampled, else null'),
});

const Flag = z.object({ flag: z.boolean(), reason: z.string().nullable() });

export const GateResultSchema = z.object({
  gateMs: ms,
  leak: z.boolean().nullable().describe('null: too little audio after the gate to decide'),
  peakExcessDb: db.nullable().describe('highest post-gate frame over the noise floor'),
  firstLeakMs: ms.nullable().describe('start of the first leaking frame, ms after the drain'),
  leakDurationMs: ms.describe('total duration of leaking frames after the gate'),
  evaluatedMs: ms.describe('audio evaluated after the gate opened'),
  attribution: z
    .object({
      score: z.number().describe('best normalised correlation of the post-gate mic with the reference, 0…1'),
      chance: z.number().describe('the same statistic against the time-reversed reference'),
      lagMs: ms,
      attributed: z.boolean().describe('score ≥ 1.5 × chance and ≥ 0.2'),
    })
    .nullable()
    .describe('null when the post-gate mic segment is silent or no reference can reach it'),
});

export const TrialAnalysisSchema = z.object({
  schema: z.literal(ANALYSIS_SCHEMA),
  input: z.object({
    ref: StreamInfo,
    mic: StreamInfo,
    analysisSampleRate: z.number(),
  }),
  timing: z.object({
    drainMs: ms.describe('playback end used as the gate origin'),
    drainSource: z.enum(['events', 'option', 'reference']),
    referenceBufferEndMs: ms.nullable().describe('last non-zero sample of the reference'),
    referenceAcousticEndMs: ms.nullable().describe('end of the last reference frame within the acoustic-end range of its peak'),
    playbackStartMs: ms.nullable(),
    preRollMs: ms.describe('mic audio used for the noise floor'),
    preRollSource: z.enum(['option', 'reference', 'quiet-frames']),
  }),
  delay: z.object({
    ms: ms.nullable().describe('delay used by the analysis (echo path: reference → mic)'),
    source: z.enum(['trial', 'calibration', 'option', 'none']),
    trialEstimateMs: ms.nullable(),
    trialConfidenceDb: db.nullable().describe('GCC-PHAT peak over its highest rival outside the direct-sound cluster'),
    // Optional so analyses stored before them still read; the analysis always sets them.
    trialBeyondReflectionsDb: db
      .nullable()
      .optional()
      .describe('peak over its highest rival before it or more than 100 ms after it (the early reflections are not rivals)'),
    trialPeakOverNoiseDb: db.nullable().optional().describe("peak over the largest value the correlation's own noise reaches, dB (≈ 0 for unrelated streams)"),
    trialEstimateReliable: z.boolean(),
    processingLatencyMs: ms
      .nullable()
      .optional()
      .describe('trial estimate minus the calibrated delay when it lies within −1…+40 ms: the voice processing’s own latency; null otherwise'),
  }),
  levels: z.object({
    bandHz: z.tuple([z.number(), z.number()]),
    referenceDbfs: db.nullable().describe('reference band power over the playback window'),
    micDuringPlaybackDbfs: db.nullable(),
    noiseFloorDbfs: db.describe('mic band power of the noise floor'),
    noiseFloorSpreadDb: db.describe('95th percentile of noise-only frames over the floor'),
    echoLossDb: db.nullable().describe('reference level minus echo level during playback'),
    echoLossIsLowerBound: z.boolean().describe('true when the echo is below the noise floor: the loss is at least this'),
    rawEchoLossDb: db.nullable().describe('echo loss of the calibration pair (voice processing bypassed)'),
    erleDb: db.nullable().describe('echo loss minus raw echo loss: what voice processing removed'),
    erleIsLowerBound: z.boolean(),
  }),
  residual: z.object({
    frameMs: ms,
    excessDb: z.array(db).describe('post-drain frames: band power over the noise floor, dB'),
    tailLengthMs: ms.describe('end of the last leaking run after the drain (0: none)'),
    peakExcessDb: db.nullable(),
  }),
  detector: z.object({
    thresholdDb: db,
    minDurationMs: ms,
    bandHz: z.tuple([z.number(), z.number()]).describe('band of the residual envelope and the leak verdicts'),
    // Optional so analyses stored before them still read (their excess is over levels.noiseFloorDbfs).
    noiseFloorDbfs: db.optional().describe('floor the residual excess is measured against, in the detector band'),
    floorSource: z.enum(['pre-roll', 'post-roll-end', 'quiet-frames']).optional(),
    preRollFloorDbfs: db.optional().describe('floor of the pre-roll in the detector band'),
    postRollEndFloorDbfs: db.nullable().optional().describe('floor of the end of the post-roll (last 500 ms, at most half the post-drain audio)'),
    floorDriftDb: db.nullable().optional().describe('pre-roll floor minus post-roll end floor'),
  }),
  gates: z.array(GateResultSchema),
  flags: z.object({
    deadMic: Flag,
    micClipping: Flag,
    referenceClipping: Flag,
    noiseFloorDrift: Flag.optional().describe('pre-roll and post-roll end floors differ by ≥ 2 dB (docs/analysis.md)'),
    // Optional so analyses stored before it still read; the analysis entry point always sets it.
    implausible: Flag.optional().describe('streams no microphone could record, or swapped: gate verdicts are withheld (docs/limits.md)'),
  }),
  warnings: z.array(z.string()),
  vad: AnalyzeVadSchema.optional().describe('only with `analyze --vad`: the turn verdicts of the profiles named (docs/vad.md)'),
});

export type TrialAnalysis = z.infer<typeof TrialAnalysisSchema>;
export type GateResult = z.infer<typeof GateResultSchema>;
export type StreamInfo = z.infer<typeof StreamInfo>;

/** JSON Schema of the analysis output, for docs and for consumers that validate. */
export function trialAnalysisJsonSchema(): unknown {
  return z.toJSONSchema(TrialAnalysisSchema, { target: 'draft-2020-12' });
}

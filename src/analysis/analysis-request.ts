/**
 * Everything besides the audio that one trial's analysis depends on. The run directory
 * stores it beside the analysis it produced, so re-analysis replays exactly these inputs
 * (with other gates if asked) instead of reconstructing them from the output.
 */
import { z } from 'zod';
import { AnalysisOptionsSchema } from '../config/analysis-options.js';
import { CalibrationResultSchema } from './calibration-result.js';

export const ANALYSIS_REQUEST_SCHEMA = 'voiceaec.analysis-request/1';

const Channel = z.union([z.number().int().min(0), z.literal('mix')]);

export const AnalysisRequestSchema = z
  .object({
    schema: z.literal(ANALYSIS_REQUEST_SCHEMA),
    /** Channel of each file analysed (iOS puts the voice-processed mic on channel 0). */
    channels: z.object({ ref: Channel, mic: Channel }).strict(),
    /** The gate origin: from device events, given by the user, or (null) found on the reference. */
    drainMs: z.number().nullable(),
    drainSource: z.enum(['events', 'option', 'reference']),
    playbackStartMs: z.number().nullable(),
    /** Noise-only lead-in given by the plan or the user; null: up to the playback start. */
    preRollMs: z.number().nullable(),
    /** Known acoustic delay, used when the trial's own estimate is unreliable. */
    delayMs: z.number().nullable(),
    /** Onset of a near-end talker (barge-in): leak verdicts stop there. */
    nearEndStartMs: z.number().nullable(),
    calibration: CalibrationResultSchema.nullable(),
    options: AnalysisOptionsSchema,
  })
  .strict();

export type AnalysisRequest = z.infer<typeof AnalysisRequestSchema>;

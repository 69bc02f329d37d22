/**
 * What a calibration trial (voice processing bypassed) yields for the cell's other trials:
 * the acoustic delay and the raw echo loss, from which ERLE follows (docs/analysis.md).
 */
import { z } from 'zod';

export const CalibrationResultSchema = z
  .object({
    delayMs: z.number().nullable(),
    confidenceDb: z.number().nullable(),
    rawEchoLossDb: z.number().nullable(),
    rawEchoLossIsLowerBound: z.boolean(),
    warnings: z.array(z.string()),
  })
  .strict();

export type CalibrationResult = z.infer<typeof CalibrationResultSchema>;

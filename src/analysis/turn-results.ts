/**
 * The turn-detector parts of `voiceaec.results/2` (docs/reports.md, docs/vad.md): per run
 * the profiles evaluated, as data with their sources; per cell a summary per profile beside
 * the energy detector's summary. Schemas only; the cell statistics are turn-cell-stats.ts.
 */
import { z } from 'zod';
import { TurnProfileSchema } from '../config/turn-profiles.js';
import { CellSummarySchema } from './cell-schema.js';
import { TurnCellSummarySchema } from './turn-cell-stats.js';

export const RunVadSchema = z.object({
  profiles: z
    .array(TurnProfileSchema)
    .describe('turn profiles evaluated on every measured trial (the scenario’s `vad` block plus those acceptance rules name); []: none'),
});

export const CellResultSchema = CellSummarySchema.extend({
  turns: z
    .array(TurnCellSummarySchema)
    .describe('per turn profile, in the run’s order: false barge-in per gate, the recommended gate and self-interruption during playback'),
});

export type RunVad = z.infer<typeof RunVadSchema>;
export type CellResult = z.infer<typeof CellResultSchema>;

/**
 * A trial's turn-detector verdicts (docs/vad.md), stored so that re-evaluating a run does
 * not run the VAD again. The file records what the verdicts depend on besides the mic audio
 * (engine, gates, profile definitions, the analysis's timing and flags): a reader reuses it
 * only when all of those still match.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { TrialTurnVerdictsSchema } from '../analysis/turn-verdict-schema.js';
import { TurnProfileSchema } from '../config/turn-profiles.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { readJsonFile, type JsonRead } from './json-file.js';
import { TRIAL_FILES } from './layout.js';

export const TURN_VERDICTS_SCHEMA = 'voiceaec.turn-verdicts/1';

export const TurnVerdictInputsSchema = z
  .object({
    micChannel: z.union([z.number().int().min(0), z.literal('mix')]),
    drainMs: z.number(),
    playbackStartMs: z.number().nullable(),
    nearEndStartMs: z.number().nullable(),
    deadMic: z.string().nullable(),
    micClipping: z.string().nullable(),
    // The cell's rms2 threshold (its verdicts replay that gate); absent in files written before: none.
    rms2ThresholdDbfs: z.number().nullable().default(null),
  })
  .strict();

export const StoredTurnVerdictsSchema = z
  .object({
    schema: z.literal(TURN_VERDICTS_SCHEMA),
    engine: z.string(),
    gatesMs: z.array(z.number()),
    inputs: TurnVerdictInputsSchema,
    profiles: z.array(z.object({ profile: TurnProfileSchema, verdicts: TrialTurnVerdictsSchema }).strict()),
  })
  .strict();

export type TurnVerdictInputs = z.infer<typeof TurnVerdictInputsSchema>;
export type StoredTurnVerdicts = z.infer<typeof StoredTurnVerdictsSchema>;

export function writeTurnVerdicts(runDir: string, trialDir: string, v: StoredTurnVerdicts): Promise<void> {
  return writeJsonAtomic(join(runDir, trialDir, TRIAL_FILES.turnVerdicts), v);
}

export function readTurnVerdicts(runDir: string, trialDir: string): Promise<JsonRead<StoredTurnVerdicts>> {
  return readJsonFile(join(runDir, trialDir, TRIAL_FILES.turnVerdicts), TRIAL_FILES.turnVerdicts, StoredTurnVerdictsSchema, TURN_VERDICTS_SCHEMA);
}

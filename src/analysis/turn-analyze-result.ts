/**
 * The `vad` part of `voiceaec analyze --vad` (docs/analysis-json.md § vad, docs/vad.md): per
 * profile asked for, its definition and the trial's turn verdicts (self-interruption during
 * playback, false barge-in after each gate). Present only with `--vad`; without it the
 * analysis is unchanged and the VAD is never loaded.
 */
import { z } from 'zod';
import { TurnProfileSchema } from '../config/turn-profiles.js';
import { TrialTurnVerdictsSchema } from './turn-verdict-schema.js';

export const AnalyzeVadSchema = z
  .object({
    engine: z.string().nullable().describe('VAD engine the verdicts come from (silero-v5); null when withheld'),
    frameMs: z.number().nullable().describe('the engine’s frame hop, ms; null when withheld'),
    withheld: z.string().nullable().describe('why no verdict was computed (an implausible recording, as for the gate verdicts); null otherwise'),
    profiles: z
      .array(
        z
          .object({
            profile: TurnProfileSchema.describe('the profile as evaluated (docs/vad.md § Profiles)'),
            verdicts: TrialTurnVerdictsSchema.nullable().describe('null when withheld'),
          })
          .strict(),
      )
      .describe('one per profile named by --vad, in that order'),
  })
  .strict();

export type AnalyzeVad = z.infer<typeof AnalyzeVadSchema>;

/**
 * The shape of a trial's turn-detector verdicts (docs/vad.md § Verdicts): per profile, would
 * the framework have taken the mic audio for the user — after each gate (a false barge-in)
 * and during playback (the agent interrupting itself). Types and zod schemas only; the logic
 * is turn-verdicts.ts, the cell statistics turn-cell-stats.ts.
 */
import { z } from 'zod';

const ms = z.number();

export const TurnEventSchema = z.object({
  fired: z.boolean().nullable().describe('null: undecided (dead or silent mic, clipping, too little audio); see reason'),
  reason: z.string().nullable().describe('why the verdict is undecided; null when decided'),
  atMs: ms.nullable().describe('when the profile fires (end of the deciding frame), ms after the window origin'),
  onsetMs: ms.nullable().describe('start of the first frame of the speech run it fired on, ms after the window origin'),
  audioStartMs: ms.nullable().describe('onset − the profile’s prefix padding: where the framework’s user turn begins'),
  speechMs: ms.nullable().describe('audio counted as speech from the onset up to the firing'),
  endedAtMs: ms.nullable().describe('when the profile declares that this user turn stopped, if within the window'),
  evaluatedMs: ms.describe('audio judged in the window (after the gate opened, before any near-end talker)'),
  peakProbability: z.number().nullable().describe('highest speech probability in the window (after the profile’s filter)'),
});

export const GateTurnVerdictSchema = TurnEventSchema.extend({
  gateMs: ms.describe('hard gate after the drain; the window origin is the drain'),
});

export const Rms2TurnVerdictsSchema = z.object({
  thresholdDbfs: z.number().describe('the cell’s rms2 threshold: during the cooldown only 10 ms frames louder than this pass'),
  gates: z
    .array(GateTurnVerdictSchema)
    .describe(
      'false barge-in behind the two-tier gate with each cooldown (gateMs); the window starts at the drain, since loud frames pass during the cooldown',
    ),
});

export const TrialTurnVerdictsSchema = z.object({
  profile: z.string(),
  engine: z.string(),
  frameMs: ms,
  playback: TurnEventSchema.describe('self-interruption: the mic open during playback; window origin = playback start'),
  gates: z.array(GateTurnVerdictSchema).describe('false barge-in: "user started speaking" after each hard gate'),
  // Default: verdicts stored before rms2 gates were replayed read as having none.
  rms2: Rms2TurnVerdictsSchema.nullable()
    .default(null)
    .describe('cells whose gate is rms2: the same question behind the two-tier gate (docs/vad.md § rms2 gates); null otherwise'),
});

export type TurnEvent = z.infer<typeof TurnEventSchema>;
export type GateTurnVerdict = z.infer<typeof GateTurnVerdictSchema>;
export type TrialTurnVerdicts = z.infer<typeof TrialTurnVerdictsSchema>;
export type Rms2TurnVerdicts = z.infer<typeof Rms2TurnVerdictsSchema>;

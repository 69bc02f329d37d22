/**
 * The scenario's `vad:` block (docs/scenarios.md § VAD verdicts): which turn-detector
 * profiles evaluation runs on every measured trial, and the scenario's own profiles. Absent
 * means the three shipped profiles: about 0.1 s per trial (docs/vad.md § Measured) is small
 * beside a trial's own seconds of audio, and the verdicts are what a voice-agent developer
 * asks. `profiles: []` turns the VAD off.
 */
import { z } from 'zod';
import { CustomTurnProfilesSchema, resolveTurnProfiles, SHIPPED_TURN_PROFILES, type TurnProfile } from './turn-profiles.js';

export const ScenarioVadSchema = z
  .object({
    profiles: z
      .array(z.string())
      .max(20)
      .default(SHIPPED_TURN_PROFILES.map((p) => p.name))
      .describe('turn profiles to evaluate (shipped: pipecat, livekit, openai-realtime; or one of `custom`); []: no VAD'),
    custom: CustomTurnProfilesSchema.default([]).describe('the scenario’s own turn profiles, same fields as the shipped ones (docs/vad.md § Profiles)'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const known = [...SHIPPED_TURN_PROFILES, ...v.custom].map((p) => p.name);
    for (const [i, name] of v.profiles.entries())
      if (!known.includes(name)) ctx.addIssue({ code: 'custom', path: ['profiles', i], message: `unknown turn profile ${name} (known: ${known.join(', ')})` });
  });

export type ScenarioVad = z.infer<typeof ScenarioVadSchema>;

/** The profiles a scenario's block asks for; undefined (no block) means the shipped ones. Throws E_VAD_PROFILE on an unknown name. */
export function scenarioTurnProfiles(vad: ScenarioVad | undefined): TurnProfile[] {
  return vad ? resolveTurnProfiles(vad.profiles, vad.custom) : [...SHIPPED_TURN_PROFILES];
}

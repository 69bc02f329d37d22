/**
 * The turn profiles evaluated for one run: the scenario's `vad` block as the manifest
 * recorded it (absent, as in runs recorded before it existed: the shipped profiles), plus
 * any profile an acceptance rule names, as gates named by rules are always evaluated.
 */
import { isVoiceAecError } from '../core/errors.js';
import type { AcceptanceRule } from '../config/acceptance.js';
import { ScenarioVadSchema, scenarioTurnProfiles, type ScenarioVad } from '../config/scenario-vad.js';
import { SHIPPED_TURN_PROFILES, type TurnProfile } from '../config/turn-profiles.js';
import type { RunManifest } from '../run-dir/manifest-schema.js';

/** Turn profiles an acceptance rule needs. */
export function ruleProfiles(rules: readonly AcceptanceRule[]): string[] {
  return rules.flatMap((r) =>
    r.metric === 'falseBargeInUpper' || r.metric === 'selfInterruptionRate' || r.metric === 'turnRecommendedGateMs' ? [r.profile] : [],
  );
}

/** A problem with the recorded block becomes a warning and the shipped profiles, so an old or edited manifest still reports. */
export function runTurnProfiles(m: RunManifest, warnings: string[]): TurnProfile[] {
  const raw = (m.scenario.resolved as { vad?: unknown } | null)?.vad;
  let block: ScenarioVad | undefined;
  if (raw !== undefined) {
    const r = ScenarioVadSchema.safeParse(raw);
    if (r.success) block = r.data;
    else warnings.push(`the scenario’s vad block is not valid (${r.error.issues[0]?.message ?? 'invalid'}): the shipped turn profiles are evaluated`);
  }
  let profiles: TurnProfile[];
  try {
    profiles = scenarioTurnProfiles(block);
  } catch (e) {
    warnings.push(`${isVoiceAecError(e) ? e.message : String(e)}: the shipped turn profiles are evaluated`);
    profiles = [...SHIPPED_TURN_PROFILES];
  }
  const known = [...SHIPPED_TURN_PROFILES, ...(block?.custom ?? [])];
  for (const name of ruleProfiles(m.acceptance.rules)) {
    const p = known.find((q) => q.name === name);
    // An unknown name is left to its acceptance outcome, which says so.
    if (p && !profiles.some((q) => q.name === name)) profiles.push(p);
  }
  return profiles;
}

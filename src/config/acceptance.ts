/**
 * Acceptance thresholds of a scenario: what makes `voiceaec run` exit 1. One schema for the
 * `acceptance:` block of scenario files and for the compare-gate flags.
 */
import { z } from 'zod';

/** A turn profile (src/config/turn-profiles.ts): shipped, or the scenario's own under `vad.custom`. */
const TurnProfileName = z.string().min(1).max(64);

/** Restricts a rule to cells whose dimension values match (e.g. { route: speaker }). */
const CellFilter = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const AcceptanceRuleSchema = z.discriminatedUnion('metric', [
  z.object({ metric: z.literal('recommendedGateMs'), max: z.number().min(0), where: CellFilter.optional() }).strict(),
  /** Upper Wilson bound of the leak rate at one gate. */
  z.object({ metric: z.literal('leakRateUpper'), gateMs: z.number().min(0), max: z.number().min(0).max(1), where: CellFilter.optional() }).strict(),
  /** Median echo loss during playback over the cell's trials, dB. */
  z.object({ metric: z.literal('echoLossDb'), min: z.number(), where: CellFilter.optional() }).strict(),
  z.object({ metric: z.literal('erleDb'), min: z.number(), where: CellFilter.optional() }).strict(),
  z.object({ metric: z.literal('deadMicTrials'), max: z.number().int().min(0), where: CellFilter.optional() }).strict(),
  z.object({ metric: z.literal('clippedTrials'), max: z.number().int().min(0), where: CellFilter.optional() }).strict(),
  z.object({ metric: z.literal('failedTrials'), max: z.number().int().min(0), where: CellFilter.optional() }).strict(),
  /** Connection drops of the device during a cell: a crashed harness app, teardown included. */
  z.object({ metric: z.literal('deviceCrashes'), max: z.number().int().min(0), where: CellFilter.optional() }).strict(),
  /** The device must honour the requested configuration (route, mode, VP). */
  z.object({ metric: z.literal('configHonoured'), where: CellFilter.optional() }).strict(),
  /** Upper Wilson bound of a turn profile's false barge-in rate at one gate (docs/vad.md). */
  z
    .object({
      metric: z.literal('falseBargeInUpper'),
      profile: TurnProfileName,
      gateMs: z.number().min(0),
      max: z.number().min(0).max(1),
      where: CellFilter.optional(),
    })
    .strict(),
  /** Observed rate at which a turn profile interrupts the agent with its own voice during playback. */
  z.object({ metric: z.literal('selfInterruptionRate'), profile: TurnProfileName, max: z.number().min(0).max(1), where: CellFilter.optional() }).strict(),
  /** The gate recommended for a turn profile (its false barge-ins against the target). */
  z.object({ metric: z.literal('turnRecommendedGateMs'), profile: TurnProfileName, max: z.number().min(0), where: CellFilter.optional() }).strict(),
]);

export const AcceptanceSchema = z
  .object({
    /** Leak rate a recommended gate must stay under, at `confidence`. */
    targetLeakRate: z.number().gt(0).lt(1).default(0.05),
    confidence: z.number().gt(0.5).lt(1).default(0.95),
    rules: z.array(AcceptanceRuleSchema).default([]),
  })
  .strict();

export type AcceptanceRule = z.infer<typeof AcceptanceRuleSchema>;
export type Acceptance = z.infer<typeof AcceptanceSchema>;

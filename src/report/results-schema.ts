/**
 * `voiceaec.results/2`: everything `voiceaec report`, `voiceaec run` and `voiceaec
 * compare-gate --json` say about one or more run directories (docs/reports.md,
 * docs/results.schema.json generated from this by `npm run schema`). Deterministic: the same
 * run directory gives the same bytes (no clock, no absolute paths, everything ordered).
 * Bump RESULTS_SCHEMA when a field changes meaning or disappears; adding fields is minor.
 */
import { DEVICE_CLASSES } from '../core/device-class.js';
import { DEVICE_CONNECTIONS } from '../core/device-link.js';
import { z } from 'zod';
import { AcceptanceOutcomeSchema, AcceptanceRuleSchema } from '../analysis/acceptance-check.js';
import { CellResultSchema, RunVadSchema } from '../analysis/turn-results.js';

/** /2 added the turn-detector verdicts (cells[].turns, runs[].vad); results.json is written, never read back. */
export const RESULTS_SCHEMA = 'voiceaec.results/2';

export const RunInfoSchema = z.object({
  id: z.string().describe('the run directory’s name; cells refer to their run by it'),
  scenario: z.object({ name: z.string(), source: z.string() }),
  seed: z.number().int(),
  tool: z.object({ version: z.string(), gitCommit: z.string().nullable() }).describe('the voiceaec that recorded the run'),
  device: z.object({
    kind: z.enum(['sim', 'device', 'manual', 'appium']),
    model: z.string(),
    osVersion: z.string(),
    appVersion: z.string(),
    name: z.string(),
    simulated: z.boolean().describe('true: a model or a test double; no claim about real hardware'),
    class: z
      .enum(DEVICE_CLASSES)
      .describe(
        'iphone: real hardware; virtual-iphone: the simulator’s model; loopback: HarnessKit’s test double; ios-simulator: the harness app in Apple’s iOS Simulator (the Mac’s audio)',
      ),
    link: z
      .object({ connection: z.enum(DEVICE_CONNECTIONS), warmupTrials: z.number().int().min(0) })
      .nullable()
      .describe(
        'how the CLI reached the harness; files: one app launch per request, with this many warm-up trials before each measured one. null: not recorded (older runs)',
      ),
    linkCaveat: z
      .string()
      .nullable()
      .describe('set when every trial ran on a freshly launched app (files mode without warm-up): compare only with other cold runs'),
  }),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  status: z.enum(['running', 'complete', 'aborted']),
  analysis: z.object({
    frameMs: z.number(),
    bandHz: z.tuple([z.number(), z.number()]),
    thresholdDb: z.number(),
    minDurationMs: z.number(),
    gatesMs: z.array(z.number()).describe('gates the run’s stored trial metrics hold'),
  }),
  acceptance: z.object({
    targetLeakRate: z.number(),
    confidence: z.number(),
    rules: z.array(AcceptanceRuleSchema),
  }),
  vad: RunVadSchema,
  pass: z.boolean().describe('every acceptance outcome of this run passed'),
});

export const ResultsSchema = z.object({
  schema: z.literal(RESULTS_SCHEMA),
  generator: z.object({ name: z.literal('voiceaec'), version: z.string() }),
  options: z.object({
    gatesMs: z.array(z.number()).describe('gates evaluated (requested gates plus those acceptance rules name)'),
    targetLeakRate: z.number().nullable().describe('override of the scenarios’ target; null: each run’s own'),
    confidence: z.number().nullable().describe('override of the scenarios’ confidence; null: each run’s own'),
    reanalyze: z.enum(['auto', 'always', 'never']),
  }),
  runs: z.array(RunInfoSchema),
  cells: z.array(CellResultSchema),
  acceptance: z.array(AcceptanceOutcomeSchema),
  pass: z.boolean().describe('every acceptance outcome of every run passed'),
  warnings: z.array(z.string()),
});

export type RunInfo = z.infer<typeof RunInfoSchema>;
export type Results = z.infer<typeof ResultsSchema>;

export function resultsJsonSchema(): unknown {
  return z.toJSONSchema(ResultsSchema, { target: 'draft-2020-12' });
}

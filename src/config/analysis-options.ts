/**
 * Analysis settings: one schema for the `analysis:` block of scenario files and for the
 * `voiceaec analyze` flags. Defaults are justified in docs/analysis.md.
 */
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { issueText } from './issue-text.js';

/** docs/limits.md: each gate is a verdict per trial and a row per report, so the list is bounded. */
export const MAX_GATES = 1000;
export const MAX_GATE_MS = 60_000;

/** Where the energy detector's band starts by default: chosen on the evidence in docs/analysis.md § Detector band. */
export const DETECTOR_BAND_START_HZ = 300;

const band = z.tuple([z.number().min(0), z.number().positive()]).refine(([lo, hi]) => hi > lo, { message: 'band upper edge must exceed the lower edge' });

export const DetectorOptionsSchema = z
  .object({
    /** A frame counts as residual when its band power is this many dB over the noise floor. */
    thresholdDb: z.number().min(0.5).max(60).default(6),
    /** …for at least this long (consecutive frames). */
    minDurationMs: z.number().min(0).max(1000).default(30),
  })
  .strict();

export const AnalysisOptionsSchema = z
  .object({
    frameMs: z.number().min(1).max(100).default(10),
    /** Band for echo loss, residual and leak detection (the 300–6700 Hz of terminal coupling loss). */
    bandHz: band.default([300, 6700]),
    /**
     * Band of the energy detector (residual envelope, leak verdicts, tail length). It starts
     * below bandHz because rooms reverberate longest at low frequencies, where voiced
     * speech's fundamentals lie (docs/analysis.md § Detector band).
     */
    detectorBandHz: band.default([DETECTOR_BAND_START_HZ, 6700]),
    /** Band used to place the reference's own activity (playback start, acoustic end). */
    ttsBandHz: band.default([100, 8000]),
    /** Band for GCC-PHAT delay estimation. */
    delayBandHz: band.default([100, 7000]),
    /** Delay search range, ms; negative values allow a mic stream that leads the reference. */
    minDelayMs: z.number().min(-1000).max(0).default(-50),
    maxDelayMs: z.number().min(1).max(2000).default(500),
    /** A trial's own delay estimate below this peak-to-second-peak ratio is not used. */
    minDelayConfidenceDb: z.number().min(0).max(60).default(6),
    detector: DetectorOptionsSchema.default({ thresholdDb: 6, minDurationMs: 30 }),
    gatesMs: z.array(z.number().min(0).max(MAX_GATE_MS)).min(1).max(MAX_GATES).default([0, 300, 500, 800, 1500]),
    /** The reference's acoustic end is its last frame within this many dB of its loudest frame. */
    acousticEndRangeDb: z.number().min(10).max(120).default(60),
    /** Length of the post-gate mic segment correlated with the reference for echo attribution. */
    attributionWindowMs: z.number().min(50).max(5000).default(500),
    /** Longest echo path considered by attribution (direct delay plus reverberation). */
    maxEchoPathMs: z.number().min(10).max(5000).default(600),
    /** A noise floor below this (dBFS, analysis band) with nothing above it means no live microphone. */
    deadMicFloorDbfs: z.number().max(0).default(-110),
    /** Runs of identical samples longer than this (ms) count as digital silence. */
    digitalSilenceRunMs: z.number().min(1).max(10_000).default(20),
    clipThreshold: z.number().min(0.5).max(1).default(0.999),
    /** Shorter pre-rolls give an unreliable floor: the quietest frames are used instead, with a warning. */
    minPreRollMs: z.number().min(0).max(10_000).default(100),
  })
  .strict();

export type AnalysisOptions = z.infer<typeof AnalysisOptionsSchema>;
export type AnalysisOptionsInput = z.input<typeof AnalysisOptionsSchema>;

export function resolveAnalysisOptions(input: AnalysisOptionsInput = {}): AnalysisOptions {
  const r = AnalysisOptionsSchema.safeParse(input);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw usageError('E_ANALYSIS_OPTION', `invalid analysis setting ${issue.path.join('.') || '(root)'}: ${issueText(issue, AnalysisOptionsSchema)}`, {
      hint: 'see docs/analysis.md for the allowed ranges',
    });
  }
  return r.data;
}

/** `0,300,500,800` → [0, 300, 500, 800]. */
export function parseGateList(text: string): number[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const gates = parts.map(Number);
  if (parts.length === 0 || parts.length > MAX_GATES || gates.some((g) => !Number.isFinite(g) || g < 0 || g > MAX_GATE_MS)) {
    throw usageError('E_GATES', `--gates "${clip(text)}" is not a list of gate durations`, {
      hint: `give at most ${MAX_GATES} comma-separated milliseconds between 0 and ${MAX_GATE_MS}, e.g. --gates 0,300,500,800,1500`,
    });
  }
  return [...new Set(gates)].sort((a, b) => a - b);
}

/**
 * The gates of a "from:to:step" sweep, or why the text is not one. Shared by --sweep and a
 * scenario's analysis.sweep so both accept the same ranges and each error names its own source.
 */
export function sweepGates(text: string): { gates: number[] } | { error: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m) return { error: 'is not a from:to:step range in ms' };
  const [from, to, step] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (step <= 0) return { error: 'has a step of 0; the step must be positive' };
  if (to < from) return { error: `ends (${to}) before it starts (${from})` };
  if (to > MAX_GATE_MS) return { error: `ends at ${to} ms, beyond the ${MAX_GATE_MS} ms limit` };
  // Counted before the list is built: a 0.001 ms step must not allocate millions of gates.
  if (Math.floor((to - from) / step + 1e-9) + 1 > MAX_GATES) return { error: `has more than ${MAX_GATES} steps (limit maxGates)` };
  const gates: number[] = [];
  for (let g = from; g <= to + 1e-9; g += step) gates.push(Math.round(g * 1000) / 1000);
  return { gates };
}

/** `0:2000:50` → [0, 50, …, 2000]. */
export function parseSweep(text: string): number[] {
  const r = sweepGates(text);
  if ('error' in r) {
    throw usageError('E_SWEEP', `--sweep "${clip(text)}" ${r.error}`, {
      hint: `use milliseconds, e.g. --sweep 0:2000:50 (at most ${MAX_GATES} steps, up to ${MAX_GATE_MS} ms)`,
    });
  }
  return r.gates;
}

/** Echoed user text stays short: an error line is one line, not the input. */
function clip(text: string, max = 40): string {
  // Control characters (and line separators) would break the one-line error.
  const flat = Array.from(text, (c) => {
    const n = c.codePointAt(0)!;
    return n < 0x20 || (n >= 0x7f && n <= 0x9f) || n === 0x2028 || n === 0x2029 ? '?' : c;
  }).join('');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

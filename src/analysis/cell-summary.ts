/**
 * One cell's trials aggregated into the gate trade-off (docs/reports.md): per gate the
 * leak count with a Wilson interval, peak excess, first-utterance versus later trials and
 * barge-in cost; the recommended gate; echo loss, ERLE, delay; failure counts. Pure: the
 * trials' TrialAnalysis objects in, a CellSummary out. The zod schema here is part of
 * `voiceaec.results/1` (src/report/results-schema.ts).
 *
 * Any gate can be evaluated after the fact: a gate missing from a trial's stored results
 * is decided on its residual envelope with the same detector (leak-detector.ts).
 */
import { z } from 'zod';
import { round } from '../core/units.js';
import { trialsNeeded, wilsonInterval } from '../dsp/wilson.js';
import { detectorConfig, gateFrame, gateVerdict, hotRuns, type DetectorConfig } from './leak-detector.js';
import type { TrialAnalysis } from './trial-result.js';

/* ------------------------------------------------------------------ schema */

const DimValue = z.union([z.string(), z.number(), z.boolean()]);

export const RateSchema = z.object({
  leaks: z.number().int(),
  decided: z.number().int().describe('trials with a verdict at this gate (dead mic and too-short post-roll excluded)'),
  rate: z.number().nullable().describe('leaks / decided; null when nothing was decided'),
  lower: z.number().describe('Wilson lower bound at the confidence'),
  upper: z.number().describe('Wilson upper bound at the confidence (1 when nothing was decided)'),
});

export const SpreadSchema = z
  .object({ n: z.number().int(), median: z.number(), min: z.number(), max: z.number() })
  .describe('median and range over the trials that have the value');

export const GateStatsSchema = RateSchema.extend({
  gateMs: z.number(),
  undecided: z.number().int(),
  attributed: z.number().int().describe('leaks whose post-gate energy correlates with the reference (echo, not room noise)'),
  attributionUnknown: z.number().int().describe('leaks decided on the stored envelope, where no attribution was computed'),
  peakExcessDb: z
    .object({ median: z.number(), worst: z.number() })
    .nullable()
    .describe('highest post-gate frame over the noise floor: median and worst over decided trials'),
  meetsTarget: z.boolean().describe('upper bound ≤ the target leak rate'),
  firstUtterance: RateSchema.describe('trials that were the first utterance after an engine start'),
  later: RateSchema,
});

export const RecommendationSchema = z.object({
  status: z.enum(['recommended', 'not-enough-trials', 'no-gate-meets', 'no-data']),
  gateMs: z.number().nullable().describe('the smallest evaluated gate whose upper bound meets the target'),
  upper: z.number().nullable(),
  targetLeakRate: z.number(),
  confidence: z.number(),
  /** For not-enough-trials: the gate that could meet the target with more trials, and how many it needs. */
  candidateGateMs: z.number().nullable(),
  trialsNeeded: z.number().int().nullable().describe('decided trials needed at the candidate gate if no further trial leaks'),
  /** The longest evaluated gate below the recommended one, to show what the shorter gate costs. */
  shorter: z.object({ gateMs: z.number(), leaks: z.number().int(), decided: z.number().int(), upper: z.number() }).nullable(),
  message: z.string(),
});

export const BargeInSchema = z.object({
  gateMs: z.number(),
  mutedAfterDrainMs: z.number().describe('user speech starting at the drain is muted this long (hard gate)'),
  deafAfterAudibleEndMs: SpreadSchema.nullable().describe('trailing silence + gate: time after the agent’s last audible sound until the mic opens'),
  nearEnd: z
    .object({
      trials: z.number().int(),
      firstWordLostMs: z.object({ median: z.number(), worst: z.number() }),
      firstWordLostFraction: z.object({ median: z.number(), worst: z.number() }),
      mutedSpeechMs: z.object({ median: z.number(), worst: z.number() }).describe('all near-end speech inside the muted window'),
    })
    .nullable()
    .describe('measured on trials with a near-end talker (near.wav): how much of the user’s first word the gate removes'),
});

export const ConfigRowSchema = z.object({
  key: z.string(),
  requested: DimValue.nullable(),
  effective: DimValue.nullable(),
  differs: z.boolean(),
});

export const TrialRowSchema = z.object({
  index: z.number().int(),
  dir: z.string(),
  fixtureId: z.string(),
  pattern: z.string(),
  status: z.enum(['ok', 'failed', 'pending']),
  reason: z.string().nullable(),
  source: z.enum(['metrics', 'reanalysed', 'none']).describe('where the analysis came from'),
  firstUtterance: z.boolean(),
  leaks: z.array(z.boolean().nullable()).describe('verdict per gate of `gates`, same order'),
  leaksFromAcousticEnd: z.array(z.boolean().nullable()),
  drainMs: z.number().nullable().describe('gate origin, ms from the first mic sample'),
  acousticEndMs: z.number().nullable().describe('end of the reference’s last audible frame, ms from the first mic sample'),
  tailLengthMs: z.number().nullable(),
  trailingSilenceMs: z.number().nullable().describe('drain − reference acoustic end'),
  peakExcessDb: z.number().nullable(),
  echoLossDb: z.number().nullable(),
  echoLossIsLowerBound: z.boolean(),
  erleDb: z.number().nullable(),
  delayMs: z.number().nullable(),
  delaySource: z.string().nullable(),
  deadMic: z.boolean(),
  clipped: z.boolean().describe('mic or reference clipping'),
  warnings: z.array(z.string()),
});

const Rms2Schema = z.object({
  thresholdDbfs: z.number(),
  gates: z.array(GateStatsSchema),
  recommendation: RecommendationSchema,
  bargeIn: z.array(BargeInSchema).describe('near-end speech louder than the threshold passes during the cooldown'),
  note: z.string(),
});

export const CellSummarySchema = z.object({
  run: z.string().describe('id of the run the cell belongs to'),
  id: z.string(),
  dims: z.record(z.string(), DimValue),
  settings: z.record(z.string(), DimValue).describe('every setting of the cell (base and matrix), as labels; acceptance `where` filters match these'),
  status: z.string(),
  reason: z.string().nullable(),
  configuredGate: z.object({ kind: z.string(), ms: z.number(), thresholdDbfs: z.number() }).nullable(),
  config: z.array(ConfigRowSchema).describe('requested versus effective configuration'),
  mismatches: z.array(z.string()),
  configErrors: z.array(z.object({ code: z.string(), message: z.string() })),
  counts: z.object({
    planned: z.number().int(),
    ok: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
    analysed: z.number().int(),
    reanalysed: z.number().int(),
    deadMic: z.number().int(),
    clipped: z.number().int(),
    firstUtterance: z.number().int(),
    deviceCrashes: z.number().int().describe('times the device dropped the connection (a crashed app), teardown included'),
  }),
  targetLeakRate: z.number(),
  confidence: z.number(),
  gates: z.array(GateStatsSchema).describe('gate measured from the drain event'),
  recommendation: RecommendationSchema,
  gatesFromAcousticEnd: z.array(GateStatsSchema).describe('gate measured from the reference’s acoustic end'),
  recommendationFromAcousticEnd: RecommendationSchema,
  trailingSilenceMs: SpreadSchema.nullable(),
  tailLengthMs: SpreadSchema.nullable(),
  bargeIn: z.array(BargeInSchema),
  rms2: Rms2Schema.nullable().describe('the trade-off for the cell’s two-tier RMS gate (cells configured with gate kind rms2)'),
  levels: z.object({
    echoLossDb: SpreadSchema.nullable(),
    echoLossLowerBounds: z.number().int(),
    erleDb: SpreadSchema.nullable(),
    erleLowerBounds: z.number().int(),
    noiseFloorDbfs: SpreadSchema.nullable(),
    delayMs: SpreadSchema.nullable(),
    delaySources: z.record(z.string(), z.number().int()),
  }),
  calibration: z
    .object({ delayMs: z.number().nullable(), rawEchoLossDb: z.number().nullable(), rawEchoLossIsLowerBound: z.boolean(), source: z.string() })
    .nullable(),
  residual: z.object({
    frameMs: z.number(),
    thresholdDb: z.number(),
    medianDb: z.array(z.number()).describe('frame-wise median over trials of the post-drain excess over the floor'),
    worst: z.object({ trial: z.number().int(), excessDb: z.array(z.number()) }).nullable().describe('the trial with the longest tail'),
  }),
  trials: z.array(TrialRowSchema),
  warnings: z.array(z.string()),
});

export type Rate = z.infer<typeof RateSchema>;
export type Spread = z.infer<typeof SpreadSchema>;
export type GateStats = z.infer<typeof GateStatsSchema>;
export type Recommendation = z.infer<typeof RecommendationSchema>;
export type BargeIn = z.infer<typeof BargeInSchema>;
export type ConfigRow = z.infer<typeof ConfigRowSchema>;
export type TrialRow = z.infer<typeof TrialRowSchema>;
export type CellSummary = z.infer<typeof CellSummarySchema>;

/* ------------------------------------------------------------------ input */

/** Near-end (user) speech as it reached the mic: frame levels from mic sample 0. */
export interface NearEndTrack {
  frameMs: number;
  levelsDbfs: ArrayLike<number>;
}

export interface CellTrialInput {
  index: number;
  dir: string;
  fixtureId: string;
  pattern: string;
  status: 'ok' | 'failed' | 'pending';
  reason: string | null;
  analysis: TrialAnalysis | null;
  source: 'metrics' | 'reanalysed' | 'none';
  /** First utterance after an engine start (cold start): the cell's first trial or one with an engineStarted event. */
  firstUtterance: boolean;
  nearEnd: NearEndTrack | null;
  /** Problems reading this trial's files, reported beside its row. */
  warnings?: string[];
}

export interface CellInput {
  run: string;
  id: string;
  dims: Record<string, string | number | boolean>;
  /** Every setting of the cell (base and matrix), as labels. */
  settings: Record<string, string | number | boolean>;
  status: string;
  reason: string | null;
  configuredGate: { kind: string; ms: number; thresholdDbfs: number } | null;
  config: ConfigRow[];
  mismatches: string[];
  configErrors: Array<{ code: string; message: string }>;
  /** Connection drops (crashed app) during the cell; absent in runs recorded before it existed. */
  deviceCrashes?: number;
  calibration: CellSummary['calibration'];
  /** Measured trials (index ≥ 1); the calibration trial is summarised in `calibration`. */
  trials: CellTrialInput[];
  warnings: string[];
}

export interface SummaryOptions {
  gatesMs: number[];
  targetLeakRate: number;
  confidence: number;
}

/* ------------------------------------------------------------------ helpers */

const r1 = (x: number) => round(x, 1);
const r2 = (x: number) => round(x, 2);
const r4 = (x: number) => round(x, 4);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function spread(xs: Array<number | null | undefined>): Spread | null {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (v.length === 0) return null;
  return { n: v.length, median: r2(median(v)), min: r2(Math.min(...v)), max: r2(Math.max(...v)) };
}

function rateOf(leaks: number, decided: number, confidence: number): Rate {
  const w = wilsonInterval(leaks, decided, confidence);
  return { leaks, decided, rate: decided === 0 ? null : r4(w.rate), lower: r4(w.lower), upper: r4(w.upper) };
}

/** "16.1 %" — rates print with one decimal, whole numbers without. */
export function pct(x: number | null): string {
  if (x === null) return '—';
  const v = round(x * 100, 1);
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} %`;
}

/**
 * Smallest number of decided trials n ≥ `decided` at which `leaks` leaks give a Wilson upper
 * bound ≤ target, assuming no further leaks. With 0 leaks this is trialsNeeded(); null when
 * the observed rate alone already misses the target (more clean trials cannot rescue it
 * only in the limit; we report that as "no gate meets" instead).
 */
export function trialsNeededFor(leaks: number, decided: number, target: number, confidence: number): number | null {
  if (leaks === 0) return trialsNeeded(target, confidence);
  if (decided > 0 && leaks / decided >= target) return null;
  const ok = (n: number) => wilsonInterval(leaks, n, confidence).upper <= target;
  let hi = Math.max(decided, leaks, 1);
  while (!ok(hi)) {
    hi *= 2;
    if (hi > 1e9) return null;
  }
  let lo = Math.max(decided, leaks);
  if (ok(lo)) return lo;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/* ------------------------------------------------------------------ verdicts */

interface Verdict {
  leak: boolean | null;
  peakExcessDb: number | null;
  attributed: boolean | null;
}

function detectorOf(a: TrialAnalysis): DetectorConfig {
  return detectorConfig(a.detector.thresholdDb, a.detector.minDurationMs, a.residual.frameMs);
}

/** The verdict at drain + gateMs decided on the stored residual envelope (no echo attribution there). */
function envelopeVerdict(a: TrialAnalysis, gateMs: number): Verdict {
  const v = gateVerdict(a.residual.excessDb, detectorOf(a), gateFrame(gateMs, a.residual.frameMs));
  return { leak: a.flags.deadMic.flag ? null : v.leak, peakExcessDb: v.peakExcessDb === null ? null : r2(v.peakExcessDb), attributed: null };
}

/** The verdict at a gate measured from the drain: the stored result when there is one, else the envelope's. */
export function verdictAt(a: TrialAnalysis, gateMs: number): Verdict {
  const stored = a.gates.find((g) => g.gateMs === gateMs);
  if (stored) return { leak: stored.leak, peakExcessDb: stored.peakExcessDb, attributed: stored.attribution ? stored.attribution.attributed : null };
  return envelopeVerdict(a, gateMs);
}

/** drain − acoustic end: audio-free time at the end of the TTS buffer ("free protection"). */
export function trailingSilenceMs(a: TrialAnalysis): number | null {
  const end = a.timing.referenceAcousticEndMs;
  return end === null ? null : r2(a.timing.drainMs - end);
}

/**
 * The verdict for a gate measured from the reference's acoustic end: the mic opens at
 * acousticEnd + G = drain + (G − trailing silence). Before the drain the stored envelope
 * has no frames, so such a gate is decided only when the trial already leaks at drain + 0.
 */
export function verdictFromAcousticEnd(a: TrialAnalysis, gateMs: number): Verdict {
  const s = trailingSilenceMs(a) ?? 0;
  const g = gateMs - s;
  if (g >= 0) return envelopeVerdict(a, g);
  const at0 = verdictAt(a, 0);
  return at0.leak === true ? { ...at0, attributed: null } : { leak: null, peakExcessDb: null, attributed: null };
}

/**
 * A two-tier RMS gate (rms2): during the cooldown only frames louder than the threshold pass,
 * after it everything does. A leak is a detector run made of frames that reach the app: after
 * the cooldown, or during it and louder than the threshold. Frame level = noise floor + excess
 * (band level, 300–6700 Hz: the device gate sees broadband RMS, which is a little higher).
 */
export function rms2VerdictAt(a: TrialAnalysis, cooldownMs: number, thresholdDbfs: number): Verdict {
  if (a.flags.deadMic.flag) return { leak: null, peakExcessDb: null, attributed: null };
  const ex = a.residual.excessDb;
  const g = gateFrame(cooldownMs, a.residual.frameMs);
  const floor = a.levels.noiseFloorDbfs;
  const passed = ex.map((e, k) => (k >= g || floor + e >= thresholdDbfs ? e : -Infinity));
  const cfg = detectorOf(a);
  const runs = hotRuns(passed, cfg, 0);
  let peak = -Infinity;
  for (const e of passed) if (e > peak) peak = e;
  const decidable = runs.length > 0 || ex.length >= cfg.minFrames;
  return { leak: decidable ? runs.length > 0 : null, peakExcessDb: Number.isFinite(peak) ? r2(peak) : null, attributed: null };
}

/* ------------------------------------------------------------------ aggregation */

function gateStats(gateMs: number, trials: CellTrialInput[], verdict: (a: TrialAnalysis) => Verdict, o: SummaryOptions): GateStats {
  let leaks = 0, decided = 0, undecided = 0, attributed = 0, attributionUnknown = 0;
  let fLeaks = 0, fDecided = 0;
  const peaks: number[] = [];
  for (const t of trials) {
    if (!t.analysis) continue;
    const v = verdict(t.analysis);
    if (v.leak === null) {
      undecided++;
      continue;
    }
    decided++;
    if (t.firstUtterance) fDecided++;
    if (v.peakExcessDb !== null) peaks.push(v.peakExcessDb);
    if (v.leak) {
      leaks++;
      if (t.firstUtterance) fLeaks++;
      if (v.attributed === true) attributed++;
      else if (v.attributed === null) attributionUnknown++;
    }
  }
  const rate = rateOf(leaks, decided, o.confidence);
  return {
    gateMs,
    ...rate,
    undecided,
    attributed,
    attributionUnknown,
    peakExcessDb: peaks.length > 0 ? { median: r2(median(peaks)), worst: r2(Math.max(...peaks)) } : null,
    meetsTarget: decided > 0 && rate.upper <= o.targetLeakRate,
    firstUtterance: rateOf(fLeaks, fDecided, o.confidence),
    later: rateOf(leaks - fLeaks, decided - fDecided, o.confidence),
  };
}

/**
 * The recommendation rule (docs/reports.md): the smallest evaluated gate whose Wilson upper
 * bound is ≤ the target. Otherwise, if some gate's observed rate is under the target, more
 * trials could prove it: name the gate needing the fewest and how many. Otherwise no gate meets.
 */
export function recommend(stats: GateStats[], target: number, confidence: number, what = ''): Recommendation {
  const sorted = [...stats].sort((a, b) => a.gateMs - b.gateMs);
  const base = { gateMs: null, upper: null, targetLeakRate: target, confidence, candidateGateMs: null, trialsNeeded: null, shorter: null };
  const conf = pct(confidence);
  const goal = `≤ ${pct(target)} at ${conf} confidence`;
  const decided = sorted.filter((s) => s.decided > 0);
  if (decided.length === 0) return { status: 'no-data', ...base, message: `no trial could be decided${what}: nothing to recommend` };
  const i = sorted.findIndex((s) => s.decided > 0 && s.upper <= target);
  if (i >= 0) {
    const s = sorted[i]!;
    const prev = [...sorted.slice(0, i)].reverse().find((p) => p.decided > 0) ?? null;
    const shorter = prev ? { gateMs: prev.gateMs, leaks: prev.leaks, decided: prev.decided, upper: prev.upper } : null;
    const tail = prev ? `; ${prev.gateMs} ms leaked in ${prev.leaks} of ${prev.decided} (${pct(prev.rate)}, upper bound ${pct(prev.upper)})` : '';
    return {
      status: 'recommended',
      ...base,
      gateMs: s.gateMs,
      upper: s.upper,
      shorter,
      message: `${s.gateMs} ms${what}: ${s.leaks} of ${s.decided} trials leaked (upper bound ${pct(s.upper)} ${goal})${tail}`,
    };
  }
  let best: { s: GateStats; n: number } | null = null;
  for (const s of decided) {
    const n = trialsNeededFor(s.leaks, s.decided, target, confidence);
    if (n !== null && (best === null || n < best.n)) best = { s, n };
  }
  if (best) {
    const { s, n } = best;
    const more = s.leaks === 0 ? `need ${n} trials without a leak` : `need at least ${n} trials if no further trial leaks`;
    return {
      status: 'not-enough-trials',
      ...base,
      candidateGateMs: s.gateMs,
      trialsNeeded: n,
      message: `not enough trials to claim ${goal}${what}: ${s.gateMs} ms had ${s.leaks} leak${s.leaks === 1 ? '' : 's'} in ${s.decided} trials (upper bound ${pct(s.upper)}); ${more}`,
    };
  }
  const last = decided[decided.length - 1]!;
  return {
    status: 'no-gate-meets',
    ...base,
    message: `no evaluated gate meets ${goal}${what}: the longest, ${last.gateMs} ms, leaked in ${last.leaks} of ${last.decided} trials (${pct(last.rate)}, interval ${pct(last.lower)}–${pct(last.upper)}); evaluate longer gates`,
  };
}

/** Near-end speech frames after onset: the first word ends at the first pause ≥ 100 ms (capped at 1 s). */
function nearEndCost(track: NearEndTrack, drainMs: number, gateMs: number, passDbfs: number | null) {
  const f = track.frameMs;
  const lv = track.levelsDbfs;
  let peak = -Infinity;
  for (let i = 0; i < lv.length; i++) if (lv[i]! > peak) peak = lv[i]!;
  if (!Number.isFinite(peak) || peak < -90) return null;
  const active = (i: number) => lv[i]! >= peak - 30;
  let onset = 0;
  while (onset < lv.length && !active(onset)) onset++;
  const pauseFrames = Math.round(100 / f);
  const cap = onset + Math.round(1000 / f);
  let end = onset;
  let quiet = 0;
  for (let i = onset; i < Math.min(lv.length, cap); i++) {
    if (active(i)) {
      end = i + 1;
      quiet = 0;
    } else if (++quiet >= pauseFrames) break;
  }
  const mutedFrom = drainMs, mutedTo = drainMs + gateMs;
  let firstLost = 0, muted = 0;
  for (let i = onset; i < lv.length; i++) {
    const a = i * f, b = a + f;
    const overlap = Math.max(0, Math.min(b, mutedTo) - Math.max(a, mutedFrom));
    if (overlap <= 0 || !active(i)) continue;
    if (passDbfs !== null && lv[i]! >= passDbfs) continue; // loud enough to pass an rms2 gate
    muted += overlap;
    if (i < end) firstLost += overlap;
  }
  const wordMs = (end - onset) * f;
  return { firstLost, fraction: wordMs > 0 ? firstLost / wordMs : 0, muted };
}

function bargeInAt(gateMs: number, trials: CellTrialInput[], passDbfs: number | null): BargeIn {
  const deaf: number[] = [];
  const lost: number[] = [], frac: number[] = [], muted: number[] = [];
  for (const t of trials) {
    if (!t.analysis) continue;
    const s = trailingSilenceMs(t.analysis);
    if (s !== null) deaf.push(s + gateMs);
    if (t.nearEnd) {
      const c = nearEndCost(t.nearEnd, t.analysis.timing.drainMs, gateMs, passDbfs);
      if (c) {
        lost.push(c.firstLost);
        frac.push(c.fraction);
        muted.push(c.muted);
      }
    }
  }
  const mw = (xs: number[], d = r1) => ({ median: d(median(xs)), worst: d(Math.max(...xs)) });
  return {
    gateMs,
    mutedAfterDrainMs: gateMs,
    deafAfterAudibleEndMs: spread(deaf),
    nearEnd: lost.length > 0 ? { trials: lost.length, firstWordLostMs: mw(lost), firstWordLostFraction: mw(frac, r4), mutedSpeechMs: mw(muted) } : null,
  };
}

function residualSummary(trials: CellTrialInput[]): CellSummary['residual'] {
  const as = trials.map((t) => t.analysis).filter((a): a is TrialAnalysis => a !== null && !a.flags.deadMic.flag);
  if (as.length === 0) return { frameMs: 10, thresholdDb: 6, medianDb: [], worst: null };
  const frameMs = as[0]!.residual.frameMs;
  const lengths = as.map((a) => a.residual.excessDb.length).sort((a, b) => a - b);
  // Frames most trials reach: a few long post-rolls must not make the median's tail rest on one trial.
  const frames = Math.min(lengths[Math.floor(lengths.length / 2)]!, Math.round(6000 / frameMs));
  const medianDb: number[] = [];
  for (let k = 0; k < frames; k++) {
    const col: number[] = [];
    for (const a of as) if (k < a.residual.excessDb.length) col.push(a.residual.excessDb[k]!);
    medianDb.push(r1(median(col)));
  }
  let worst: { t: CellTrialInput; tail: number; peak: number } | null = null;
  for (const t of trials) {
    const a = t.analysis;
    if (!a || a.flags.deadMic.flag) continue;
    const tail = a.residual.tailLengthMs, peak = a.residual.peakExcessDb ?? -Infinity;
    if (!worst || tail > worst.tail || (tail === worst.tail && peak > worst.peak)) worst = { t, tail, peak };
  }
  return {
    frameMs,
    thresholdDb: as[0]!.detector.thresholdDb,
    medianDb,
    worst: worst ? { trial: worst.t.index, excessDb: worst.t.analysis!.residual.excessDb.slice(0, Math.round(6000 / frameMs)).map(r1) } : null,
  };
}

function trialRow(t: CellTrialInput, gatesMs: number[]): TrialRow {
  const a = t.analysis;
  return {
    index: t.index,
    dir: t.dir,
    fixtureId: t.fixtureId,
    pattern: t.pattern,
    status: t.status,
    reason: t.reason,
    source: t.source,
    firstUtterance: t.firstUtterance,
    leaks: gatesMs.map((g) => (a ? verdictAt(a, g).leak : null)),
    leaksFromAcousticEnd: gatesMs.map((g) => (a ? verdictFromAcousticEnd(a, g).leak : null)),
    drainMs: a ? a.timing.drainMs : null,
    acousticEndMs: a ? a.timing.referenceAcousticEndMs : null,
    tailLengthMs: a ? a.residual.tailLengthMs : null,
    trailingSilenceMs: a ? trailingSilenceMs(a) : null,
    peakExcessDb: a ? a.residual.peakExcessDb : null,
    echoLossDb: a ? a.levels.echoLossDb : null,
    echoLossIsLowerBound: a ? a.levels.echoLossIsLowerBound : false,
    erleDb: a ? a.levels.erleDb : null,
    delayMs: a ? a.delay.ms : null,
    delaySource: a ? a.delay.source : null,
    deadMic: a ? a.flags.deadMic.flag : false,
    clipped: a ? a.flags.micClipping.flag || a.flags.referenceClipping.flag : false,
    warnings: [...(t.warnings ?? []), ...(a ? a.warnings : [])],
  };
}

export function summarizeCell(c: CellInput, o: SummaryOptions): CellSummary {
  const gatesMs = [...new Set(o.gatesMs)].sort((a, b) => a - b);
  const trials = [...c.trials].sort((a, b) => a.index - b.index);
  const ok = trials.filter((t) => t.status === 'ok');
  const analysed = trials.filter((t) => t.analysis !== null);
  const live = analysed.filter((t) => !t.analysis!.flags.deadMic.flag);
  const as = live.map((t) => t.analysis!);

  const gates = gatesMs.map((g) => gateStats(g, analysed, (a) => verdictAt(a, g), o));
  const fromEnd = gatesMs.map((g) => gateStats(g, analysed, (a) => verdictFromAcousticEnd(a, g), o));
  const warnings = [...c.warnings];

  let rms2: CellSummary['rms2'] = null;
  if (c.configuredGate?.kind === 'rms2') {
    const thr = c.configuredGate.thresholdDbfs;
    const rg = gatesMs.map((g) => gateStats(g, analysed, (a) => rms2VerdictAt(a, g, thr), o));
    rms2 = {
      thresholdDbfs: thr,
      gates: rg,
      recommendation: recommend(rg, o.targetLeakRate, o.confidence, ` (rms2 cooldown, ${thr} dBFS)`),
      bargeIn: gatesMs.map((g) => bargeInAt(g, live, thr)),
      note: `during the cooldown, frames above ${thr} dBFS pass (user speech and loud echo alike); frame level is the ${as[0]?.levels.bandHz.join('–') ?? '300–6700'} Hz band level, slightly below the broadband RMS the device gate uses`,
    };
  }

  const delaySources: Record<string, number> = {};
  for (const a of as) delaySources[a.delay.source] = (delaySources[a.delay.source] ?? 0) + 1;
  const tails = as.map((a) => a.residual.tailLengthMs);
  if (analysed.length < ok.length) warnings.push(`${ok.length - analysed.length} ok trial(s) have no usable analysis`);

  return {
    run: c.run,
    id: c.id,
    dims: c.dims,
    settings: c.settings,
    status: c.status,
    reason: c.reason,
    configuredGate: c.configuredGate,
    config: c.config,
    mismatches: c.mismatches,
    configErrors: c.configErrors,
    counts: {
      planned: trials.length,
      ok: ok.length,
      failed: trials.filter((t) => t.status === 'failed').length,
      pending: trials.filter((t) => t.status === 'pending').length,
      analysed: analysed.length,
      reanalysed: analysed.filter((t) => t.source === 'reanalysed').length,
      deadMic: analysed.length - live.length,
      clipped: analysed.filter((t) => t.analysis!.flags.micClipping.flag || t.analysis!.flags.referenceClipping.flag).length,
      firstUtterance: analysed.filter((t) => t.firstUtterance).length,
      deviceCrashes: c.deviceCrashes ?? 0,
    },
    targetLeakRate: o.targetLeakRate,
    confidence: o.confidence,
    gates,
    recommendation: recommend(gates, o.targetLeakRate, o.confidence),
    gatesFromAcousticEnd: fromEnd,
    recommendationFromAcousticEnd: recommend(fromEnd, o.targetLeakRate, o.confidence, ' after the acoustic end'),
    trailingSilenceMs: spread(as.map(trailingSilenceMs)),
    tailLengthMs: spread(tails),
    bargeIn: gatesMs.map((g) => bargeInAt(g, live, null)),
    rms2,
    levels: {
      echoLossDb: spread(as.map((a) => a.levels.echoLossDb)),
      echoLossLowerBounds: as.filter((a) => a.levels.echoLossDb !== null && a.levels.echoLossIsLowerBound).length,
      erleDb: spread(as.map((a) => a.levels.erleDb)),
      erleLowerBounds: as.filter((a) => a.levels.erleDb !== null && a.levels.erleIsLowerBound).length,
      noiseFloorDbfs: spread(as.map((a) => a.levels.noiseFloorDbfs)),
      delayMs: spread(as.map((a) => a.delay.ms)),
      delaySources: Object.fromEntries(Object.entries(delaySources).sort(([a], [b]) => a.localeCompare(b))),
    },
    calibration: c.calibration,
    residual: residualSummary(analysed),
    trials: trials.map((t) => trialRow(t, gatesMs)),
    warnings,
  };
}


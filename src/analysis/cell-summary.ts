/**
 * One cell's trials aggregated into the gate trade-off (docs/reports.md): per gate the
 * leak count with a Wilson interval, peak excess, first-utterance versus later trials and
 * barge-in cost; the recommended gate; echo loss, ERLE, delay; failure counts. Pure: the
 * trials' TrialAnalysis objects in, a CellSummary out (shape: cell-schema.ts).
 */
import { bargeInAt, type NearEndTrack } from './barge-in.js';
import type { CellSummary, ConfigRow, GateStats, TrialRow } from './cell-schema.js';
import { median, r1, r2, rateOf, spread } from './cell-stats.js';
import { rms2VerdictAt, trailingSilenceMs, verdictAt, verdictFromAcousticEnd, type Verdict } from './gate-verdicts.js';
import { recommend } from './recommendation.js';
import type { TrialAnalysis } from './trial-result.js';

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

function gateStats(gateMs: number, trials: CellTrialInput[], verdict: (a: TrialAnalysis) => Verdict, o: SummaryOptions): GateStats {
  let leaks = 0,
    decided = 0,
    undecided = 0,
    attributed = 0,
    attributionUnknown = 0;
  let fLeaks = 0,
    fDecided = 0;
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
    const tail = a.residual.tailLengthMs,
      peak = a.residual.peakExcessDb ?? -Infinity;
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

/**
 * One trial's analysis: delay, echo loss, noise floor, the residual envelope after the
 * drain, and the leak verdict at each gate (docs/analysis.md). Pure: signals in, a
 * TrialAnalysis object out. Callers go through analyze-recording.ts, which prepares the
 * streams; this is the synchronous kernel beneath it.
 */
import { inputError } from '../core/errors.js';
import { powerToDb, round } from '../core/units.js';
import { WorkArrays } from '../dsp/fft.js';
import { clipping, digitalSilence, excessOverFloorDb, framePowers } from '../dsp/levels.js';
import { normalizedXcorr } from '../dsp/normalized-xcorr.js';
import type { AnalysisOptions } from '../config/analysis-options.js';
import { floorDrift } from './floor-drift.js';
import { detectorConfig, gateFrame, gateVerdict, tailFrames } from './leak-detector.js';
import { measurePlayback, type PlaybackContext } from './playback-measure.js';
import type { CalibrationResult } from './calibration-result.js';
import { ANALYSIS_SCHEMA, type GateResult, type StreamInfo, type TrialAnalysis } from './trial-result.js';

export interface TrialInput extends PlaybackContext {
  ref: Float32Array;
  mic: Float32Array;
  sampleRate: number;
  drainSource: 'events' | 'option' | 'reference';
  /** Delay given by the user (--delay-ms): used when the trial's own estimate is unreliable. */
  delayMs: number | null;
  calibration: CalibrationResult | null;
  refInfo: StreamInfo;
  micInfo: StreamInfo;
  /** Notes from loading (resampling, channel choice) carried into the report. */
  warnings: string[];
  /**
   * When a near-end talker (barge-in) starts, ms from sample 0: leak verdicts stop there,
   * because the user's speech is not echo; gates opening later are undecided.
   */
  nearEndStartMs?: number | null;
}

/** The band signals of measurePlayback, refilled by each call below: none of their results holds them. */
const bands = new WorkArrays();

const r2 = (x: number) => round(x, 2);
const r2n = (x: number | null) => (x === null ? null : round(x, 2));

/**
 * A processed trial may lag its bypassed calibration by the voice processing's own latency:
 * WebRTC AEC3 adds 8–15 ms; cancellers work in 10 ms blocks with up to a few blocks of
 * look-ahead and buffering. Up to 40 ms (four blocks) the lag is reported as that latency;
 * beyond it, or a trial that leads its calibration, is a route or buffer change
 * (docs/analysis.md, step 4).
 */
export const MAX_PROCESSING_LATENCY_MS = 40;

/**
 * A mic whose band frames sit below the dead-mic floor this often is dead whatever the rest
 * says: a muted mic through strong noise suppression is near digital silence with one short
 * burst (docs/analysis.md, step 9).
 */
export const DEAD_MIC_SILENT_FRACTION = 0.5;

/** The calibration pair: delay and raw echo loss with voice processing bypassed. */
export function analyzeCalibration(ref: Float32Array, mic: Float32Array, sampleRate: number, o: AnalysisOptions): CalibrationResult {
  const m = measurePlayback(ref, mic, sampleRate, { drainMs: null, playbackStartMs: null, preRollMs: null }, o, bands);
  const warnings = m.warnings.map((w) => `calibration: ${w}`);
  const delayMs = m.gcc && m.gccReliable ? (m.gcc.delay * 1000) / sampleRate : null;
  if (m.gcc === null) warnings.push('calibration: no delay estimate (silent reference or mic)');
  else if (!m.gccReliable) warnings.push(`calibration: delay estimate unreliable (confidence ${r2(m.gcc.confidenceDb)} dB)`);
  const lv = m.levelsAt(delayMs);
  return { delayMs, confidenceDb: m.gcc ? m.gcc.confidenceDb : null, rawEchoLossDb: lv.echoLossDb, rawEchoLossIsLowerBound: lv.lowerBound, warnings };
}

export function analyzeTrial(t: TrialInput, o: AnalysisOptions): TrialAnalysis {
  const fs = t.sampleRate;
  const m = measurePlayback(t.ref, t.mic, fs, t, o, bands);
  const warnings = [...t.warnings, ...m.warnings];
  if (m.drainMs === null) {
    throw inputError('E_REF_SILENT', 'the reference is silent, so there is no playback end to measure the gate from', {
      hint: 'check that --ref is the played TTS audio, or give the drain time with --events or --drain-at-ms',
    });
  }
  const drainMs = m.drainMs;

  // Delay: the trial's own estimate when it is trustworthy, else calibration, else the user's.
  const trialMs = m.gcc ? (m.gcc.delay * 1000) / fs : null;
  let delayMs: number | null = null;
  let source: TrialAnalysis['delay']['source'] = 'none';
  if (m.gccReliable) [delayMs, source] = [trialMs, 'trial'];
  else if (t.calibration?.delayMs != null) [delayMs, source] = [t.calibration.delayMs, 'calibration'];
  else if (t.delayMs !== null) [delayMs, source] = [t.delayMs, 'option'];
  // A processed trial lagging its calibration by a little is the processing's own latency, not a new route.
  const cal = t.calibration?.delayMs ?? null;
  const known = cal ?? t.delayMs;
  let processingLatencyMs: number | null = null;
  if (m.gccReliable && cal !== null) {
    const lag = trialMs! - cal;
    if (lag >= -1 && lag <= MAX_PROCESSING_LATENCY_MS) processingLatencyMs = lag;
    if (lag > 1 && lag <= MAX_PROCESSING_LATENCY_MS)
      warnings.push(
        `trial lags the bypassed calibration by ${r2(lag)} ms: the voice processing's own latency (expected up to ${MAX_PROCESSING_LATENCY_MS} ms)`,
      );
  }
  if (m.gccReliable && known != null && processingLatencyMs === null && Math.abs(known - trialMs!) > 1) {
    warnings.push(`trial delay ${r2(trialMs!)} ms differs from the calibrated/given ${r2(known)} ms by more than 1 ms (route or buffer change?)`);
  }
  if (!m.gccReliable && source !== 'none')
    warnings.push(`trial delay estimate too weak (${m.gcc ? `${r2(m.gcc.confidenceDb)} dB` : 'none'}): using the ${source} delay`);

  // Flags: a dead or clipped mic is a failure of its own, never "no leak".
  const silence = digitalSilence(t.mic, Math.max(2, Math.round((o.digitalSilenceRunMs * fs) / 1000)));
  const deadPower = 10 ** (o.deadMicFloorDbfs / 10);
  let micFramesDb = -200;
  let silentFrames = 0;
  for (const p of m.micFrames) {
    micFramesDb = Math.max(micFramesDb, powerToDb(p));
    if (p < deadPower) silentFrames++;
  }
  const silentFraction = m.micFrames.length > 0 ? silentFrames / m.micFrames.length : 1;
  let deadReason: string | null = null;
  if (t.mic.length === 0 || silence.allZero) deadReason = 'every mic sample is zero (digital silence)';
  else if (silence.stuckFraction >= 0.5)
    deadReason = `${Math.round(silence.stuckFraction * 100)} % of the mic stream is digital silence (runs of one value ≥ ${o.digitalSilenceRunMs} ms)`;
  else if (m.floor.powerDb < o.deadMicFloorDbfs && micFramesDb < o.deadMicFloorDbfs + 10)
    deadReason = `no noise and no echo: the mic never exceeds ${r2(micFramesDb)} dBFS in ${o.bandHz[0]}–${o.bandHz[1]} Hz`;
  else if (silentFraction >= DEAD_MIC_SILENT_FRACTION)
    deadReason = `${Math.round(silentFraction * 100)} % of the mic's ${o.frameMs} ms frames are below ${o.deadMicFloorDbfs} dBFS in ${o.bandHz[0]}–${o.bandHz[1]} Hz (near digital silence; loudest frame ${r2(micFramesDb)} dBFS): a muted mic, whatever a short burst says`;
  else if (silence.stuckFraction > 0.02)
    warnings.push(`${r2(silence.stuckFraction * 100)} % of the mic stream is digital silence: dropouts or a gated stream?`);

  // A dead mic measures no echo: what it delivered bounds the loss from below, nothing more.
  const measured = m.levelsAt(delayMs);
  const lv =
    deadReason && measured.refDb !== null && measured.micDb !== null
      ? { ...measured, echoLossDb: measured.refDb - Math.max(measured.micDb, m.floor.powerDb), lowerBound: true }
      : deadReason
        ? { ...measured, echoLossDb: null, lowerBound: false }
        : measured;
  const raw = t.calibration?.rawEchoLossDb ?? null;
  const erle = lv.echoLossDb !== null && raw !== null ? lv.echoLossDb - raw : null;

  const micClip = clipping(t.mic, o.clipThreshold);
  const refClip = clipping(t.ref, o.clipThreshold, 3, m.refExtent ?? [0, 0]);
  const clipReason = (c: ReturnType<typeof clipping>) =>
    c.runs > 0 ? `${c.runs} run(s) of ≥3 samples at full scale, ${r2(c.fraction * 100)} % of samples (peak ${r2(c.peak)})` : null;

  // Residual after the drain on a grid anchored at the drain, so gate edges fall on frame edges,
  // against the detector band's floor: the pre-roll's, or the end of the post-roll's when a
  // converging suppressor left the pre-roll louder (floor-drift.ts).
  const drainSample = (drainMs * m.bandRate) / 1000;
  const drift = floorDrift(m.detectorFloor, m.detectorFrames, Math.ceil(drainMs / o.frameMs), o.frameMs, Math.ceil(o.minPreRollMs / o.frameMs));
  const detFloor = drift.used === 'post-roll-end' ? drift.end! : m.detectorFloor;
  if (drift.reason) warnings.push(`noise floor drift: ${drift.reason}`);
  const post = framePowers(m.micDetectorBand, m.frameLen, drainSample);
  const residualDb = excessOverFloorDb(post, detFloor.power);
  // Verdicts see only the frames that end by the near-end onset; the envelope reported stays whole.
  const nearEndMs = t.nearEndStartMs ?? null;
  const nearEndFrame = nearEndMs === null ? null : Math.max(0, Math.floor((nearEndMs - drainMs) / o.frameMs + 1e-9));
  const excess = nearEndFrame === null ? residualDb : residualDb.subarray(0, nearEndFrame);
  if (nearEndMs !== null) warnings.push(`near-end talker from ${r2(nearEndMs - drainMs)} ms after the drain: leak verdicts stop there`);
  const cfg = detectorConfig(o.detector.thresholdDb, o.detector.minDurationMs, o.frameMs);
  const tail = tailFrames(excess, cfg) * o.frameMs;
  let peakAll = -Infinity;
  for (const e of excess) peakAll = Math.max(peakAll, e);
  if (post.length === 0) warnings.push('the mic ends at the drain: nothing after playback to analyse');

  const gates: GateResult[] = o.gatesMs.map((gateMs) => {
    const v = gateVerdict(excess, cfg, gateFrame(gateMs, o.frameMs));
    const leak = deadReason ? null : v.leak;
    let attribution: GateResult['attribution'] = null;
    if (leak) attribution = attribute(m.micBand, m.refBand, drainSample + (gateMs * m.bandRate) / 1000, delayMs, m.bandRate, o);
    return {
      gateMs,
      leak,
      peakExcessDb: r2n(v.peakExcessDb),
      firstLeakMs: v.firstLeakFrame === null ? null : v.firstLeakFrame * o.frameMs,
      leakDurationMs: v.leakFrames * o.frameMs,
      evaluatedMs: v.evaluatedFrames * o.frameMs,
      attribution,
    };
  });
  const undecided = gates.filter((g) => g.leak === null).map((g) => g.gateMs);
  if (undecided.length > 0 && !deadReason && nearEndFrame !== null)
    warnings.push(`gate(s) ${undecided.join(', ')} ms open too close to or after the near-end talker's onset: undecided`);
  else if (undecided.length > 0 && !deadReason)
    warnings.push(`too little mic audio after gate(s) ${undecided.join(', ')} ms to decide: record a longer post-roll`);
  if (deadReason) warnings.push('dead mic: leak verdicts withheld');

  return {
    schema: ANALYSIS_SCHEMA,
    input: { ref: t.refInfo, mic: t.micInfo, analysisSampleRate: fs },
    timing: {
      drainMs: r2(drainMs),
      drainSource: t.drainSource,
      referenceBufferEndMs: r2n(m.refBufferEndMs),
      referenceAcousticEndMs: r2n(m.refAcousticEndMs),
      playbackStartMs: r2n(m.playbackStartMs),
      preRollMs: r2(m.preRollMs),
      preRollSource: m.preRollSource,
    },
    delay: {
      ms: r2n(delayMs),
      source,
      trialEstimateMs: trialMs === null ? null : round(trialMs, 3),
      trialConfidenceDb: r2n(m.gcc ? m.gcc.confidenceDb : null),
      trialBeyondReflectionsDb: r2n(m.gcc ? m.gcc.beyondReflectionsDb : null),
      trialPeakOverNoiseDb: r2n(m.gcc ? m.gcc.peakOverNoiseDb : null),
      trialEstimateReliable: m.gccReliable,
      processingLatencyMs: r2n(processingLatencyMs),
    },
    levels: {
      bandHz: [o.bandHz[0], o.bandHz[1]],
      referenceDbfs: r2n(lv.refDb),
      micDuringPlaybackDbfs: r2n(lv.micDb),
      noiseFloorDbfs: r2(m.floor.powerDb),
      noiseFloorSpreadDb: r2(m.floor.spreadDb),
      echoLossDb: r2n(lv.echoLossDb),
      echoLossIsLowerBound: lv.lowerBound,
      rawEchoLossDb: r2n(raw),
      erleDb: r2n(erle),
      erleIsLowerBound: erle !== null && lv.lowerBound,
    },
    residual: {
      frameMs: o.frameMs,
      excessDb: Array.from(residualDb, (e) => r2(e)),
      tailLengthMs: tail,
      peakExcessDb: Number.isFinite(peakAll) ? r2(peakAll) : null,
    },
    detector: {
      thresholdDb: o.detector.thresholdDb,
      minDurationMs: o.detector.minDurationMs,
      bandHz: [o.detectorBandHz[0], o.detectorBandHz[1]],
      noiseFloorDbfs: r2(detFloor.powerDb),
      floorSource: drift.used === 'post-roll-end' ? 'post-roll-end' : m.preRollSource === 'quiet-frames' ? 'quiet-frames' : 'pre-roll',
      preRollFloorDbfs: r2(m.detectorFloor.powerDb),
      postRollEndFloorDbfs: r2n(drift.end ? drift.end.powerDb : null),
      floorDriftDb: r2n(drift.driftDb),
    },
    gates,
    flags: {
      deadMic: { flag: deadReason !== null, reason: deadReason },
      micClipping: { flag: micClip.runs > 0, reason: clipReason(micClip) },
      referenceClipping: { flag: refClip.runs > 0, reason: clipReason(refClip) },
      noiseFloorDrift: { flag: drift.reason !== null, reason: drift.reason },
    },
    warnings,
  };
}

/**
 * Is the post-gate energy the reference coming back? Correlate the post-gate mic with
 * the reference over the echo path: from the direct delay to the longest path considered.
 */
function attribute(
  micBand: Float32Array,
  refBand: Float32Array,
  startSample: number,
  delayMs: number | null,
  fs: number,
  o: AnalysisOptions,
): GateResult['attribution'] {
  const start = Math.round(startSample);
  const len = Math.min(micBand.length - start, Math.round((o.attributionWindowMs * fs) / 1000));
  if (len <= 0) return null;
  const lagFrom = Math.max(0, Math.round((((delayMs ?? 0) - 1) * fs) / 1000));
  const lagTo = lagFrom + Math.round((o.maxEchoPathMs * fs) / 1000);
  const r = normalizedXcorr(micBand.subarray(start, start + len), refBand, start, lagFrom, lagTo);
  if (!r) return null;
  return {
    score: round(r.score, 3),
    chance: round(r.chance, 3),
    lagMs: r2((r.lag * 1000) / fs),
    // Reversed speech keeps its pitch and spectrum, so chance is high for short voiced segments: 1.5× it, and 0.2 absolute.
    attributed: r.score >= 0.2 && r.score >= 1.5 * r.chance,
  };
}

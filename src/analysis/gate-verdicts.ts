/**
 * The verdict models of a trial at a gate: from the drain (the stored result, else decided on
 * the stored residual envelope with the same detector, so any gate can be evaluated after the
 * fact), from the reference's acoustic end, and behind a two-tier RMS (rms2) gate.
 */
import { r2 } from './cell-stats.js';
import { detectorConfig, gateFrame, gateVerdict, hotRuns, type DetectorConfig } from './leak-detector.js';
import type { TrialAnalysis } from './trial-result.js';

export interface Verdict {
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
 * (the detector band's level, 300–6700 Hz by default: the device gate sees broadband RMS, which is a
 * little higher). The excess is over the detector's floor; analyses stored before it had one used the levels floor.
 */
export function rms2VerdictAt(a: TrialAnalysis, cooldownMs: number, thresholdDbfs: number): Verdict {
  if (a.flags.deadMic.flag) return { leak: null, peakExcessDb: null, attributed: null };
  const ex = a.residual.excessDb;
  const g = gateFrame(cooldownMs, a.residual.frameMs);
  const floor = a.detector.noiseFloorDbfs ?? a.levels.noiseFloorDbfs;
  const passed = ex.map((e, k) => (k >= g || floor + e >= thresholdDbfs ? e : -Infinity));
  const cfg = detectorOf(a);
  const runs = hotRuns(passed, cfg, 0);
  let peak = -Infinity;
  for (const e of passed) if (e > peak) peak = e;
  const decidable = runs.length > 0 || ex.length >= cfg.minFrames;
  return { leak: decidable ? runs.length > 0 : null, peakExcessDb: Number.isFinite(peak) ? r2(peak) : null, attributed: null };
}

/**
 * The energy leak detector on the post-drain residual envelope.
 *
 * The envelope is a sequence of frames anchored at the drain: frame k covers
 * [drain + k·frame, drain + (k+1)·frame). A frame is "hot" when its excess over the
 * noise floor reaches the threshold; a leak is a run of at least `minFrames` hot
 * frames. With the gate open from drain + G, only frames from ⌈G/frame⌉ on count.
 * The tail length is the end of the last qualifying run, so "leak at G" and
 * "tail > G" agree to within one frame by construction.
 */

export interface DetectorConfig {
  thresholdDb: number;
  /** Minimum run length in frames (≥ 1). */
  minFrames: number;
}

/** The detector configured in ms: runs of at least ⌈minDurationMs / frameMs⌉ frames (≥ 1). */
export function detectorConfig(thresholdDb: number, minDurationMs: number, frameMs: number): DetectorConfig {
  return { thresholdDb, minFrames: Math.max(1, Math.ceil(minDurationMs / frameMs - 1e-9)) };
}

/** First frame a gate of `gateMs` evaluates: the first frame at or after the gate edge, ⌈G / frame⌉. */
export function gateFrame(gateMs: number, frameMs: number): number {
  return Math.max(0, Math.ceil(gateMs / frameMs - 1e-9));
}

export interface Run {
  /** First frame of the run. */
  start: number;
  /** One past the last frame. */
  end: number;
}

/** Qualifying runs among frames [from, excess.length). A run cut by `from` counts only from there. */
export function hotRuns(excessDb: ArrayLike<number>, cfg: DetectorConfig, from = 0): Run[] {
  const runs: Run[] = [];
  const minFrames = Math.max(1, cfg.minFrames);
  let start = -1;
  for (let k = Math.max(0, from); k <= excessDb.length; k++) {
    const hot = k < excessDb.length && excessDb[k]! >= cfg.thresholdDb;
    if (hot && start < 0) start = k;
    if (!hot && start >= 0) {
      if (k - start >= minFrames) runs.push({ start, end: k });
      start = -1;
    }
  }
  return runs;
}

export interface GateVerdict {
  /** True when a qualifying run exists after the gate; null when too little audio follows the gate. */
  leak: boolean | null;
  /** First frame of the first qualifying run after the gate, or null. */
  firstLeakFrame: number | null;
  /** Hot frames (in qualifying runs) after the gate. */
  leakFrames: number;
  /** Highest excess over the floor among the frames after the gate, dB (null if none). */
  peakExcessDb: number | null;
  /** Frames evaluated after the gate. */
  evaluatedFrames: number;
}

/** Verdict for a gate that opens at frame `gateFrame` (see gateFrame()). */
export function gateVerdict(excessDb: ArrayLike<number>, cfg: DetectorConfig, gateFrame: number): GateVerdict {
  const evaluatedFrames = Math.max(0, excessDb.length - gateFrame);
  let peak = -Infinity;
  for (let k = gateFrame; k < excessDb.length; k++) if (excessDb[k]! > peak) peak = excessDb[k]!;
  const runs = hotRuns(excessDb, cfg, gateFrame);
  const leakFrames = runs.reduce((s, r) => s + r.end - r.start, 0);
  // Too short a post-gate window to hold even one qualifying run: say so, do not claim "no leak".
  const decidable = runs.length > 0 || evaluatedFrames >= Math.max(1, cfg.minFrames);
  return {
    leak: decidable ? runs.length > 0 : null,
    firstLeakFrame: runs.length > 0 ? runs[0]!.start : null,
    leakFrames,
    peakExcessDb: Number.isFinite(peak) ? peak : null,
    evaluatedFrames,
  };
}

/** Frames from the drain to the end of the last qualifying run (0 when nothing rises over the threshold). */
export function tailFrames(excessDb: ArrayLike<number>, cfg: DetectorConfig): number {
  const runs = hotRuns(excessDb, cfg, 0);
  return runs.length > 0 ? runs[runs.length - 1]!.end : 0;
}

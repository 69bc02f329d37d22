/**
 * Per-frame voice-activity output of one stream: what the VAD layer (src/vad/) produces and
 * the pure turn verdicts (src/analysis/turn-verdicts.ts) read. Here because both use it and
 * neither may import the other.
 */

/** Frame k covers [k·frameMs, (k+1)·frameMs) of the recording's time axis. */
export interface VadTrack {
  frameMs: number;
  /** Raw speech probability per frame, 0…1. */
  probabilities: ArrayLike<number>;
  /** K-weighted loudness of each frame alone, LKFS (−Infinity: digital silence); src/dsp/frame-loudness.ts. */
  loudnessLkfs: ArrayLike<number>;
}

/** The mic behind a hard gate of gateMs: zeros in [drain, drain + gateMs), else the mic. */
export interface GateTrack {
  gateMs: number;
  track: VadTrack;
}

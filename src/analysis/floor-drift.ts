/**
 * Does the noise floor hold from the pre-roll to the end of the recording? A suppressor
 * still converging during the pre-roll (WebRTC AEC3's noise suppression: 3–5.5 dB) leaves
 * the pre-roll above the floor the tail is heard against, so excess is under-read. The
 * end of the post-roll, long after any tail, is compared with the pre-roll
 * (docs/analysis.md § Noise floor drift).
 */
import { round } from '../core/units.js';
import { noiseFloor, type NoiseFloor } from '../dsp/levels.js';

/** The end window: the last 500 ms of the mic, at most the second half of the post-drain audio. */
export const FLOOR_END_WINDOW_MS = 500;
/**
 * A drift below this is the estimator's own scatter: 45 kept frames of stationary noise give
 * a floor within ±0.3 dB (docs/analysis.md); real room noise wanders by about 1 dB.
 */
export const FLOOR_DRIFT_DB = 2;
/** A later floor quieter than this is no converging suppressor but a muted or gated stream end: flagged, not used. */
export const MAX_ADOPTED_DRIFT_DB = 10;

export interface FloorDrift {
  /** Floor of the last frames (the end window), or null when the post-drain audio is too short. */
  end: NoiseFloor | null;
  /** Pre-roll floor minus end floor, dB: positive when the pre-roll is louder. */
  driftDb: number | null;
  /** The floor the residual is measured against. */
  used: 'pre-roll' | 'post-roll-end';
  /** Why the drift matters, or null when the floors agree. */
  reason: string | null;
}

/**
 * Compare the pre-roll floor with the floor of the recording's end (frames after the drain
 * only, so playback never enters it). `frames` are the detector band's powers on a grid
 * from sample 0; `drainFrame` the first frame wholly after the drain.
 */
export function floorDrift(pre: NoiseFloor, frames: Float64Array, drainFrame: number, frameMs: number, minFrames: number): FloorDrift {
  const post = Math.max(0, frames.length - drainFrame);
  const count = Math.min(Math.round(FLOOR_END_WINDOW_MS / frameMs), Math.floor(post / 2));
  const end = count >= minFrames && pre.frames > 0 ? noiseFloor(frames.subarray(frames.length - count)) : null;
  if (!end || !(pre.power > 0) || !(end.power > 0)) return { end, driftDb: null, used: 'pre-roll', reason: null };
  const driftDb = pre.powerDb - end.powerDb;
  const d = round(Math.abs(driftDb), 2);
  if (driftDb >= FLOOR_DRIFT_DB && driftDb <= MAX_ADOPTED_DRIFT_DB)
    return {
      end,
      driftDb,
      used: 'post-roll-end',
      reason: `the pre-roll floor is ${d} dB above the end of the post-roll (a suppressor still converging?): the residual is measured against the later floor`,
    };
  if (driftDb > MAX_ADOPTED_DRIFT_DB)
    return {
      end,
      driftDb,
      used: 'pre-roll',
      reason: `the end of the post-roll is ${d} dB below the pre-roll floor, more than a converging suppressor explains (${MAX_ADOPTED_DRIFT_DB} dB): a muted or gated stream end? The pre-roll floor is kept`,
    };
  if (driftDb <= -FLOOR_DRIFT_DB)
    return {
      end,
      driftDb,
      used: 'pre-roll',
      reason: `the end of the post-roll is ${d} dB above the pre-roll floor: a tail lasting to the end of the recording, or rising noise`,
    };
  return { end, driftDb, used: 'pre-roll', reason: null };
}

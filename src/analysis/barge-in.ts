/**
 * What a gate costs the user: how long the mic stays deaf after the audible end, and with a
 * near-end talker, how much of the user's first word the gate swallows.
 */
import { powerToDb, round } from '../core/units.js';
import { framePowers } from '../dsp/levels.js';
import type { BargeIn } from './cell-schema.js';
import { median, r1, r4, spread } from './cell-stats.js';
import { trailingSilenceMs } from './gate-verdicts.js';
import type { TrialAnalysis } from './trial-result.js';

/** Near-end (user) speech as it reached the mic: frame levels from mic sample 0. */
export interface NearEndTrack {
  frameMs: number;
  levelsDbfs: ArrayLike<number>;
}

/** A near-end talker's levels as it reached the mic (virtual iPhone ground truth), in 10 ms frames. */
export function nearEndTrack(samples: Float32Array, sampleRate: number): NearEndTrack {
  const per = Math.max(1, Math.round(sampleRate / 100));
  return { frameMs: 10, levelsDbfs: Array.from(framePowers(samples, per), (p) => round(powerToDb(p), 2)) };
}

/** The trials a barge-in cost is taken over: their analysis and near-end track. */
export interface BargeInTrial {
  analysis: TrialAnalysis | null;
  nearEnd: NearEndTrack | null;
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
  const mutedFrom = drainMs,
    mutedTo = drainMs + gateMs;
  let firstLost = 0,
    muted = 0;
  for (let i = onset; i < lv.length; i++) {
    const a = i * f,
      b = a + f;
    const overlap = Math.max(0, Math.min(b, mutedTo) - Math.max(a, mutedFrom));
    if (overlap <= 0 || !active(i)) continue;
    if (passDbfs !== null && lv[i]! >= passDbfs) continue; // loud enough to pass an rms2 gate
    muted += overlap;
    if (i < end) firstLost += overlap;
  }
  const wordMs = (end - onset) * f;
  return { firstLost, fraction: wordMs > 0 ? firstLost / wordMs : 0, muted };
}

export function bargeInAt(gateMs: number, trials: BargeInTrial[], passDbfs: number | null): BargeIn {
  const deaf: number[] = [];
  const lost: number[] = [],
    frac: number[] = [],
    muted: number[] = [];
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

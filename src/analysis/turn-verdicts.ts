/**
 * Would a voice-agent framework have heard the agent's own echo as the user (docs/vad.md §
 * Verdicts)? Pure: per-frame speech probabilities and loudness in, verdicts out. A profile
 * (src/config/turn-profiles.ts) says which frames are speech and how long runs of them must
 * last; its state machine is run
 * - after each gate, on the mic as the app's hard gate delivers it (zeros in [drain, drain + G)),
 *   from the drain on: does "user started speaking" fire once the gate opens (a false barge-in)?
 *   For a cell gated by rms2, the same on the mic behind the two-tier gate, judged from the
 *   drain on: its loud frames already reach the agent during the cooldown.
 * - during playback, on the open mic, from the playback start to the drain: would the agent be
 *   interrupted (the profile's interruption rule) by its own voice?
 * The probability and volume filters run over the whole track, as they do in a live session;
 * only the state machine starts afresh at each window, so each question is asked of that
 * window's audio alone.
 */
import type { GateTrack, VadTrack } from '../core/vad-track.js';
import { framesFor, type TurnProfile } from '../config/turn-profiles.js';
import type { GateTurnVerdict, TrialTurnVerdicts, TurnEvent } from './turn-verdict-schema.js';

export interface TurnVerdictInput {
  /** Name of the VAD engine the tracks come from (e.g. silero-v5). */
  engine: string;
  /** The mic as recorded, ungated: what the agent hears during playback. */
  open: VadTrack;
  gates: readonly GateTrack[];
  /** A cell gated by rms2: its threshold and the mic behind that gate at each cooldown (src/vad/mic-vad-tracks.ts). */
  rms2?: { thresholdDbfs: number; gates: readonly GateTrack[] } | null;
  /** Gate origin, ms from the first mic sample. */
  drainMs: number;
  /** Playback start, ms from the first mic sample; null: the recording's start. */
  playbackStartMs: number | null;
  /** A near-end talker's onset (barge-in trials): verdicts use only frames ending by it. */
  nearEndStartMs: number | null;
  /** The analysis's dead-mic reason (flags.deadMic), null when the mic is alive. */
  deadMic: string | null;
  /** The analysis's mic clipping reason (flags.micClipping), null when not clipped. */
  micClipping: string | null;
}

/** A frame quieter than this (LKFS) is digital silence for practical purposes. */
export const SILENT_FRAME_LKFS = -120;

/** 20·log10(32768): Pipecat measures volume on int16 sample values, not on full scale. */
const INT16_DB = 20 * Math.log10(32768);

/** Pipecat's normalised volume of a frame: (loudness on the int16 scale + 20) / 100, clamped to 0…1. */
export function pipecatVolume(lkfs: number): number {
  if (!(lkfs > -Infinity)) return 0;
  return Math.min(1, Math.max(0, (lkfs + INT16_DB + 20) / 100));
}

interface Frames {
  /** Probability after the profile's filter. */
  p: Float64Array;
  speech: Uint8Array;
}

/** Which frames the profile counts as speech; the filters run from frame 0, as in a session. */
function speechFrames(t: VadTrack, profile: TurnProfile): Frames {
  const n = t.probabilities.length;
  if (t.loudnessLkfs.length !== n) throw new RangeError(`track has ${n} probabilities but ${t.loudnessLkfs.length} loudness values`);
  const p = new Float64Array(n);
  const speech = new Uint8Array(n);
  const a = profile.probabilityFilter;
  const vol = profile.volume;
  let filtered = 0;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const raw = t.probabilities[k]!;
    filtered = k === 0 || a === 0 ? raw : a * filtered + (1 - a) * raw;
    p[k] = filtered;
    let ok = filtered >= profile.threshold;
    if (vol) {
      v += vol.smoothing * (pipecatVolume(t.loudnessLkfs[k]!) - v);
      ok &&= v >= vol.min;
    }
    speech[k] = ok ? 1 : 0;
  }
  return { p, speech };
}

interface Counts {
  start: number;
  stop: number;
  /** Frames from the onset until the interruption fires, at the earliest. */
  interrupt: number;
}

function countsOf(profile: TurnProfile, frameMs: number): Counts {
  const start = framesFor(profile.startMs, frameMs, profile.frameCount);
  const stop = framesFor(profile.stopMs, frameMs, profile.frameCount);
  // Interruption is checked on the frames after the start (LiveKit: each inference adds a frame to the
  // speech duration, then compares), so it needs at least one frame more than the start.
  const interrupt = profile.interruptAfterMs > 0 ? Math.max(start + 1, Math.ceil(profile.interruptAfterMs / frameMs - 1e-9)) : start;
  return { start, stop, interrupt };
}

interface Fire {
  /** Frame at whose end the profile fires. */
  at: number;
  /** First frame of the speech run it fired on. */
  onset: number;
  speechFrames: number;
  /** Frame at whose end the turn is declared stopped, if within the window. */
  endedAt: number | null;
}

/**
 * The profile's state machine on frames [from, to), starting quiet. Returns the first
 * "started speaking" (`start`) or the first interruption (`interrupt`), with the end of
 * that turn. Consecutive runs, as in Pipecat's QUIET/STARTING/SPEAKING/STOPPING machine and
 * LiveKit's speech/silence threshold durations.
 */
function firstFire(f: Frames, from: number, to: number, c: Counts, interruptAfterMs: number, frameMs: number, what: 'start' | 'interrupt'): Fire | null {
  let speaking = false;
  let run = 0; // speech run while quiet, silence run while speaking
  let onset = -1;
  let duration = 0; // frames since the onset while speaking (LiveKit's speech_duration)
  let fire: Fire | null = null;
  let speechCount = 0;
  for (let k = from; k < to; k++) {
    const s = f.speech[k] === 1;
    if (!speaking) {
      run = s ? run + 1 : 0;
      if (run >= c.start) {
        speaking = true;
        onset = k - run + 1;
        duration = run;
        speechCount = run;
        run = 0;
        if (!fire && (what === 'start' || interruptAfterMs === 0)) fire = { at: k, onset, speechFrames: speechCount, endedAt: null };
      }
      continue;
    }
    duration++;
    if (s) speechCount++;
    if (!fire && what === 'interrupt' && duration * frameMs >= interruptAfterMs - 1e-9) fire = { at: k, onset, speechFrames: speechCount, endedAt: null };
    run = s ? 0 : run + 1;
    if (run >= c.stop) {
      speaking = false;
      run = 0;
      if (fire) {
        fire.endedAt = k;
        return fire;
      }
    }
  }
  return fire;
}

interface Window {
  /** Window origin, ms (the drain, or the playback start). */
  originMs: number;
  /** Where the machine starts: the first frame starting at or after the origin. */
  from: number;
  /** First frame holding only audio the question is about (after the gate). */
  firstAudible: number;
  /** Frames end: the track's, or the last frame ending by the near-end onset / the drain. */
  to: number;
  evaluatedMs: number;
  /** The near-end talker's onset ends the window before the audio does. */
  cutByNearEnd: boolean;
}

function judge(f: Frames, track: VadTrack, w: Window, profile: TurnProfile, input: TurnVerdictInput, what: 'start' | 'interrupt', where: string): TurnEvent {
  const fm = track.frameMs;
  const c = countsOf(profile, fm);
  let peak = -Infinity;
  for (let k = Math.max(w.from, w.firstAudible - 1); k < w.to; k++) peak = Math.max(peak, f.p[k]!);
  const base: TurnEvent = {
    fired: null,
    reason: null,
    atMs: null,
    onsetMs: null,
    audioStartMs: null,
    speechMs: null,
    endedAtMs: null,
    evaluatedMs: w.evaluatedMs,
    peakProbability: Number.isFinite(peak) ? round4(peak) : null,
  };
  if (input.deadMic !== null) return { ...base, reason: `dead mic: ${input.deadMic}` };
  const hit = firstFire(f, w.from, w.to, c, profile.interruptAfterMs, fm, what);
  if (hit) {
    const rel = (frame: number) => round2(frame * fm - w.originMs);
    return {
      ...base,
      fired: true,
      atMs: rel(hit.at + 1),
      onsetMs: rel(hit.onset),
      audioStartMs: rel(hit.onset) - profile.prefixPaddingMs,
      speechMs: hit.speechFrames * fm,
      endedAtMs: hit.endedAt === null ? null : rel(hit.endedAt + 1),
    };
  }
  const need = what === 'start' ? c.start : c.interrupt;
  const have = w.to - w.firstAudible;
  if (have < need) {
    const by = w.cutByNearEnd ? `before the near-end talker's onset` : `in the recording`;
    return { ...base, reason: `only ${Math.max(0, have) * fm} ms of audio ${where} ${by}; the profile needs ${need * fm} ms to fire` };
  }
  let silent = true;
  for (let k = w.firstAudible; k < w.to && silent; k++) silent = !(track.loudnessLkfs[k]! >= SILENT_FRAME_LKFS);
  if (silent) return { ...base, reason: `the mic is digital silence ${where}: no evidence either way` };
  if (input.micClipping !== null) return { ...base, reason: `mic clipping (${input.micClipping}): a clipped mic is never clean` };
  return { ...base, fired: false };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** Frames that end by `ms` (a small tolerance keeps a boundary on a frame edge inside). */
const framesEndingBy = (ms: number, fm: number) => Math.floor(ms / fm + 1e-9);
/** First frame that starts at or after `ms`. */
const frameStartingAt = (ms: number, fm: number) => Math.max(0, Math.ceil(ms / fm - 1e-9));

/** Every verdict of one trial for one profile. */
export function turnVerdicts(input: TurnVerdictInput, profile: TurnProfile): TrialTurnVerdicts {
  const fm = input.open.frameMs;
  const cutMs = input.nearEndStartMs ?? Infinity;
  const d = input.drainMs;

  const startMs = input.playbackStartMs ?? 0;
  const openFrames = speechFrames(input.open, profile);
  const pbFrom = frameStartingAt(startMs, fm);
  const pbEnd = Math.min(input.open.probabilities.length, framesEndingBy(d, fm));
  const pbTo = Math.min(pbEnd, framesEndingBy(cutMs, fm));
  const playback = judge(
    openFrames,
    input.open,
    { originMs: startMs, from: pbFrom, firstAudible: pbFrom, to: pbTo, evaluatedMs: Math.max(0, (pbTo - pbFrom) * fm), cutByNearEnd: pbTo < pbEnd },
    profile,
    input,
    'interrupt',
    'during playback',
  );

  const gateVerdict = (gateMs: number, track: VadTrack, kind: 'hard' | 'rms2'): GateTurnVerdict => {
    if (track.frameMs !== fm) throw new RangeError(`gate ${gateMs} ms track has ${track.frameMs} ms frames, the open track ${fm} ms`);
    const f = speechFrames(track, profile);
    // Behind a hard gate the agent hears nothing until drain + G; behind rms2 loud frames pass from the drain on.
    const open = kind === 'hard' ? d + gateMs : d;
    const end = track.probabilities.length;
    const to = Math.min(end, framesEndingBy(cutMs, fm));
    const w: Window = {
      cutByNearEnd: to < end,
      originMs: d,
      from: frameStartingAt(d, fm),
      firstAudible: frameStartingAt(open, fm),
      to,
      evaluatedMs: round2(Math.max(0, to * fm - open)),
    };
    return { gateMs, ...judge(f, track, w, profile, input, 'start', 'after the gate') };
  };
  const gates = input.gates.map(({ gateMs, track }) => gateVerdict(gateMs, track, 'hard'));
  const rms2 = input.rms2
    ? { thresholdDbfs: input.rms2.thresholdDbfs, gates: input.rms2.gates.map(({ gateMs, track }) => gateVerdict(gateMs, track, 'rms2')) }
    : null;
  return { profile: profile.name, engine: input.engine, frameMs: fm, playback, gates, rms2 };
}

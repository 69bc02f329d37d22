/**
 * Known answers of the turn verdicts on synthetic probability tracks (32 ms frames, as Silero
 * at 16 kHz gives them): the timing of each shipped profile's start, stop and interruption,
 * prefix padding, Pipecat's volume gate with its smoothing lag, the near-end cut, and the
 * rules that keep a dead, silent or clipped mic from reading as "no barge-in".
 */
import { describe, expect, it } from 'vitest';
import type { VadTrack } from '../../../src/core/vad-track.js';
import { resolveTurnProfiles, type TurnProfile } from '../../../src/config/turn-profiles.js';
import { pipecatVolume, turnVerdicts, type TurnVerdictInput } from '../../../src/analysis/turn-verdicts.js';
import { falseBargeInStats, recommendTurnGate, selfInterruptionRate, turnCellSummary } from '../../../src/analysis/turn-cell-stats.js';
import type { GateTurnVerdict, TrialTurnVerdicts, TurnEvent } from '../../../src/analysis/turn-verdict-schema.js';
import { wilsonInterval } from '../../../src/dsp/wilson.js';

const F = 32;
const N = 120; // frames: 3.84 s
const DRAIN = 50 * F; // 1600 ms, on a frame edge
const [pipecat, livekit, openai] = resolveTurnProfiles(['pipecat', 'livekit', 'openai-realtime']) as [TurnProfile, TurnProfile, TurnProfile];

/** A track of N frames: probability `p` and loudness `lkfs` everywhere, then the given frame ranges overridden. */
function track(p: number, lkfs: number, ...spans: Array<{ from: number; to: number; p?: number; lkfs?: number }>): VadTrack {
  const probabilities = new Float32Array(N).fill(p);
  const loudnessLkfs = new Float64Array(N).fill(lkfs);
  for (const s of spans) {
    if (s.p !== undefined) probabilities.fill(s.p, s.from, s.to);
    if (s.lkfs !== undefined) loudnessLkfs.fill(s.lkfs, s.from, s.to);
  }
  return { frameMs: F, probabilities, loudnessLkfs };
}

/** What the app's hard gate of `gateMs` delivers: digital silence from the drain for gateMs (gates here end on frame edges). */
function gated(t: VadTrack, gateMs: number): VadTrack {
  const probabilities = Float32Array.from(t.probabilities);
  const loudnessLkfs = Float64Array.from(t.loudnessLkfs);
  const from = DRAIN / F;
  const to = Math.min(N, Math.ceil((DRAIN + gateMs) / F));
  probabilities.fill(0.01, from, to);
  loudnessLkfs.fill(-Infinity, from, to);
  return { frameMs: F, probabilities, loudnessLkfs };
}

function input(open: VadTrack, gatesMs: number[], o: Partial<TurnVerdictInput> = {}): TurnVerdictInput {
  return {
    engine: 'silero-v5',
    open,
    gates: gatesMs.map((gateMs) => ({ gateMs, track: gated(open, gateMs) })),
    drainMs: DRAIN,
    playbackStartMs: 0,
    nearEndStartMs: null,
    deadMic: null,
    micClipping: null,
    ...o,
  };
}

const gate = (v: TrialTurnVerdicts, ms: number): GateTurnVerdict => v.gates.find((g) => g.gateMs === ms)!;

describe('Pipecat profile', () => {
  // −30 LKFS: volume (−30 + 90.31 + 20) / 100 = 0.803, above min_volume 0.6.
  const loud = -30;

  it('fires after round(200 / 32) = 6 speech frames and stops after round(800 / 32) = 25 silent ones', () => {
    const t = track(0.05, loud, { from: 55, to: 65, p: 0.9 });
    const v = turnVerdicts(input(t, [0]), pipecat);
    expect(gate(v, 0)).toMatchObject({ fired: true, reason: null, onsetMs: 160, atMs: 352, speechMs: 192, audioStartMs: 160, endedAtMs: 1280 });
    // Speech ended at frame 65: the 25th silent frame is frame 89, ending at 90·32 − 1600 ms.
    expect(v.playback).toMatchObject({ fired: false, reason: null, evaluatedMs: 1600 });
  });

  it('five speech frames are not enough; a dip in the run restarts the count', () => {
    const five = turnVerdicts(input(track(0.05, loud, { from: 55, to: 60, p: 0.9 }), [0]), pipecat);
    expect(gate(five, 0).fired).toBe(false);
    const dip = turnVerdicts(input(track(0.05, loud, { from: 55, to: 66, p: 0.9 }, { from: 58, to: 59, p: 0.6 }), [0]), pipecat);
    // Runs 55–57 and 59–65: the second reaches six frames at frame 64.
    expect(gate(dip, 0)).toMatchObject({ fired: true, onsetMs: 9 * F, atMs: 15 * F });
  });

  it('reproduces the volume measure: quiet speech (−55 LKFS → 0.553) never fires, −45 LKFS (0.653) does', () => {
    expect(pipecatVolume(-55)).toBeCloseTo(0.55309, 5);
    expect(pipecatVolume(-Infinity)).toBe(0);
    expect(pipecatVolume(0)).toBe(1);
    const quiet = turnVerdicts(input(track(0.05, -55, { from: 55, to: 80, p: 0.99 }), [0]), pipecat);
    expect(gate(quiet, 0)).toMatchObject({ fired: false, reason: null });
    const audible = turnVerdicts(input(track(0.05, -45, { from: 55, to: 80, p: 0.99 }), [0]), pipecat);
    expect(gate(audible, 0)).toMatchObject({ fired: true, onsetMs: 160 });
  });

  it('the smoothed volume lags: from a −100 LKFS room, −30 LKFS speech counts from its 6th frame', () => {
    // v ← v + 0.2(0.803 − v) from 0.103: 0.573 after 5 frames, 0.620 after 6; so the run starts at frame 60.
    const t = track(0.05, -100, { from: 55, to: 71, p: 0.9, lkfs: -30 });
    const v = turnVerdicts(input(t, [0]), pipecat);
    expect(gate(v, 0)).toMatchObject({ fired: true, onsetMs: 10 * F, atMs: 16 * F, speechMs: 6 * F });
  });
});

describe('LiveKit profile', () => {
  it('starts after 2 frames (≥ 50 ms) and interrupts playback once 16 frames (≥ 0.5 s) have passed since the onset', () => {
    const t = track(0, -30, { from: 10, to: 41, p: 0.9 });
    const v = turnVerdicts(input(t, []), livekit);
    // Onset at frame 10 (the filter lets 0.65·0.9 = 0.585 through at once); interruption at the end of frame 25.
    expect(v.playback).toMatchObject({ fired: true, onsetMs: 320, atMs: 832, speechMs: 512, audioStartMs: 320 - 500, endedAtMs: null });
  });

  it('counts the pause inside a turn toward the interruption, as speech_duration does', () => {
    const v = turnVerdicts(input(track(0, -30, { from: 10, to: 20, p: 0.9 }), []), livekit);
    // 10 speech frames, then silence: speaking lasts until 18 silent frames (≥ 0.55 s), so frame 25 still interrupts.
    expect(v.playback).toMatchObject({ fired: true, onsetMs: 320, atMs: 832, speechMs: 320, endedAtMs: (20 + 18) * F });
  });

  it('filters the probability: one frame at 0.9 between zeros never reaches 0.5 twice in a row', () => {
    const spikes = track(0, -30, ...[55, 58, 61, 64].map((k) => ({ from: k, to: k + 1, p: 0.9 })));
    expect(gate(turnVerdicts(input(spikes, [0]), livekit), 0).fired).toBe(false);
    // Raw 0.45 stays under 0.5 after filtering; raw 0.9 for two frames: 0.585, then 0.35·0.585 + 0.585 = 0.790.
    const two = track(0, -30, { from: 55, to: 57, p: 0.9 });
    expect(gate(turnVerdicts(input(two, [0]), livekit), 0)).toMatchObject({ fired: true, onsetMs: 160, atMs: 224 });
  });
});

describe('OpenAI Realtime profile', () => {
  it('fires on the first frame over 0.5; its turn starts 300 ms earlier (prefix padding) and stops after 16 silent frames (≥ 500 ms)', () => {
    const t = track(0.1, -40, { from: 65, to: 66, p: 0.6 });
    const v = turnVerdicts(input(t, [0, 300]), openai);
    expect(gate(v, 300)).toMatchObject({ fired: true, onsetMs: 480, atMs: 512, audioStartMs: 180, speechMs: 32, endedAtMs: 1024, evaluatedMs: 3840 - 1900 });
  });

  it('a residual that ends inside the gate is not heard', () => {
    const t = track(0.1, -40, { from: 50, to: 58, p: 0.95 });
    const v = turnVerdicts(input(t, [0, 300]), openai);
    expect(gate(v, 0)).toMatchObject({ fired: true, atMs: 32 });
    expect(gate(v, 300)).toMatchObject({ fired: false, reason: null });
  });
});

describe('undecided, never clean', () => {
  const residual = track(0.05, -40, { from: 55, to: 70, p: 0.95 });

  it('a dead mic withholds every verdict', () => {
    const v = turnVerdicts(input(residual, [0, 300], { deadMic: 'every mic sample is zero (digital silence)' }), pipecat);
    for (const e of [v.playback, ...v.gates] as TurnEvent[]) {
      expect(e.fired).toBeNull();
      expect(e.reason).toMatch(/^dead mic: every mic sample is zero/);
    }
  });

  it('digital silence after the gate is no evidence', () => {
    const silent = track(0.02, -Infinity);
    const v = turnVerdicts(input(silent, [300]), openai);
    expect(gate(v, 300)).toMatchObject({ fired: null, reason: expect.stringMatching(/digital silence after the gate/) });
    expect(v.playback.fired).toBeNull();
  });

  it('a clipped mic is never clean, but a firing stands', () => {
    const quiet = track(0.05, -40);
    const clip = '2 run(s) of ≥3 samples at full scale';
    expect(gate(turnVerdicts(input(quiet, [0]), openai), 0)).toMatchObject({ fired: false });
    expect(gate(turnVerdicts(input(quiet, [0], { micClipping: clip }), openai), 0)).toMatchObject({
      fired: null,
      reason: expect.stringMatching(/clipping.*never clean/),
    });
    expect(gate(turnVerdicts(input(residual, [0], { micClipping: clip }), openai), 0)).toMatchObject({ fired: true, reason: null });
  });

  it('stops at the near-end onset; too little audio before it is undecided', () => {
    const lateResidual = track(0.05, -40, { from: 58, to: 70, p: 0.95 });
    const o = { nearEndStartMs: DRAIN + 400 }; // frames ending by 2000 ms: 0–61
    const v = turnVerdicts(input(lateResidual, [0, 300], o), pipecat);
    // The run 58–61 is cut at four frames: gate 0 saw 12 frames without six in a row, a decided "no".
    expect(gate(v, 0)).toMatchObject({ fired: false, evaluatedMs: 384 });
    // Gate 300 opens at 1900 ms: two whole frames (60, 61) before the onset, fewer than the six Pipecat needs.
    expect(gate(v, 300)).toMatchObject({
      fired: null,
      reason: expect.stringMatching(/only 64 ms of audio after the gate before the near-end talker's onset; the profile needs 192 ms/),
    });
    const early = turnVerdicts(input(residual, [0], o), pipecat);
    expect(gate(early, 0)).toMatchObject({ fired: true, atMs: 352 });
  });

  it('a gate with too little recording after it is undecided', () => {
    const v = turnVerdicts(input(track(0.05, -40), [2100, 2400]), pipecat);
    expect(gate(v, 2400)).toMatchObject({ fired: null, reason: expect.stringMatching(/only 0 ms of audio after the gate in the recording/) });
    // 2100 ms opens at 3700 ms: frames 116–119 (128 ms) are fewer than the six Pipecat needs.
    expect(gate(v, 2100)).toMatchObject({ fired: null, reason: expect.stringMatching(/only 128 ms/) });
  });
});

describe('per cell', () => {
  const verdict = (fired: Array<boolean | null>, playback: boolean | null): TrialTurnVerdicts => ({
    profile: 'pipecat',
    engine: 'silero-v5',
    frameMs: F,
    playback: ev(playback),
    gates: [0, 300, 500].map((gateMs, i) => ({ gateMs, ...ev(fired[i]!) })),
    rms2: null,
  });
  const ev = (fired: boolean | null): TurnEvent => ({
    fired,
    reason: fired === null ? 'dead mic: x' : null,
    atMs: fired ? 100 : null,
    onsetMs: null,
    audioStartMs: null,
    speechMs: null,
    endedAtMs: null,
    evaluatedMs: 1000,
    peakProbability: null,
  });
  // 80 trials: gate 0 fires in 40, 300 ms in 2, 500 ms never; 5 trials undecided everywhere.
  const trials = [
    ...Array.from({ length: 2 }, () => verdict([true, true, false], true)),
    ...Array.from({ length: 38 }, () => verdict([true, false, false], false)),
    ...Array.from({ length: 40 }, () => verdict([false, false, false], false)),
    ...Array.from({ length: 5 }, () => verdict([null, null, null], null)),
  ];

  it('false barge-in rate per gate with its Wilson interval; undecided trials apart', () => {
    const s = falseBargeInStats(trials, [500, 0, 300], 0.95);
    expect(s.map((g) => g.gateMs)).toEqual([0, 300, 500]);
    const w = wilsonInterval(2, 80, 0.95);
    expect(s[1]).toMatchObject({ leaks: 2, decided: 80, undecided: 5, rate: 0.025, medianAtMs: 100 });
    expect(s[1]!.upper).toBeCloseTo(w.upper, 4);
    expect(s[1]!.lower).toBeCloseTo(w.lower, 4);
    expect(s[2]).toMatchObject({ leaks: 0, decided: 80, lower: 0, medianAtMs: null });
  });

  it('recommends the smallest gate meeting the target, in the energy detector’s words for false barge-ins', () => {
    const r = recommendTurnGate(falseBargeInStats(trials, [0, 300, 500], 0.95), 0.05, 0.95, 'pipecat');
    expect(r).toMatchObject({ status: 'recommended', gateMs: 500, shorter: { gateMs: 300, leaks: 2, decided: 80 } });
    expect(r.message).toMatch(/^500 ms for pipecat: 0 of 80 trials fired \(upper bound 4\.6 % ≤ 5 % at 95 % confidence\); 300 ms fired in 2 of 80/);
    const few = recommendTurnGate(falseBargeInStats(trials.slice(0, 40), [0, 300, 500], 0.95), 0.05, 0.95, 'pipecat');
    expect(few).toMatchObject({ status: 'not-enough-trials', candidateGateMs: 500 });
    expect(few.message).toMatch(/need 73 trials without a false barge-in/);
  });

  it('self-interruption rate during playback, and the whole summary for one profile', () => {
    expect(selfInterruptionRate(trials, 0.95)).toMatchObject({ leaks: 2, decided: 80, undecided: 5 });
    const c = turnCellSummary(trials, 'pipecat', [0, 300, 500], 0.05, 0.95);
    expect(c).toMatchObject({ profile: 'pipecat', engine: 'silero-v5', recommendation: { gateMs: 500 }, selfInterruption: { leaks: 2 } });
    expect(() => turnCellSummary(trials, 'livekit', [0], 0.05, 0.95)).toThrow(/verdicts of profile pipecat given for livekit/);
  });
});

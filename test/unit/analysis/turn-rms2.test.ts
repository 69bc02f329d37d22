/**
 * Turn verdicts behind a cell's rms2 gate (docs/vad.md § rms2 gates): the window starts at the
 * drain, since the two-tier gate lets loud frames through during its cooldown; the cell
 * statistics and recommendation per cooldown; stored verdicts without the field still read.
 */
import { describe, expect, it } from 'vitest';
import type { VadTrack } from '../../../src/core/vad-track.js';
import { resolveTurnProfiles, type TurnProfile } from '../../../src/config/turn-profiles.js';
import { turnVerdicts, type TurnVerdictInput } from '../../../src/analysis/turn-verdicts.js';
import { turnCellSummary } from '../../../src/analysis/turn-cell-stats.js';
import { TrialTurnVerdictsSchema } from '../../../src/analysis/turn-verdict-schema.js';

const F = 32;
const N = 120;
const DRAIN = 50 * F;
const [openai] = resolveTurnProfiles(['openai-realtime']) as [TurnProfile];

function track(spans: Array<{ from: number; to: number; p: number }>): VadTrack {
  const probabilities = new Float32Array(N).fill(0.02);
  const loudnessLkfs = new Float64Array(N).fill(-60);
  for (const s of spans) probabilities.fill(s.p, s.from, s.to);
  return { frameMs: F, probabilities, loudnessLkfs };
}

/** Loud echo for 4 frames right after the drain, then quiet: the hard gate of 300 ms hides it, rms2 lets it through. */
const open = track([{ from: 50, to: 54, p: 0.9 }]);
const hard300 = track([]);

function input(rms2Track: VadTrack | null): TurnVerdictInput {
  return {
    engine: 'silero-v5',
    open,
    gates: [
      { gateMs: 0, track: open },
      { gateMs: 300, track: hard300 },
    ],
    rms2: rms2Track
      ? {
          thresholdDbfs: -40,
          gates: [
            { gateMs: 0, track: open },
            { gateMs: 300, track: rms2Track },
          ],
        }
      : null,
    drainMs: DRAIN,
    playbackStartMs: 0,
    nearEndStartMs: null,
    deadMic: null,
    micClipping: null,
  };
}

describe('turn verdicts behind an rms2 gate', () => {
  it('judges from the drain: loud frames passing during the cooldown fire, where the hard gate hid them', () => {
    const v = turnVerdicts(input(open), openai);
    expect(v.gates.map((g) => g.fired)).toEqual([true, false]);
    expect(v.rms2!.thresholdDbfs).toBe(-40);
    expect(v.rms2!.gates.map((g) => [g.gateMs, g.fired, g.atMs, g.evaluatedMs])).toEqual([
      [0, true, 32, N * F - DRAIN],
      [300, true, 32, N * F - DRAIN],
    ]);
  });

  it('a cooldown that zeroed every frame is silent for its length, and judged on what follows', () => {
    const v = turnVerdicts(input(hard300), openai);
    expect(v.rms2!.gates[1]).toMatchObject({ fired: false, evaluatedMs: N * F - DRAIN });
  });

  it('no rms2 input: null, and verdicts stored before the field existed read as null', () => {
    const v = turnVerdicts(input(null), openai);
    expect(v.rms2).toBeNull();
    const { rms2: _, ...old } = turnVerdicts(input(open), openai);
    expect(TrialTurnVerdictsSchema.parse(old).rms2).toBeNull();
  });

  it('cell statistics and a recommended cooldown per profile; cells without rms2 report null', () => {
    const trials = [turnVerdicts(input(open), openai), turnVerdicts(input(hard300), openai)];
    const s = turnCellSummary(trials, 'openai-realtime', [0, 300], 0.05, 0.95);
    expect(s.gates.map((g) => [g.leaks, g.decided])).toEqual([
      [2, 2],
      [0, 2],
    ]);
    expect(s.rms2!.gates.map((g) => [g.gateMs, g.leaks, g.decided])).toEqual([
      [0, 2, 2],
      [300, 1, 2],
    ]);
    expect(s.rms2!.recommendation.message).toContain('behind the rms2 gate (-40 dBFS)');
    expect(turnCellSummary([turnVerdicts(input(null), openai)], 'openai-realtime', [0, 300], 0.05, 0.95).rms2).toBeNull();
  });
});

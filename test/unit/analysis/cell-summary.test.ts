import { describe, expect, it } from 'vitest';
import { analyzeTrial } from '../../../src/analysis/analyze-trial.js';
import { CellSummarySchema, type GateStats } from '../../../src/analysis/cell-schema.js';
import { recommend } from '../../../src/analysis/recommendation.js';
import { rms2VerdictAt, verdictAt, verdictFromAcousticEnd } from '../../../src/analysis/gate-verdicts.js';
import { summarizeCell, type CellInput, type CellTrialInput } from '../../../src/analysis/cell-summary.js';
import { trialsNeededFor } from '../../../src/analysis/cell-stats.js';
import type { TrialAnalysis } from '../../../src/analysis/trial-result.js';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { wilsonInterval } from '../../../src/dsp/wilson.js';
import { FAST_TRIAL, tailEnvelope, templateAnalysis, withResidual } from '../../helpers/run-dir.js';
import { makeTrial } from '../../helpers/trial.js';

const o = resolveAnalysisOptions({});
const template = templateAnalysis(o);
const FRAMES = template.residual.excessDb.length;

function trial(index: number, a: TrialAnalysis | null, extra: Partial<CellTrialInput> = {}): CellTrialInput {
  return {
    index,
    dir: `cells/c/trial-${index}`,
    fixtureId: 'tts',
    pattern: 'steady',
    status: 'ok',
    reason: null,
    analysis: a,
    source: 'metrics',
    firstUtterance: index === 1,
    nearEnd: null,
    ...extra,
  };
}

function cell(trials: CellTrialInput[], extra: Partial<CellInput> = {}): CellInput {
  return {
    run: 'r',
    id: 'c',
    dims: { route: 'speaker' },
    settings: { route: 'speaker' },
    status: 'done',
    reason: null,
    configuredGate: null,
    config: [],
    mismatches: [],
    configErrors: [],
    calibration: null,
    trials,
    warnings: [],
    ...extra,
  };
}

/** n trials whose residual lasts tailMs (±spread) at 15 dB over the floor. */
function tails(n: number, tailMs: number, spread = 60): CellTrialInput[] {
  return Array.from({ length: n }, (_, i) => trial(i + 1, withResidual(template, tailEnvelope(FRAMES, tailMs + ((i * 37) % (spread + 1)), 15, i + 1), o)));
}

const opts = (targetLeakRate = 0.05, gatesMs = [0, 300, 500, 800, 1500]) => ({ gatesMs, targetLeakRate, confidence: 0.95 });

describe('summarizeCell: leak rate per gate with Wilson intervals', () => {
  const s = summarizeCell(cell(tails(20, 520)), opts());
  const at = (g: number) => s.gates.find((x) => x.gateMs === g)!;

  it('counts leaks per gate: 300 ms leaks in every trial, 800 ms in none', () => {
    expect([at(0).leaks, at(300).leaks, at(800).leaks, at(1500).leaks]).toEqual([20, 20, 0, 0]);
    expect(at(800).decided).toBe(20);
    expect(CellSummarySchema.parse(s)).toBeTruthy();
  });

  it('0 leaks in 20 trials is an upper bound of about 16 % at 95 %, not 0 %', () => {
    expect(at(800).rate).toBe(0);
    expect(at(800).upper).toBeCloseTo(0.1611, 3);
    expect(at(800).meetsTarget).toBe(false);
  });

  it('says honestly that 20 trials cannot claim 5 %, and how many would', () => {
    expect(s.recommendation.status).toBe('not-enough-trials');
    expect(s.recommendation.candidateGateMs).toBe(800);
    expect(s.recommendation.trialsNeeded).toBe(73);
    expect(s.recommendation.message).toMatch(
      /not enough trials to claim ≤ 5 % at 95 % confidence.*800 ms had 0 leaks in 20 trials.*16\.1 %.*need 73 trials without a leak/,
    );
  });

  it('recommends the smallest gate meeting a reachable target, and shows the shorter gate’s rate', () => {
    const r = summarizeCell(cell(tails(20, 520)), opts(0.2, [0, 300, 450, 600, 700, 800])).recommendation;
    expect(r.status).toBe('recommended');
    expect(r.gateMs).toBe(600); // residual ends 520–580 ms: 600 is the first clean gate
    expect(r.shorter).toEqual({ gateMs: 450, leaks: 20, decided: 20, upper: 1 });
    expect(r.message).toMatch(/^600 ms: 0 of 20 trials leaked \(upper bound 16\.1 % ≤ 20 %.*450 ms leaked in 20 of 20/);
  });

  it('separates the first utterance after engine start from later trials', () => {
    const ts = tails(10, 100, 0);
    ts[0] = trial(1, withResidual(template, tailEnvelope(FRAMES, 900, 15, 99), o));
    const g = summarizeCell(cell(ts), opts()).gates.find((x) => x.gateMs === 500)!;
    expect([g.firstUtterance.leaks, g.firstUtterance.decided, g.later.leaks, g.later.decided]).toEqual([1, 1, 0, 9]);
  });

  it('keeps dead-mic trials out of the rate and failed trials out of everything but the counts', () => {
    const ts = tails(6, 200, 0);
    const dead = withResidual(template, tailEnvelope(FRAMES, 0), o);
    dead.flags = { ...dead.flags, deadMic: { flag: true, reason: 'every mic sample is zero' } };
    dead.gates = dead.gates.map((g) => ({ ...g, leak: null }));
    ts.push(trial(7, dead), trial(8, null, { status: 'failed', reason: 'E_TRIAL', source: 'none' }));
    const s2 = summarizeCell(cell(ts), opts());
    expect(s2.counts).toMatchObject({ planned: 8, ok: 7, failed: 1, analysed: 7, deadMic: 1 });
    expect(s2.gates.find((g) => g.gateMs === 300)!.decided).toBe(6);
    expect(s2.trials.find((t) => t.index === 7)!.leaks.every((l) => l === null)).toBe(true);
  });

  it('gives no recommendation without decided trials, and "no gate meets" when every gate leaks too often', () => {
    expect(summarizeCell(cell([]), opts()).recommendation.status).toBe('no-data');
    const r = summarizeCell(cell(tails(10, 1700, 0)), opts()).recommendation;
    expect(r.status).toBe('no-gate-meets');
    expect(r.message).toMatch(/longest, 1500 ms, leaked in 10 of 10/);
  });
});

describe('trialsNeededFor', () => {
  it('is trialsNeeded() at 0 leaks and the exact Wilson crossing with leaks', () => {
    expect(trialsNeededFor(0, 20, 0.05, 0.95)).toBe(73);
    for (const [k, decided] of [
      [1, 30],
      [3, 100],
      [10, 300],
    ] as const) {
      const n = trialsNeededFor(k, decided, 0.05, 0.95)!;
      expect(n).toBeGreaterThan(decided);
      expect(wilsonInterval(k, n).upper).toBeLessThanOrEqual(0.05);
      expect(wilsonInterval(k, n - 1).upper).toBeGreaterThan(0.05);
    }
    // 5 % or more observed: no number of further trials can be assumed to bring the bound under 5 %.
    expect(trialsNeededFor(1, 20, 0.05, 0.95)).toBeNull();
    expect(trialsNeededFor(2, 20, 0.05, 0.95)).toBeNull();
  });

  it('recommend() picks the gate that needs the fewest trials', () => {
    const g = (gateMs: number, leaks: number, decided: number): GateStats => {
      const w = wilsonInterval(leaks, decided);
      const r = { leaks, decided, rate: leaks / decided, lower: w.lower, upper: w.upper };
      return { gateMs, ...r, undecided: 0, attributed: 0, attributionUnknown: 0, peakExcessDb: null, meetsTarget: false, firstUtterance: r, later: r };
    };
    const r = recommend([g(300, 5, 30), g(500, 1, 30), g(800, 0, 30)], 0.05, 0.95);
    expect(r.status).toBe('not-enough-trials');
    expect(r.candidateGateMs).toBe(800);
    expect(r.trialsNeeded).toBe(73);
  });
});

describe('gates evaluated after the fact', () => {
  it('decides unstored gates on the envelope exactly as analyzeTrial would', () => {
    const t = makeTrial({ ...FAST_TRIAL, residualMs: 470, residualDb: 12, seed: 3 });
    const input = {
      ref: t.ref,
      mic: t.mic,
      sampleRate: t.fs,
      drainMs: t.drainMs,
      drainSource: 'events' as const,
      playbackStartMs: t.preRollMs,
      preRollMs: 300,
      delayMs: null,
      calibration: null,
      refInfo: template.input.ref,
      micInfo: template.input.mic,
      warnings: [],
    };
    const sweep = Array.from({ length: 31 }, (_, i) => i * 50);
    const full = analyzeTrial(input, resolveAnalysisOptions({ gatesMs: sweep }));
    const few = analyzeTrial(input, resolveAnalysisOptions({ gatesMs: [0, 300] }));
    for (const g of full.gates) {
      const v = verdictAt(few, g.gateMs);
      expect([g.gateMs, v.leak, v.peakExcessDb]).toEqual([g.gateMs, g.leak, g.peakExcessDb]);
    }
    expect(full.gates.some((g) => g.leak) && full.gates.some((g) => g.leak === false)).toBe(true);
  });

  it('measures the gate from the acoustic end: trailing silence is free protection', () => {
    // The last sound ends 200 ms before the drain; echo lasts 400 ms after the drain.
    const a = withResidual(template, tailEnvelope(FRAMES, 400), o);
    a.timing = { ...a.timing, referenceAcousticEndMs: a.timing.drainMs - 200 };
    expect([verdictAt(a, 300).leak, verdictAt(a, 500).leak]).toEqual([true, false]);
    expect([verdictFromAcousticEnd(a, 500).leak, verdictFromAcousticEnd(a, 700).leak]).toEqual([true, false]);
    expect(verdictFromAcousticEnd(a, 100).leak).toBe(true); // opens before the drain, and there is echo after it
    const clean = withResidual(template, tailEnvelope(FRAMES, 0), o);
    clean.timing = { ...clean.timing, referenceAcousticEndMs: clean.timing.drainMs - 200 };
    expect(verdictFromAcousticEnd(clean, 100).leak).toBeNull(); // before the drain nothing was recorded in the envelope
    expect(verdictFromAcousticEnd(clean, 300).leak).toBe(false);
  });

  it('an rms2 gate lets residual louder than its threshold through during the cooldown', () => {
    const a = withResidual(template, tailEnvelope(FRAMES, 600, 15), o);
    const level = a.levels.noiseFloorDbfs + 15;
    expect(rms2VerdictAt(a, 800, level + 5).leak).toBe(false); // residual stays under the threshold: muted
    expect(rms2VerdictAt(a, 800, level - 5).leak).toBe(true); // residual passes the cooldown
    expect(rms2VerdictAt(a, 300, level + 5).leak).toBe(true); // cooldown shorter than the tail
  });
});

describe('barge-in cost', () => {
  it('measures how much of the user’s first word falls in the muted window', () => {
    const ts = tails(3, 100, 0).map((t) => {
      const drain = t.analysis!.timing.drainMs;
      // User speaks from drain + 100 ms for 400 ms at −30 dBFS: one word.
      const levels = Array.from({ length: 600 }, (_, k) => (k * 10 >= drain + 100 && k * 10 < drain + 500 ? -30 : -120));
      return { ...t, nearEnd: { frameMs: 10, levelsDbfs: levels } };
    });
    const s = summarizeCell(cell(ts), opts(0.05, [0, 300, 800]));
    const lost = (g: number) => s.bargeIn.find((b) => b.gateMs === g)!.nearEnd!;
    expect(lost(0).firstWordLostMs.median).toBe(0);
    expect(Math.abs(lost(300).firstWordLostMs.median - 200)).toBeLessThanOrEqual(10);
    expect(Math.abs(lost(800).firstWordLostMs.median - 400)).toBeLessThanOrEqual(10);
    expect(lost(800).firstWordLostFraction.median).toBeCloseTo(1, 1);
    expect(s.bargeIn.find((b) => b.gateMs === 300)!.mutedAfterDrainMs).toBe(300);
    // An rms2 gate whose threshold the user's voice exceeds loses nothing of it.
    const r = summarizeCell(cell(ts, { configuredGate: { kind: 'rms2', ms: 800, thresholdDbfs: -40 } }), opts(0.05, [0, 300, 800]));
    expect(r.rms2!.bargeIn.find((b) => b.gateMs === 800)!.nearEnd!.firstWordLostMs.worst).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { analyzeCalibration, analyzeTrial, type TrialInput } from '../../../src/analysis/analyze-trial.js';
import { TrialAnalysisSchema } from '../../../src/analysis/trial-result.js';
import { makeTrial, trialInput } from '../../helpers/trial.js';

const input = (t: ReturnType<typeof makeTrial>, extra: Partial<TrialInput> = {}): TrialInput => trialInput(t.ref, t.mic, t.fs, extra);

describe('analyzeTrial', () => {
  const gates = [0, 100, 200, 300, 400, 500, 800, 1500];
  const o = resolveAnalysisOptions({ gatesMs: gates });

  it('finds delay, drain and echo loss of a plain echo, and the output matches its schema', () => {
    const t = makeTrial({ echoGainDb: -20, delaySamples: 1234 });
    const a = analyzeTrial(input(t), o);
    expect(TrialAnalysisSchema.parse(a)).toBeTruthy();
    expect(Math.abs(a.delay.ms! - 1234 / 48)).toBeLessThan(0.05);
    expect(a.delay.source).toBe('trial');
    expect(a.timing.drainMs).toBeCloseTo(t.drainMs, 1);
    // Direct path −20 dB plus a reverberant part (−3 dB re direct): echo loss ≈ 20 − 1.8 dB.
    expect(a.levels.echoLossDb!).toBeGreaterThan(16);
    expect(a.levels.echoLossDb!).toBeLessThan(20);
    expect(a.flags.deadMic.flag).toBe(false);
    expect(a.levels.noiseFloorDbfs).toBeLessThan(-74);
    expect(a.levels.noiseFloorDbfs).toBeGreaterThan(-78); // −70 dBFS white noise, 6.4 of 24 kHz in band
  });

  it.each([
    [250, 15],
    [450, 12],
    [700, 20],
    [1000, 10],
  ])('a residual of %i ms at %i dB over the floor leaks exactly at the gates it outlasts (±1 frame)', (resMs, resDb) => {
    // Room tail kept short and echo weak so the only post-drain energy is the synthetic residual.
    const t = makeTrial({ residualMs: resMs, residualDb: resDb, echoGainDb: -60, t60: 0.05, seed: resMs });
    const a = analyzeTrial(input(t), o);
    expect(Math.abs(a.residual.tailLengthMs - resMs)).toBeLessThanOrEqual(10);
    for (const g of a.gates) {
      // Within one frame of the edge either verdict is acceptable; elsewhere it must be exact.
      if (Math.abs(resMs - g.gateMs - 30) <= 10 || Math.abs(resMs - g.gateMs) <= 10) continue;
      expect([g.gateMs, g.leak]).toEqual([g.gateMs, g.gateMs < resMs - 30]);
      if (g.leak) expect(g.firstLeakMs).toBe(g.gateMs);
    }
  });

  it('a quiet room with no residual leaks at no gate', () => {
    const a = analyzeTrial(input(makeTrial({ echoGainDb: -60, t60: 0.05 })), o);
    expect(a.gates.every((g) => g.leak === false)).toBe(true);
    expect(a.residual.tailLengthMs).toBe(0);
  });

  it('a silent mic gives no delay estimate and a dead-mic flag, never "no leak"', () => {
    const t = makeTrial();
    const a = analyzeTrial(input({ ...t, mic: new Float32Array(t.mic.length) }), o);
    expect(a.delay.ms).toBeNull();
    expect(a.delay.trialEstimateMs).toBeNull();
    expect(a.flags.deadMic.flag).toBe(true);
    expect(a.gates.every((g) => g.leak === null)).toBe(true);
  });

  it('a processed mic with no echo left uses the calibrated delay and states ERLE', () => {
    const raw = makeTrial({ echoGainDb: -10, delaySamples: 2000, seed: 3 });
    const cal = analyzeCalibration(raw.ref, raw.mic, raw.fs, o);
    expect(Math.abs(cal.delayMs! - 2000 / 48)).toBeLessThan(0.05);
    // A canceller that leaves 30 dB less echo: still measurable, ERLE ≈ 30 dB.
    const partial = analyzeTrial(input(makeTrial({ echoGainDb: -40, delaySamples: 2000, seed: 3 }), { calibration: cal }), o);
    expect(partial.levels.erleIsLowerBound).toBe(false);
    expect(Math.abs(partial.levels.erleDb! - 30)).toBeLessThan(2);
    // One that leaves nothing: no trial estimate (never a guess), the calibrated delay, ERLE as a bound.
    const processed = makeTrial({ echoGainDb: -90, delaySamples: 2000, seed: 3 });
    const a = analyzeTrial(input(processed, { calibration: cal }), o);
    expect(a.delay.trialEstimateReliable).toBe(false);
    expect(a.delay.source).toBe('calibration');
    expect(a.delay.ms).toBeCloseTo(2000 / 48, 1);
    expect(a.levels.erleIsLowerBound).toBe(true);
    expect(a.levels.erleDb!).toBeGreaterThan(30); // the floor limits what can be claimed: ref level − floor − raw loss
  });

  it('uses the drain time given by events over the reference end', () => {
    const t = makeTrial();
    const a = analyzeTrial(input(t, { drainMs: t.drainMs + 100, drainSource: 'events' }), o);
    expect(a.timing.drainMs).toBeCloseTo(t.drainMs + 100, 1);
    expect(a.timing.referenceBufferEndMs).toBeCloseTo(t.drainMs, 0);
    expect(a.timing.referenceAcousticEndMs!).toBeLessThanOrEqual(t.drainMs + 10);
  });

  it('flags a clipped mic', () => {
    const t = makeTrial();
    const mic = t.mic.slice();
    for (let i = 30_000; i < 30_010; i++) mic[i] = 1;
    const a = analyzeTrial(input({ ...t, mic }), o);
    expect(a.flags.micClipping.flag).toBe(true);
    expect(a.flags.referenceClipping.flag).toBe(false);
  });

  it('attributes a post-gate echo that is the reference still arriving (long delay) but not a noise burst', () => {
    // Bluetooth-like 250 ms path: with a 0 ms gate the end of the speech is still coming back.
    const bt = makeTrial({ delaySamples: 12_000, echoGainDb: -10, t60: 0.05, seed: 4 });
    const a = analyzeTrial(input(bt), o);
    const g0 = a.gates.find((g) => g.gateMs === 0)!;
    expect(g0.leak).toBe(true);
    expect(g0.attribution!.attributed).toBe(true);
    const burst = makeTrial({ residualMs: 600, residualDb: 20, echoGainDb: -60, t60: 0.05, seed: 5 });
    const b = analyzeTrial(input(burst), o);
    const b0 = b.gates.find((g) => g.gateMs === 0)!;
    expect(b0.leak).toBe(true);
    expect(b0.attribution!.attributed).toBe(false);
  });

  it("stops leak verdicts at a near-end talker's onset: user speech is not echo", () => {
    // A residual of 150 ms, then the "user" from 400 ms after the drain (a loud burst).
    const t = makeTrial({ residualMs: 150, residualDb: 15, echoGainDb: -60, t60: 0.05 });
    const userStart = Math.round(((t.drainMs + 400) * t.fs) / 1000);
    for (let i = userStart; i < userStart + t.fs / 2; i++) t.mic[i]! += 0.05 * Math.sin(i * 0.07);
    const plain = analyzeTrial(input(t, { drainMs: t.drainMs, drainSource: 'option', preRollMs: t.preRollMs }), o);
    const barge = analyzeTrial(input(t, { drainMs: t.drainMs, drainSource: 'option', preRollMs: t.preRollMs, nearEndStartMs: t.drainMs + 400 }), o);
    const verdict = (a: typeof plain, g: number) => a.gates.find((x) => x.gateMs === g)!.leak;
    // Without the onset the user's speech reads as a leak at every gate before it.
    expect(verdict(plain, 300)).toBe(true);
    expect(verdict(barge, 0)).toBe(true);
    expect(verdict(barge, 200)).toBe(false);
    expect(verdict(barge, 300)).toBe(false);
    expect(verdict(barge, 400)).toBeNull();
    expect(verdict(barge, 800)).toBeNull();
    expect(barge.residual.tailLengthMs).toBeLessThanOrEqual(160);
    // The reported envelope still shows the user.
    expect(Math.max(...barge.residual.excessDb.slice(45, 60))).toBeGreaterThan(20);
    expect(barge.warnings.join(' ')).toMatch(/near-end talker/);
  });
});

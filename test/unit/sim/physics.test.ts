/**
 * The physics the virtual iPhone must show, measured the way a user measures a real phone:
 * the project's own analysis (src/analysis) on the streams the model produces. Speech is
 * seeded pseudo-speech (test/helpers/synth.ts). Rates are over 14 trials per condition, on
 * a phone warmed up by two utterances unless the cold start is the point.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrialAnalysis } from '../../../src/analysis/trial-result.js';
import { bandLimit } from '../../../src/dsp/band-filter.js';
import { framePowers } from '../../../src/dsp/levels.js';
import { documentedEchoDelayMs } from '../../../src/sim/audio-session.js';
import { DEVICE_PROFILES, ROUTES } from '../../../src/sim/device-profiles.js';
import { VirtualPhone } from '../../../src/sim/virtual-phone.js';
import { analyse, FS, GATES_MS, leakCounts, simConfig, speechTrial, type ConfigOverrides } from '../../helpers/virtual-phone.js';

const TRIALS = 14;
const WARM_UP = 2;

interface Condition {
  analyses: TrialAnalysis[];
  /** Leak rate per gate. */
  rate: (gateMs: number) => number;
  /** Smallest gate (of GATES_MS) at which at most 1 of the trials leaks. */
  safeGate: number;
  meanTailMs: number;
  /** Mean time over the threshold after the drain (gate 0), ms. */
  meanLeakMs: number;
}

function summarise(analyses: TrialAnalysis[]): Condition {
  const counts = leakCounts(analyses);
  const rate = (g: number) => counts.get(g)! / analyses.length;
  const safeGate = GATES_MS.find((g) => counts.get(g)! <= 1) ?? Infinity;
  const meanTailMs = analyses.reduce((s, a) => s + a.residual.tailLengthMs, 0) / analyses.length;
  const meanLeakMs = analyses.reduce((s, a) => s + a.gates.find((g) => g.gateMs === 0)!.leakDurationMs, 0) / analyses.length;
  return { analyses, rate, safeGate, meanTailMs, meanLeakMs };
}

/** One configured phone, WARM_UP utterances, then TRIALS analysed utterances (speech seeds shared across conditions). */
function condition(over: ConfigOverrides, trials = TRIALS): Condition {
  const phone = new VirtualPhone({ profile: over.profile ?? 'iphone15-ios17', seed: 11 });
  expect(phone.configure(simConfig(over)).ok).toBe(true);
  for (let i = 0; i < WARM_UP; i++) speechTrial(phone, { speechSeed: 900 + i });
  const analyses: TrialAnalysis[] = [];
  for (let i = 0; i < trials; i++) {
    const { result, trial } = speechTrial(phone, { speechSeed: 100 + i });
    analyses.push(analyse(result, trial));
  }
  return summarise(analyses);
}

const describeRates = (name: string, c: Condition) => `${name}: ${GATES_MS.map((g) => `${g}:${Math.round(c.rate(g) * 100)}%`).join(' ')}`;

describe("echo delay: the analysis measures each route's documented latency within 1 ms", () => {
  const cases = Object.keys(DEVICE_PROFILES).flatMap((profile) => ROUTES.map((route) => [profile, route] as const));
  it.each(cases)('%s, %s (calibration trial: voice processing bypassed)', (profile, route) => {
    const phone = new VirtualPhone({ profile, seed: 3 });
    const c = phone.configure(simConfig({ profile, route, options: route === 'receiver' ? [] : ['allowBluetoothA2DP'], volume: 1 }));
    expect(c.effective!.route).toBe(route);
    const { result, trial } = speechTrial(phone, { speechSeed: 21, bypass: true });
    const a = analyse(result, trial);
    expect(a.delay.trialEstimateReliable).toBe(true);
    const documented = documentedEchoDelayMs(DEVICE_PROFILES[profile]!, route, c.effective!.ioBufferMs);
    expect(Math.abs(a.delay.trialEstimateMs! - documented)).toBeLessThan(1);
  });
});

describe('residual level: the analysis reads the true echo-only level after the drain', () => {
  it('within 2 dB in every 10 ms frame where the echo is ≥ 6 dB over the floor', () => {
    const errors: number[] = [];
    for (const over of [{}, { initOrder: 'vpFirst' as const }, { room: 'reflective-room' }]) {
      const phone = new VirtualPhone({ profile: 'iphone15-ios17', seed: 5 });
      phone.configure(simConfig(over));
      for (let i = 0; i < 4; i++) {
        const { result, trial } = speechTrial(phone, { speechSeed: 300 + i, groundTruth: true });
        const a = analyse(result, trial);
        // Truth on the analysis' own grid: 300–6700 Hz, 10 ms frames from the drain.
        const drain = Math.round((a.timing.drainMs * FS) / 1000);
        const truth = framePowers(bandLimit(result.streams.echoTruth!, FS, [300, 6700]), FS / 100, drain);
        a.residual.excessDb.forEach((excess, k) => {
          const echoDbfs = 10 * Math.log10(truth[k]!);
          if (echoDbfs - a.levels.noiseFloorDbfs < 6) return;
          // The residual the analysis reports is mic power over the floor; the echo-only level it
          // implies is that power minus the floor's (at 6 dB over the floor the noise adds 1 dB).
          const analysedEchoDbfs = a.levels.noiseFloorDbfs + 10 * Math.log10(10 ** (excess / 10) - 1);
          errors.push(analysedEchoDbfs - echoDbfs);
        });
      }
    }
    expect(errors.length).toBeGreaterThan(200);
    const sorted = errors.map(Math.abs).sort((a, b) => a - b);
    expect(sorted.at(-1)!).toBeLessThan(2);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(0.3); // and unbiased
  });
});

describe('leak versus gate', () => {
  const c: Record<string, Condition> = {};
  beforeAll(() => {
    c.quiet = condition({});
    c.office = condition({ room: 'office' });
    c.reflective = condition({ room: 'reflective-room' });
    c.vpFirst = condition({ initOrder: 'vpFirst' });
    c.defaultMode = condition({ mode: 'default' });
    c.a2dp = condition({ route: 'bluetoothA2DP' });
    c.receiver = condition({ route: 'receiver', options: [] }, 8);
    c.wired = condition({ route: 'wired' }, 8);
    c.hfp = condition({ route: 'bluetoothHFP' }, 8);
  }, 120_000);

  it('quiet room: 300 ms leaks in a sizeable fraction of trials, 800 ms rarely', () => {
    const q = c.quiet!;
    expect(q.rate(300), describeRates('quiet', q)).toBeGreaterThanOrEqual(0.25);
    expect(q.rate(800), describeRates('quiet', q)).toBeLessThanOrEqual(0.1);
    expect(q.rate(300)).toBeGreaterThan(q.rate(800));
  });

  it('office (floor 15 dB higher) needs a shorter gate than the quiet room', () => {
    expect(c.office!.safeGate, describeRates('office', c.office!)).toBeLessThan(c.quiet!.safeGate);
    expect(c.office!.rate(300)).toBeLessThan(c.quiet!.rate(300));
  });

  it('the reflective room (T60 ≈ 1.2 s) needs a longer gate than the quiet room', () => {
    expect(c.reflective!.safeGate, describeRates('reflective', c.reflective!)).toBeGreaterThan(c.quiet!.safeGate);
    expect(c.reflective!.rate(500)).toBeGreaterThan(c.quiet!.rate(500));
  });

  it('Bluetooth A2DP needs the longest gate of all routes', () => {
    const others = [c.quiet!, c.receiver!, c.wired!, c.hfp!];
    for (const o of others) expect(c.a2dp!.safeGate, `${describeRates('a2dp', c.a2dp!)} vs ${describeRates('other', o)}`).toBeGreaterThan(o.safeGate);
  });

  it('VP enabled before the playback graph, and default mode on the speaker, leak far more than the correct engine', () => {
    for (const [name, bad] of [
      ['vpFirst', c.vpFirst!],
      ['default mode', c.defaultMode!],
    ] as const) {
      const versus = `${describeRates(name, bad)} vs ${describeRates('correct', c.quiet!)}`;
      expect(bad.rate(300) - c.quiet!.rate(300), versus).toBeGreaterThanOrEqual(0.25);
      expect(bad.meanTailMs - c.quiet!.meanTailMs, versus).toBeGreaterThan(80);
      // Time over the threshold after the drain grows by half at least.
      expect(bad.meanLeakMs, `${bad.meanLeakMs} vs ${c.quiet!.meanLeakMs} ms`).toBeGreaterThan(1.5 * c.quiet!.meanLeakMs);
      // The echo during playback is barely reduced at all: echo loss stays within a few dB of the raw coupling.
      const el = bad.analyses.map((a) => a.levels.echoLossDb!).sort((x, y) => x - y);
      const correct = c.quiet!.analyses.map((a) => a.levels.echoLossDb!).sort((x, y) => x - y);
      expect(correct[correct.length >> 1]! - el[el.length >> 1]!).toBeGreaterThan(25);
    }
  });

  it('the first utterances after a configure leak more than later ones (the canceller starts cold)', () => {
    const phone = new VirtualPhone({ profile: 'iphone15-ios17', seed: 11 });
    const first: TrialAnalysis[] = [];
    for (let i = 0; i < 10; i++) {
      phone.configure(simConfig());
      const { result, trial } = speechTrial(phone, { speechSeed: 100 + i });
      first.push(analyse(result, trial));
    }
    const cold = summarise(first);
    const warm = c.quiet!;
    expect(cold.rate(300) - warm.rate(300), `${describeRates('first', cold)} vs ${describeRates('later', warm)}`).toBeGreaterThanOrEqual(0.2);
    expect(cold.meanTailMs - warm.meanTailMs).toBeGreaterThan(50);
    // …and the echo during playback is cancelled less.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    expect(median(warm.analyses.map((a) => a.levels.echoLossDb!)) - median(first.map((a) => a.levels.echoLossDb!))).toBeGreaterThan(6);
  });
});

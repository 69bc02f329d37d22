/**
 * Results of five synthetic trials as `voiceaec analyze --json` gave them before the
 * throughput work of issue 2 (docs/dsp.md). Faster code must give the same answers: delays
 * within 0.01 ms, levels within 0.05 dB, identical verdicts and attribution decisions.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCalibration, analyzeTrial } from '../../../src/analysis/analyze-trial.js';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { makeTrial, trialInput, type TrialSpec } from '../../helpers/trial.js';

interface Expected {
  delayMs: number;
  trialEstimateMs: number;
  confidenceDb: number;
  refDb: number;
  micDb: number;
  floorDb: number;
  echoLossDb: number;
  erleDb: number | null;
  tailMs: number;
  drainMs: number;
  acousticEndMs: number;
  leaks: boolean[];
  attributed: Array<boolean | null>;
  peaks: number[];
}

const bench = { speechS: 3.5, preRollMs: 500, postRollMs: 2000, residualMs: 300 };
const cases: Array<[string, TrialSpec, TrialSpec | null, Expected]> = [
  [
    '48 kHz, the bench trial',
    { fs: 48_000, ...bench, delaySamples: 960 },
    null,
    {
      delayMs: 20,
      trialEstimateMs: 19.997,
      confidenceDb: 20.45,
      refDb: -32.81,
      micDb: -50.88,
      floorDb: -76.01,
      echoLossDb: 18.09,
      erleDb: null,
      tailMs: 300,
      drainMs: 3999.63,
      acousticEndMs: 4000,
      leaks: [true, false, false, false, false],
      attributed: [false, null, null, null, null],
      peaks: [16.28, 1.42, 1.42, 1.42, 1.04],
    },
  ],
  [
    '16 kHz, the bench trial',
    { fs: 16_000, ...bench, delaySamples: 320 },
    null,
    {
      delayMs: 20,
      trialEstimateMs: 19.998,
      confidenceDb: 19.87,
      refDb: -26.34,
      micDb: -46.16,
      floorDb: -71.12,
      echoLossDb: 19.83,
      erleDb: null,
      tailMs: 300,
      drainMs: 3999.94,
      acousticEndMs: 4000,
      leaks: [true, false, false, false, false],
      attributed: [true, null, null, null, null],
      peaks: [25.93, 1.5, 1.5, 1.5, 1.5],
    },
  ],
  [
    '48 kHz, 250 ms Bluetooth-like path',
    { fs: 48_000, delaySamples: 12_000, echoGainDb: -10, t60: 0.05, seed: 4 },
    null,
    {
      delayMs: 250,
      trialEstimateMs: 249.997,
      confidenceDb: 15.62,
      refDb: -32.47,
      micDb: -42,
      floorDb: -75.85,
      echoLossDb: 9.53,
      erleDb: null,
      tailMs: 250,
      drainMs: 3499.48,
      acousticEndMs: 3500,
      leaks: [true, false, false, false, false],
      attributed: [true, null, null, null, null],
      peaks: [32.13, 1.4, 1.4, 1.4, 0.97],
    },
  ],
  [
    '24 kHz (no decimation)',
    { fs: 24_000, delaySamples: 700, residualMs: 500, residualDb: 12, seed: 7 },
    null,
    {
      delayMs: 29.17,
      trialEstimateMs: 29.166,
      confidenceDb: 20.7,
      refDb: -33.68,
      micDb: -52.61,
      floorDb: -72.91,
      echoLossDb: 18.98,
      erleDb: null,
      tailMs: 500,
      drainMs: 3499.79,
      acousticEndMs: 3500,
      leaks: [true, true, false, false, false],
      attributed: [false, false, null, null, null],
      peaks: [20.96, 13.05, 1.47, 1.37, 1.13],
    },
  ],
  [
    '48 kHz, processed mic with a calibration pair',
    { fs: 48_000, delaySamples: 2000, echoGainDb: -40, seed: 3, residualMs: 800 },
    { fs: 48_000, delaySamples: 2000, echoGainDb: -10, seed: 3 },
    {
      delayMs: 41.67,
      trialEstimateMs: 41.668,
      confidenceDb: 18.62,
      refDb: -29.2,
      micDb: -66.97,
      floorDb: -76.01,
      echoLossDb: 38.35,
      erleDb: 29.67,
      tailMs: 800,
      drainMs: 3497.9,
      acousticEndMs: 3490,
      leaks: [true, true, true, false, false],
      attributed: [false, false, false, null, null],
      peaks: [16.27, 15.99, 15.99, 1.4, 1.3],
    },
  ],
];

const o = resolveAnalysisOptions({});

describe('analysis results are unchanged (regression against the recorded outputs)', () => {
  it.each(cases)('%s', (_name, spec, calSpec, e) => {
    const t = makeTrial(spec);
    const cal = calSpec ? (({ ref, mic, fs }) => analyzeCalibration(ref, mic, fs, o))(makeTrial(calSpec)) : null;
    const a = analyzeTrial(trialInput(t.ref, t.mic, t.fs, { calibration: cal }), o);
    const ms = 0.01 + 1e-9; // outputs are rounded to 0.01: one step either way is numerical noise
    const db = 0.05 + 1e-9;
    expect(Math.abs(a.delay.ms! - e.delayMs)).toBeLessThanOrEqual(ms);
    expect(Math.abs(a.delay.trialEstimateMs! - e.trialEstimateMs)).toBeLessThanOrEqual(ms);
    expect(Math.abs(a.delay.trialConfidenceDb! - e.confidenceDb)).toBeLessThanOrEqual(db);
    const lv = a.levels;
    for (const [got, want] of [
      [lv.referenceDbfs, e.refDb],
      [lv.micDuringPlaybackDbfs, e.micDb],
      [lv.noiseFloorDbfs, e.floorDb],
      [lv.echoLossDb, e.echoLossDb],
    ] as const) {
      expect(Math.abs(got! - want)).toBeLessThanOrEqual(db);
    }
    if (e.erleDb === null) expect(lv.erleDb).toBeNull();
    else expect(Math.abs(lv.erleDb! - e.erleDb)).toBeLessThanOrEqual(db);
    expect([a.timing.drainMs, a.timing.referenceAcousticEndMs, a.residual.tailLengthMs]).toEqual([e.drainMs, e.acousticEndMs, e.tailMs]);
    expect(a.gates.map((g) => g.leak)).toEqual(e.leaks);
    expect(a.gates.map((g) => g.attribution?.attributed ?? null)).toEqual(e.attributed);
    a.gates.forEach((g, i) => expect(Math.abs(g.peakExcessDb! - e.peaks[i]!)).toBeLessThanOrEqual(db));
  });
});

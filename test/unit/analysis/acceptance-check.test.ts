import { describe, expect, it } from 'vitest';
import { AcceptanceOutcomeSchema, cellMatches, checkAcceptance } from '../../../src/analysis/acceptance-check.js';
import { summarizeCell, type CellInput, type CellTrialInput } from '../../../src/analysis/cell-summary.js';
import { AcceptanceRuleSchema, type AcceptanceRule } from '../../../src/config/acceptance.js';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { tailEnvelope, templateAnalysis, withResidual } from '../../helpers/run-dir.js';

const o = resolveAnalysisOptions({});
const template = templateAnalysis(o);
const frames = template.residual.excessDb.length;

function summary(id: string, dims: Record<string, string>, n: number, tailMs: number, extra: Partial<CellInput> = {}, levels: Record<string, unknown> = {}) {
  const trials: CellTrialInput[] = Array.from({ length: n }, (_, i) => ({
    index: i + 1,
    dir: `t${i}`,
    fixtureId: 'f',
    pattern: 'steady',
    status: 'ok',
    reason: null,
    source: 'metrics',
    firstUtterance: i === 0,
    nearEnd: null,
    analysis: withResidual(template, tailEnvelope(frames, tailMs, 15, i + 1), o, { echoLossDb: 40 + i, echoLossIsLowerBound: false, erleDb: null, ...levels }),
  }));
  const input: CellInput = {
    run: 'r',
    id,
    dims,
    settings: dims,
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
  return summarizeCell(input, { gatesMs: [0, 300, 500, 800], targetLeakRate: 0.05, confidence: 0.95 });
}

const rules = (...r: unknown[]): AcceptanceRule[] => r.map((x) => AcceptanceRuleSchema.parse(x));

describe('checkAcceptance', () => {
  const clean = summary('spk', { route: 'speaker' }, 80, 250);
  const leaky = summary('rcv', { route: 'receiver' }, 20, 600);

  it('recommendedGateMs: pass under the max, fail over it, inconclusive without enough trials', () => {
    const out = checkAcceptance('r', [clean, leaky], rules({ metric: 'recommendedGateMs', max: 300 }));
    expect(out.map((x) => [x.cell, x.status, x.measured])).toEqual([
      ['spk', 'pass', 300],
      ['rcv', 'inconclusive', null],
    ]);
    expect(out[1]!.message).toMatch(/need 73 trials/);
    const strict = checkAcceptance('r', [clean], rules({ metric: 'recommendedGateMs', max: 200 }))[0]!;
    expect([strict.status, strict.measured, strict.threshold]).toEqual(['fail', 300, 200]);
    expect(strict.message).toMatch(/recommended gate 300 ms > max 200 ms/);
    for (const x of [...out, strict]) expect(AcceptanceOutcomeSchema.parse(x)).toBeTruthy();
  });

  it('leakRateUpper gives the Wilson upper bound with its numbers', () => {
    const [a, b] = checkAcceptance('r', [clean, leaky], rules({ metric: 'leakRateUpper', gateMs: 300, max: 0.05 }));
    expect(a!.status).toBe('pass');
    expect(a!.measured).toBeCloseTo(0.0458, 3); // 0 of 80
    expect(b!.status).toBe('fail');
    expect(b!.message).toMatch(/upper bound 100 % > max 5 % at gate 300 ms: 20 leaks in 20 trials \(rate 100 %, Wilson 95 % interval 83\.9 %–100 %\)/);
    expect(checkAcceptance('r', [clean], rules({ metric: 'leakRateUpper', gateMs: 123, max: 0.05 }))[0]!.status).toBe('inconclusive');
  });

  it('echo loss passes on the median, and a median of lower bounds under the minimum is inconclusive', () => {
    const [pass] = checkAcceptance('r', [clean], rules({ metric: 'echoLossDb', min: 70 }));
    expect(pass!.status).toBe('pass'); // median of 40…119 = 79.5
    expect(pass!.measured).toBe(79.5);
    expect(checkAcceptance('r', [clean], rules({ metric: 'echoLossDb', min: 90 }))[0]!.status).toBe('fail');
    const bounded = summary('b', { route: 'speaker' }, 5, 100, {}, { echoLossIsLowerBound: true });
    expect(checkAcceptance('r', [bounded], rules({ metric: 'echoLossDb', min: 90 }))[0]!.status).toBe('inconclusive');
    const erle = checkAcceptance('r', [clean], rules({ metric: 'erleDb', min: 10 }))[0]!;
    expect([erle.status, erle.message]).toEqual(['inconclusive', 'no ERLE measured (no calibration trial: ERLE needs the raw echo level) (min 10 dB)']);
  });

  it('counts failed trials and configuration problems', () => {
    const s = summary('x', { route: 'speaker' }, 3, 100, {
      mismatches: ['route: speaker → receiver'],
      configErrors: [{ code: 'E_VP', message: 'voice processing unavailable' }],
    });
    const out = checkAcceptance('r', [s], rules({ metric: 'configHonoured' }, { metric: 'failedTrials', max: 0 }, { metric: 'deadMicTrials', max: 0 }));
    expect(out.map((x) => x.status)).toEqual(['fail', 'pass', 'pass']);
    expect(out[0]!.message).toBe('2 setting(s) not honoured: route: speaker → receiver; E_VP: voice processing unavailable');
  });

  it('applies `where` filters, and a rule matching no cell fails', () => {
    expect(cellMatches({ route: 'speaker', rate: 48000 }, { rate: '48000' })).toBe(true);
    expect(cellMatches({ route: 'speaker' }, { mode: 'voiceChat' })).toBe(false);
    const out = checkAcceptance(
      'r',
      [clean, leaky],
      rules({ metric: 'leakRateUpper', gateMs: 300, max: 0.05, where: { route: 'receiver' } }, { metric: 'failedTrials', max: 0, where: { route: 'wired' } }),
    );
    expect(out.map((x) => [x.cell, x.status])).toEqual([
      ['rcv', 'fail'],
      [null, 'fail'],
    ]);
    expect(out[1]!.message).toMatch(/where route=wired matches no cell/);
  });
});

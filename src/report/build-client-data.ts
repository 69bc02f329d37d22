/** The data block report.html carries for its browser code (the shape is in client-data.ts). */
import type { ClientData } from './client-data.js';
import { markGates } from './format.js';
import type { Results } from './results-schema.js';
import type { TrialView } from './trial-view.js';

export function buildClientData(results: Results, trials: TrialView[]): ClientData {
  const marks = markGates(results);
  const pct1 = (x: number) => Math.round(x * 1000) / 10;
  const p100 = (x: number | null) => (x === null ? null : pct1(x));
  const cells = results.cells.map((c, i) => ({
    key: `cell-${i}`,
    gates: c.gates.map((g) => g.gateMs),
    rate: c.gates.map((g) => p100(g.rate)),
    upper: c.gates.map((g) => (g.decided ? p100(g.upper) : null)),
    lower: c.gates.map((g) => (g.decided ? p100(g.lower) : null)),
    rateAc: c.gatesFromAcousticEnd.map((g) => p100(g.rate)),
    rms2: c.rms2 ? c.rms2.gates.map((g) => p100(g.rate)) : null,
    turns: c.turns.map((t) => ({ profile: t.profile, rate: c.gates.map((g) => p100(t.gates.find((x) => x.gateMs === g.gateMs)?.rate ?? null)) })),
    target: pct1(c.targetLeakRate),
    rec: c.recommendation.gateMs,
    res: {
      frameMs: c.residual.frameMs,
      thr: c.residual.thresholdDb,
      median: c.residual.medianDb,
      worst: c.residual.worst?.excessDb ?? null,
      worstTrial: c.residual.worst?.trial ?? null,
    },
  }));
  const rowOf = new Map(results.cells.flatMap((c) => c.trials.map((t) => [`${c.run}\u0000${c.id}\u0000${t.index}`, t] as const)));
  const ts = trials.map((t) => {
    const row = rowOf.get(`${t.run}\u0000${t.cell}\u0000${t.index}`);
    return {
      step: t.stepMs,
      ref: t.refEnv,
      mic: t.micEnv,
      ev: t.events.map((e): [string, number] => [e.type, Math.round(e.tMs * 10) / 10]),
      drain: row?.drainMs ?? null,
      acEnd: row?.acousticEndMs ?? null,
      audio: t.audio,
      note: t.note,
    };
  });
  return { marks, cells, trials: ts };
}

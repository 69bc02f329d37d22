import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ResultsSchema, resultsJsonSchema, type Results } from '../../../src/report/results-schema.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { writeReports } from '../../../src/report-writer/write-reports.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

let dir: string;
let results: Results;
beforeAll(async () => {
  ({ dir } = await makeRunDir({
    cells: [
      {
        id: 'speaker',
        dims: { route: 'speaker', mode: 'voiceChat' },
        trials: Array.from({ length: 10 }, (_, i) => ({ residualMs: 400 + 20 * i, residualDb: 14 })),
        trailingSilenceMs: 120,
      },
      {
        id: 'receiver',
        dims: { route: 'receiver', mode: 'voiceChat' },
        trials: Array.from({ length: 6 }, () => ({ residualMs: 100, residualDb: 14 })),
        calibration: null,
      },
    ],
    acceptance: { rules: [{ metric: 'leakRateUpper', gateMs: 650, max: 0.5 }] },
  }));
  results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
});

describe('results.json (voiceaec.results/2)', () => {
  it('docs/results.schema.json is generated from the zod schema (regenerate with `npm run schema`)', () => {
    const onDisk = JSON.parse(readFileSync(new URL('../../../docs/results.schema.json', import.meta.url), 'utf8'));
    expect(onDisk).toEqual(resultsJsonSchema());
  });

  it('matches its schema exactly: nothing the schema does not describe', () => {
    const onDisk = JSON.parse(JSON.stringify(results));
    // zod drops unknown keys: deep equality after parsing means every emitted field is documented.
    expect(ResultsSchema.parse(onDisk)).toEqual(onDisk);
    expect(results.runs[0]!.device.simulated).toBe(true);
    expect(results.options.gatesMs).toEqual([0, 300, 500, 650, 800, 1500]); // 650 added for the acceptance rule
  });

  it('is deterministic: the same run, even copied elsewhere, gives byte-identical reports', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'voiceaec-copy-')), 'x');
    cpSync(dir, copy, { recursive: true });
    const again = await evaluateRun([copy], { toolVersion: TEST_VERSION });
    expect({
      ...again,
      runs: again.runs.map((r) => ({ ...r, id: 'same' })),
      cells: again.cells.map((c) => ({ ...c, run: 'same' })),
      acceptance: again.acceptance.map((a) => ({ ...a, run: 'same' })),
    }).toEqual({
      ...results,
      runs: results.runs.map((r) => ({ ...r, id: 'same' })),
      cells: results.cells.map((c) => ({ ...c, run: 'same' })),
      acceptance: results.acceptance.map((a) => ({ ...a, run: 'same' })),
    });
    await writeReports(dir, results);
    const first = ['results.json', 'junit.xml', 'summary.md', 'report.html'].map((f) => readFileSync(join(dir, f), 'utf8'));
    await writeReports(dir, await evaluateRun([dir], { toolVersion: TEST_VERSION }));
    const second = ['results.json', 'junit.xml', 'summary.md', 'report.html'].map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(second).toEqual(first);
    expect(first[0]).not.toMatch(/\/tmp\//); // no absolute paths in results.json
  });

  it('uses the calibration trial and reports gates from the acoustic end beside the drain', () => {
    const spk = results.cells.find((c) => c.id === 'speaker')!;
    expect(spk.calibration?.source).toBe('calibration.json');
    expect(spk.calibration?.delayMs).toBeCloseTo(30, 0);
    expect(spk.levels.delaySources).toEqual({ calibration: 10 }); // the processed mic's own estimate is too weak
    expect(spk.trailingSilenceMs!.median).toBeGreaterThan(100);
    // Drain-measured 500 ms leaks in the trials whose residual outlasts it; from the acoustic end, 500 ms is 120 ms shorter.
    const drain500 = spk.gates.find((g) => g.gateMs === 500)!;
    const ac500 = spk.gatesFromAcousticEnd.find((g) => g.gateMs === 500)!;
    expect(ac500.leaks).toBeGreaterThan(drain500.leaks);
    expect(results.cells.find((c) => c.id === 'receiver')!.calibration).toBeNull();
  });

  it('re-analyses from the audio when asked for new gates, and agrees with the stored verdicts', async () => {
    const fresh = await evaluateRun([dir], { toolVersion: TEST_VERSION, gatesMs: [0, 300, 450, 500, 550, 800] });
    const spk = fresh.cells.find((c) => c.id === 'speaker')!;
    expect(spk.counts.reanalysed).toBe(10);
    expect(spk.trials.every((t) => t.source === 'reanalysed')).toBe(true);
    const stored = results.cells.find((c) => c.id === 'speaker')!;
    for (const g of [0, 300, 500, 800]) {
      const a = spk.gates.find((x) => x.gateMs === g)!,
        b = stored.gates.find((x) => x.gateMs === g)!;
      expect([g, a.leaks, a.decided]).toEqual([g, b.leaks, b.decided]);
    }
    // Without re-analysis the stored envelope decides the new gates: same verdicts, no attribution.
    const quick = await evaluateRun([dir], { toolVersion: TEST_VERSION, gatesMs: [0, 300, 450, 500, 550, 800], reanalyze: false });
    const q = quick.cells.find((c) => c.id === 'speaker')!;
    expect(q.counts.reanalysed).toBe(0);
    expect(q.gates.map((g) => g.leaks)).toEqual(spk.gates.map((g) => g.leaks));
    expect(q.warnings.join(' ')).toMatch(/residual envelope/);
  });

  it('copes with a damaged run: missing audio falls back to the envelope, missing metrics are re-analysed', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'voiceaec-damaged-')), 'run');
    cpSync(dir, copy, { recursive: true });
    rmSync(join(copy, 'cells/speaker/trial-002/mic.wav'));
    rmSync(join(copy, 'cells/speaker/trial-003/metrics.json'));
    writeFileSync(join(copy, 'cells/speaker/trial-004/metrics.json'), '{ "schema": "voiceaec.analysis/1" }');
    const r = await evaluateRun([copy], { toolVersion: TEST_VERSION, gatesMs: [0, 300, 450, 800] });
    const rows = r.cells.find((c) => c.id === 'speaker')!.trials;
    const row = (i: number) => rows.find((t) => t.index === i)!;
    expect(row(2).source).toBe('metrics');
    expect(row(2).warnings.join(' ')).toMatch(/could not re-analyse from audio: E_FILE_NOT_FOUND.*stored residual envelope/);
    expect(row(2).leaks).toHaveLength(5); // 0, 300, 450, 650 (the rule's), 800
    expect(row(3).source).toBe('reanalysed');
    expect(row(4).source).toBe('reanalysed');
    expect(row(4).warnings.join(' ')).toMatch(/metrics\.json does not match voiceaec\.analysis\/1/);
    // Reports still render, and say which trial has no waveform.
    await writeReports(copy, r);
    expect(readFileSync(join(copy, 'report.html'), 'utf8')).toMatch(/mic\.wav/);
  });
});

/**
 * A sequential cell on every report surface (docs/reports.md § Sequential cells): the bounds
 * are the anytime-valid ones, and the terminal, summary.md, junit.xml and report.html say how
 * many trials ran, why the cell stopped and that its bounds are anytime-valid. A fixed-count
 * run is left exactly as it was.
 */
import { describe, expect, it } from 'vitest';
import { anytimeInterval } from '../../../src/analysis/sequential-trials.js';
import { formatResultsSummary } from '../../../src/cli/results-summary.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { readManifest, writeManifest } from '../../../src/run-dir/manifest-file.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

/** Ten trials: a tail of 600 ms (leaks at 300, clean at 800). */
async function runDir(sequential: boolean) {
  const { dir } = await makeRunDir({
    vad: { profiles: [] },
    acceptance: { targetLeakRate: 0.4 },
    cells: [{ id: 'c', trials: Array.from({ length: 10 }, () => ({ residualMs: 600, residualDb: 15 })) }],
  });
  if (sequential) {
    const m = await readManifest(dir);
    m.scenario.resolved = { vad: { profiles: [] }, trials: { repetitions: { min: 5, max: 30 } } };
    m.cells[0]!.stop = { reason: 'decided-pass', afterTrials: 10, message: '800 ms meets ≤ 40 % at 95 % confidence (anytime-valid)' };
    await writeManifest(dir, m);
  }
  return { dir, results: await evaluateRun([dir], { toolVersion: TEST_VERSION }) };
}

describe('a sequential cell in the reports', () => {
  it('carries anytime-valid bounds and its stop in results.json', async () => {
    const { results } = await runDir(true);
    const c = results.cells[0]!;
    expect(c.sequential).toMatchObject({ min: 5, max: 30, trials: 10, stop: { reason: 'decided-pass' } });
    const g800 = c.gates.find((g) => g.gateMs === 800)!;
    expect(g800).toMatchObject({ leaks: 0, decided: 10 });
    expect(g800.upper).toBeCloseTo(anytimeInterval(0, 10, 0.95, 0.4).upper, 4);
    // Wider than Wilson’s 27.8 % for 0 of 10: the price of stopping on the data.
    expect(g800.upper).toBeGreaterThan(0.278);
    expect(c.recommendation.status).toBe('recommended');
  });

  it('says so on the terminal, in summary.md and in junit.xml', async () => {
    const { dir, results } = await runDir(true);
    const text = formatResultsSummary(results, dir);
    expect(text).toContain('anytime-valid confidence sequence, sequential trials, 95 % confidence) is ≤ 40 %');
    expect(text).toContain('10/10 · decided-pass (max 30)');
    expect(text).toMatch(/c: sequential: 10 trials \(min 5, max 30\); stopped, decided: the recommended gate meets the target/);
    const md = renderMarkdown(results);
    expect(md).toMatch(/### Sequential trials\n\n- `c`: sequential: 10 trials/);
    expect(renderJunit(results)).toContain('leak-rate bounds are anytime-valid');
  });

  it('leaves a fixed-count run as it was: Wilson, no sequential field or text', async () => {
    const { dir, results } = await runDir(false);
    expect(results.cells[0]!.sequential).toBeUndefined();
    expect(JSON.stringify(results)).not.toContain('sequential');
    expect(formatResultsSummary(results, dir)).toContain('(Wilson, 95 % confidence)');
    expect(renderMarkdown(results)).not.toContain('Sequential');
  });
});

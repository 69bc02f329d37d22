/**
 * The turn-detector verdicts in every surface (docs/reports.md): summary.md, junit.xml,
 * report.html with its plot data, the terminal summary and compare-gate each state the rule
 * behind a profile's recommended gate and show the rates with their upper bounds; a dead mic
 * is undecided, never "no interruption"; `vad: { profiles: [] }` runs no VAD at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatCompareGate } from '../../../src/cli/commands/compare-gate.js';
import { formatResultsSummary } from '../../../src/cli/results-summary.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { readWavFile, writeWavFile } from '../../../src/io/wav.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import type { Results } from '../../../src/report/results-schema.js';
import { writeReports } from '../../../src/report-writer/write-reports.js';
import { TRIAL_AUDIO } from '../../../src/run-dir/layout.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

const noVad = () => Promise.reject(new Error('the VAD must not be loaded'));
let dir: string;
let results: Results;

beforeAll(async () => {
  ({ dir } = await makeRunDir({
    vad: { profiles: ['pipecat', 'openai-realtime'] },
    cells: [{ id: 'c', dims: { route: 'speaker' }, trials: Array.from({ length: 4 }, () => ({ residualMs: 600, residualDb: 15 })) }],
    acceptance: {
      rules: [
        { metric: 'falseBargeInUpper', profile: 'pipecat', gateMs: 300, max: 0.5 },
        { metric: 'falseBargeInUpper', profile: 'pipecat', gateMs: 300, max: 0.1 },
        { metric: 'selfInterruptionRate', profile: 'openai-realtime', max: 0 },
      ],
    },
  }));
  results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
}, 60_000);

const RULE = 'Recommended gate per turn profile: the smallest gate whose false barge-in upper bound (Wilson, 95 % confidence) is ≤ 5 %';
const CLEAN4 = '0/4 (0 %, ≤ 49 %)';

describe('turn verdicts in the reports', () => {
  it('summary.md: a table per cell under the rule, labelled simulated', () => {
    const md = renderMarkdown(results);
    expect(md).toContain('### Would the agent’s turn detector hear its own voice?');
    expect(md).toContain('⚠️ **SIMULATED** device');
    expect(md).toContain(RULE);
    expect(md).toContain(
      '| profile | false barge-in @ 300 ms | false barge-in @ 500 ms | false barge-in @ 800 ms | recommended gate | self-interruption during playback |',
    );
    expect(md).toContain(`| pipecat | ${CLEAN4} | ${CLEAN4} | ${CLEAN4} | need 73 trials | ${CLEAN4} |`);
    expect(md).toContain('| openai-realtime |');
  });

  it('junit.xml: each turn rule is a test case, failing with measured value and threshold', () => {
    const xml = renderJunit(results);
    expect(xml).toContain('<testcase name="pipecat false barge-in upper bound at 300 ms ≤ 50 %"');
    expect(xml).toMatch(
      /<testcase name="pipecat false barge-in upper bound at 300 ms ≤ 10 %"[^>]*>\s*<failure message="pipecat: upper bound 49 % &gt; max 10 % at gate 300 ms: fired in 0 of 4 decided trials[^"]*" type="AcceptanceFailure">/,
    );
    expect(xml).toContain('measured: 0.4899 ratio&#10;threshold: 0.1 ratio');
    expect(xml).toContain('<testcase name="openai-realtime self-interruption during playback ≤ 0 %"');
    expect(xml).toContain(`pipecat: self-interruption during playback ${CLEAN4}`);
    expect(xml).toContain(RULE);
  });

  it('report.html: a table per cell and a curve per profile in the leak-rate plot, still labelled simulated', async () => {
    await writeReports(dir, results);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<h3>Turn detectors: would the agent hear its own voice?</h3>');
    expect(html).toMatch(/<tr data-profile="pipecat"><td><span title="Pipecat SileroVADAnalyzer[^"]*github\.com\/pipecat-ai[^"]*">pipecat<\/span><\/td>/);
    expect(html).toContain(RULE);
    expect(html).toContain('"turns":[{"profile":"pipecat","rate":[0,0,0,0,null]},{"profile":"openai-realtime","rate":[0,0,0,0,0]}]');
    expect(html).toContain('data-simulated="true"');
  });

  it('terminal summary and compare-gate: the recommended gate per profile and the rule', () => {
    const summary = formatResultsSummary(results, null);
    expect(summary).toContain(RULE);
    expect(summary).toMatch(/turn gate pipecat \/ openai-realtime/);
    expect(summary).toMatch(/need 73 trials \/ need 73 trials/);
    const cg = formatCompareGate(results);
    expect(cg).toContain(RULE);
    expect(cg).toMatch(/pipecat fired\s+openai-realtime fired/);
    expect(cg).toContain(`pipecat: recommended need 73 trials`);
    expect(cg).toContain(`self-interruption during playback ${CLEAN4}`);
  });

  it('a dead mic is undecided, never "no interruption"', async () => {
    const { dir: d, manifest } = await makeRunDir({ vad: { profiles: ['pipecat'] }, cells: [{ id: 'c', trials: [{}, {}, {}] }] });
    const trial = manifest.cells[0]!.trials.find((t) => t.index === 2)!;
    const mic = join(d, trial.dir, TRIAL_AUDIO.mic);
    const audio = await readWavFile(mic);
    await writeWavFile(mic, { sampleRate: audio.sampleRate, samples: new Float32Array(audio.channels[0]!.length) }, { encoding: 'float32' });
    const r = await evaluateRun([d], { toolVersion: TEST_VERSION, reanalyze: true });
    const t = r.cells[0]!.turns[0]!;
    expect(r.cells[0]!.counts.deadMic).toBe(1);
    expect(t.selfInterruption).toMatchObject({ decided: 2, undecided: 1 });
    for (const g of t.gates) expect(g.decided + g.undecided).toBe(3);
    expect(t.gates.every((g) => g.undecided >= 1)).toBe(true);
  });

  it('`vad: { profiles: [] }` runs no VAD and reports no turn section', async () => {
    const { dir: d } = await makeRunDir({ vad: { profiles: [] }, cells: [{ id: 'c', trials: [{}, {}] }] });
    const r = await evaluateRun([d], { toolVersion: TEST_VERSION, loadVad: noVad });
    expect(r.runs[0]!.vad.profiles).toEqual([]);
    expect(r.cells[0]!.turns).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(renderMarkdown(r)).not.toContain('turn detector');
    expect(formatResultsSummary(r, null)).not.toContain('turn gate');
  });
});

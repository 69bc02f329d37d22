/**
 * `npx tsx bench/report.ts [trials]`: time to evaluate a 1,000-trial run and render its four
 * reports, and the size of report.html. Printed, never asserted (tests do not time things).
 * The run is synthetic (test/helpers/run-dir.ts makeLargeRunDir): metrics written directly,
 * one 48 kHz, 6 s audio pair hard-linked into every trial, so the report reads and decodes
 * 2,000 full-size WAVs as it would on a real run.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateRun } from '../src/evaluation/evaluate-run.js';
import { writeReports } from '../src/report-writer/write-reports.js';
import { makeLargeRunDir, TEST_VERSION } from '../test/helpers/run-dir.js';

const trials = Number(process.argv[2] ?? 1000);
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;

for (const [fs, speechS, postRollMs] of [
  [48_000, 3.2, 2500],
  [16_000, 1.2, 1700],
] as const) {
  const t0 = performance.now();
  const { dir } = await makeLargeRunDir({ trials, fs, speechS, postRollMs });
  const made = performance.now();
  const results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
  const evaluated = performance.now();
  const w = await writeReports(dir, results);
  const written = performance.now();
  const wav = statSync(join(dir, '.shared', 'mic.wav')).size;
  console.log(`## ${trials} trials, ${fs / 1000} kHz audio (${mb(wav)} per WAV, ${mb(2 * wav * trials)} read)`);
  console.log(`run directory made: ${((made - t0) / 1000).toFixed(1)} s (setup, not part of the figure)`);
  console.log(`evaluateRun: ${((evaluated - made) / 1000).toFixed(2)} s`);
  console.log(`writeReports (envelopes of 2×${trials} WAVs, HTML, JUnit, Markdown, JSON): ${((written - evaluated) / 1000).toFixed(2)} s`);
  console.log(
    `total render: ${((written - made) / 1000).toFixed(2)} s (target < 10 s); report.html ${mb(w.htmlBytes)} (limit 15 MB), results.json ${mb(statSync(join(dir, 'results.json')).size)}`,
  );
  console.log('');
  rmSync(dir, { recursive: true, force: true });
}

import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEnvelope, envelopeBase64 } from '../../../src/report/trial-view.js';
import { encodeWav } from '../../../src/io/wav.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { wavSampleView } from '../../../src/io/wav.js';
import { writeReports } from '../../../src/report-writer/write-reports.js';
import { makeLargeRunDir, makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

const small = () =>
  makeRunDir({
    scenario: 'quiet-room',
    cells: [
      { id: '<img src=x onerror=alert(1)>', dims: { route: 'speaker', mode: 'voiceChat' }, trials: [{ residualMs: 400 }, { residualMs: 450 }] },
      { id: 'receiver', dims: { route: 'receiver', mode: 'voiceChat' }, trials: [{ residualMs: 100 }, { residualMs: 120 }] },
    ],
  });

describe('report.html', () => {
  it('embeds small runs’ audio as data URIs and links big runs’ WAVs by relative path', async () => {
    const { dir } = await small();
    const results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
    const embedded = await writeReports(dir, results, { embedAudioMaxBytes: 64 << 20 });
    expect(embedded.audioEmbedded).toBe(true);
    const a = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(a).toContain('data:audio/wav;base64,UklGR'); // "RIFF"
    const linked = await writeReports(dir, results, { embedAudioMaxBytes: 1000 });
    expect(linked.audioEmbedded).toBe(false);
    const b = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(b).not.toContain('data:audio/wav');
    expect(b).toContain('"mic":"cells/receiver/trial-001/mic.wav"');
    expect(b.length).toBeLessThan(a.length);
  });

  it('is self-contained, escapes what the run directory says, and labels a simulated device', async () => {
    const { dir } = await small();
    await writeReports(dir, await evaluateRun([dir], { toolVersion: TEST_VERSION }));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<(script|link|img|iframe|audio)[^>]+(src|href)="(https?:)?\/\//i);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*connect-src 'none'/);
    expect(html).toContain('uPlot'); // inlined from node_modules
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html.match(/<\/script>/g)).toHaveLength(3); // data, uPlot, ours: nothing in the data closes a script early
    expect(html).toMatch(
      /class="sim" data-simulated="true" data-device-class="virtual-iphone">⚠ SIMULATED DEVICE — .*These numbers describe the virtual iPhone/,
    );
    expect(html).toContain('<h2>Matrix</h2>');
  });

  it('folds a sweep behind its answer rows, names the per-gate columns in plain words, labels every stacked cell', async () => {
    const { dir } = await small();
    const sweep = Array.from({ length: 41 }, (_, i) => 50 * i);
    const results = await evaluateRun([dir], { toolVersion: TEST_VERSION, targetLeakRate: 0.7, gatesMs: sweep });
    await writeReports(dir, results);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const cell = html.slice(html.indexOf('id="cell-1"'));
    const key = cell.slice(cell.indexOf('<table class="gates key">'), cell.indexOf('<details class="sweep">'));
    const rec = results.cells[1]!.recommendation.gateMs!;
    // The answer rows: the marked gates and the recommended one (highlighted); the sweep's 41 rows behind a <details>.
    expect([...key.matchAll(/<tr(?: class="recrow")?><td class="num">(\d+) ms/g)].map((m) => Number(m[1]))).toEqual(
      [...new Set([300, 500, 800, rec])].sort((a, b) => a - b),
    );
    expect(key).toContain(`<tr class="recrow"><td class="num">${rec} ms`);
    expect(cell).toContain('<summary>All 41 gates of the sweep (0–2000 ms)</summary>');
    expect(key).toContain('>leaks: first reply / later replies</th>');
    expect(key).toMatch(/<th title="yes: the interval[^"]*upper bound is at or below the target leak rate 70 %">meets 70 % target<\/th>/);
    expect(html).not.toContain('first utterance · later');
    // The answer table states the target and confidence beside each recommended gate.
    expect(html).toMatch(
      /<td class="recgate" data-label="recommended gate"><b>\d+ ms<\/b><div class="small muted"><span class="nw">target ≤ 70 %,<\/span> <span class="nw">95 % confidence<\/span><\/div>/,
    );
    // Every cell of the tables that stack on a phone says which column it is.
    for (const id of ['answer', 'acceptance']) {
      const section = html.slice(html.indexOf(`<section id="${id}">`), html.indexOf('</section>', html.indexOf(`<section id="${id}">`)));
      expect(section.match(/<td(?![^>]*data-label)/g) ?? []).toEqual([]);
    }
  });

  it('stores waveform envelopes compactly and losslessly to 1 dB', () => {
    const x = new Float32Array(48_000);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i / 7) * (i < 24_000 ? 0.5 : 0.001);
    const env = decodeEnvelope(envelopeBase64(x, 48_000, 10));
    expect(env).toHaveLength(100);
    expect(env[0]).toBe(-6);
    expect(env[99]).toBe(-60);
  });

  it('reads envelopes straight from PCM16, PCM32 and float WAVs, and through the decoder otherwise', () => {
    const x = new Float32Array(16_000);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i / 5) * 0.3 * (1 + Math.sin(i / 2000));
    const want = envelopeBase64(x, 16_000, 10);
    const other = new Float32Array(x.length).fill(0.9);
    for (const encoding of ['pcm16', 'pcm24', 'float32'] as const) {
      const mono = wavSampleView(encodeWav({ sampleRate: 16_000, samples: x }, { encoding }), 'x.wav');
      const stereo = wavSampleView(encodeWav({ sampleRate: 16_000, channels: [x, other] }, { encoding }), 'x.wav');
      for (const v of [mono, stereo]) {
        const got = decodeEnvelope(envelopeBase64(v, v.sampleRate, 10));
        got.forEach((db, i) => expect(Math.abs(db - decodeEnvelope(want)[i]!), `${encoding} bucket ${i}`).toBeLessThanOrEqual(1));
      }
    }
  });

  it('a 1,000-trial run renders to an HTML file under 15 MB', async () => {
    const { dir } = await makeLargeRunDir({ trials: 1000 });
    const t0 = performance.now();
    const results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
    const w = await writeReports(dir, results);
    const ms = performance.now() - t0;
    const size = statSync(join(dir, 'report.html')).size;
    console.log(`1000-trial report: ${(size / 1e6).toFixed(2)} MB HTML in ${(ms / 1000).toFixed(1)} s (figure only; speed is in bench/report.ts)`);
    expect(w.htmlBytes).toBe(size);
    expect(size).toBeLessThan(15e6);
    expect(results.cells.reduce((n, c) => n + c.counts.analysed, 0)).toBe(1000);
    expect(w.audioEmbedded).toBe(false); // 2,000 WAVs are far over the embedding budget
    rmSync(dir, { recursive: true, force: true });
  });
});

/**
 * dist/report-client.js, the report's browser code as `npm run build` bundles it: a classic
 * script (the page inlines it in a plain <script>), without uPlot (the page carries uPlot's
 * own build), and exactly what loadHtmlAssets hands renderHtml to embed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.js';
import type { Results } from '../../../src/report/results-schema.js';
import { loadHtmlAssets } from '../../../src/report-writer/html-assets.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

const BUNDLE = fileURLToPath(new URL('../../../dist/report-client.js', import.meta.url));

let results: Results;
beforeAll(async () => {
  const { dir } = await makeRunDir({ cells: [{ id: 'speaker', dims: { route: 'speaker' }, trials: [{ residualMs: 300 }] }] });
  results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
});

describe('the report client bundle', () => {
  it('is built, as one IIFE with no module syntax', () => {
    expect(existsSync(BUNDLE), `${BUNDLE} is missing: \`npm test\` builds it, or run \`npm run build\``).toBe(true);
    const js = readFileSync(BUNDLE, 'utf8');
    expect(js).toMatch(/^"use strict";\(\(\)=>\{[\s\S]*\}\)\(\);\s*$/);
    expect(js).not.toMatch(/\b(import|export)\b|\brequire\(/);
    // A classic script: import or export would not even compile here.
    expect(() => new Script(js, { filename: 'report-client.js' })).not.toThrow();
    // uPlot stays out: the page inlines its own build, and the bundle uses that global.
    expect(js).toContain('new uPlot(');
    expect(js.length).toBeLessThan(20_000);
  });

  it('is what loadHtmlAssets reads and what the page embeds, after uPlot', () => {
    const assets = loadHtmlAssets();
    const js = readFileSync(BUNDLE, 'utf8');
    expect(assets.clientJs).toBe(js);
    const html = renderHtml({ results, trials: [], assets });
    const at = html.indexOf(`<script>${js}</script>`);
    expect(at).toBeGreaterThan(0);
    expect(html.indexOf(`<script>${assets.uplotJs}</script>`)).toBeGreaterThan(0);
    expect(html.indexOf(`<script>${assets.uplotJs}</script>`)).toBeLessThan(at);
    expect(html.indexOf('<script id="voiceaec-data"')).toBeLessThan(at);
  });

  it('cannot close its script early', () => {
    const html = renderHtml({ results, trials: [], assets: { ...loadHtmlAssets(), clientJs: 'console.log("</script><b>x</b>")' } });
    expect(html).toContain('console.log("<\\/script><b>x</b>")');
    expect(html.match(/<\/script>/g)).toHaveLength(3); // data, uPlot, client
  });
});

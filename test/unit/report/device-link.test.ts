/**
 * The device link on every surface (docs/appium.md § Warm-up trials): a files-mode run without
 * warm-up says on each — terminal summary, summary.md, report.html, junit.xml, results.json —
 * that every trial ran on a freshly launched app; one with warm-up names its link and no
 * caveat; a run directory from before the field reads as before and says nothing about it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatResultsSummary } from '../../../src/cli/results-summary.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { loadHtmlAssets } from '../../../src/report-writer/html-assets.js';
import { renderHtml } from '../../../src/report/html.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

const COLD = 'each trial ran on a freshly launched app (cold canceller): compare only with other cold runs';

/** Every surface of one run directory whose manifest's device gets `link` (or none). */
async function surfaces(link: { connection: string; warmupTrials: number } | undefined) {
  const { dir } = await makeRunDir({ scenario: 'link', cells: [{ id: 'c', dims: {}, trials: [{ residualMs: 200, residualDb: 15 }] }] });
  if (link) {
    const file = join(dir, 'manifest.json');
    const m = JSON.parse(readFileSync(file, 'utf8')) as { device: Record<string, unknown> };
    m.device.link = link;
    writeFileSync(file, JSON.stringify(m));
  }
  const results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
  return {
    results,
    terminal: formatResultsSummary(results, dir),
    markdown: renderMarkdown(results),
    html: renderHtml({ results, trials: [], assets: loadHtmlAssets() }),
    junit: renderJunit(results),
  };
}

describe('device link caveat', () => {
  it('files mode without warm-up: the cold-start line on every surface', async () => {
    const s = await surfaces({ connection: 'files', warmupTrials: 0 });
    expect(s.results.runs[0]!.device.link).toEqual({ connection: 'files', warmupTrials: 0 });
    expect(s.results.runs[0]!.device.linkCaveat).toBe(COLD);
    expect(s.terminal).toContain(`⚠ ${COLD}`);
    expect(s.terminal).toContain('files mode, 0 warm-up trials per launch');
    expect(s.markdown).toContain(`⚠️ ${COLD}`);
    expect(s.html).toContain(`data-link-caveat="cold">⚠ ${COLD}</div>`);
    expect(s.junit).toContain(`<property name="deviceLinkCaveat" value="${COLD}"/>`);
    expect(s.junit).toContain('<property name="deviceLink" value="files mode, 0 warm-up trials per launch"/>');
  });

  it('files mode with warm-up: the link is named, no caveat', async () => {
    const s = await surfaces({ connection: 'files', warmupTrials: 1 });
    expect(s.results.runs[0]!.device.linkCaveat).toBeNull();
    for (const text of [s.terminal, s.markdown, s.html]) {
      expect(text).toContain('files mode, 1 warm-up trial per launch');
      expect(text).not.toContain(COLD);
    }
    expect(s.junit).not.toContain('deviceLinkCaveat');
  });

  it('a run directory from before the field reads as before: link null, nothing said', async () => {
    const s = await surfaces(undefined);
    expect(s.results.runs[0]!.device.link).toBeNull();
    expect(s.results.runs[0]!.device.linkCaveat).toBeNull();
    for (const text of [s.terminal, s.markdown, s.html, s.junit]) {
      expect(text).not.toContain(COLD);
      expect(text).not.toMatch(/warm-up|deviceLink/);
    }
  });
});

/**
 * The report's browser code (src/report-client, bundled into dist/report-client.js) in headless
 * Chromium: what it draws from the page's data block, checked against that block. Pages are
 * variants of one written report.html whose data block the test edits, so each behaviour is
 * driven by the data alone. report-browser.test.ts covers the page as a whole.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/* The callbacks below run in the page; the project compiles without DOM types, so they stay untyped. */

import type { ClientData } from '../../src/report/client-data.js';
import { evaluateRun } from '../../src/evaluation/evaluate-run.js';
import { writeReports } from '../../src/report-writer/write-reports.js';
import { makeRunDir, TEST_VERSION } from '../helpers/run-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const DATA_BLOCK = /(<script id="voiceaec-data" type="application\/json">)([\s\S]*?)(<\/script>)/;

let ctx: BrowserContext;
let dir: string;
let page0: string;
let data0: ClientData;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/debian-packages.sh\` (npm test does it in pretest)`);
  const leaky = (ms: number) => Array.from({ length: 4 }, (_, i) => ({ residualMs: ms + 20 * i, residualDb: 15 }));
  ({ dir } = await makeRunDir({
    cells: [
      { id: 'speaker', dims: { route: 'speaker' }, trials: leaky(450) },
      { id: 'receiver-rms2', dims: { route: 'receiver' }, trials: leaky(100), gate: { kind: 'rms2', ms: 500, thresholdDbfs: -60 } },
    ],
  }));
  await writeReports(dir, await evaluateRun([dir], { toolVersion: TEST_VERSION }), { embedAudioMaxBytes: 64 << 20 });
  page0 = readFileSync(join(dir, 'report.html'), 'utf8');
  data0 = JSON.parse(DATA_BLOCK.exec(page0)![2]!) as ClientData;
  ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'voiceaec-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

/** The report with its data block replaced: edited data, or raw text as a broken file would hold. */
function variant(name: string, block: ClientData | string): string {
  const text = typeof block === 'string' ? block : JSON.stringify(block).replace(/</g, '\\u003c');
  const path = join(dir, `${name}.html`); // beside report.html, so linked audio resolves the same
  writeFileSync(
    path,
    page0.replace(DATA_BLOCK, (_m, open: string, _old: string, close: string) => open + text + close),
  );
  return pathToFileURL(path).href;
}

/** Open a page and record everything it says or asks for beyond itself. */
async function open(url: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url && !r.url().startsWith('data:')) problems.push(`request: ${r.url().slice(0, 100)}`);
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction('document.documentElement.getAttribute("data-plots") !== null', null, { timeout: 10_000 });
  return { page, problems };
}

/** The series a uPlot legend names (uPlot leaves the x series out of a static legend). */
const legend = (page: Page, plot: string) => page.locator(`${plot} .u-legend .u-series .u-label`).allInnerTexts();

/** Pixels of a plot's canvas by colour: ink (anything not near white) and the green of target and recommendation marks. */
const pixels = (page: Page, plot: string) =>
  page.$eval(`${plot} canvas`, (c: any) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    let green = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
      if (d[i + 1] > d[i] + 40 && d[i + 1] > d[i + 2] + 40) green++;
    }
    return { ink, green };
  });

describe('the report client in headless Chromium', () => {
  it('draws each cell’s leak and residual plots with the series its data holds, and their marks', async () => {
    const { page, problems } = await open(pathToFileURL(join(dir, 'report.html')).href);
    expect(data0.cells.map((c) => c.rms2 !== null)).toEqual([false, true]);
    // No vad block: the three shipped turn profiles, each a curve beside the energy detector's.
    expect(data0.cells.map((c) => c.turns.length)).toEqual([3, 3]);
    expect(await page.getAttribute('html', 'data-plots')).toBe(String(2 * data0.cells.length));
    for (const c of data0.cells) {
      expect(await legend(page, `#${c.key}-leak`)).toEqual([
        'leak rate',
        'upper bound',
        'lower bound',
        'from acoustic end',
        ...(c.rms2 ? ['rms2 gate'] : []),
        ...c.turns.map((t) => `${t.profile} false barge-in`),
      ]);
      expect(await legend(page, `#${c.key}-res`)).toEqual(['median trial', `worst trial${c.res.worstTrial !== null ? ` (#${c.res.worstTrial})` : ''}`]);
      const leak = await pixels(page, `#${c.key}-leak`);
      expect(leak.ink).toBeGreaterThan(2000);
      expect(leak.green).toBeGreaterThan(20); // the target line and its label come from the draw hook
      expect((await pixels(page, `#${c.key}-res`)).ink).toBeGreaterThan(2000);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a trial once, with a player per recording it has, its note or “no audio files” when it has nothing', async () => {
    const d = structuredClone(data0);
    const src = 'data:audio/wav;base64,UklGRg==';
    d.trials[0]!.audio = { ref: src, mic: null, gated: src };
    Object.assign(d.trials[1]!, { ref: null, mic: null, note: 'no ref.wav / mic.wav in the trial directory' });
    d.trials[2]!.audio = { ref: null, mic: null, gated: null };
    const { page, problems } = await open(variant('trials', d));
    await page.locator('details').evaluateAll((ds: any[]) => ds.forEach((x) => (x.open = true)));
    const toggle = (t: number) => page.locator(`button.t[data-t="${t}"]`).evaluate((b: any) => b.click());
    const row = (t: number) => page.locator(`#d${t}`);

    await toggle(0);
    await expect.poll(() => row(0).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getAttribute('button.t[data-t="0"]', 'aria-expanded')).toBe('true');
    expect(await legend(page, '#d0')).toEqual(['reference (played)', 'mic (before gate)']);
    expect((await pixels(page, '#d0')).ink).toBeGreaterThan(2000);
    expect(await row(0).locator('.audio label').allInnerTexts()).toEqual(['reference', 'gated'].map((s) => expect.stringContaining(s)));
    expect(
      await row(0)
        .locator('.audio audio')
        .evaluateAll((as: any[]) => as.map((a) => [a.src, a.preload])),
    ).toEqual([
      [src, 'none'],
      [src, 'none'],
    ]);
    await toggle(0);
    await expect.poll(() => row(0).isVisible(), { timeout: 10_000 }).toBe(false);
    expect(await page.getAttribute('button.t[data-t="0"]', 'aria-expanded')).toBe('false');
    await toggle(0);
    await expect.poll(() => row(0).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await row(0).locator('.uplot').count()).toBe(1); // drawn on first opening only

    await toggle(1);
    await expect.poll(() => row(1).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await row(1).locator('.uplot').count()).toBe(0);
    expect(await row(1).locator('.plot').innerText()).toBe('no ref.wav / mic.wav in the trial directory');

    await toggle(2);
    await expect.poll(() => row(2).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await row(2).locator('.uplot').count()).toBe(1);
    expect(await row(2).locator('.audio').innerText()).toBe('no audio files');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('refits the plots to their boxes when the window changes', async () => {
    const { page, problems } = await open(pathToFileURL(join(dir, 'report.html')).href);
    // [plot width, width of the box it is drawn in]
    const widths = () =>
      page.$eval(`#${data0.cells[0]!.key}-leak`, (el: any): [number, number] => [
        Math.round(el.querySelector('.uplot').getBoundingClientRect().width),
        Math.floor(el.clientWidth),
      ]);
    const [wide, box] = await widths();
    expect(wide).toBe(box);
    await page.setViewportSize({ width: 500, height: 900 });
    await expect
      .poll(
        async () => {
          const [w, b] = await widths();
          return w === b && w < wide;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it.each([
    ['not JSON', '{"marks":[300,500', /^Plots unavailable: the #voiceaec-data block is not JSON \(.+\)\. The tables above hold every number\.$/],
    [
      'not the report’s data',
      '{"cells":3}',
      /^Plots unavailable: the #voiceaec-data block lacks marks, cells or trials\. The tables above hold every number\.$/,
    ],
  ])('says the plots are unavailable when the data block is %s, and keeps the tables and trial rows', async (_what, block, message) => {
    const { page, problems } = await open(variant(`broken-${block.length}`, block));
    expect(await page.getAttribute('html', 'data-plots')).toBe('0');
    expect(await page.locator('.uplot').count()).toBe(0);
    const texts = await page.locator('.plot').allTextContents(); // most sit in closed trial rows
    expect(texts.length).toBeGreaterThan(2 * data0.cells.length); // cell plots and the hidden trial plots
    for (const t of texts) expect(t).toMatch(message);
    expect(await page.locator('#answer tbody tr').count()).toBe(data0.cells.length);
    await page.locator('details').evaluateAll((ds: any[]) => ds.forEach((x) => (x.open = true)));
    await page.locator('button.t[data-t="0"]').evaluate((b: any) => b.click());
    await expect.poll(() => page.locator('#d0').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator('#d0 .plot').innerText()).toMatch(message);
    expect(await page.locator('#d0 audio').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});

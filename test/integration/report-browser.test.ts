/**
 * report.html in headless Chromium (Debian's /usr/bin/chromium via playwright-core): no
 * console errors, no network requests, the plots render, a trial opens with its waveform
 * and audio, and a phone-width page does not overflow sideways. Full-page screenshots at
 * 1280 px and 390 px are written to the test's temp folder and, when VOICEAEC_REPORT_SHOTS
 * names a folder, there too, for a human to look at; what a look would catch is asserted from
 * the DOM as far as it can be: plot labels that overlap, tables wider than their box without a
 * scroll container, text cut off in a cell.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/* The callbacks below run in the page; the project compiles without DOM types, so they stay untyped. */

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
const SHOTS = mkdtempSync(join(tmpdir(), 'voiceaec-report-shots-'));
const SHOTS_COPY = process.env.VOICEAEC_REPORT_SHOTS;

let ctx: BrowserContext;
let url: string;
/** The same run read with a 50 % target and a 41-gate sweep: recommended gates to mark, a sweep to fold. */
let sweepUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`bash scripts/debian-packages.sh\` (npm test does it in pretest)`);
  const leaky = (ms: number) => Array.from({ length: 6 }, (_, i) => ({ residualMs: ms + 20 * i, residualDb: 15 }));
  const { dir } = await makeRunDir({
    scenario: 'quiet-room',
    cells: [
      { id: 'speaker-voiceChat', dims: { route: 'speaker', mode: 'voiceChat' }, trials: leaky(450), trailingSilenceMs: 80 },
      { id: 'speaker-default', dims: { route: 'speaker', mode: 'default' }, trials: leaky(900), mismatches: ['voiceProcessing.enabled: true → false'] },
      { id: 'receiver-voiceChat', dims: { route: 'receiver', mode: 'voiceChat' }, trials: leaky(100), gate: { kind: 'rms2', ms: 500, thresholdDbfs: -60 } },
      { id: 'receiver-default', dims: { route: 'receiver', mode: 'default' }, trials: leaky(250), failed: [2] },
    ],
    acceptance: { rules: [{ metric: 'leakRateUpper', gateMs: 800, max: 0.5 }, { metric: 'configHonoured' }] },
  });
  await writeReports(dir, await evaluateRun([dir], { toolVersion: TEST_VERSION }), { embedAudioMaxBytes: 64 << 20 });
  url = pathToFileURL(join(dir, 'report.html')).href;
  const sweepDir = `${dir}-sweep`;
  cpSync(dir, sweepDir, { recursive: true });
  const sweep = Array.from({ length: 41 }, (_, i) => 50 * i);
  await writeReports(sweepDir, await evaluateRun([sweepDir], { toolVersion: TEST_VERSION, targetLeakRate: 0.5, gatesMs: sweep }), {
    embedAudioMaxBytes: 64 << 20,
  });
  sweepUrl = pathToFileURL(join(sweepDir, 'report.html')).href;
  if (SHOTS_COPY) mkdirSync(SHOTS_COPY, { recursive: true });
  ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'voiceaec-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

/** Open the report and record everything the page says or asks for. */
async function open(viewport: { width: number; height: number }, at = url): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await ctx.newPage();
  await page.setViewportSize(viewport);
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url().slice(0, 100)}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(at, { waitUntil: 'load' });
  await page.waitForFunction('document.documentElement.getAttribute("data-plots") !== null', null, { timeout: 10_000 });
  return { page, problems, requests };
}

/** A full-page (or one element's) screenshot in the temp folder, copied to $VOICEAEC_REPORT_SHOTS when set. */
async function shoot(page: Page | Locator, name: string): Promise<string> {
  const path = join(SHOTS, name);
  if ('goto' in page) await page.screenshot({ path, fullPage: true });
  else await page.screenshot({ path });
  if (SHOTS_COPY) copyFileSync(path, join(SHOTS_COPY, name));
  return path;
}

/**
 * What a reader would see as broken, read from the laid-out page: plot labels whose boxes
 * overlap or leave their plot, tables wider than their box with no scroll container around
 * them, and visible cells whose text is cut (scrollWidth > clientWidth).
 */
const layoutProblems = (page: Page) =>
  page.evaluate<string[]>(`(() => {
    const out = [];
    const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (const [k, plot] of [...document.querySelectorAll('.uplot')].entries()) {
      const over = plot.querySelector('.u-over').getBoundingClientRect();
      const labels = [...plot.querySelectorAll('.mk')].map((e) => ({ text: e.textContent, r: e.getBoundingClientRect() }));
      for (const [i, a] of labels.entries()) {
        if (a.r.left < over.left - 0.5 || a.r.right > over.right + 0.5 || a.r.top < over.top - 0.5 || a.r.bottom > over.bottom + 0.5)
          out.push('plot ' + k + ': label "' + a.text + '" leaves the plot');
        for (const b of labels.slice(i + 1)) if (hit(a.r, b.r)) out.push('plot ' + k + ': labels "' + a.text + '" and "' + b.text + '" overlap');
      }
    }
    for (const t of document.querySelectorAll('table')) {
      if (t.offsetParent === null) continue;
      const box = t.parentElement;
      if (t.getBoundingClientRect().width <= box.clientWidth + 1) continue;
      let el = box, scrolls = false;
      for (; el && el !== document.body; el = el.parentElement) {
        const o = getComputedStyle(el).overflowX;
        if (o === 'auto' || o === 'scroll') { scrolls = true; break; }
      }
      if (!scrolls) out.push('table "' + (t.querySelector('th')?.textContent ?? '') + '" is wider than its box with no scroll container');
    }
    for (const c of document.querySelectorAll('td, th')) {
      if (c.offsetParent === null) continue;
      if (c.scrollWidth > c.clientWidth + 1) out.push('cell "' + c.textContent.slice(0, 40) + '" cut: ' + c.scrollWidth + ' > ' + c.clientWidth);
    }
    if (document.documentElement.scrollWidth > window.innerWidth) out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
    return out;
  })()`);

/** Non-background pixels of a canvas: a plot that drew nothing has none. */
const inked = (page: Page, selector: string) =>
  page.$$eval(selector, (canvases: any[]) =>
    canvases.map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200)) n++;
      return n;
    }),
  );

describe('report.html in headless Chromium', () => {
  it('opens with no console errors and no network requests, and draws every plot', async () => {
    const { page, problems, requests } = await open({ width: 1280, height: 900 });
    expect(await page.getAttribute('html', 'data-plots')).toBe('8'); // leak curve + residual per cell
    expect(await page.locator('.uplot').count()).toBe(8);
    for (const n of await inked(page, '.uplot canvas')) expect(n).toBeGreaterThan(2000);
    expect(await page.locator('.sim').innerText()).toMatch(/SIMULATED DEVICE/);
    expect(await page.locator('#answer tbody tr').count()).toBe(4);
    expect(await page.locator('#answer').innerText()).toMatch(/speaker-voiceChat[\s\S]*need 73 trials/);
    expect(await page.locator('#acceptance .badge.fail').count()).toBeGreaterThan(0);
    expect(await page.locator('#matrix table.heat').count()).toBe(2);
    expect(await page.locator('h3', { hasText: 'Two-tier RMS gate' }).count()).toBe(1);
    await shoot(page.locator('#cell-0'), 'cell.png');
    expect(problems).toEqual([]);
    expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('opens a trial: waveforms of reference and mic with events, and playable audio', async () => {
    const { page, problems, requests } = await open({ width: 1280, height: 900 });
    await page.locator('#cell-0 details', { hasText: 'Trials' }).evaluate((d: any) => (d.open = true));
    await page.locator('#cell-0 button.t').first().click();
    const detail = page.locator('#cell-0 tr.detail').first();
    await expect.poll(() => detail.isVisible()).toBe(true);
    expect(await detail.locator('.uplot').count()).toBe(1);
    expect((await inked(page, '#cell-0 tr.detail .uplot canvas'))[0]).toBeGreaterThan(2000);
    const srcs = await detail.locator('audio').evaluateAll((as: any[]) => as.map((a) => String(a.src).slice(0, 22)));
    expect(srcs).toEqual(['data:audio/wav;base64,', 'data:audio/wav;base64,']);
    expect(await detail.innerText()).toMatch(/reference \(played\)[\s\S]*mic \(before gate\)/);
    await shoot(detail, 'trial.png');
    expect(problems).toEqual([]);
    expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);
    await page.close();
  });

  it('reads on a phone: nothing overflows the screen sideways, the plots fit', async () => {
    const { page, problems } = await open({ width: 390, height: 844 });
    const { scroll, inner, plotMax } = await page.evaluate<{ scroll: number; inner: number; plotMax: number }>(`({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
      plotMax: Math.max(...[...document.querySelectorAll('.uplot')].map((u) => u.getBoundingClientRect().right)),
    })`);
    expect(scroll).toBeLessThanOrEqual(inner);
    expect(plotMax).toBeLessThanOrEqual(inner);
    // The answer itself (cell and recommended gate) is on screen without scrolling the table.
    const rec = await page.locator('#answer tbody tr').first().locator('td').nth(1).boundingBox();
    expect(rec!.x + rec!.width).toBeLessThanOrEqual(inner);
    expect(problems).toEqual([]);
    await page.close();
  });

  for (const [name, width] of [
    ['laptop', 1280],
    ['phone', 390],
  ] as const) {
    it(`looks right at ${width} px: no overlapping plot labels, no cut or overflowing table (screenshots ${name}*.png)`, async () => {
      const { page, problems } = await open({ width, height: 900 }, sweepUrl);
      // The sweep is folded; the answer rows (marked gates, the recommended one) stay in view.
      expect(await page.locator('#cell-0 details.sweep').count()).toBe(1);
      expect(await page.locator('#cell-0 table.key tbody tr').count()).toBeLessThanOrEqual(4);
      expect(await page.locator('#cell-0 table.key tr.recrow').count()).toBe(1);
      // Every mark the plots carry is labelled: the recommended gate's and the residual's noise floor among them.
      await shoot(page, `${name}.png`);
      expect(await page.locator('.mk', { hasText: /^recommended \d+ ms$/ }).count()).toBeGreaterThan(0);
      expect(await page.locator('#cell-0 .mk', { hasText: 'noise floor' }).count()).toBe(1);
      expect(await layoutProblems(page)).toEqual([]);
      // The answer and acceptance tables fit without scrolling: on a laptop as tables, on a phone stacked.
      for (const id of ['answer', 'acceptance'])
        expect(await page.evaluate(`(() => { const s = document.querySelector('#${id} .scroll'); return s.scrollWidth <= s.clientWidth; })()`), id).toBe(true);
      // Unfolded: the sweep, the configuration, the trials and one trial's plot.
      await page.evaluate('document.querySelectorAll("details").forEach((d) => (d.open = true))');
      await page.locator('#cell-0 button.t').first().click();
      await expect.poll(() => page.locator('#cell-0 tr.detail .uplot').count()).toBe(1);
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(null)))');
      // The trial's plot fits the screen although its table is wider than a phone.
      const trialPlot = await page.locator('#cell-0 tr.detail .uplot').boundingBox();
      expect(trialPlot!.x + trialPlot!.width).toBeLessThanOrEqual(width);
      await shoot(page.locator('#cell-0 tr.detail').first(), `${name}-trial.png`);
      await shoot(page, `${name}-open.png`);
      expect(await layoutProblems(page)).toEqual([]);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  it('renders a run with nothing to show (all trials failed, a cell without trials) without errors', async () => {
    const { dir } = await makeRunDir({
      status: 'aborted',
      cells: [
        { id: 'all-failed', dims: { route: 'speaker' }, trials: [{}, {}], failed: [1, 2], calibration: null },
        { id: 'empty', dims: { route: 'receiver' }, trials: [], calibration: null },
      ],
    });
    await writeReports(dir, await evaluateRun([dir], { toolVersion: TEST_VERSION }));
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(join(dir, 'report.html')).href);
    await page.waitForFunction('document.documentElement.getAttribute("data-plots") !== null', null, { timeout: 10_000 });
    expect(await page.locator('#answer').innerText()).toMatch(/all-failed[\s\S]*no data/);
    expect(await page.locator('#cell-1').innerText()).toMatch(/no residual envelope/);
    expect(problems).toEqual([]);
    await page.close();
  });
});

/**
 * report.html in headless Chromium (Debian's /usr/bin/chromium via playwright-core): no
 * console errors, no network requests, the plots render, a trial opens with its waveform
 * and audio, and a phone-width page does not overflow sideways. Screenshots are written to
 * $TMPDIR/voiceaec-report-shots for a human to look at.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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
const SHOTS = join(tmpdir(), 'voiceaec-report-shots');

let ctx: BrowserContext;
let url: string;

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
  mkdirSync(SHOTS, { recursive: true });
  ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'voiceaec-chromium-')), { executablePath: CHROMIUM, headless: true, args: ARGS });
}, 60_000);

afterAll(async () => {
  await ctx?.close();
});

/** Open the report and record everything the page says or asks for. */
async function open(viewport: { width: number; height: number }): Promise<{ page: Page; problems: string[]; requests: string[] }> {
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
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction('document.documentElement.getAttribute("data-plots") !== null', null, { timeout: 10_000 });
  return { page, problems, requests };
}

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
    await page.screenshot({ path: join(SHOTS, 'laptop.png'), fullPage: true });
    await page.screenshot({ path: join(SHOTS, 'laptop-top.png') });
    await page.locator('#cell-0').screenshot({ path: join(SHOTS, 'cell.png') });
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
    await detail.screenshot({ path: join(SHOTS, 'trial.png') });
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
    await page.screenshot({ path: join(SHOTS, 'phone.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });

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

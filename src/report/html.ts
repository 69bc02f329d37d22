/**
 * report.html: one self-contained file (no network: uPlot and its CSS are inlined, a
 * Content-Security-Policy forbids every fetch), readable on a laptop and a phone. Tables
 * are rendered here, so the numbers read without JavaScript; the plots are drawn in the
 * browser from a JSON block (of type ClientData) by src/report-client, bundled at build time.
 * Pure: data and the browser sources (uPlot, the client bundle) in, a string out.
 */
import type { AcceptanceOutcome } from '../analysis/acceptance-check.js';
import type { CellSummary, GateStats } from '../analysis/cell-schema.js';
import type { CellResult } from '../analysis/turn-results.js';
import { buildClientData } from './build-client-data.js';
import { CSP, CSS } from './html-style.js';
import {
  cellOutcomes,
  deviceCaveat,
  deviceClassTag,
  deviceLabel,
  dimsLabel,
  displayGates,
  failedOutcomes,
  gateAt,
  intervalText,
  leakCell,
  num,
  onHardware,
  pct,
  recLabel,
  sequentialText,
} from './format.js';
import { esc } from './html-escape.js';
import { linkLabel } from '../core/device-link.js';
import { turnSection } from './html-turns.js';
import type { Results } from './results-schema.js';
import type { TrialView } from './trial-view.js';

export interface HtmlAssets {
  /** uPlot's IIFE build (node_modules/uplot/dist/uPlot.iife.min.js), read at render time. */
  uplotJs: string;
  uplotCss: string;
  /** The page's own browser code: src/report-client bundled by `npm run build` into dist/report-client.js. */
  clientJs: string;
}

export interface HtmlInput {
  results: Results;
  trials: TrialView[];
  assets: HtmlAssets;
}

/** JSON inside <script>: no "</script>", no line separators that old parsers choke on. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/* ------------------------------------------------------------------ server-side parts */

const yes = (b: boolean | null) => (b === null ? '<span class="na">n/a</span>' : b ? '<span class="no">leak</span>' : '<span class="ok">clean</span>');
const statusBadge = (s: 'pass' | 'fail' | 'inconclusive') => `<span class="badge ${s}">${s.toUpperCase()}</span>`;

function checksFor(results: Results, c: CellSummary): { html: string; outcomes: AcceptanceOutcome[] } {
  const { outcomes: mine, bad } = cellOutcomes(results, c);
  if (mine.length === 0) return { html: '<span class="na">no rules</span>', outcomes: mine };
  return { html: bad === 0 ? `<span class="ok">✓ ${mine.length}/${mine.length}</span>` : `<span class="no">✗ ${bad} of ${mine.length}</span>`, outcomes: mine };
}

function header(results: Results): string {
  const failed = failedOutcomes(results);
  const verdict = results.acceptance.length === 0 ? '<span class="badge inconclusive">NO RULES</span>' : statusBadge(results.pass ? 'pass' : 'fail');
  const runs = results.runs.map((r) => {
    const caveat = deviceCaveat(r.device);
    const dev = caveat
      ? `<div class="sim" data-simulated="true" data-device-class="${r.device.class}">⚠ ${esc(deviceLabel(r.device))}. ${esc(caveat)}</div>`
      : `<div class="device" data-simulated="false" data-device-class="iphone"><b>${esc(r.device.model)}</b> · iOS ${esc(r.device.osVersion)} · ${esc(r.device.name)} · harness app ${esc(r.device.appVersion)}</div>`;
    // Beside the device's caveat: a run whose every trial was an app's first (files mode without warm-up).
    const link = r.device.linkCaveat ? `<div class="sim" data-link-caveat="cold">⚠ ${esc(r.device.linkCaveat)}</div>` : '';
    const via = r.device.link?.connection === 'files' ? ` · ${esc(linkLabel(r.device.link))}` : '';
    return `${dev}${link}<div class="small muted">run <b>${esc(r.id)}</b> · scenario <b>${esc(r.scenario.name)}</b> (${esc(r.scenario.source)}) · seed ${r.seed} · ${esc(r.startedAt)} → ${esc(r.endedAt ?? 'not finished')} · ${esc(r.status)}${via} · recorded with voiceaec ${esc(r.tool.version)}${r.tool.gitCommit ? ` (${esc(r.tool.gitCommit.slice(0, 12))})` : ''}</div>`;
  });
  const summary =
    results.acceptance.length === 0
      ? 'The scenario sets no acceptance rules.'
      : results.pass
        ? `All ${results.acceptance.length} acceptance checks pass.`
        : `${failed.length} of ${results.acceptance.length} acceptance checks fail — <a href="#acceptance">see which</a>.`;
  return `<header><h1>voiceaec — ${esc(results.runs.map((r) => r.scenario.name).join(', '))} ${verdict}</h1>${runs.join('')}<p class="answer">${summary}</p></header>`;
}

function answerTable(results: Results): string {
  const cells = results.cells;
  const gates = [...new Set(cells.flatMap(displayGates))].sort((a, b) => a - b);
  const multi = results.runs.length > 1;
  const c0 = cells[0];
  const rows = cells.map((c, i) => {
    const checks = checksFor(results, c).html;
    // Cell and answer first: on a phone they are what fits before the table scrolls.
    return `<tr>${multi ? `<td data-label="run">${esc(c.run)}</td>` : ''}<td class="cellname" data-label="cell"><a href="#cell-${i}">${esc(c.id)}</a><div class="small muted">${esc(dimsLabel(c.dims))}</div></td><td class="recgate" data-label="recommended gate"><b>${esc(recLabel(c.recommendation))}</b><div class="small muted"><span class="nw">target ≤ ${esc(pct(c.targetLeakRate))},</span> <span class="nw">${esc(pct(c.confidence))} confidence</span></div></td><td data-label="checks">${checks}</td><td data-label="from acoustic end">${esc(recLabel(c.recommendationFromAcousticEnd))}</td><td class="num" data-label="trials">${c.counts.analysed}/${c.counts.planned}${c.counts.failed ? ` <span class="no">(${c.counts.failed} failed)</span>` : ''}${c.sequential ? `<div class="small muted">${esc(c.sequential.stop?.reason ?? 'not stopped')} · max ${c.sequential.max}</div>` : ''}</td>${gates.map((g) => `<td class="num" data-label="leaks @ ${g} ms">${esc(leakCell(gateAt(c, g)))}</td>`).join('')}</tr>`;
  });
  const note = c0
    ? `<p class="small muted">Recommended gate: the smallest evaluated gate whose leak-rate upper bound (${cells.some((c) => c.sequential) ? 'anytime-valid confidence sequence in sequential cells, Wilson otherwise' : 'Wilson'}, ${esc(pct(c0.confidence))} confidence) is ≤ ${esc(pct(c0.targetLeakRate))}. Cells show leaks / decided trials (rate, upper bound). “From acoustic end” measures the gate from the reference's last audible sound instead of the drain event.</p>`
    : '';
  return `<section id="answer"><h2>Answer</h2><div class="scroll"><table class="stack"><thead><tr>${multi ? '<th>run</th>' : ''}<th>cell</th><th>recommended gate</th><th>checks</th><th>from acoustic end</th><th>trials</th>${gates.map((g) => `<th>leaks @ ${g} ms</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>${note}${mismatchNotice(cells)}</section>`;
}

function mismatchNotice(cells: CellSummary[]): string {
  const bad = cells.filter((c) => c.mismatches.length > 0 || c.configErrors.length > 0);
  if (bad.length === 0) return '';
  return `<div class="card"><b class="no">Configuration not honoured</b><ul>${bad.map((c) => `<li><b>${esc(c.id)}</b>: ${esc([...c.mismatches, ...c.configErrors.map((e) => `${e.code}: ${e.message}`)].join('; '))}</li>`).join('')}</ul></div>`;
}

function acceptanceTable(results: Results): string {
  if (results.acceptance.length === 0) return '';
  const fmt = (o: AcceptanceOutcome, v: number | null) =>
    v === null ? '—' : o.unit === 'ratio' ? pct(v) : `${v}${o.unit === 'ms' || o.unit === 'dB' ? ` ${o.unit}` : ''}`;
  const sorted = [...results.acceptance].sort((a, b) => Number(a.status === 'pass') - Number(b.status === 'pass'));
  const rows = sorted.map(
    (o) =>
      `<tr><td data-label="status">${statusBadge(o.status)}</td><td data-label="cell">${esc(o.cell ?? '(no cell)')}</td><td class="wrap" data-label="rule">${esc(o.label)}</td><td class="num" data-label="measured">${esc(fmt(o, o.measured))}</td><td class="num" data-label="threshold">${esc(fmt(o, o.threshold))}</td><td class="wrap" data-label="detail">${esc(o.message)}</td></tr>`,
  );
  return `<section id="acceptance"><h2>Acceptance</h2><div class="scroll"><table class="stack"><thead><tr><th>status</th><th>cell</th><th class="wrap">rule</th><th>measured</th><th>threshold</th><th class="wrap">detail</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

/** Heat maps over the matrix: rows are all dimensions but the last, columns the last. */
function heatMaps(results: Results): string {
  const keys = [...new Set(results.cells.flatMap((c) => Object.keys(c.dims)))];
  if (keys.length < 2 || results.cells.length < 2) return '';
  const parts: string[] = [];
  for (const run of results.runs) {
    const cells = results.cells.filter((c) => c.run === run.id);
    const colKey = keys[keys.length - 1]!;
    const rowKeys = keys.slice(0, -1);
    const rowOf = (c: CellSummary) => rowKeys.map((k) => `${k}=${String(c.dims[k] ?? '—')}`).join(', ');
    const rows = [...new Set(cells.map(rowOf))];
    const cols = [...new Set(cells.map((c) => String(c.dims[colKey] ?? '—')))];
    const find = (r: string, col: string) => cells.find((c) => rowOf(c) === r && String(c.dims[colKey] ?? '—') === col);
    const recs = cells.filter((c) => c.recommendation.status === 'recommended').map((c) => c.recommendation.gateMs!);
    const lo = Math.min(...recs),
      hi = Math.max(...recs);
    const colour = (c: CellSummary | undefined) => {
      if (!c) return '#fff';
      const r = c.recommendation;
      if (r.status === 'recommended') {
        const t = hi > lo ? (r.gateMs! - lo) / (hi - lo) : 0;
        return `hsl(${Math.round(120 - 90 * t)},65%,82%)`;
      }
      return r.status === 'not-enough-trials' ? '#eceff3' : '#f6c9c5';
    };
    const el = (c: CellSummary | undefined) => {
      if (!c?.levels.echoLossDb) return '—';
      return `${c.levels.echoLossLowerBounds > 0 ? '≥ ' : ''}${num(c.levels.echoLossDb.median, 'dB')}`;
    };
    const table = (title: string, value: (c: CellSummary | undefined) => string, bg: (c: CellSummary | undefined) => string) =>
      `<h3>${esc(title)}${results.runs.length > 1 ? ` — ${esc(run.id)}` : ''}</h3><div class="scroll"><table class="heat"><thead><tr><th>${esc(rowKeys.join(' / '))} \\ ${esc(colKey)}</th>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr><th>${esc(r)}</th>${cols.map((col) => `<td style="background:${bg(find(r, col))}">${esc(value(find(r, col)))}</td>`).join('')}</tr>`)
        .join('')}</tbody></table></div>`;
    parts.push(table('Recommended gate', (c) => (c ? recLabel(c.recommendation) : '—'), colour));
    parts.push(table('Median echo loss during playback', el, () => '#fff'));
  }
  return `<section id="matrix"><h2>Matrix</h2><p class="small muted">Green: short recommended gate; red: long or none; grey: not enough trials to claim the target.</p>${parts.join('')}</section>`;
}

function levelsTable(results: Results): string {
  const max = Math.max(1, ...results.cells.map((c) => c.levels.echoLossDb?.max ?? 0));
  const rows = results.cells.map((c, i) => {
    const e = c.levels.echoLossDb;
    const bar = e ? `<span class="bar" style="width:${Math.max(2, Math.round((Math.max(0, e.median) / max) * 120))}px"></span>` : '';
    const erle = c.levels.erleDb;
    const d = c.levels.delayMs;
    const src = Object.entries(c.levels.delaySources)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    return `<tr><td><a href="#cell-${i}">${esc(c.id)}</a></td><td>${bar}${e ? `${c.levels.echoLossLowerBounds > 0 ? '≥ ' : ''}${num(e.median, 'dB')}` : '—'}</td><td class="num">${e ? `${num(e.min)}–${num(e.max)}` : '—'}</td><td class="num">${erle ? `${c.levels.erleLowerBounds > 0 ? '≥ ' : ''}${num(erle.median, 'dB')}` : '—'}</td><td class="num">${c.calibration ? num(c.calibration.rawEchoLossDb, 'dB') : '—'}</td><td class="num">${d ? num(d.median, 'ms', 2) : '—'}</td><td class="small">${esc(src || '—')}</td><td class="num">${num(c.levels.noiseFloorDbfs?.median, 'dBFS')}</td></tr>`;
  });
  return `<section id="levels"><h2>Echo loss per cell</h2><p class="small muted">During playback, 300–6700 Hz: reference level minus echo level (3GPP TS 26.132 asks ≥ 46 dB for handsets). ERLE = echo loss minus the raw echo loss of the cell's calibration trial (voice processing bypassed). “≥”: some trials' echo was below the noise floor, so the value is a lower bound.</p><div class="scroll"><table><thead><tr><th>cell</th><th>echo loss (median)</th><th>range</th><th>ERLE</th><th>raw (calibration)</th><th>delay</th><th>delay from</th><th>noise floor</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

/** Plain-words headers of the per-gate tables, each with a tooltip saying exactly what it counts. */
function gateHead(c: CellSummary, bargeFrom: 'drain' | 'none'): string {
  const th = (label: string, tip: string) => `<th title="${esc(tip)}">${esc(label)}</th>`;
  const cols = [
    th('gate', 'mic gate length after the drain (end of playback)'),
    th('leaks / trials', 'trials whose mic picked up echo after this gate, out of the trials that could be decided'),
    th('leak rate', 'leaks divided by decided trials'),
    th(`${pct(c.confidence)} interval`, `range that holds the true leak rate with ${pct(c.confidence)} confidence`),
    th(`meets ${pct(c.targetLeakRate)} target`, `yes: the interval's upper bound is at or below the target leak rate ${pct(c.targetLeakRate)}`),
    th('peak excess: median / worst', 'highest post-gate level over the noise floor, median and worst trial'),
    th('leaks: first reply / later replies', "leaks in each trial's first utterance, and in the utterances after it (leaks / trials)"),
    th('leaks traced to echo', 'leaks whose audio correlates with the played reference (? = could not tell)'),
  ];
  if (bargeFrom === 'drain')
    cols.push(
      th('user muted after drain', 'a hard gate mutes user speech for this long after the drain'),
      th('deaf after audible end (median)', "from the agent's last audible sound: trailing silence + gate"),
      th('first word lost (near-end)', "part of the user's first word inside the muted window (needs near-truth.wav)"),
    );
  return `<thead><tr>${cols.join('')}</tr></thead>`;
}

function gateRow(c: CellSummary, g: GateStats, bargeFrom: 'drain' | 'none'): string {
  const b = c.bargeIn.find((x) => x.gateMs === g.gateMs);
  const near = b?.nearEnd ? `${num(b.nearEnd.firstWordLostMs.median, 'ms', 0)} (worst ${num(b.nearEnd.firstWordLostMs.worst, 'ms', 0)})` : '—';
  const barge =
    bargeFrom === 'drain'
      ? `<td class="num">${g.gateMs} ms</td><td class="num">${b?.deafAfterAudibleEndMs ? num(b.deafAfterAudibleEndMs.median, 'ms', 0) : '—'}</td><td class="num">${near}</td>`
      : '';
  const rec = c.recommendation.gateMs === g.gateMs && bargeFrom === 'drain' ? ' class="recrow"' : '';
  return `<tr${rec}><td class="num">${g.gateMs} ms</td><td class="num">${g.decided ? `${g.leaks}/${g.decided}` : 'n/a'}${g.undecided ? ` <span class="muted small">(+${g.undecided} undecided)</span>` : ''}</td><td class="num">${pct(g.rate)}</td><td class="num">${intervalText(g)}</td><td class="num">${g.meetsTarget ? '<span class="ok">yes</span>' : '<span class="no">no</span>'}</td><td class="num">${g.peakExcessDb ? `${num(g.peakExcessDb.median, 'dB')} / ${num(g.peakExcessDb.worst, 'dB')}` : '—'}</td><td class="num">${g.firstUtterance.decided ? `${g.firstUtterance.leaks}/${g.firstUtterance.decided}` : '—'} · ${g.later.decided ? `${g.later.leaks}/${g.later.decided}` : '—'}</td><td class="num">${g.leaks ? `${g.attributed}/${g.leaks}${g.attributionUnknown ? ` (${g.attributionUnknown} ?)` : ''}` : '—'}</td>${barge}</tr>`;
}

/** Gates a reader looks for first: the marked ones and the recommended one. */
const FOLD_ABOVE = 8;

/**
 * The per-gate table. A sweep (dozens of gates) would dominate the page: the answer rows (the
 * marked gates and the recommended one) stay visible and the full sweep folds into a <details>.
 */
function gateTable(c: CellSummary, stats: GateStats[], bargeFrom: 'drain' | 'none'): string {
  const head = gateHead(c, bargeFrom);
  const table = (rows: GateStats[], cls: string) =>
    `<div class="scroll"><table class="${cls}">${head}<tbody>${rows.map((g) => gateRow(c, g, bargeFrom)).join('')}</tbody></table></div>`;
  if (stats.length <= FOLD_ABOVE) return table(stats, 'gates');
  const want = new Set([...displayGates(c), ...(bargeFrom === 'drain' && c.recommendation.gateMs != null ? [c.recommendation.gateMs] : [])]);
  const key = stats.filter((g) => want.has(g.gateMs));
  return `${table(key, 'gates key')}<details class="sweep"><summary>All ${stats.length} gates of the sweep (${stats[0]!.gateMs}–${stats[stats.length - 1]!.gateMs} ms)</summary>${table(stats, 'gates')}</details>`;
}

function configTable(c: CellSummary): string {
  if (c.config.length === 0) return '<p class="muted">no configuration recorded</p>';
  const v = (x: string | number | boolean | null) => (x === null ? '<span class="na">—</span>' : esc(String(x)));
  const rows = c.config.map((r) => `<tr${r.differs ? ' class="differs"' : ''}><td>${esc(r.key)}</td><td>${v(r.requested)}</td><td>${v(r.effective)}</td></tr>`);
  const errs = c.configErrors.length ? `<p class="no">${esc(c.configErrors.map((e) => `${e.code}: ${e.message}`).join('; '))}</p>` : '';
  return `<details><summary>Requested versus effective configuration${c.mismatches.length ? ` — <span class="no">${c.mismatches.length} not honoured</span>` : ''}</summary>${errs}<div class="scroll"><table><thead><tr><th>setting</th><th>requested</th><th>effective</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></details>`;
}

function trialTable(c: CellSummary, tIndex: Map<string, number>): string {
  const gates = displayGates(c);
  const cols = gates.map((g) => c.gates.findIndex((x) => x.gateMs === g));
  const rows = c.trials.map((t) => {
    const ti = tIndex.get(`${c.run}\u0000${c.id}\u0000${t.index}`);
    const btn = ti === undefined ? `${t.index}` : `<button class="t" data-t="${ti}" aria-expanded="false">▸ ${t.index}</button>`;
    const flags = [t.deadMic ? 'dead mic' : '', t.clipped ? 'clipped' : '', t.firstUtterance ? 'first' : ''].filter(Boolean).join(', ');
    const status = t.status === 'ok' ? (t.source === 'none' ? '<span class="na">no analysis</span>' : 'ok') : `<span class="no">${esc(t.status)}</span>`;
    const main = `<tr><td>${btn}</td><td>${esc(t.fixtureId)}</td><td>${esc(t.pattern)}</td><td title="${esc(t.reason ?? '')}">${status}</td><td class="num">${num(t.tailLengthMs, 'ms', 0)}</td><td class="num">${num(t.trailingSilenceMs, 'ms', 0)}</td><td class="num">${num(t.peakExcessDb, 'dB')}</td><td class="num">${t.echoLossIsLowerBound ? '≥ ' : ''}${num(t.echoLossDb, 'dB')}</td>${cols.map((k) => `<td>${yes(t.leaks[k] ?? null)}</td>`).join('')}<td class="small">${esc(flags)}</td></tr>`;
    if (ti === undefined) return main;
    const reason = t.reason ? `<p class="no small">${esc(t.reason)}</p>` : '';
    const warn = t.warnings.length ? `<p class="small muted">${esc(t.warnings.join(' · '))}</p>` : '';
    return `${main}<tr class="detail" id="d${ti}" hidden><td colspan="${9 + cols.length}">${reason}<div class="plot"></div><div class="audio"></div>${warn}</td></tr>`;
  });
  return `<details><summary>Trials (${c.trials.length}) — open a trial for its waveforms, events and audio</summary><div class="scroll"><table><thead><tr><th>#</th><th>fixture</th><th>pattern</th><th>status</th><th title="how long the echo lasted after the drain">tail</th><th title="drain minus the reference's last audible sound">trailing silence</th><th title="highest post-drain level over the noise floor">peak excess</th><th>echo loss</th>${gates.map((g) => `<th title="did the mic pick up echo after a ${g} ms gate?">leak @ ${g} ms</th>`).join('')}<th>flags</th></tr></thead><tbody>${rows.join('')}</tbody></table></div></details>`;
}

function cellSection(results: Results, c: CellResult, i: number, tIndex: Map<string, number>): string {
  const run = results.runs.find((r) => r.id === c.run);
  const checks = checksFor(results, c);
  const fails = checks.outcomes.filter((o) => o.status !== 'pass');
  const failList = fails.length ? `<ul>${fails.map((o) => `<li class="no">${esc(o.label)}: ${esc(o.message)}</li>`).join('')}</ul>` : '';
  const s = c.trailingSilenceMs;
  const rms2 = c.rms2
    ? `<h3>Two-tier RMS gate (rms2, ${c.rms2.thresholdDbfs} dBFS)</h3><p class="rec">${esc(c.rms2.recommendation.message)}</p><p class="small muted">${esc(c.rms2.note)}</p>${gateTable(c, c.rms2.gates, 'none')}`
    : '';
  return `<section class="card" id="cell-${i}">
<h2 style="margin-top:.2em">${esc(c.id)} <span class="small muted">${esc(dimsLabel(c.dims))}${results.runs.length > 1 && run ? ` · ${esc(run.id)}` : ''}</span></h2>
<p class="rec"><b>Recommended gate: ${esc(recLabel(c.recommendation))}</b> — ${esc(c.recommendation.message)}</p>
<p class="small">From the reference's acoustic end: <b>${esc(recLabel(c.recommendationFromAcousticEnd))}</b> — ${esc(c.recommendationFromAcousticEnd.message)}.${s ? ` Trailing silence between the last audible sound and the drain: median ${num(s.median, 'ms', 0)} (${num(s.min, '', 0)}–${num(s.max, 'ms', 0)}), free protection the drain-measured gate already has.` : ''}</p>
<p class="small">Trials: ${c.counts.analysed} analysed of ${c.counts.planned} (${c.counts.failed} failed, ${c.counts.pending} pending, ${c.counts.deadMic} dead mic, ${c.counts.clipped} clipped${c.counts.reanalysed ? `, ${c.counts.reanalysed} re-analysed from audio` : ''}) · checks ${checks.html} · cell ${esc(c.status)}${c.reason ? ` (${esc(c.reason)})` : ''}</p>${c.sequential ? `<p class="small"><b>Sequential trials</b> — ${esc(sequentialText(c))}</p>` : ''}${failList}
<div class="grid"><div><h3>Leak rate versus gate${c.turns.length > 0 ? ' <span class="small muted">(and false barge-in per turn profile)</span>' : ''}</h3><div class="plot" id="cell-${i}-leak"></div></div><div><h3>Residual after drain</h3><div class="plot" id="cell-${i}-res"></div></div></div>
${gateTable(c, c.gates, 'drain')}
<p class="small muted">Barge-in cost of a hard gate G: user speech starting at the drain is muted for G; from the agent's last audible sound the mic stays closed for trailing silence + G (“deaf after audible end”). With a near-end talker recording (near-truth.wav), the part of the user's first word inside the muted window is measured.</p>
${rms2}
${turnSection(results, c)}
${configTable(c)}
${c.warnings.length ? `<p class="small muted">${esc(c.warnings.join(' · '))}</p>` : ''}
${trialTable(c, tIndex)}
</section>`;
}

export function renderHtml(input: HtmlInput): string {
  const { results, trials, assets } = input;
  const tIndex = new Map(trials.map((t, i) => [`${t.run}\u0000${t.cell}\u0000${t.index}`, i] as const));
  const title = `voiceaec — ${results.runs.map((r) => `${r.scenario.name} on ${onHardware(r) ? '' : `${deviceClassTag(r.device.class) ?? 'SIMULATED'} `}${r.device.model}`).join(', ')}`;
  const js = assets.uplotJs.replace(/<\/script/gi, '<\\/script');
  const client = assets.clientJs.replace(/<\/script/gi, '<\\/script');
  const css = assets.uplotCss.replace(/<\/style/gi, '<\\/style');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="voiceaec ${esc(results.generator.version)} (${esc(results.schema)})">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${css}</style>
<style>${CSS}</style>
</head>
<body>
<main>
${header(results)}
${answerTable(results)}
${acceptanceTable(results)}
${heatMaps(results)}
${levelsTable(results)}
<h2>Cells</h2>
${results.cells.map((c, i) => cellSection(results, c, i, tIndex)).join('\n')}
<footer>
<p>Method: leak at gate G = a run of ≥ ${esc(results.runs[0]?.analysis.minDurationMs ?? 30)} ms of post-drain mic frames ${esc(results.runs[0]?.analysis.thresholdDb ?? 6)} dB or more over the noise floor after drain + G (${esc((results.runs[0]?.analysis.bandHz ?? [300, 6700]).join('–'))} Hz, ${esc(results.runs[0]?.analysis.frameMs ?? 10)} ms frames). Intervals are Wilson score intervals${results.cells.some((c) => c.sequential) ? '; in sequential cells they are anytime-valid (a beta-binomial confidence sequence: valid although the cell stopped on its own data)' : ''}. Full numbers: results.json (${esc(results.schema)}); method: docs/analysis.md and docs/reports.md.</p>
<p>Generated by voiceaec ${esc(results.generator.version)}. ${results.warnings.length ? `Warnings: ${esc(results.warnings.join(' · '))}` : ''}</p>
</footer>
</main>
<script id="voiceaec-data" type="application/json">${scriptJson(buildClientData(results, trials))}</script>
<script>${js}</script>
<script>${client}</script>
</body>
</html>
`;
}

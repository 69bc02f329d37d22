/**
 * junit.xml: one <testsuite> per run × cell, one <testcase> per acceptance rule applied to
 * the cell, failing with the measured value and the threshold in the message, so a CI system
 * shows what failed and by how much. Shape: the common JUnit schema that Jenkins, GitLab,
 * GitHub test reporters and Azure read (testsuites › testsuite › properties / testcase ›
 * failure, docs/reports.md). Deterministic: the timestamp is the run's start and a cell's
 * time is its device time, the summed length of its trials' recordings (no wall clock); the
 * suite carries it, and so does its first test case (the others 0), so that tools adding up
 * test cases count the cell once.
 */
import type { AcceptanceOutcome } from '../analysis/acceptance-check.js';
import type { CellResult } from '../analysis/turn-results.js';
import { linkLabel } from '../core/device-link.js';
import { deviceLabel, dimsLabel, leakCell, recLabel, sequentialText } from './format.js';
import type { Results, RunInfo } from './results-schema.js';
import type { TrialView } from './trial-view.js';
import { turnRateCell, turnRecommendationRule } from './turn-format.js';

/** Characters XML 1.0 forbids even as references. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Drop what XML cannot hold, escape the rest. */
export function xmlEscape(s: string): string {
  return s.replace(XML_FORBIDDEN, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

/** ISO 8601 without zone or fraction: the form the Ant/Jenkins schemas accept. */
function timestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? m[1]! : '1970-01-01T00:00:00';
}

/** Java-like dotted class name: CI tools group test cases by it. */
const className = (run: RunInfo, cellId: string) => `voiceaec.${run.scenario.name}.${cellId}`.replace(/[^A-Za-z0-9_.-]/g, '_');

/** Seconds with millisecond precision, as JUnit's time attribute reads. */
const seconds = (ms: number) => (Math.round(ms) / 1000).toFixed(3);

/** A value with its unit; "not measured (why)" without a unit when there is none. */
function valueText(o: AcceptanceOutcome, v: number | null, missing: string): string {
  if (v === null) return missing;
  return o.unit === 'count' ? String(v) : `${v} ${o.unit}`;
}

function testcase(o: AcceptanceOutcome, classname: string, timeMs: number): string {
  const head = `    <testcase${attrs({ name: o.label, classname, time: seconds(timeMs) })}`;
  if (o.status === 'pass') return `${head}>\n      <system-out>${xmlEscape(o.message)}</system-out>\n    </testcase>`;
  const measured = valueText(o, o.measured, `not measured (${o.message})`);
  const threshold = valueText(o, o.threshold, 'none');
  const body = `${o.message}\nmeasured: ${measured}\nthreshold: ${threshold}\nrule: ${JSON.stringify(o.rule)}`;
  return `${head}>\n      <failure${attrs({ message: o.message, type: o.status === 'fail' ? 'AcceptanceFailure' : 'Inconclusive' })}>${xmlEscape(body)}</failure>\n    </testcase>`;
}

function cellSummaryText(c: CellResult, turnRule: string[]): string {
  const lines = [`cell ${c.id} (${dimsLabel(c.dims)}): ${c.counts.analysed} analysed of ${c.counts.planned} trials, ${c.counts.failed} failed`];
  const seq = sequentialText(c);
  if (seq) lines.push(seq);
  lines.push(`recommended gate: ${recLabel(c.recommendation)} — ${c.recommendation.message}`);
  for (const g of c.gates) lines.push(`gate ${g.gateMs} ms: ${leakCell(g)}`);
  if (c.turns.length > 0) lines.push(...turnRule);
  for (const t of c.turns) {
    lines.push(`${t.profile}: recommended gate ${recLabel(t.recommendation)} — ${t.recommendation.message}`);
    lines.push(`${t.profile}: self-interruption during playback ${turnRateCell(t.selfInterruption)}`);
    for (const g of t.gates) lines.push(`${t.profile}: false barge-in after gate ${g.gateMs} ms ${turnRateCell(g)}`);
    if (t.rms2) {
      lines.push(`${t.profile}: behind the rms2 gate (${t.rms2.thresholdDbfs} dBFS) — ${t.rms2.recommendation.message}`);
      for (const g of t.rms2.gates) lines.push(`${t.profile}: false barge-in behind rms2 with cooldown ${g.gateMs} ms ${turnRateCell(g)}`);
    }
  }
  return lines.join('\n');
}

function unjudgedCase(name: string, classname: string, summary: string, timeMs: number): string {
  const why = 'no acceptance rule applies to this cell, so it cannot fail CI; add rules to the scenario (docs/scenarios.md)';
  return `    <testcase${attrs({ name: `${name}: measured, not judged`, classname, time: seconds(timeMs) })}>\n      <skipped${attrs({ message: why })}/>\n      <system-out>${xmlEscape(summary)}</system-out>\n    </testcase>`;
}

/**
 * `trials` (the report's trial views) give each cell's device time; without them every time is 0.
 */
export function renderJunit(results: Results, trials: ReadonlyArray<Pick<TrialView, 'run' | 'cell' | 'recordedMs'>> = []): string {
  const deviceMs = new Map<string, number>();
  for (const t of trials) deviceMs.set(`${t.run}\u0000${t.cell}`, (deviceMs.get(`${t.run}\u0000${t.cell}`) ?? 0) + (t.recordedMs ?? 0));
  let totalMs = 0;
  const suites: string[] = [];
  let tests = 0,
    failures = 0;
  const turnRule = turnRecommendationRule(results);
  for (const run of results.runs) {
    const outcomes = results.acceptance.filter((a) => a.run === run.id);
    const props = [
      ['scenario', run.scenario.name],
      ['device', deviceLabel(run.device)],
      ['deviceClass', run.device.class],
      ['simulated', String(run.device.simulated)],
      ...(run.device.link ? [['deviceLink', linkLabel(run.device.link)]] : []),
      ...(run.device.linkCaveat ? [['deviceLinkCaveat', run.device.linkCaveat]] : []),
      ['seed', String(run.seed)],
      ['voiceaec', run.tool.version],
    ];
    const properties = `    <properties>\n${props.map(([n, v]) => `      <property${attrs({ name: n!, value: v! })}/>`).join('\n')}\n    </properties>`;
    const groups: Array<{ name: string; classname: string; outcomes: AcceptanceOutcome[]; out: string; ms: number }> = [];
    for (const c of results.cells.filter((x) => x.run === run.id)) {
      groups.push({
        name: `${run.scenario.name} / ${c.id}`,
        classname: className(run, c.id),
        outcomes: outcomes.filter((o) => o.cell === c.id),
        out: cellSummaryText(c, turnRule),
        ms: deviceMs.get(`${run.id}\u0000${c.id}`) ?? 0,
      });
    }
    // Rules that matched no cell still fail, in a suite of their own.
    const orphan = outcomes.filter((o) => o.cell === null);
    if (orphan.length > 0)
      groups.push({ name: `${run.scenario.name} / acceptance`, classname: className(run, 'acceptance'), outcomes: orphan, out: '', ms: 0 });
    for (const g of groups) {
      const f = g.outcomes.filter((o) => o.status !== 'pass').length;
      // A cell no rule judges still shows up, as a skipped case: CI dashboards then show that
      // nothing could fail here, instead of a suite of zero tests that reads as green.
      const unjudged = g.outcomes.length === 0;
      const cases = unjudged ? [unjudgedCase(g.name, g.classname, g.out, g.ms)] : g.outcomes.map((o, k) => testcase(o, g.classname, k === 0 ? g.ms : 0));
      totalMs += g.ms;
      tests += cases.length;
      failures += f;
      suites.push(
        [
          `  <testsuite${attrs({ name: g.name, tests: cases.length, failures: f, errors: 0, skipped: unjudged ? 1 : 0, time: seconds(g.ms), timestamp: timestamp(run.startedAt), hostname: run.device.name, package: g.classname })}>`,
          properties,
          ...cases,
          `    <system-out>${xmlEscape(g.out)}</system-out>`,
          '  </testsuite>',
        ].join('\n'),
      );
    }
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'voiceaec', tests, failures, errors: 0, time: seconds(totalMs) })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

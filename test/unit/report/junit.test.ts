import { beforeAll, describe, expect, it } from 'vitest';
import { renderJunit, xmlEscape } from '../../../src/report/junit.js';
import type { Results } from '../../../src/report/results-schema.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';
import { parseXml, type XmlElement } from '../../helpers/xml.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeReports } from '../../../src/report-writer/write-reports.js';

/**
 * The common JUnit XML shape CI systems read (Jenkins xunit-plugin junit-10.xsd, which
 * GitLab, GitHub test reporters and Azure accept too): allowed children, required and
 * allowed attributes per element, and the numeric time format.
 */
const SHAPE: Record<string, { required: string[]; optional: string[]; children: string[] }> = {
  testsuites: { required: [], optional: ['name', 'time', 'tests', 'failures', 'errors', 'disabled'], children: ['testsuite'] },
  testsuite: {
    required: ['name', 'tests', 'failures', 'errors'],
    optional: ['group', 'time', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'disabled'],
    children: ['testsuite', 'properties', 'testcase', 'system-out', 'system-err'],
  },
  properties: { required: [], optional: [], children: ['property'] },
  property: { required: ['name', 'value'], optional: [], children: [] },
  testcase: { required: ['name'], optional: ['time', 'classname', 'group'], children: ['skipped', 'error', 'failure', 'system-out', 'system-err'] },
  failure: { required: [], optional: ['type', 'message'], children: [] },
  error: { required: [], optional: ['type', 'message'], children: [] },
  skipped: { required: [], optional: ['type', 'message'], children: [] },
  'system-out': { required: [], optional: [], children: [] },
  'system-err': { required: [], optional: [], children: [] },
};
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$/;

function validate(el: XmlElement, path = el.name): void {
  const s = SHAPE[el.name];
  expect(s, `${path}: unknown element`).toBeDefined();
  for (const a of s!.required) expect(el.attrs, `${path} needs @${a}`).toHaveProperty(a);
  for (const a of Object.keys(el.attrs)) expect([...s!.required, ...s!.optional], `${path}: attribute @${a} not in the schema`).toContain(a);
  if ('time' in el.attrs && (el.name === 'testsuite' || el.name === 'testsuites')) expect(el.attrs.time).toMatch(SUREFIRE_TIME);
  for (const c of el.children) {
    expect(s!.children, `${path} may not contain <${c.name}>`).toContain(c.name);
    validate(c, `${path}/${c.name}`);
  }
  if (el.name === 'testsuite') {
    const cases = el.children.filter((c) => c.name === 'testcase');
    expect(Number(el.attrs.tests), `${path} tests`).toBe(cases.length);
    expect(Number(el.attrs.failures), `${path} failures`).toBe(cases.filter((c) => c.children.some((x) => x.name === 'failure')).length);
  }
}

let results: Results;
let xml: string;
let runDir: string;
beforeAll(async () => {
  const { dir } = await makeRunDir({
    scenario: 'junit "&" <test>',
    cells: [
      { id: 'speaker&<voice>', dims: { route: 'speaker' }, trials: Array.from({ length: 8 }, (_, i) => ({ residualMs: 520 + i * 5, residualDb: 15 })) },
      { id: 'receiver', dims: { route: 'receiver' }, trials: Array.from({ length: 8 }, () => ({ residualMs: 150, residualDb: 15 })), failed: [3] },
    ],
    acceptance: {
      rules: [
        { metric: 'leakRateUpper', gateMs: 300, max: 0.5 },
        { metric: 'failedTrials', max: 0 },
        { metric: 'configHonoured' },
        { metric: 'deadMicTrials', max: 0, where: { route: 'bluetoothHFP' } },
      ],
    },
  });
  runDir = dir;
  results = await evaluateRun([dir], { toolVersion: TEST_VERSION });
  xml = renderJunit(results);
});

describe('junit.xml', () => {
  it('is well-formed XML with the common JUnit schema shape', () => {
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    validate(root);
    const suites = root.children;
    expect(Number(root.attrs.tests)).toBe(suites.reduce((n, s) => n + Number(s.attrs.tests), 0));
    expect(Number(root.attrs.failures)).toBe(suites.reduce((n, s) => n + Number(s.attrs.failures), 0));
  });

  it('has one test case per cell and rule, and a failed rule carries the measured value and the threshold', () => {
    const root = parseXml(xml);
    const suite = (name: string) => root.children.find((s) => s.attrs.name!.endsWith(`/ ${name}`))!;
    const speaker = suite('speaker&<voice>');
    expect(speaker.children.filter((c) => c.name === 'testcase').map((c) => c.attrs.name)).toEqual([
      'leak rate upper bound at 300 ms ≤ 50 %',
      'failed trials ≤ 0',
      'requested configuration honoured',
    ]);
    const leak = speaker.children.find((c) => c.attrs.name?.startsWith('leak rate'))!;
    const failure = leak.children.find((c) => c.name === 'failure')!;
    expect(failure.attrs.message).toMatch(/upper bound 100 % > max 50 % at gate 300 ms: 8 leaks in 8 trials/);
    expect(failure.text).toMatch(/measured: 1 ratio\nthreshold: 0.5 ratio/);
    expect(failure.attrs.type).toBe('AcceptanceFailure');
    // receiver: 150 ms residual passes the 300 ms rule; one failed trial fails failedTrials ≤ 0.
    const receiver = suite('receiver');
    const failed = receiver.children.filter((c) => c.children.some((x) => x.name === 'failure')).map((c) => c.attrs.name);
    expect(failed).toEqual(['failed trials ≤ 0']);
    expect(receiver.children.find((c) => c.attrs.name === 'failed trials ≤ 0')!.children[0]!.attrs.message).toMatch(/^1 failed trial of 8 > max 0$/);
  });

  it('shows a cell no rule judges as a skipped case saying it cannot fail CI, never as an empty green suite', () => {
    const unjudged = renderJunit({ ...results, acceptance: [], pass: true });
    const root = parseXml(unjudged);
    validate(root);
    expect(root.attrs.tests).toBe(String(results.cells.length));
    for (const suite of root.children) {
      expect(suite.attrs).toMatchObject({ tests: '1', failures: '0', skipped: '1' });
      const cases = suite.children.filter((c) => c.name === 'testcase');
      expect(cases).toHaveLength(1);
      expect(cases[0]!.attrs.name).toMatch(/: measured, not judged$/);
      expect(cases[0]!.children.find((c) => c.name === 'skipped')!.attrs.message).toMatch(/cannot fail CI/);
    }
  });

  it('reports a rule that matches no cell as a failure of its own', () => {
    const root = parseXml(xml);
    const orphan = root.children.find((s) => s.attrs.name!.endsWith('/ acceptance'))!;
    expect(orphan.children.find((c) => c.name === 'testcase')!.children[0]!.attrs.message).toMatch(/matches no cell/);
  });

  it('says "not measured (why)" without a unit where a rule measured nothing', () => {
    const root = parseXml(xml);
    const orphan = root.children.find((s) => s.attrs.name!.endsWith('/ acceptance'))!;
    const body = orphan.children.find((c) => c.name === 'testcase')!.children[0]!.text;
    expect(body).toMatch(/\nmeasured: not measured \(rule .* matches no cell: check the dimension names and values\)\nthreshold: none\n/);
    expect(xml).not.toMatch(/not measured (ms|ratio|dB|count)|— (ms|ratio|dB|count)/);
  });

  it("puts each cell's device time (its trials' recordings added up) on its suite and first case, once", () => {
    const views = [
      { run: results.runs[0]!.id, cell: 'receiver', recordedMs: 3200 },
      { run: results.runs[0]!.id, cell: 'receiver', recordedMs: 3150.4 },
      { run: results.runs[0]!.id, cell: 'receiver', recordedMs: null },
    ];
    const root = parseXml(renderJunit(results, views));
    validate(root);
    const receiver = root.children.find((s) => s.attrs.name!.endsWith('/ receiver'))!;
    expect(receiver.attrs.time).toBe('6.350');
    expect(receiver.children.filter((c) => c.name === 'testcase').map((c) => c.attrs.time)).toEqual(['6.350', '0.000', '0.000']);
    expect(root.children.find((s) => s.attrs.name!.endsWith('/ speaker&<voice>'))!.attrs.time).toBe('0.000');
    expect(root.attrs.time).toBe('6.350');
  });

  it('junit.xml as written: a failed trial adds no device time, every analysed trial its recording', async () => {
    await writeReports(runDir, results);
    const root = parseXml(readFileSync(join(runDir, 'junit.xml'), 'utf8'));
    const time = (name: string) => Number(root.children.find((s) => s.attrs.name!.endsWith(`/ ${name}`))!.attrs.time);
    // Both cells' trials record the same length: 8 on the speaker, 7 on the receiver (trial 3 failed, no files).
    expect(time('speaker&<voice>')).toBeGreaterThan(8);
    expect(time('receiver') / time('speaker&<voice>')).toBeCloseTo(7 / 8, 2);
    expect(Number(root.attrs.time)).toBeCloseTo(time('receiver') + time('speaker&<voice>'), 2);
  });

  it('escapes markup and drops characters XML 1.0 cannot hold', () => {
    expect(xmlEscape('a<b>&"c"\u0001\u0007d')).toBe('a&lt;b&gt;&amp;&quot;c&quot;d');
    expect(parseXml(`<a x="${xmlEscape('\u0002<"&>\n')}"/>`).attrs.x).toBe('<"&>\n');
    expect(xml).toContain('name="junit &quot;&amp;&quot; &lt;test&gt; / speaker&amp;&lt;voice&gt;"');
  });

  it('a device named with a control character and a line break still gives a well-formed file (the XML libraries tried wrote U+0001 raw)', () => {
    const run = results.runs[0]!;
    const named = { ...results, runs: [{ ...run, device: { ...run.device, name: 'Lab\u0001 phone\nrack 2' } }, ...results.runs.slice(1)] };
    const root = parseXml(renderJunit(named));
    const suite = root.children.find((c) => c.name === 'testsuite')!;
    expect(suite.attrs.hostname).toBe('Lab phone\nrack 2');
  });

  it('the shape check rejects documents CI tools would not read', () => {
    expect(() => validate(parseXml('<testsuites><testsuite name="x" tests="0" errors="0"/></testsuites>'))).toThrow(/failures/);
    expect(() => validate(parseXml('<testsuites><testcase name="x"/></testsuites>'))).toThrow(/may not contain/);
    expect(() => validate(parseXml('<testsuites><testsuite name="x" tests="1" failures="0" errors="0"/></testsuites>'))).toThrow(/tests/);
    expect(() => validate(parseXml('<testsuites time="1.5s"/>'))).toThrow();
  });

  it('the XML reader used here rejects what a real parser rejects', () => {
    for (const bad of ['<a><b></a></b>', '<a x=1/>', '<a x="1" x="2"/>', '<a>&nope;</a>', '<a>x & y</a>', '<a/><b/>', '<a>\u0001</a>', '<a']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
  });
});

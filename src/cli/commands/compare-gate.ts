/**
 * `voiceaec compare-gate <run-dir>...`: the gate trade-off per cell — leak rate with its
 * Wilson interval, peak excess, barge-in cost, the recommended gate, and per turn profile
 * the false barge-ins and self-interruptions (docs/vad.md) — for any gate list,
 * on one run or several side by side (devices). Exploratory: exits 0 whatever the
 * acceptance outcome (`voiceaec run` and `voiceaec report --fail-on-acceptance` gate CI).
 */
import chalk from 'chalk';
import { type Command, Option } from 'commander';
import { usageError } from '../../core/errors.js';
import type { GateStats } from '../../analysis/cell-schema.js';
import type { CellResult } from '../../analysis/turn-results.js';
import { parseGateList, parseSweep } from '../../config/analysis-options.js';
import { deviceLabel, dimsLabel, intervalText, leakCell, num, onHardware, pct, recLabel, sequentialText } from '../../report/format.js';
import type { Results } from '../../report/results-schema.js';
import { turnRateCell, turnRecommendationRule } from '../../report/turn-format.js';
import { evaluateRun, type EvaluateOptions } from '../../evaluation/evaluate-run.js';
import { reanalyzeMode } from '../option-parsers.js';
import { plain, table } from '../output.js';
import { toolVersion } from '../version.js';

interface CompareFlags {
  gates?: string;
  sweep?: string;
  targetLeakRate?: number;
  confidence?: number;
  reanalyze: string;
  json?: boolean;
}

/** "0.05", "5%" or "5 %" → 0.05, inside (0, 1). */
const fraction = (flag: string, example: string) => (v: string) => {
  const m = /^\s*(\d*\.?\d+)\s*(%?)\s*$/.exec(v);
  const x = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
  if (!(x > 0 && x < 1))
    throw usageError('E_OPTION', `${flag} "${v}" is not a fraction between 0 and 1`, {
      hint: `give e.g. ${flag} ${example} or ${flag} ${Math.round(Number(example) * 100)}%`,
    });
  return x;
};

/** dimsLabel already says "(single cell)" in parentheses; a dims list gets them here, never twice. */
const parenthesised = (label: string) => (label.startsWith('(') ? label : `(${label})`);

export function registerCompareGate(program: Command): void {
  program
    .command('compare-gate')
    .description('the gate trade-off per cell: leak rate with confidence interval, barge-in cost, recommended gate (several runs: side by side)')
    .argument('<run-dir...>', 'run directories written by voiceaec run')
    .addOption(new Option('--gates <list>', 'gates to evaluate, ms (default: those the run recorded)').conflicts('sweep'))
    .option('--sweep <from:to:step>', 'evaluate a range of gates, e.g. 0:2000:50')
    .addOption(
      new Option('--target-leak-rate <p>', 'leak rate the recommended gate must stay under (default: the scenario’s, else 0.05)').argParser(
        fraction('--target-leak-rate', '0.05'),
      ),
    )
    .addOption(
      new Option('--confidence <c>', 'confidence of the Wilson interval (default: the scenario’s, else 0.95)').argParser(fraction('--confidence', '0.95')),
    )
    .option(
      '--reanalyze <auto|always|never>',
      'auto: re-analyse from the audio only trials missing a gate; never: decide on the stored envelope (fast)',
      'auto',
    )
    .option('--json', 'print the results (schema voiceaec.results/2, docs/reports.md)')
    .action(async (dirs: string[], flags: CompareFlags) => {
      const opts: EvaluateOptions = { toolVersion: toolVersion(), reanalyze: reanalyzeMode(flags.reanalyze) };
      if (flags.gates) opts.gatesMs = parseGateList(flags.gates);
      if (flags.sweep) opts.gatesMs = parseSweep(flags.sweep);
      if (flags.targetLeakRate !== undefined) opts.targetLeakRate = flags.targetLeakRate;
      if (flags.confidence !== undefined) opts.confidence = flags.confidence;
      const results = await evaluateRun(dirs, opts);
      process.stdout.write(flags.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatCompareGate(results)}\n`);
    });
}

const fmtPeak = (g: GateStats) => (g.peakExcessDb ? `${num(g.peakExcessDb.median)} / ${num(g.peakExcessDb.worst)} dB` : '—');
const fmtRate = (r: { leaks: number; decided: number }) => (r.decided ? `${r.leaks}/${r.decided}` : '—');

function singleRunTable(c: CellResult): string {
  const head = [
    'gate',
    'leaks',
    'rate',
    `${pct(c.confidence)} interval`,
    'peak excess med/worst',
    'first · later',
    'deaf after audible end',
    'from acoustic end',
  ];
  if (c.rms2) head.push(`rms2 ${c.rms2.thresholdDbfs} dBFS`);
  for (const t of c.turns) head.push(`${t.profile} fired`, ...(t.rms2 ? [`${t.profile} fired, rms2`] : []));
  const rows = [head.map((h) => chalk.dim(h))];
  for (const [i, g] of c.gates.entries()) {
    const ac = c.gatesFromAcousticEnd[i]!;
    const b = c.bargeIn[i]!;
    const mark = c.recommendation.gateMs === g.gateMs ? chalk.green('◀') : '';
    const rate = g.decided === 0 ? chalk.dim('n/a') : g.meetsTarget ? chalk.green(pct(g.rate)) : g.leaks > 0 ? chalk.red(pct(g.rate)) : pct(g.rate);
    const row = [
      `${g.gateMs} ms ${mark}`,
      g.decided ? `${g.leaks}/${g.decided}` : 'n/a',
      rate,
      intervalText(g),
      fmtPeak(g),
      `${fmtRate(g.firstUtterance)} · ${fmtRate(g.later)}`,
      b.deafAfterAudibleEndMs ? `${num(b.deafAfterAudibleEndMs.median, 'ms', 0)}` : `${g.gateMs} ms`,
      leakCell(ac),
    ];
    if (c.rms2) row.push(leakCell(c.rms2.gates[i]));
    for (const t of c.turns)
      row.push(turnRateCell(t.gates.find((x) => x.gateMs === g.gateMs)), ...(t.rms2 ? [turnRateCell(t.rms2.gates.find((x) => x.gateMs === g.gateMs))] : []));
    rows.push(row);
  }
  return table(rows);
}

function sideBySide(cells: CellResult[], runs: string[]): string {
  const rows = [['gate', ...runs].map((h) => chalk.dim(h))];
  const gates = [...new Set(cells.flatMap((c) => c.gates.map((g) => g.gateMs)))].sort((a, b) => a - b);
  for (const gate of gates) {
    rows.push([`${gate} ms`, ...runs.map((r) => leakCell(cells.find((c) => c.run === r)?.gates.find((g) => g.gateMs === gate)))]);
  }
  return table(rows);
}

export function formatCompareGate(results: Results): string {
  const out: string[] = [];
  const c0 = results.cells[0];
  const bound = results.cells.some((c) => c.sequential) ? 'Wilson upper bound; anytime-valid in sequential cells' : 'Wilson upper bound';
  const goal = c0 ? `target ≤ ${pct(c0.targetLeakRate)} leaks at ${pct(c0.confidence)} confidence (${bound})` : 'no cells';
  out.push(chalk.bold(`voiceaec compare-gate — ${goal}`));
  for (const line of turnRecommendationRule(results)) out.push(chalk.dim(line));
  for (const r of results.runs) {
    const dev = plain(deviceLabel(r.device));
    out.push(`${results.runs.length > 1 ? `${r.id}: ` : ''}${r.scenario.name} on ${onHardware(r) ? dev : chalk.yellow.bold(dev)}`);
  }
  const multi = results.runs.length > 1;
  const ids = [...new Set(results.cells.map((c) => c.id))];
  for (const id of ids) {
    const cells = results.cells.filter((c) => c.id === id);
    out.push('', chalk.bold(`cell ${id}`) + chalk.dim(` ${parenthesised(dimsLabel(cells[0]!.dims))}`));
    out.push(
      multi
        ? sideBySide(
            cells,
            results.runs.map((r) => r.id).filter((r) => cells.some((c) => c.run === r)),
          )
        : singleRunTable(cells[0]!),
    );
    for (const c of cells) {
      const who = multi ? `${c.run}: ` : '';
      const counts = `${c.counts.analysed} analysed of ${c.counts.planned} trials${c.counts.failed ? `, ${c.counts.failed} failed` : ''}${c.counts.deadMic ? `, ${c.counts.deadMic} dead mic` : ''}`;
      const rec = c.recommendation;
      const colour = rec.status === 'recommended' ? chalk.green : chalk.yellow;
      out.push(`${who}${chalk.dim(counts)}`);
      const seq = sequentialText(c);
      if (seq) out.push(`${who}${seq}`);
      out.push(`${who}recommended: ${colour(rec.message)}`);
      out.push(
        `${who}from the acoustic end: ${c.recommendationFromAcousticEnd.message}${c.trailingSilenceMs ? chalk.dim(` (trailing silence median ${num(c.trailingSilenceMs.median, 'ms', 0)})`) : ''}`,
      );
      if (c.rms2) out.push(`${who}rms2 gate: ${c.rms2.recommendation.message}`);
      for (const t of c.turns) {
        const tc = t.recommendation.status === 'recommended' ? chalk.green : chalk.yellow;
        out.push(
          `${who}${t.profile}: recommended ${tc(recLabel(t.recommendation))} ${chalk.dim(`(${t.recommendation.message})`)}; self-interruption during playback ${turnRateCell(t.selfInterruption)}`,
        );
        if (t.rms2) out.push(`${who}${t.profile} behind the rms2 gate: ${t.rms2.recommendation.message}`);
      }
      const near = c.bargeIn.find((b) => b.gateMs === (rec.gateMs ?? -1))?.nearEnd;
      if (near)
        out.push(
          `${who}barge-in at the recommended gate: median ${num(near.firstWordLostMs.median, 'ms', 0)} of the user's first word lost (worst ${num(near.firstWordLostMs.worst, 'ms', 0)})`,
        );
      if (c.mismatches.length > 0) out.push(chalk.red(`${who}configuration not honoured: ${c.mismatches.join('; ')}`));
      for (const w of c.warnings) out.push(chalk.yellow(`${who}warning: ${w}`));
    }
  }
  for (const w of results.warnings) out.push(chalk.yellow(`warning: ${w}`));
  return out.join('\n');
}

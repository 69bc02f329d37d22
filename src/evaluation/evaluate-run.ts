/**
 * From run directories to results (voiceaec.results/2, docs/reports.md): reads each manifest
 * and every measured trial's stored analysis; where a requested gate is missing it replays
 * the trial's stored analysis request with the new gates (the mic is recorded before the
 * gate, so any gate can be evaluated afterwards), or decides on the stored residual envelope
 * when asked to (`reanalyze: false`) or when the audio is gone. The turn-detector verdicts
 * (docs/vad.md) come from each trial's stored ones or, loading the VAD on first need, from
 * its mic. Deterministic: no clock, no absolute paths.
 */
import { deviceClassOf } from '../core/device-class.js';
import { linkCaveat } from '../core/device-link.js';
import { basename, resolve } from 'node:path';
import { inputError } from '../core/errors.js';
import { mapPool } from '../core/map-pool.js';
import { round } from '../core/units.js';
import { checkAcceptance } from '../analysis/acceptance-check.js';
import { summarizeCell, type CellInput, type CellTrialInput } from '../analysis/cell-summary.js';
import { sequentialCell } from '../analysis/sequential-cell.js';
import type { SequentialPlan } from '../analysis/sequential-trials.js';
import { turnCellSummary } from '../analysis/turn-cell-stats.js';
import type { CellResult } from '../analysis/turn-results.js';
import type { TrialTurnVerdicts } from '../analysis/turn-verdict-schema.js';
import type { TurnProfile } from '../config/turn-profiles.js';
import { RESULTS_SCHEMA, type Results, type RunInfo } from '../report/results-schema.js';
import { readCalibration } from '../run-dir/calibration-file.js';
import { TRIAL_FILES } from '../run-dir/layout.js';
import { openRunDir } from '../run-dir/manifest-file.js';
import type { CellRecord, RunManifest } from '../run-dir/manifest-schema.js';
import { loadSileroVad } from '../vad/silero-vad.js';
import type { VadEngine } from '../vad/vad-engine.js';
import { configRows } from './config-rows.js';
import { runTurnProfiles } from './run-turn-profiles.js';
import { loadTrialInput, type ReanalyzeMode } from './trial-input.js';
import { lazyVad, loadTrialTurns, type TurnContext } from './trial-turns.js';

export interface EvaluateOptions {
  /** The version of voiceaec evaluating, recorded as the results' generator. */
  toolVersion: string;
  /** Gates to evaluate; default: the gates each run's metrics hold. Gates named by acceptance rules are always added. */
  gatesMs?: number[];
  /** Overrides of the scenarios' acceptance target and confidence (recommendations and outcomes). */
  targetLeakRate?: number;
  confidence?: number;
  /** true: re-analyse every trial from its audio; false: never (stored envelope); undefined: only where gates are missing. */
  reanalyze?: boolean;
  /** The VAD for turn verdicts, loaded only if some trial needs it; default Silero v5 (tests pass their own). */
  loadVad?: () => Promise<VadEngine>;
  /**
   * Called after each trial whose turn verdicts had to be computed (the VAD run, the one slow
   * step of an evaluation): `done` of at most `total` trials. Stored verdicts that are reused
   * call nothing, so a re-evaluation stays silent.
   */
  onVadProgress?: (p: { done: number; total: number }) => void;
}

/** Gates named by acceptance rules: evaluated even if nobody asked for them. */
function ruleGates(m: RunManifest): number[] {
  return m.acceptance.rules.flatMap((r) => (r.metric === 'leakRateUpper' || r.metric === 'falseBargeInUpper' ? [r.gateMs] : []));
}

const sortedUnique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** What evaluation needs from the resolved scenario, read defensively (its schema is the runner's). */
function restartEngineEvery(m: RunManifest): number | null {
  const r = m.scenario.resolved as { trials?: { restartEngineEvery?: unknown } } | null;
  const every = r?.trials?.restartEngineEvery;
  return typeof every === 'number' && every >= 1 ? every : null;
}

/** The { min, max } of a sequential run (trials.repetitions), read defensively; null for a fixed count. */
function sequentialPlan(m: RunManifest): SequentialPlan | null {
  const r = (m.scenario.resolved as { trials?: { repetitions?: unknown } } | null)?.trials?.repetitions;
  if (typeof r !== 'object' || r === null) return null;
  const { min, max } = r as { min?: unknown; max?: unknown };
  return typeof min === 'number' && typeof max === 'number' ? { min, max } : null;
}

/** The cell's calibration as the summary shows it; a problem with it becomes a cell warning. */
async function cellCalibration(runDir: string, cell: CellRecord, warnings: string[]): Promise<CellInput['calibration']> {
  const t = cell.trials.find((x) => x.calibration);
  if (!t) return null;
  if (t.status !== 'ok') {
    warnings.push(`calibration trial ${t.status}${t.reason ? ` (${t.reason})` : ''}: no calibrated delay or ERLE`);
    return null;
  }
  const r = await readCalibration(runDir, t.dir);
  if (r.value === null) {
    warnings.push(`calibration: ${r.problem}: no calibrated delay or ERLE in the summary`);
    return null;
  }
  const c = r.value;
  return {
    delayMs: c.delayMs === null ? null : round(c.delayMs, 2),
    rawEchoLossDb: c.rawEchoLossDb === null ? null : round(c.rawEchoLossDb, 2),
    rawEchoLossIsLowerBound: c.rawEchoLossIsLowerBound,
    source: TRIAL_FILES.calibration,
  };
}

/**
 * Per profile, the cell's turn summary over the trials that have verdicts. Trials are read
 * one at a time: the VAD session is single and each trial already takes ~0.1 s.
 */
async function cellTurns(
  trials: CellTrialInput[],
  c: TurnContext,
  target: number,
  confidence: number,
  warnings: string[],
  computed: () => void,
): Promise<CellResult['turns']> {
  if (c.profiles.length === 0) return [];
  const all: TrialTurnVerdicts[][] = [];
  let missing = 0;
  for (const t of trials) {
    if (t.analysis === null) continue;
    const r = await loadTrialTurns(t, c);
    if (r.computed) computed();
    if (r.warnings.length > 0) t.warnings = [...(t.warnings ?? []), ...r.warnings];
    if (r.verdicts) all.push(r.verdicts);
    else missing++;
  }
  if (missing > 0) warnings.push(`${missing} analysed trial(s) have no turn verdicts: the turn rates leave them out`);
  return c.profiles.map((p, i) =>
    turnCellSummary(
      all.map((v) => v[i]!),
      p.name,
      c.gatesMs,
      target,
      confidence,
    ),
  );
}

function runInfo(id: string, m: RunManifest, profiles: TurnProfile[], pass: boolean): RunInfo {
  return {
    id,
    scenario: { name: m.scenario.name, source: m.scenario.source },
    seed: m.seed,
    tool: { version: m.tool.version, gitCommit: m.tool.gitCommit },
    device: { ...m.device, class: deviceClassOf(m.device), link: m.device.link ?? null, linkCaveat: linkCaveat(m.device.link) },
    startedAt: m.startedAt,
    endedAt: m.endedAt,
    status: m.status,
    analysis: {
      frameMs: m.analysis.frameMs,
      bandHz: [m.analysis.bandHz[0], m.analysis.bandHz[1]],
      thresholdDb: m.analysis.detector.thresholdDb,
      minDurationMs: m.analysis.detector.minDurationMs,
      gatesMs: sortedUnique(m.analysis.gatesMs),
    },
    acceptance: { targetLeakRate: m.acceptance.targetLeakRate, confidence: m.acceptance.confidence, rules: m.acceptance.rules },
    vad: { profiles },
    pass,
  };
}

/** Unique run ids from directory names: the same name twice gets #2, #3. */
export function runIds(dirs: string[]): string[] {
  const seen = new Map<string, number>();
  return dirs.map((d) => {
    const name = basename(resolve(d));
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}

export async function evaluateRun(runDirs: string[], opts: EvaluateOptions): Promise<Results> {
  if (runDirs.length === 0) throw inputError('E_RUNDIR_NONE', 'no run directory given', { hint: 'pass one or more directories written by voiceaec run' });
  const manifests: RunManifest[] = [];
  for (const d of runDirs) manifests.push(await openRunDir(d));
  const ids = runIds(runDirs);
  const gates = sortedUnique([...(opts.gatesMs ?? manifests.flatMap((m) => m.analysis.gatesMs)), ...manifests.flatMap(ruleGates)]);
  const mode: ReanalyzeMode = opts.reanalyze === true ? 'always' : opts.reanalyze === false ? 'never' : 'auto';
  const warnings: string[] = [];
  const cells: CellResult[] = [];
  const vad = lazyVad(opts.loadVad ?? loadSileroVad);
  const outcomes: Results['acceptance'] = [];
  const runs: RunInfo[] = [];
  const vadTotal = manifests.reduce((n, m) => n + m.cells.reduce((k, c) => k + c.trials.filter((t) => !t.calibration).length, 0), 0);
  let vadDone = 0;
  const computed = () => opts.onVadProgress?.({ done: ++vadDone, total: vadTotal });

  for (const [ri, m] of manifests.entries()) {
    const runDir = runDirs[ri]!;
    const id = ids[ri]!;
    const target = opts.targetLeakRate ?? m.acceptance.targetLeakRate;
    const confidence = opts.confidence ?? m.acceptance.confidence;
    const runCells: CellResult[] = [];
    const profiles = runTurnProfiles(m, warnings);
    for (const cell of m.cells) {
      const cw: string[] = [];
      const calibration = await cellCalibration(runDir, cell, cw);
      const measured = cell.trials.filter((t) => !t.calibration);
      const context = { runDir, firstIndex: Math.min(...measured.map((t) => t.index)), restartEngineEvery: restartEngineEvery(m), gatesMs: gates, mode };
      const trials = await mapPool(measured, 8, (t) => loadTrialInput(t, context));
      const envelopeOnly = trials.filter(
        (t) => t.source === 'metrics' && t.analysis && gates.some((g) => !t.analysis!.gates.some((x) => x.gateMs === g)),
      ).length;
      if (envelopeOnly > 0) cw.push(`${envelopeOnly} trial(s) decided at unstored gates on their residual envelope (no echo attribution there)`);
      const input: CellInput = {
        run: id,
        id: cell.id,
        dims: cell.dims,
        settings: cell.settings,
        status: cell.status,
        reason: cell.reason,
        configuredGate: cell.requested.gate ? { ...cell.requested.gate } : null,
        config: configRows(cell),
        mismatches: cell.mismatches,
        configErrors: cell.configErrors,
        deviceCrashes: cell.deviceCrashes,
        calibration,
        trials,
        warnings: cw,
      };
      const gate = cell.requested.gate;
      const rms2ThresholdDbfs = gate?.kind === 'rms2' ? gate.thresholdDbfs : null;
      const turns = await cellTurns(trials, { runDir, gatesMs: gates, mode, profiles, vad, rms2ThresholdDbfs }, target, confidence, cw, computed);
      const summary = summarizeCell(input, { gatesMs: gates, targetLeakRate: target, confidence });
      // A sequential cell stopped on its own data: its bounds must be the anytime-valid ones.
      const plan = sequentialPlan(m);
      const stop = cell.stop ? { reason: cell.stop.reason, message: cell.stop.message } : null;
      const trialsRun = measured.filter((t) => t.status !== 'pending').length;
      runCells.push({ ...(plan ? sequentialCell(summary, { plan, stop, trials: trialsRun, mixtureTarget: m.acceptance.targetLeakRate }) : summary), turns });
    }
    const runOutcomes = checkAcceptance(id, runCells, m.acceptance.rules);
    if (m.status !== 'complete') warnings.push(`run ${id} is ${m.status}: results cover the trials finished so far`);
    cells.push(...runCells);
    outcomes.push(...runOutcomes);
    runs.push(
      runInfo(
        id,
        m,
        profiles,
        runOutcomes.every((o) => o.status === 'pass'),
      ),
    );
  }
  const vadFailure = vad.failure();
  if (vadFailure !== null) warnings.push(`no turn verdicts: the VAD could not be loaded (${vadFailure})`);
  return {
    schema: RESULTS_SCHEMA,
    generator: { name: 'voiceaec', version: opts.toolVersion },
    options: { gatesMs: gates, targetLeakRate: opts.targetLeakRate ?? null, confidence: opts.confidence ?? null, reanalyze: mode },
    runs,
    cells,
    acceptance: outcomes,
    pass: outcomes.every((o) => o.status === 'pass'),
    warnings,
  };
}

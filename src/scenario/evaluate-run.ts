/**
 * From run directories to results (voiceaec.results/1) and from results to the four report
 * files. evaluateRun reads each manifest and every measured trial's metrics.json; when a
 * requested gate is missing from a trial's stored analysis it re-runs the analysis on the
 * trial's ref.wav / mic.wav / events.jsonl (the mic is recorded before the gate, so any gate
 * can be evaluated afterwards), or decides it on the stored residual envelope when asked to
 * (`reanalyze: false`) or when the audio is gone. Deterministic: no clock, no absolute paths.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { inputError, isVoiceAecError } from '../core/errors.js';
import { powerToDb, round } from '../core/units.js';
import { analyzeTrial, analyzeCalibration, type CalibrationResult } from '../analysis/analyze-trial.js';
import { checkAcceptance } from '../analysis/acceptance-check.js';
import { summarizeCell, type CellInput, type CellSummary, type CellTrialInput, type ConfigRow, type NearEndTrack } from '../analysis/cell-summary.js';
import { TrialAnalysisSchema, type StreamInfo, type TrialAnalysis } from '../analysis/trial-result.js';
import type { AnalysisOptions } from '../config/analysis-options.js';
import { framePowers } from '../dsp/levels.js';
import { resample } from '../dsp/resample.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseEvents, type TrialTiming } from '../io/events.js';
import { decodeWav, selectChannel } from '../io/wav.js';
import { renderHtml, type HtmlAssets } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import { RESULTS_SCHEMA, type Results, type RunInfo } from '../report/results-schema.js';
import { envelopeBase64, envelopeStepMs, type SampleView, type TrialView } from '../report/trial-view.js';
import { readManifest } from './run-dir.js';
import { restartsEngine, type CellRecord, type RunManifest, type TrialRecord } from './run-manifest.js';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

export interface EvaluateOptions {
  /** Gates to evaluate; default: the gates each run's metrics hold. Gates named by acceptance rules are always added. */
  gatesMs?: number[];
  /** Overrides of the scenarios' acceptance target and confidence (recommendations and outcomes). */
  targetLeakRate?: number;
  confidence?: number;
  /** true: re-analyse every trial from its audio; false: never (stored envelope); undefined: only where gates are missing. */
  reanalyze?: boolean;
}

/* ------------------------------------------------------------------ run directory checks */

/** The run directory exists, is a directory and holds a valid manifest: else one E_RUNDIR_* error. */
async function readRunDir(dir: string): Promise<RunManifest> {
  const st = await stat(dir).catch((e: NodeJS.ErrnoException) => e);
  if (st instanceof Error) {
    throw inputError('E_RUNDIR_NOT_FOUND', `${dir}: no such run directory`, { hint: 'give the directory `voiceaec run` wrote (reports/<time>-<scenario>)', cause: st });
  }
  if (!st.isDirectory()) throw inputError('E_RUNDIR_NOT_DIR', `${dir} is a file, not a run directory`, { hint: 'give the directory that holds manifest.json, not a file in it' });
  return readManifest(dir);
}

/* ------------------------------------------------------------------ small helpers */

async function mapPool<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const exists = (p: string) => stat(p).then((s) => s.isFile(), () => false);

async function readText(p: string): Promise<string | null> {
  try {
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
}

const why = (e: unknown) => (isVoiceAecError(e) ? e.toLine() : e instanceof Error ? e.message : String(e));

/** Gates named by acceptance rules: evaluated even if nobody asked for them. */
function ruleGates(m: RunManifest): number[] {
  return m.acceptance.rules.flatMap((r) => (r.metric === 'leakRateUpper' ? [r.gateMs] : []));
}

const sortedUnique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/* ------------------------------------------------------------------ calibration */

function calibrationFromJson(raw: unknown): CalibrationResult | null {
  if (raw && typeof raw === 'object' && 'rawEchoLossDb' in raw && 'delayMs' in raw) {
    const c = raw as CalibrationResult;
    return { delayMs: c.delayMs ?? null, confidenceDb: c.confidenceDb ?? null, rawEchoLossDb: c.rawEchoLossDb ?? null, rawEchoLossIsLowerBound: !!c.rawEchoLossIsLowerBound, warnings: c.warnings ?? [] };
  }
  const a = TrialAnalysisSchema.safeParse(raw);
  if (a.success) {
    // A calibration trial analysed as a trial: its own echo loss is the raw one.
    const d = a.data;
    return { delayMs: d.delay.source === 'trial' ? d.delay.ms : null, confidenceDb: d.delay.trialConfidenceDb, rawEchoLossDb: d.levels.echoLossDb, rawEchoLossIsLowerBound: d.levels.echoLossIsLowerBound, warnings: [] };
  }
  return null;
}

async function loadCalibration(runDir: string, cell: CellRecord, options: AnalysisOptions, warnings: string[]): Promise<{ cal: CalibrationResult | null; source: string } | null> {
  const t = cell.trials.find((x) => x.calibration || x.index === 0);
  if (!t) return null;
  if (t.status !== 'ok') {
    warnings.push(`calibration trial ${t.status}${t.reason ? ` (${t.reason})` : ''}: no calibrated delay or ERLE`);
    return null;
  }
  const dir = join(runDir, t.dir);
  for (const name of ['calibration.json', 'metrics.json']) {
    const text = await readText(join(dir, name));
    if (text === null) continue;
    try {
      const cal = calibrationFromJson(JSON.parse(text));
      if (cal) return { cal, source: name };
    } catch {
      warnings.push(`calibration ${name} is not valid JSON`);
    }
  }
  try {
    const s = await loadStreams(dir, 0);
    return { cal: analyzeCalibration(s.ref, s.mic, s.sampleRate, options), source: 'audio' };
  } catch (e) {
    warnings.push(`calibration trial unreadable: ${why(e)}`);
    return null;
  }
}

/* ------------------------------------------------------------------ trial audio and analysis */

interface Streams {
  ref: Float32Array;
  mic: Float32Array;
  sampleRate: number;
  refInfo: StreamInfo;
  micInfo: StreamInfo;
  warnings: string[];
}

/**
 * io/wav.ts readWavFile names the file by its full path in errors and warnings; these end up
 * in results.json, which must not depend on where the run directory is, so the trial's
 * audio is named by its file name alone.
 */
async function readWav(path: string) {
  const name = basename(path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw inputError('E_FILE_NOT_FOUND', `${name}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { hint: 'the trial audio is missing' });
  }
  return decodeWav(bytes, name);
}

async function loadStreams(dir: string, channel: number | 'mix'): Promise<Streams> {
  const [refWav, micWav] = await Promise.all([readWav(join(dir, 'ref.wav')), readWav(join(dir, 'mic.wav'))]);
  const mic = selectChannel(micWav, channel);
  let ref = selectChannel(refWav, 0).samples;
  const warnings = [...micWav.warnings, ...refWav.warnings];
  if (refWav.sampleRate !== micWav.sampleRate) {
    ref = await resample(ref, refWav.sampleRate, micWav.sampleRate);
    warnings.push(`ref.wav resampled from ${refWav.sampleRate} Hz to ${micWav.sampleRate} Hz`);
  }
  const info = (path: string, w: typeof micWav, n: number, used: number | 'mix', to: number | null): StreamInfo => ({
    path, sampleRate: w.sampleRate, channels: w.channels.length, channelUsed: used, durationMs: round((n * 1000) / w.sampleRate, 3), resampledTo: to,
  });
  return {
    ref, mic: mic.samples, sampleRate: micWav.sampleRate, warnings,
    refInfo: info('ref.wav', refWav, refWav.channels[0]!.length, 0, refWav.sampleRate !== micWav.sampleRate ? micWav.sampleRate : null),
    micInfo: info('mic.wav', micWav, mic.samples.length, channel, null),
  };
}

/** Re-run the analysis with new gates, with the inputs the runner used (events, pre-roll, delay option, calibration). */
async function reanalyse(dir: string, stored: TrialAnalysis | null, timing: TrialTiming | null, cal: CalibrationResult | null, o: AnalysisOptions): Promise<TrialAnalysis> {
  const s = await loadStreams(dir, stored?.input.mic.channelUsed ?? 0);
  let drainMs = timing?.drainMs ?? null;
  let drainSource: 'events' | 'option' | 'reference' = drainMs !== null ? 'events' : 'reference';
  if (drainMs === null && stored && stored.timing.drainSource !== 'reference') [drainMs, drainSource] = [stored.timing.drainMs, stored.timing.drainSource];
  return analyzeTrial(
    {
      ref: s.ref, mic: s.mic, sampleRate: s.sampleRate, drainMs, drainSource,
      playbackStartMs: timing?.playbackStartMs ?? stored?.timing.playbackStartMs ?? null,
      preRollMs: stored?.timing.preRollSource === 'option' ? stored.timing.preRollMs : null,
      delayMs: stored?.delay.source === 'option' ? stored.delay.ms : null,
      calibration: cal, refInfo: s.refInfo, micInfo: s.micInfo, warnings: s.warnings,
      nearEndStartMs: timing?.nearEndStartMs ?? null,
    },
    o,
  );
}

/** Near-end talker as it reached the mic (virtual iPhone ground truth): 10 ms frame levels. */
async function nearEndTrack(dir: string): Promise<NearEndTrack | null> {
  const path = join(dir, 'near-truth.wav');
  if (!(await exists(path))) return null;
  const w = await readWav(path);
  const per = Math.max(1, Math.round(w.sampleRate / 100));
  return { frameMs: 10, levelsDbfs: Array.from(framePowers(selectChannel(w, 0).samples, per), (p) => round(powerToDb(p), 2)) };
}

interface ScenarioHints {
  restartEngineEvery: number | null;
}

/** What evaluateRun needs from the resolved scenario, read defensively (its schema is the runner's). */
function scenarioHints(m: RunManifest): ScenarioHints {
  const r = m.scenario.resolved as { trials?: { restartEngineEvery?: unknown } } | null;
  const every = r?.trials?.restartEngineEvery;
  return { restartEngineEvery: typeof every === 'number' && every >= 1 ? every : null };
}

async function loadTrial(
  runDir: string, t: TrialRecord, firstIndex: number, hints: ScenarioHints, gates: number[], cal: CalibrationResult | null, o: AnalysisOptions, mode: Results['options']['reanalyze'],
): Promise<CellTrialInput> {
  const dir = join(runDir, t.dir);
  const warnings: string[] = [];
  const evText = await readText(join(dir, 'events.jsonl'));
  let timing: TrialTiming | null = null;
  if (evText !== null && evText.trim() !== '') {
    try {
      timing = parseEvents(evText, `${t.dir}/events.jsonl`);
    } catch (e) {
      warnings.push(why(e));
    }
  }
  const restarted = restartsEngine(t.index, hints.restartEngineEvery);
  const firstUtterance = t.index === firstIndex || restarted || !!timing?.events.some((e) => e.type === 'engineStarted');
  const base = { index: t.index, dir: t.dir, fixtureId: t.fixtureId, pattern: t.pattern, status: t.status, reason: t.reason, firstUtterance, warnings };
  if (t.status !== 'ok') return { ...base, analysis: null, source: 'none', nearEnd: null };

  let stored: TrialAnalysis | null = null;
  const text = await readText(join(dir, 'metrics.json'));
  if (text !== null) {
    try {
      const r = TrialAnalysisSchema.safeParse(JSON.parse(text));
      if (r.success) stored = r.data;
      else warnings.push(`metrics.json does not match voiceaec.analysis/1 (${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message})`);
    } catch (e) {
      warnings.push(`metrics.json is not valid JSON (${(e as Error).message})`);
    }
  }
  const missing = stored ? gates.filter((g) => !stored!.gates.some((x) => x.gateMs === g)) : gates;
  const wantAudio = mode === 'always' || (mode === 'auto' && (stored === null || missing.length > 0));
  let analysis = stored;
  let source: CellTrialInput['source'] = stored ? 'metrics' : 'none';
  if (wantAudio) {
    try {
      analysis = await reanalyse(dir, stored, timing, cal, { ...o, gatesMs: gates });
      source = 'reanalysed';
    } catch (e) {
      warnings.push(`could not re-analyse from audio: ${why(e)}${stored ? '; gates decided on the stored residual envelope' : ''}`);
    }
  }
  let nearEnd: NearEndTrack | null = null;
  try {
    nearEnd = await nearEndTrack(dir);
  } catch (e) {
    warnings.push(`near-truth.wav unreadable: ${why(e)}`);
  }
  return { ...base, analysis, source, nearEnd };
}

/* ------------------------------------------------------------------ configuration rows */

type Scalar = string | number | boolean | null;

function flatten(o: unknown, prefix = '', out: Map<string, Scalar> = new Map()): Map<string, Scalar> {
  if (o === null || o === undefined) return out;
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) out.set(key, v.join(', '));
    else if (v !== null && typeof v === 'object') flatten(v, key, out);
    else out.set(key, v as Scalar);
  }
  return out;
}

/** Requested and effective settings side by side, under the requested names. */
function configRows(cell: CellRecord): ConfigRow[] {
  const req = flatten(cell.requested);
  const eff = flatten(cell.effective);
  if (eff.has('voiceProcessingEnabled')) {
    eff.set('voiceProcessing.enabled', eff.get('voiceProcessingEnabled')!);
    eff.delete('voiceProcessingEnabled');
  }
  const keys = [...req.keys(), ...[...eff.keys()].filter((k) => !req.has(k))];
  return keys.map((key) => {
    const requested = req.get(key) ?? null;
    const effective = eff.get(key) ?? null;
    return { key, requested, effective, differs: requested !== null && effective !== null && requested !== effective };
  });
}

/* ------------------------------------------------------------------ evaluateRun */

function runInfo(id: string, m: RunManifest, pass: boolean): RunInfo {
  return {
    id,
    scenario: { name: m.scenario.name, source: m.scenario.source },
    seed: m.seed,
    tool: { version: m.tool.version, gitCommit: m.tool.gitCommit },
    device: { ...m.device },
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
    pass,
  };
}

/** Unique run ids from directory names: the same name twice gets #2, #3. */
function runIds(dirs: string[]): string[] {
  const seen = new Map<string, number>();
  return dirs.map((d) => {
    const name = basename(resolve(d));
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  });
}

export async function evaluateRun(runDirs: string[], opts: EvaluateOptions = {}): Promise<Results> {
  if (runDirs.length === 0) throw inputError('E_RUNDIR_NONE', 'no run directory given', { hint: 'pass one or more directories written by voiceaec run' });
  const manifests: RunManifest[] = [];
  for (const d of runDirs) manifests.push(await readRunDir(d));
  const ids = runIds(runDirs);
  const gates = sortedUnique([...(opts.gatesMs ?? manifests.flatMap((m) => m.analysis.gatesMs)), ...manifests.flatMap(ruleGates)]);
  const mode: Results['options']['reanalyze'] = opts.reanalyze === true ? 'always' : opts.reanalyze === false ? 'never' : 'auto';
  const warnings: string[] = [];
  const cells: CellSummary[] = [];
  const outcomes: Results['acceptance'] = [];
  const runs: RunInfo[] = [];

  for (const [ri, m] of manifests.entries()) {
    const runDir = runDirs[ri]!;
    const id = ids[ri]!;
    const target = opts.targetLeakRate ?? m.acceptance.targetLeakRate;
    const confidence = opts.confidence ?? m.acceptance.confidence;
    const hints = scenarioHints(m);
    const runCells: CellSummary[] = [];
    for (const cell of m.cells) {
      const cw: string[] = [];
      const cal = await loadCalibration(runDir, cell, m.analysis, cw);
      const measured = cell.trials.filter((t) => !(t.calibration || t.index === 0));
      const firstIndex = Math.min(...measured.map((t) => t.index));
      const trials = await mapPool(measured, 8, (t) => loadTrial(runDir, t, firstIndex, hints, gates, cal?.cal ?? null, m.analysis, mode));
      const envelopeOnly = trials.filter((t) => t.source === 'metrics' && t.analysis && gates.some((g) => !t.analysis!.gates.some((x) => x.gateMs === g))).length;
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
        calibration: cal?.cal
          ? { delayMs: cal.cal.delayMs === null ? null : round(cal.cal.delayMs, 2), rawEchoLossDb: cal.cal.rawEchoLossDb === null ? null : round(cal.cal.rawEchoLossDb, 2), rawEchoLossIsLowerBound: cal.cal.rawEchoLossIsLowerBound, source: cal.source }
          : null,
        trials,
        warnings: cw,
      };
      runCells.push(summarizeCell(input, { gatesMs: gates, targetLeakRate: target, confidence }));
    }
    const runOutcomes = checkAcceptance(id, runCells, m.acceptance.rules);
    if (m.status !== 'complete') warnings.push(`run ${id} is ${m.status}: results cover the trials finished so far`);
    cells.push(...runCells);
    outcomes.push(...runOutcomes);
    runs.push(runInfo(id, m, runOutcomes.every((o) => o.status === 'pass')));
  }
  return {
    schema: RESULTS_SCHEMA,
    generator: { name: 'voiceaec', version: pkg.version },
    options: { gatesMs: gates, targetLeakRate: opts.targetLeakRate ?? null, confidence: opts.confidence ?? null, reanalyze: mode },
    runs,
    cells,
    acceptance: outcomes,
    pass: outcomes.every((o) => o.status === 'pass'),
    warnings,
  };
}

/* ------------------------------------------------------------------ writeReports */

export interface ReportOptions {
  /** Embed the trials' audio as data URIs when all of it together is at most this many bytes; else link it. */
  embedAudioMaxBytes?: number;
}

export const DEFAULT_EMBED_AUDIO_BYTES = 4 * 1024 * 1024;

let assets: HtmlAssets | null = null;
/** uPlot's build and CSS, read from node_modules at render time (never copied into the repo). */
function loadHtmlAssets(): HtmlAssets {
  assets ??= {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return assets;
}

/** The results of one run out of multi-run results. */
function onlyRun(results: Results, id: string): Results {
  if (results.runs.length === 1 && results.runs[0]!.id === id) return results;
  const acceptance = results.acceptance.filter((a) => a.run === id);
  return { ...results, runs: results.runs.filter((r) => r.id === id), cells: results.cells.filter((c) => c.run === id), acceptance, pass: acceptance.every((a) => a.status === 'pass') };
}

const AUDIO = ['ref', 'mic', 'gated'] as const;

/**
 * The samples of a plain PCM16 / PCM32 / float32 WAV as a typed view over its bytes, for the
 * envelope only; anything else (24-bit, 8-bit, extensible, odd layouts) goes through the full
 * decoder in io/wav.ts, which also names every malformation.
 */
export function wavSampleView(bytes: Uint8Array, name: string): SampleView {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.length >= 12 && tag(0) === 'RIFF' && tag(8) === 'WAVE') {
    let pos = 12;
    let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
    while (pos + 8 <= bytes.length) {
      const id = tag(pos), size = dv.getUint32(pos + 4, true);
      if (id === 'fmt ' && size >= 16) fmt = { format: dv.getUint16(pos + 8, true), channels: dv.getUint16(pos + 10, true), rate: dv.getUint32(pos + 12, true), bits: dv.getUint16(pos + 22, true) };
      if (id === 'data' && fmt && fmt.channels > 0 && fmt.rate > 0) {
        const start = bytes.byteOffset + pos + 8;
        const len = Math.min(size, bytes.length - pos - 8);
        const kind = fmt.format === 3 && fmt.bits === 32 ? Float32Array : fmt.format === 1 && fmt.bits === 16 ? Int16Array : fmt.format === 1 && fmt.bits === 32 ? Int32Array : null;
        if (kind) {
          const count = Math.floor(len / kind.BYTES_PER_ELEMENT);
          // Typed views need aligned offsets; an odd chunk layout costs one copy.
          const data = start % kind.BYTES_PER_ELEMENT === 0 ? new kind(bytes.buffer as ArrayBuffer, start, count) : new kind(bytes.slice(pos + 8, pos + 8 + count * kind.BYTES_PER_ELEMENT).buffer);
          const scale = kind === Float32Array ? 1 : kind === Int16Array ? 1 / 32768 : 1 / 2147483648;
          return { data, scale, stride: fmt.channels, sampleRate: fmt.rate };
        }
        break;
      }
      pos += 8 + size + (size & 1);
    }
  }
  const w = decodeWav(bytes, name);
  return { data: w.channels[0]!, scale: 1, stride: 1, sampleRate: w.sampleRate };
}

async function trialViews(runDir: string, results: Results, embedMax: number): Promise<TrialView[]> {
  const rows = results.cells.flatMap((c) => c.trials.map((t) => ({ c, t })));
  // First the sizes: all audio is embedded or none is, so the report behaves the same throughout.
  const sizes = await mapPool(rows, 16, async ({ t }) => {
    const s = await Promise.all(AUDIO.map((k) => stat(join(runDir, t.dir, `${k}.wav`)).then((x) => (x.isFile() ? x.size : -1), () => -1)));
    return s;
  });
  const total = sizes.flat().reduce((a, b) => a + Math.max(0, b), 0);
  const embed = total <= embedMax;
  return mapPool(rows, 8, async ({ c, t }, i) => {
    const dir = join(runDir, t.dir);
    const have = sizes[i]!;
    const audio: TrialView['audio'] = { ref: null, mic: null, gated: null };
    let refEnv: string | null = null, micEnv: string | null = null, stepMs = 10;
    const notes: string[] = [];
    const decoded: Partial<Record<(typeof AUDIO)[number], SampleView>> = {};
    for (const [k, kind] of AUDIO.entries()) {
      if (have[k]! < 0) continue;
      const rel = `${t.dir}/${kind}.wav`.split('\\').join('/');
      if (kind === 'gated' && !embed) {
        audio.gated = encodeURI(rel);
        continue;
      }
      try {
        const bytes = await readFile(join(dir, `${kind}.wav`));
        audio[kind] = embed ? `data:audio/wav;base64,${Buffer.from(bytes).toString('base64')}` : encodeURI(rel);
        if (kind !== 'gated') decoded[kind] = wavSampleView(bytes, `${kind}.wav`);
      } catch (e) {
        notes.push(`${kind}.wav unreadable: ${why(e)}`);
      }
    }
    const longest = Math.max(...[decoded.ref, decoded.mic].map((d) => (d ? (d.data.length / d.stride / d.sampleRate) * 1000 : 0)));
    if (longest > 0) {
      stepMs = envelopeStepMs(longest);
      if (decoded.ref) refEnv = envelopeBase64(decoded.ref, decoded.ref.sampleRate, stepMs);
      if (decoded.mic) micEnv = envelopeBase64(decoded.mic, decoded.mic.sampleRate, stepMs);
    } else notes.push('no ref.wav / mic.wav in the trial directory');
    let events: TrialView['events'] = [];
    const ev = await readText(join(dir, 'events.jsonl'));
    if (ev !== null && ev.trim() !== '') {
      try {
        events = parseEvents(ev, 'events.jsonl').events.map((e) => ({ type: e.type, tMs: e.tMs }));
      } catch {
        notes.push('events.jsonl unreadable');
      }
    }
    return { run: c.run, cell: c.id, index: t.index, stepMs, refEnv, micEnv, events, audio, note: notes.length ? notes.join('; ') : null };
  });
}

export interface WrittenReports {
  files: string[];
  htmlBytes: number;
  audioEmbedded: boolean;
}

/**
 * Write results.json, report.html, junit.xml and summary.md into the run directory, each
 * atomically. Results of several runs are cut down to this directory's run.
 */
export async function writeReports(runDir: string, allResults: Results, o: ReportOptions = {}): Promise<WrittenReports> {
  const id = allResults.runs.length === 1 ? allResults.runs[0]!.id : basename(resolve(runDir));
  const results = onlyRun(allResults, id);
  if (results.runs.length === 0) throw inputError('E_RUNDIR_RESULTS', `the results hold no run named ${id}`, { hint: 'evaluate this run directory before writing its reports' });
  const embedMax = o.embedAudioMaxBytes ?? DEFAULT_EMBED_AUDIO_BYTES;
  const trials = await trialViews(runDir, results, embedMax);
  const html = renderHtml({ results, trials, assets: loadHtmlAssets() });
  const files = {
    'report.html': html,
    'junit.xml': renderJunit(results),
    'summary.md': renderMarkdown(results),
    'results.json': `${JSON.stringify(results, null, 2)}\n`,
  };
  for (const [name, text] of Object.entries(files)) await writeFileAtomic(join(runDir, name), text);
  return { files: Object.keys(files).map((n) => join(runDir, n)), htmlBytes: Buffer.byteLength(html), audioEmbedded: trials.some((t) => t.audio.mic?.startsWith('data:') ?? false) };
}

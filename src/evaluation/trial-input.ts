/**
 * One measured trial of a run directory as the cell summary takes it: its stored analysis,
 * or a replay of the stored analysis request with the gates asked for, plus the near-end
 * track and whether it was a first utterance.
 */
import { isVoiceAecError } from '../core/errors.js';
import type { AnalysisRequest } from '../analysis/analysis-request.js';
import { analyzeRecording } from '../analysis/analyze-recording.js';
import { nearEndTrack, type NearEndTrack } from '../analysis/barge-in.js';
import type { CellTrialInput } from '../analysis/cell-summary.js';
import type { TrialAnalysis } from '../analysis/trial-result.js';
import { restartsEngine } from '../config/scenario.js';
import type { TrialTiming } from '../io/events.js';
import type { TrialRecord } from '../run-dir/manifest-schema.js';
import { hasTrialStream, readTrialAnalysis, readTrialEvents, readTrialPair, readTrialStream } from '../run-dir/trial-files.js';

/** auto: replay only where a gate is missing; always: every trial; never: decide on the stored envelope. */
export type ReanalyzeMode = 'auto' | 'always' | 'never';

export interface TrialContext {
  runDir: string;
  /** The cell's first measured trial: a first utterance by definition. */
  firstIndex: number;
  restartEngineEvery: number | null;
  gatesMs: number[];
  mode: ReanalyzeMode;
}

const why = (e: unknown) => (isVoiceAecError(e) ? e.toLine() : e instanceof Error ? e.message : String(e));

/** The stored request with the gates asked for now: everything else exactly as the first analysis had it. */
async function replay(runDir: string, dir: string, request: AnalysisRequest, gatesMs: number[]): Promise<TrialAnalysis> {
  const pair = await readTrialPair(runDir, dir, request.channels);
  return analyzeRecording(pair, { ...request, options: { ...request.options, gatesMs } });
}

async function readNearEnd(runDir: string, dir: string): Promise<NearEndTrack | null> {
  if (!(await hasTrialStream(runDir, dir, 'nearTruth'))) return null;
  const s = await readTrialStream(runDir, dir, 'nearTruth');
  return nearEndTrack(s.audio.samples, s.audio.sampleRate);
}

export async function loadTrialInput(t: TrialRecord, c: TrialContext): Promise<CellTrialInput> {
  const warnings: string[] = [];
  let timing: TrialTiming | null = null;
  try {
    timing = await readTrialEvents(c.runDir, t.dir);
  } catch (e) {
    warnings.push(why(e));
  }
  const firstUtterance = t.index === c.firstIndex || restartsEngine(t.index, c.restartEngineEvery) || !!timing?.events.some((e) => e.type === 'engineStarted');
  const base = { index: t.index, dir: t.dir, fixtureId: t.fixtureId, pattern: t.pattern, status: t.status, reason: t.reason, firstUtterance, warnings };
  if (t.status !== 'ok') return { ...base, analysis: null, source: 'none', nearEnd: null };

  const stored = await readTrialAnalysis(c.runDir, t.dir);
  const missing = stored.analysis ? c.gatesMs.filter((g) => !stored.analysis!.gates.some((x) => x.gateMs === g)) : c.gatesMs;
  const wantReplay = c.mode === 'always' || (c.mode === 'auto' && (stored.analysis === null || missing.length > 0));
  let analysis = stored.analysis;
  let source: CellTrialInput['source'] = analysis ? 'metrics' : 'none';
  if (wantReplay || analysis === null) warnings.push(...stored.problems);
  if (wantReplay) {
    const fallback = analysis ? '; gates decided on the stored residual envelope' : '';
    if (stored.request === null) warnings.push(`cannot re-analyse: no analysis request stored${fallback}`);
    else {
      try {
        analysis = await replay(c.runDir, t.dir, stored.request, c.gatesMs);
        source = 'reanalysed';
      } catch (e) {
        warnings.push(`could not re-analyse from audio: ${why(e)}${fallback}`);
      }
    }
  }
  let nearEnd: NearEndTrack | null = null;
  try {
    nearEnd = await readNearEnd(c.runDir, t.dir);
  } catch (e) {
    warnings.push(`near-end truth unreadable: ${why(e)}`);
  }
  return { ...base, analysis, source, nearEnd };
}

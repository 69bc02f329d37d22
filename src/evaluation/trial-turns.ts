/**
 * One measured trial's turn-detector verdicts (docs/vad.md § Verdicts): the ones stored in
 * its folder when they were made from the same inputs, else the VAD run on its stored mic
 * and the result stored for the next evaluation. The VAD is loaded on first need only.
 */
import { isVoiceAecError } from '../core/errors.js';
import type { CellTrialInput } from '../analysis/cell-summary.js';
import { turnVerdicts } from '../analysis/turn-verdicts.js';
import type { TrialTurnVerdicts } from '../analysis/turn-verdict-schema.js';
import type { TurnProfile } from '../config/turn-profiles.js';
import { readTrialAnalysis, readTrialStream } from '../run-dir/trial-files.js';
import {
  readTurnVerdicts,
  TURN_VERDICTS_SCHEMA,
  TurnVerdictInputsSchema,
  writeTurnVerdicts,
  type StoredTurnVerdicts,
  type TurnVerdictInputs,
} from '../run-dir/turn-verdicts-file.js';
import { micVadTracks } from '../vad/mic-vad-tracks.js';
import type { VadEngine } from '../vad/vad-engine.js';
import type { ReanalyzeMode } from './trial-input.js';

/** The VAD engine, created on the first call; a failure is kept so it is reported once, not per trial. */
export interface LazyVad {
  get(): Promise<VadEngine>;
  /** Why the engine could not be loaded; null while it has not failed. */
  failure(): string | null;
}

const why = (e: unknown) => (isVoiceAecError(e) ? e.toLine() : e instanceof Error ? e.message : String(e));

export function lazyVad(load: () => Promise<VadEngine>): LazyVad {
  let engine: Promise<VadEngine> | null = null;
  let failed: string | null = null;
  return {
    get() {
      engine ??= load().catch((e: unknown) => {
        failed = why(e);
        throw e;
      });
      return engine;
    },
    failure: () => failed,
  };
}

export interface TurnContext {
  runDir: string;
  gatesMs: number[];
  mode: ReanalyzeMode;
  profiles: readonly TurnProfile[];
  vad: LazyVad;
  /** The cell's gate is rms2 at this threshold: its verdicts also replay that gate (docs/vad.md § rms2 gates). */
  rms2ThresholdDbfs?: number | null;
}

export interface TrialTurns {
  /** One per profile, in the context's order; null: no verdicts for this trial (see warnings). */
  verdicts: TrialTurnVerdicts[] | null;
  /** The VAD ran on the mic (false: the stored verdicts were reused, or there were none). */
  computed: boolean;
  warnings: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The stored verdicts narrowed to the gates and profiles asked for, when every input still matches. */
function reuse(s: StoredTurnVerdicts, inputs: TurnVerdictInputs, c: TurnContext): TrialTurnVerdicts[] | null {
  if (!same(s.inputs, inputs) || !c.gatesMs.every((g) => s.gatesMs.includes(g))) return null;
  const out: TrialTurnVerdicts[] = [];
  for (const p of c.profiles) {
    const e = s.profiles.find((x) => x.profile.name === p.name);
    // A custom profile edited since the verdicts were made must not keep its old verdicts.
    if (!e || !same(e.profile, p)) return null;
    const keep = (gs: TrialTurnVerdicts['gates']) => gs.filter((g) => c.gatesMs.includes(g.gateMs));
    out.push({ ...e.verdicts, gates: keep(e.verdicts.gates), rms2: e.verdicts.rms2 && { ...e.verdicts.rms2, gates: keep(e.verdicts.rms2.gates) } });
  }
  return out;
}

export async function loadTrialTurns(t: CellTrialInput, c: TurnContext): Promise<TrialTurns> {
  const a = t.analysis;
  if (a === null || c.profiles.length === 0) return { verdicts: null, computed: false, warnings: [] };
  const { request } = await readTrialAnalysis(c.runDir, t.dir);
  const inputs = TurnVerdictInputsSchema.parse({
    micChannel: request?.channels.mic ?? 0,
    drainMs: a.timing.drainMs,
    playbackStartMs: a.timing.playbackStartMs,
    nearEndStartMs: request?.nearEndStartMs ?? null,
    deadMic: a.flags.deadMic.reason,
    micClipping: a.flags.micClipping.reason,
    rms2ThresholdDbfs: c.rms2ThresholdDbfs ?? null,
  });
  // Only `always` recomputes: the VAD needs no stored envelope, so `never` (which keeps the energy
  // analysis off the audio) still computes verdicts that are missing.
  const stored = await readTurnVerdicts(c.runDir, t.dir);
  if (c.mode !== 'always' && stored.value) {
    const v = reuse(stored.value, inputs, c);
    if (v) return { verdicts: v, computed: false, warnings: [] };
  }
  let engine: VadEngine;
  try {
    engine = await c.vad.get();
  } catch {
    return { verdicts: null, computed: false, warnings: [] }; // reported once for the whole evaluation
  }
  try {
    const mic = await readTrialStream(c.runDir, t.dir, 'mic', inputs.micChannel);
    const { rms2ThresholdDbfs, ...timing } = inputs;
    const tracks = await micVadTracks(engine, mic.audio.samples, mic.audio.sampleRate, inputs.drainMs, c.gatesMs, { rms2ThresholdDbfs });
    const rms2 = tracks.rms2Gates && rms2ThresholdDbfs !== null ? { thresholdDbfs: rms2ThresholdDbfs, gates: tracks.rms2Gates } : null;
    const verdicts = c.profiles.map((p) => turnVerdicts({ engine: tracks.engine, open: tracks.open, gates: tracks.gates, rms2, ...timing }, p));
    const warnings: string[] = [];
    try {
      await writeTurnVerdicts(c.runDir, t.dir, {
        schema: TURN_VERDICTS_SCHEMA,
        engine: tracks.engine,
        gatesMs: [...c.gatesMs],
        inputs,
        profiles: c.profiles.map((profile, i) => ({ profile, verdicts: verdicts[i]! })),
      });
    } catch (e) {
      warnings.push(`turn verdicts not stored (the next evaluation runs the VAD again): ${why(e)}`);
    }
    return { verdicts, computed: true, warnings };
  } catch (e) {
    return { verdicts: null, computed: false, warnings: [`no turn verdicts: ${why(e)}`] };
  }
}

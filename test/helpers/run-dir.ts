/**
 * Synthetic run directories (DESIGN §4) for report and compare-gate tests: manifest.json
 * plus per trial ref.wav, mic.wav, events.jsonl and metrics.json made by the real analysis
 * on seeded synthetic signals, laid out the way src/scenario/runner.ts writes them.
 * `makeLargeRunDir` writes metrics directly (one real analysis as template, synthetic
 * residual envelopes) and hard-links one audio pair into every trial, so 1,000 trials take
 * seconds and almost no disk.
 */
import { linkSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCalibration, analyzeTrial, type CalibrationResult } from '../../src/analysis/analyze-trial.js';
import { gateVerdict, tailFrames } from '../../src/analysis/leak-detector.js';
import type { TrialAnalysis } from '../../src/analysis/trial-result.js';
import { AcceptanceSchema } from '../../src/config/acceptance.js';
import { resolveAnalysisOptions, type AnalysisOptions, type AnalysisOptionsInput } from '../../src/config/analysis-options.js';
import { encodeWav } from '../../src/io/wav.js';
import type { DeviceConfig, EffectiveConfig, GateConfig } from '../../src/protocol/messages.js';
import { RunManifestSchema, type RunManifest } from '../../src/scenario/run-manifest.js';
import { gaussian, rng } from './random.js';
import { makeTrial, type TrialSpec } from './trial.js';

/** Short 16 kHz trials: enough for every measure, quick to analyse. */
export const FAST_TRIAL: TrialSpec = { fs: 16_000, preRollMs: 300, speechS: 1.2, postRollMs: 1700, echoGainDb: -60, t60: 0.05, delaySamples: 480 };

export interface SynthCell {
  id: string;
  dims?: Record<string, string | number | boolean>;
  /** One spec per measured trial (index 1…), merged over FAST_TRIAL. */
  trials: TrialSpec[];
  /** Trials (by index) the device failed: no files, status failed. */
  failed?: number[];
  /** Calibration trial (voice processing bypassed): strong echo by default; null for none. */
  calibration?: TrialSpec | null;
  gate?: GateConfig;
  mismatches?: string[];
  effective?: Partial<EffectiveConfig> | null;
  /** Seconds of trailing silence in the reference buffer after the speech (the drain comes later). */
  trailingSilenceMs?: number;
  /** Near-end talker truth written as near-truth.wav: ms after the drain, duration and level. */
  nearEnd?: { afterDrainMs: number; durationMs: number; levelDbfs: number };
}

export interface SynthRun {
  dir?: string;
  scenario?: string;
  seed?: number;
  device?: Partial<RunManifest['device']>;
  analysis?: AnalysisOptionsInput;
  acceptance?: unknown;
  status?: RunManifest['status'];
  cells: SynthCell[];
}

function deviceConfig(gate: GateConfig = { kind: 'none', ms: 0, thresholdDbfs: -50 }): DeviceConfig {
  return {
    category: 'playAndRecord', mode: 'voiceChat', options: ['defaultToSpeaker'], route: 'speaker', engine: 'avaudioengine', initOrder: 'correct',
    renderMode: 'realtime', teardownOrder: 'correct', activation: 'app', ioBufferMs: 10, sampleRate: 48_000, volume: 0.8,
    voiceProcessing: { enabled: true, agc: false, ducking: 'default' }, gate, simulation: null,
  };
}

function effectiveConfig(req: DeviceConfig, over: Partial<EffectiveConfig> = {}): EffectiveConfig {
  return {
    route: req.route, mode: req.mode, engine: req.engine, renderMode: req.renderMode, sampleRate: req.sampleRate, ioBufferMs: req.ioBufferMs,
    outputLatencyMs: 20, inputLatencyMs: 10, voiceProcessingEnabled: req.voiceProcessing.enabled, gate: req.gate, volume: req.volume, ...over,
  };
}

function baseManifest(spec: Omit<SynthRun, 'cells'>, analysis: AnalysisOptions): Omit<RunManifest, 'cells'> {
  return {
    schema: 'voiceaec.run/1',
    tool: { name: 'voiceaec', version: '0.1.0-test', gitCommit: null },
    scenario: { name: spec.scenario ?? 'synthetic', source: 'test', resolved: null },
    seed: spec.seed ?? 7,
    device: { kind: 'sim', model: 'iPhone16,2', osVersion: '18.1', appVersion: '1.0', name: 'Virtual iPhone', simulated: true, ...spec.device },
    startedAt: '2026-01-02T03:04:05.000Z',
    endedAt: '2026-01-02T03:14:05.000Z',
    status: spec.status ?? 'complete',
    analysis,
    acceptance: AcceptanceSchema.parse(spec.acceptance ?? {}),
  };
}

const wav = (fs: number, x: Float32Array) => encodeWav({ sampleRate: fs, samples: x }, { encoding: 'float32' });
const info = (path: string, fs: number, n: number) => ({ path, sampleRate: fs, channels: 1, channelUsed: 0 as const, durationMs: (n * 1000) / fs, resampledTo: null });

/** events.jsonl as the runner writes it: type, tMs and host time, with micStarted as the origin. */
function eventsJsonl(playbackStartMs: number, drainMs: number, extra: Array<{ type: string; tMs: number }> = []): string {
  const origin = 5_000_000_000n;
  const ev = (type: string, tMs: number) => JSON.stringify({ type, tMs, hostTimeNs: String(origin + BigInt(Math.round(tMs * 1e6))) });
  return [ev('micStarted', 0), ev('playbackStarted', playbackStartMs), ...extra.map((e) => ev(e.type, e.tMs)), ev('bufferDrained', drainMs)].join('\n') + '\n';
}

export function makeRunDir(spec: SynthRun): { dir: string; manifest: RunManifest } {
  const dir = spec.dir ?? mkdtempSync(join(tmpdir(), 'voiceaec-run-'));
  mkdirSync(dir, { recursive: true });
  const o = resolveAnalysisOptions(spec.analysis ?? {});
  const cells: RunManifest['cells'] = [];
  for (const c of spec.cells) {
    const requested = deviceConfig(c.gate);
    const trials: RunManifest['cells'][number]['trials'] = [];
    let cal: CalibrationResult | null = null;
    if (c.calibration !== null) {
      const t = makeTrial({ ...FAST_TRIAL, echoGainDb: -15, t60: 0.2, seed: 999, ...c.calibration });
      const rel = `cells/${c.id}/calibration`;
      const d = join(dir, rel);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'ref.wav'), wav(t.fs, t.ref));
      writeFileSync(join(d, 'mic.wav'), wav(t.fs, t.mic));
      writeFileSync(join(d, 'events.jsonl'), eventsJsonl(t.preRollMs, t.drainMs));
      cal = analyzeCalibration(t.ref, t.mic, t.fs, o);
      writeFileSync(join(d, 'calibration.json'), JSON.stringify(cal, null, 2));
      trials.push({ index: 0, calibration: true, dir: rel, fixtureId: 'css', pattern: 'steady', status: 'ok', reason: null, attempts: 1 });
    }
    c.trials.forEach((ts, k) => {
      const index = k + 1;
      const rel = `cells/${c.id}/trial-${String(index).padStart(3, '0')}`;
      if (c.failed?.includes(index)) {
        trials.push({ index, calibration: false, dir: rel, fixtureId: 'tts-a', pattern: 'steady', status: 'failed', reason: 'E_TRIAL: synthetic failure', attempts: 1 });
        return;
      }
      const spec1 = { ...FAST_TRIAL, seed: index * 31 + c.id.length, ...ts };
      const t = makeTrial(spec1);
      // Trailing silence: the drain event comes this long after the last sound of the buffer.
      const drainMs = t.drainMs + (c.trailingSilenceMs ?? 0);
      const d = join(dir, rel);
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'ref.wav'), wav(t.fs, t.ref));
      writeFileSync(join(d, 'mic.wav'), wav(t.fs, t.mic));
      writeFileSync(join(d, 'events.jsonl'), eventsJsonl(t.preRollMs, drainMs));
      if (c.nearEnd) {
        const near = new Float32Array(t.mic.length);
        const g = gaussian(index);
        const a = Math.round(((drainMs + c.nearEnd.afterDrainMs) * t.fs) / 1000);
        const b = Math.min(near.length, a + Math.round((c.nearEnd.durationMs * t.fs) / 1000));
        const amp = 10 ** (c.nearEnd.levelDbfs / 20);
        for (let i = Math.max(0, a); i < b; i++) near[i] = g() * amp;
        writeFileSync(join(d, 'near-truth.wav'), wav(t.fs, near));
      }
      const a = analyzeTrial(
        {
          ref: t.ref, mic: t.mic, sampleRate: t.fs, drainMs, drainSource: 'events', playbackStartMs: t.preRollMs, preRollMs: spec1.preRollMs ?? 300,
          delayMs: null, calibration: cal, refInfo: info('ref.wav', t.fs, t.ref.length), micInfo: info('mic.wav', t.fs, t.mic.length), warnings: [],
        },
        o,
      );
      writeFileSync(join(d, 'metrics.json'), JSON.stringify(a, null, 2));
      trials.push({ index, calibration: false, dir: rel, fixtureId: 'tts-a', pattern: 'steady', status: 'ok', reason: null, attempts: 1 });
    });
    cells.push({
      id: c.id,
      dims: c.dims ?? {},
      settings: { route: requested.route, mode: requested.mode, ...(c.dims ?? {}) },
      requested,
      effective: c.effective === null ? null : effectiveConfig(requested, c.effective ?? {}),
      configErrors: [],
      mismatches: c.mismatches ?? [],
      deviceCrashes: 0,
      status: 'done',
      reason: null,
      trials,
    });
  }
  const manifest = RunManifestSchema.parse({ ...baseManifest(spec, o), cells });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { dir, manifest };
}

/**
 * A copy of a real analysis with another post-drain envelope: tail, peak and every gate
 * verdict recomputed by the real detector, so the object is what analyzeTrial would give.
 */
export function withResidual(template: TrialAnalysis, excess: number[], o: AnalysisOptions, levels: Partial<TrialAnalysis['levels']> = {}): TrialAnalysis {
  const cfg = { thresholdDb: o.detector.thresholdDb, minFrames: Math.ceil(o.detector.minDurationMs / o.frameMs) };
  return {
    ...template,
    residual: { ...template.residual, excessDb: excess, tailLengthMs: tailFrames(excess, cfg) * o.frameMs, peakExcessDb: excess.length ? Math.max(...excess) : null },
    levels: { ...template.levels, ...levels },
    gates: o.gatesMs.map((gateMs) => {
      const v = gateVerdict(excess, cfg, Math.ceil(gateMs / o.frameMs - 1e-9));
      return { gateMs, leak: v.leak, peakExcessDb: v.peakExcessDb, firstLeakMs: v.firstLeakFrame === null ? null : v.firstLeakFrame * o.frameMs, leakDurationMs: v.leakFrames * o.frameMs, evaluatedMs: v.evaluatedFrames * o.frameMs, attribution: null };
    }),
  };
}

/** One real analysis of a quiet synthetic trial, to build envelopes on. */
export function templateAnalysis(o: AnalysisOptions = resolveAnalysisOptions({}), fs = 16_000, extra: TrialSpec = {}): TrialAnalysis {
  const t = makeTrial({ ...FAST_TRIAL, fs, delaySamples: Math.round(fs * 0.03), seed: 5, ...extra });
  return analyzeTrial(
    {
      ref: t.ref, mic: t.mic, sampleRate: fs, drainMs: t.drainMs, drainSource: 'events', playbackStartMs: t.preRollMs, preRollMs: 300, delayMs: null,
      calibration: null, refInfo: info('ref.wav', fs, t.ref.length), micInfo: info('mic.wav', fs, t.mic.length), warnings: [],
    },
    o,
  );
}

/** A post-drain envelope: a plateau of `levelDb` over the floor for `tailMs`, then seeded noise around 0 dB. */
export function tailEnvelope(frames: number, tailMs: number, levelDb = 15, seed = 1, frameMs = 10): number[] {
  const g = gaussian(seed);
  return Array.from({ length: frames }, (_, k) => Math.round((k * frameMs < tailMs ? levelDb + 0.3 * g() : 0.5 * g()) * 100) / 100);
}

export interface LargeRunSpec {
  dir?: string;
  trials: number;
  /** Matrix: route × mode values; trials are spread over the cells. */
  routes?: string[];
  modes?: string[];
  /** Shared audio pair: sample rate and length (the bench uses 48 kHz, 6 s). */
  fs?: number;
  speechS?: number;
  postRollMs?: number;
  seed?: number;
}

/**
 * A large run: metrics written directly. Each trial's residual envelope is the template's
 * with a synthetic decaying tail of seeded length, and its gate verdicts come from the real
 * detector, so everything downstream sees consistent data.
 */
export function makeLargeRunDir(spec: LargeRunSpec): { dir: string; manifest: RunManifest } {
  const dir = spec.dir ?? mkdtempSync(join(tmpdir(), 'voiceaec-large-'));
  const o = resolveAnalysisOptions({});
  const fs = spec.fs ?? 16_000;
  const t = makeTrial({ ...FAST_TRIAL, fs, speechS: spec.speechS ?? 1.2, postRollMs: spec.postRollMs ?? 1700, delaySamples: Math.round(fs * 0.03), seed: 5 });
  const template = templateAnalysis(o, fs, { speechS: spec.speechS ?? 1.2, postRollMs: spec.postRollMs ?? 1700 });
  const shared = join(dir, '.shared');
  mkdirSync(shared, { recursive: true });
  writeFileSync(join(shared, 'ref.wav'), wav(fs, t.ref));
  writeFileSync(join(shared, 'mic.wav'), wav(fs, t.mic));
  writeFileSync(join(shared, 'events.jsonl'), eventsJsonl(t.preRollMs, t.drainMs, [{ type: 'chunkAppended', tMs: t.preRollMs + 5 }]));
  const routes = spec.routes ?? ['speaker', 'receiver'];
  const modes = spec.modes ?? ['voiceChat', 'default'];
  const cellDefs = routes.flatMap((route) => modes.map((mode) => ({ id: `${route}-${mode}`, dims: { route, mode } })));
  const per = Math.ceil(spec.trials / cellDefs.length);
  const u = rng(spec.seed ?? 11);
  const g = gaussian((spec.seed ?? 11) + 1);
  const frames = template.residual.excessDb.length;
  let made = 0;
  const cells: RunManifest['cells'] = cellDefs.map((cd, ci) => {
    const trials: RunManifest['cells'][number]['trials'] = [];
    for (let index = 1; index <= per && made < spec.trials; index++, made++) {
      const rel = `cells/${cd.id}/trial-${String(index).padStart(3, '0')}`;
      const d = join(dir, rel);
      mkdirSync(d, { recursive: true });
      for (const f of ['ref.wav', 'mic.wav', 'events.jsonl']) linkSync(join(shared, f), join(d, f));
      // Tail length grows with the cell (receiver/default leak longer) plus seeded spread.
      const tailMs = 150 + 180 * ci + 300 * u();
      const excess = Array.from({ length: frames }, (_, k) => {
        const ms = k * o.frameMs;
        const tail = ms < tailMs ? 18 * (1 - ms / tailMs) + 7 : -Infinity;
        return Math.round(Math.max(0.5 * g(), tail) * 100) / 100;
      });
      const a = withResidual(template, excess, o, { echoLossDb: Math.round((30 + 10 * u() - 5 * ci) * 100) / 100 });
      writeFileSync(join(d, 'metrics.json'), JSON.stringify(a));
      trials.push({ index, calibration: false, dir: rel, fixtureId: `tts-${index % 7}`, pattern: index % 3 ? 'steady' : 'bursty', status: 'ok', reason: null, attempts: 1 });
    }
    const requested = { ...deviceConfig(), route: cd.dims.route as DeviceConfig['route'], mode: cd.dims.mode as DeviceConfig['mode'] };
    return { id: cd.id, dims: cd.dims, settings: cd.dims, requested, effective: effectiveConfig(requested), configErrors: [], mismatches: [], deviceCrashes: 0, status: 'done', reason: null, trials };
  });
  const manifest = RunManifestSchema.parse({
    ...baseManifest({ scenario: 'large', acceptance: { rules: [{ metric: 'leakRateUpper', gateMs: 800, max: 0.05 }, { metric: 'echoLossDb', min: 20 }] } }, o),
    cells,
  });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { dir, manifest };
}

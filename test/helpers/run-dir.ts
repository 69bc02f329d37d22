/**
 * Synthetic run directories (docs/run-directory.md) for report and compare-gate tests,
 * written through src/run-dir like the runner's: the manifest, and per trial the recorded
 * audio, events, the real analysis of seeded synthetic signals and its request.
 * `makeLargeRunDir` writes analyses directly (one real analysis as template, synthetic
 * residual envelopes) and hard-links one trial's files into every trial, so 1,000 trials
 * take seconds and almost no disk.
 */
import { linkSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANALYSIS_REQUEST_SCHEMA, type AnalysisRequest } from '../../src/analysis/analysis-request.js';
import { analyzeCalibration, analyzeTrial } from '../../src/analysis/analyze-trial.js';
import { type CalibrationResult } from '../../src/analysis/calibration-result.js';
import { gateVerdict, tailFrames } from '../../src/analysis/leak-detector.js';
import type { TrialAnalysis } from '../../src/analysis/trial-result.js';
import { AcceptanceSchema } from '../../src/config/acceptance.js';
import { resolveAnalysisOptions, type AnalysisOptions, type AnalysisOptionsInput } from '../../src/config/analysis-options.js';
import type { DeviceEvent } from '../../src/io/events.js';
import type { DeviceConfig, EffectiveConfig, GateConfig } from '../../src/protocol/messages.js';
import { writeCalibration } from '../../src/run-dir/calibration-file.js';
import { TRIAL_AUDIO, trialDirOf } from '../../src/run-dir/layout.js';
import { writeManifest } from '../../src/run-dir/manifest-file.js';
import { RunManifestSchema, type RunManifest } from '../../src/run-dir/manifest-schema.js';
import { writeTrialAnalysis, writeTrialRecording } from '../../src/run-dir/trial-files.js';
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
  /** The scenario's `vad` block as the manifest records it; absent: no block (the shipped turn profiles). */
  vad?: unknown;
  status?: RunManifest['status'];
  cells: SynthCell[];
}

function deviceConfig(gate: GateConfig = { kind: 'none', ms: 0, thresholdDbfs: -50 }): DeviceConfig {
  return {
    category: 'playAndRecord',
    mode: 'voiceChat',
    options: ['defaultToSpeaker'],
    route: 'speaker',
    engine: 'avaudioengine',
    initOrder: 'correct',
    renderMode: 'realtime',
    teardownOrder: 'correct',
    activation: 'app',
    ioBufferMs: 10,
    sampleRate: 48_000,
    volume: 0.8,
    voiceProcessing: { enabled: true, agc: false, ducking: 'default' },
    gate,
    simulation: null,
  };
}

function effectiveConfig(req: DeviceConfig, over: Partial<EffectiveConfig> = {}): EffectiveConfig {
  return {
    route: req.route,
    mode: req.mode,
    engine: req.engine,
    renderMode: req.renderMode,
    sampleRate: req.sampleRate,
    ioBufferMs: req.ioBufferMs,
    outputLatencyMs: 20,
    inputLatencyMs: 10,
    voiceProcessingEnabled: req.voiceProcessing.enabled,
    gate: req.gate,
    volume: req.volume,
    ...over,
  };
}

function baseManifest(spec: Omit<SynthRun, 'cells'>, analysis: AnalysisOptions): Omit<RunManifest, 'cells'> {
  return {
    schema: 'voiceaec.run/1',
    tool: { name: 'voiceaec', version: '0.1.0-test', gitCommit: null },
    scenario: { name: spec.scenario ?? 'synthetic', source: 'test', resolved: spec.vad === undefined ? null : { vad: spec.vad } },
    seed: spec.seed ?? 7,
    device: { kind: 'sim', model: 'iPhone16,2', osVersion: '18.1', appVersion: '1.0', name: 'Virtual iPhone', simulated: true, ...spec.device },
    startedAt: '2026-01-02T03:04:05.000Z',
    endedAt: '2026-01-02T03:14:05.000Z',
    status: spec.status ?? 'complete',
    analysis,
    acceptance: AcceptanceSchema.parse(spec.acceptance ?? {}),
  };
}

export const TEST_VERSION = '0.1.0-test';

const info = (path: string, fs: number, n: number) => ({
  path,
  sampleRate: fs,
  channels: 1,
  channelUsed: 0 as const,
  durationMs: Math.round((n * 1e6) / fs) / 1000,
  resampledTo: null,
});

/** Events as the runner records them: type, tMs and host time, with micStarted as the origin. */
function deviceEvents(playbackStartMs: number, drainMs: number, extra: Array<{ type: string; tMs: number }> = []): DeviceEvent[] {
  const origin = 5_000_000_000n;
  const ev = (type: string, tMs: number) => ({ type, tMs, hostTimeNs: String(origin + BigInt(Math.round(tMs * 1e6))) });
  return [ev('micStarted', 0), ev('playbackStarted', playbackStartMs), ...extra.map((e) => ev(e.type, e.tMs)), ev('bufferDrained', drainMs)];
}

/** The request the runner stores beside a trial's analysis. */
function requestFor(
  drainMs: number,
  playbackStartMs: number,
  preRollMs: number,
  calibration: CalibrationResult | null,
  options: AnalysisOptions,
): AnalysisRequest {
  return {
    schema: ANALYSIS_REQUEST_SCHEMA,
    channels: { ref: 0, mic: 0 },
    drainMs,
    drainSource: 'events',
    playbackStartMs,
    preRollMs,
    delayMs: null,
    nearEndStartMs: null,
    calibration,
    options,
  };
}

export async function makeRunDir(spec: SynthRun): Promise<{ dir: string; manifest: RunManifest }> {
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
      const rel = trialDirOf(c.id, 0);
      await writeTrialRecording(dir, rel, { sampleRate: t.fs, streams: { play: t.ref, mic: t.mic }, events: deviceEvents(t.preRollMs, t.drainMs) });
      cal = analyzeCalibration(t.ref, t.mic, t.fs, o);
      await writeCalibration(dir, rel, cal);
      trials.push({ index: 0, calibration: true, dir: rel, fixtureId: 'css', pattern: 'steady', status: 'ok', reason: null, attempts: 1 });
    }
    for (const [k, ts] of c.trials.entries()) {
      const index = k + 1;
      const rel = trialDirOf(c.id, index);
      if (c.failed?.includes(index)) {
        trials.push({
          index,
          calibration: false,
          dir: rel,
          fixtureId: 'tts-a',
          pattern: 'steady',
          status: 'failed',
          reason: 'E_TRIAL: synthetic failure',
          attempts: 1,
        });
        continue;
      }
      const spec1 = { ...FAST_TRIAL, seed: index * 31 + c.id.length, ...ts };
      const t = makeTrial(spec1);
      // Trailing silence: the drain event comes this long after the last sound of the buffer.
      const drainMs = t.drainMs + (c.trailingSilenceMs ?? 0);
      let nearTruth: Float32Array | undefined;
      if (c.nearEnd) {
        const near = new Float32Array(t.mic.length);
        const g = gaussian(index);
        const a = Math.round(((drainMs + c.nearEnd.afterDrainMs) * t.fs) / 1000);
        const b = Math.min(near.length, a + Math.round((c.nearEnd.durationMs * t.fs) / 1000));
        const amp = 10 ** (c.nearEnd.levelDbfs / 20);
        for (let i = Math.max(0, a); i < b; i++) near[i] = g() * amp;
        nearTruth = near;
      }
      await writeTrialRecording(dir, rel, { sampleRate: t.fs, streams: { play: t.ref, mic: t.mic, nearTruth }, events: deviceEvents(t.preRollMs, drainMs) });
      const request = requestFor(drainMs, t.preRollMs, spec1.preRollMs ?? 300, cal, o);
      const a = analyzeTrial(
        {
          ...request,
          ref: t.ref,
          mic: t.mic,
          sampleRate: t.fs,
          refInfo: info(TRIAL_AUDIO.play, t.fs, t.ref.length),
          micInfo: info(TRIAL_AUDIO.mic, t.fs, t.mic.length),
          warnings: [],
        },
        o,
      );
      await writeTrialAnalysis(dir, rel, request, a);
      trials.push({ index, calibration: false, dir: rel, fixtureId: 'tts-a', pattern: 'steady', status: 'ok', reason: null, attempts: 1 });
    }
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
  await writeManifest(dir, manifest);
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
    residual: {
      ...template.residual,
      excessDb: excess,
      tailLengthMs: tailFrames(excess, cfg) * o.frameMs,
      peakExcessDb: excess.length ? Math.max(...excess) : null,
    },
    levels: { ...template.levels, ...levels },
    gates: o.gatesMs.map((gateMs) => {
      const v = gateVerdict(excess, cfg, Math.ceil(gateMs / o.frameMs - 1e-9));
      return {
        gateMs,
        leak: v.leak,
        peakExcessDb: v.peakExcessDb,
        firstLeakMs: v.firstLeakFrame === null ? null : v.firstLeakFrame * o.frameMs,
        leakDurationMs: v.leakFrames * o.frameMs,
        evaluatedMs: v.evaluatedFrames * o.frameMs,
        attribution: null,
      };
    }),
  };
}

/** One real analysis of a quiet synthetic trial, to build envelopes on. */
export function templateAnalysis(o: AnalysisOptions = resolveAnalysisOptions({}), fs = 16_000, extra: TrialSpec = {}): TrialAnalysis {
  const t = makeTrial({ ...FAST_TRIAL, fs, delaySamples: Math.round(fs * 0.03), seed: 5, ...extra });
  return analyzeTrial(
    {
      ref: t.ref,
      mic: t.mic,
      sampleRate: fs,
      drainMs: t.drainMs,
      drainSource: 'events',
      playbackStartMs: t.preRollMs,
      preRollMs: 300,
      delayMs: null,
      calibration: null,
      refInfo: info(TRIAL_AUDIO.play, fs, t.ref.length),
      micInfo: info(TRIAL_AUDIO.mic, fs, t.mic.length),
      warnings: [],
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
export async function makeLargeRunDir(spec: LargeRunSpec): Promise<{ dir: string; manifest: RunManifest }> {
  const dir = spec.dir ?? mkdtempSync(join(tmpdir(), 'voiceaec-large-'));
  const o = resolveAnalysisOptions({});
  const fs = spec.fs ?? 16_000;
  const t = makeTrial({ ...FAST_TRIAL, fs, speechS: spec.speechS ?? 1.2, postRollMs: spec.postRollMs ?? 1700, delaySamples: Math.round(fs * 0.03), seed: 5 });
  const template = templateAnalysis(o, fs, { speechS: spec.speechS ?? 1.2, postRollMs: spec.postRollMs ?? 1700 });
  const shared = '.shared';
  const request = requestFor(t.drainMs, t.preRollMs, 300, null, o);
  await writeTrialRecording(dir, shared, {
    sampleRate: fs,
    streams: { play: t.ref, mic: t.mic },
    events: deviceEvents(t.preRollMs, t.drainMs, [{ type: 'chunkAppended', tMs: t.preRollMs + 5 }]),
  });
  const sharedFiles = readdirSync(join(dir, shared));
  const routes = spec.routes ?? ['speaker', 'receiver'];
  const modes = spec.modes ?? ['voiceChat', 'default'];
  const cellDefs = routes.flatMap((route) => modes.map((mode) => ({ id: `${route}-${mode}`, dims: { route, mode } })));
  const per = Math.ceil(spec.trials / cellDefs.length);
  const u = rng(spec.seed ?? 11);
  const g = gaussian((spec.seed ?? 11) + 1);
  const frames = template.residual.excessDb.length;
  let made = 0;
  const cells: RunManifest['cells'] = [];
  for (const [ci, cd] of cellDefs.entries()) {
    const trials: RunManifest['cells'][number]['trials'] = [];
    for (let index = 1; index <= per && made < spec.trials; index++, made++) {
      const rel = trialDirOf(cd.id, index);
      mkdirSync(join(dir, rel), { recursive: true });
      for (const f of sharedFiles) linkSync(join(dir, shared, f), join(dir, rel, f));
      // Tail length grows with the cell (receiver/default leak longer) plus seeded spread.
      const tailMs = 150 + 180 * ci + 300 * u();
      const excess = Array.from({ length: frames }, (_, k) => {
        const ms = k * o.frameMs;
        const tail = ms < tailMs ? 18 * (1 - ms / tailMs) + 7 : -Infinity;
        return Math.round(Math.max(0.5 * g(), tail) * 100) / 100;
      });
      const a = withResidual(template, excess, o, { echoLossDb: Math.round((30 + 10 * u() - 5 * ci) * 100) / 100 });
      await writeTrialAnalysis(dir, rel, request, a);
      trials.push({
        index,
        calibration: false,
        dir: rel,
        fixtureId: `tts-${index % 7}`,
        pattern: index % 3 ? 'steady' : 'bursty',
        status: 'ok',
        reason: null,
        attempts: 1,
      });
    }
    const requested = { ...deviceConfig(), route: cd.dims.route as DeviceConfig['route'], mode: cd.dims.mode as DeviceConfig['mode'] };
    cells.push({
      id: cd.id,
      dims: cd.dims,
      settings: cd.dims,
      requested,
      effective: effectiveConfig(requested),
      configErrors: [],
      mismatches: [],
      deviceCrashes: 0,
      status: 'done',
      reason: null,
      trials,
    });
  }
  const manifest = RunManifestSchema.parse({
    ...baseManifest(
      {
        scenario: 'large',
        // 1,000 copies of one trial: the VAD's ~40 ms per trial would be most of the test's time.
        vad: { profiles: [] },
        acceptance: {
          rules: [
            { metric: 'leakRateUpper', gateMs: 800, max: 0.05 },
            { metric: 'echoLossDb', min: 20 },
          ],
        },
      },
      o,
    ),
    cells,
  });
  await writeManifest(dir, manifest);
  return { dir, manifest };
}

/**
 * The scenario runner (docs/architecture.md, docs/scenarios.md): expands the matrix, and
 * per cell configures the device, checks requested against effective configuration, runs a
 * calibration trial with voice processing bypassed, then the measured trials; hands every
 * trial's recording to the run directory and to the analysis, journals progress in the
 * manifest after each trial, survives device crashes, and resumes a killed run where it
 * stopped.
 */
import { deviceClassOf } from '../core/device-class.js';
import { environmentError, isVoiceAecError, type VoiceAecError } from '../core/errors.js';
import { ANALYSIS_REQUEST_SCHEMA, type AnalysisRequest } from '../analysis/analysis-request.js';
import { analyzeCalibrationRecording, analyzeRecording } from '../analysis/analyze-recording.js';
import type { CalibrationResult } from '../analysis/calibration-result.js';
import { parseSweep, type AnalysisOptions } from '../config/analysis-options.js';
import { DIMENSIONS, maxRepetitions, restartsEngine, type CellSettings, type Scenario } from '../config/scenario.js';
import { verdictAt } from '../analysis/gate-verdicts.js';
import { sequentialDecision, type GateCount, type SequentialPlan } from '../analysis/sequential-trials.js';
import { playbackTimeline } from '../config/streaming-pattern.js';
import { trialTiming } from '../io/events.js';
import { LIMITS, type DeviceConfig, type EffectiveConfig, type ScheduleEntry } from '../protocol/messages.js';
import type { DeviceDriver } from '../device/device-driver.js';
import { DeviceSession } from '../device/device-session.js';
import type { TrialExchange } from '../device/trial-exchange.js';
import { readCalibration, writeCalibration } from '../run-dir/calibration-file.js';
import { trialDirOf } from '../run-dir/layout.js';
import { checkRunDirWritable, readManifest, writeManifest } from '../run-dir/manifest-file.js';
import { RUN_SCHEMA, type CellRecord, type RunManifest, type TrialRecord } from '../run-dir/manifest-schema.js';
import { readTrialAnalysis, recordedStream, writeTrialAnalysis, writeTrialRecording } from '../run-dir/trial-files.js';
import { FixtureCatalog } from './fixture-catalog.js';
import { prepareResume } from './resume-run.js';
import { trialFileSizes } from '../run-dir/trial-journal.js';
import { expandMatrix, valueLabel, type Cell } from './matrix.js';
import { FIXTURE_SAMPLE_RATE } from '../fixture-prep/manifest.js';
import { seedFor } from './seed.js';

/** Fixtures are 48 kHz; the runner asks the device for the same rate. */
const RATE = FIXTURE_SAMPLE_RATE;

export type RunProgress =
  | { type: 'connected'; device: RunManifest['device'] }
  | { type: 'cell'; cell: CellRecord; index: number; cells: number }
  /** `totalIsMax`: a sequential cell is still open and counts at its maximum, so `total` (and an ETA from it) is an upper bound. */
  | { type: 'trial'; cell: CellRecord; trial: TrialRecord; done: number; total: number; totalIsMax: boolean; elapsedMs: number }
  | { type: 'warning'; message: string };

export interface RunOptions {
  scenario: Scenario;
  scenarioSource: string;
  runDir: string;
  driver: DeviceDriver;
  fixturesDir: string;
  resume: boolean;
  /** How the device was reached, as the manifest records it (no credentials). */
  deviceTarget?: string;
  /** Let a resume continue on another device than the one that started the run. */
  allowDeviceChange?: boolean;
  toolVersion: string;
  gitCommit: string | null;
  onProgress?: (p: RunProgress) => void;
  /** Wall-clock allowance per trial beyond its own duration (a real phone plays in real time). */
  trialTimeoutSlackMs?: number;
}

/** Analysis options of a scenario: the gate list plus the sweep, as one sorted list. */
export function scenarioAnalysisOptions(s: Scenario): AnalysisOptions {
  const { sweep, ...rest } = s.analysis;
  const gates = new Set([...rest.gatesMs, ...(sweep ? parseSweep(sweep) : [])]);
  return { ...rest, gatesMs: [...gates].sort((a, b) => a - b) };
}

export function deviceConfigFor(settings: CellSettings, scenario: Scenario, cellId: string, kind: DeviceDriver['kind']): DeviceConfig {
  return {
    category: 'playAndRecord',
    mode: settings.mode,
    options: settings.options,
    route: settings.route,
    engine: settings.engine,
    initOrder: settings.initOrder,
    renderMode: settings.renderMode,
    teardownOrder: settings.teardownOrder,
    activation: settings.activation,
    ioBufferMs: settings.ioBufferMs,
    sampleRate: RATE,
    volume: settings.volume,
    voiceProcessing: settings.voiceProcessing,
    gate: settings.gate,
    simulation: kind === 'sim' ? { room: settings.room, deviceProfile: settings.profile, seed: seedFor(scenario.seed, cellId), rirAudioId: null } : null,
  };
}

/** Requested settings the device did not honour, in words. */
export function configMismatches(req: DeviceConfig, eff: EffectiveConfig | null): string[] {
  if (!eff) return ['no effective configuration: the device could not configure the engine'];
  const out: string[] = [];
  if (eff.route !== req.route) out.push(`route: ${req.route} → ${eff.route ?? 'none'}`);
  if (eff.mode !== req.mode) out.push(`mode: ${req.mode} → ${eff.mode}`);
  if (eff.engine !== req.engine) out.push(`engine: ${req.engine} → ${eff.engine}`);
  if (eff.renderMode !== req.renderMode) out.push(`renderMode: ${req.renderMode} → ${eff.renderMode}`);
  if (eff.voiceProcessingEnabled !== req.voiceProcessing.enabled)
    out.push(`voice processing: ${req.voiceProcessing.enabled ? 'on' : 'off'} → ${eff.voiceProcessingEnabled ? 'on' : 'off'}`);
  if (eff.sampleRate !== req.sampleRate) out.push(`sampleRate: ${req.sampleRate} → ${eff.sampleRate}`);
  if (Math.abs(eff.volume - req.volume) > 0.01) out.push(`volume: ${req.volume} → ${eff.volume}`);
  return out;
}

/** The { min, max } of a sequential scenario; null for a fixed repetition count. */
export function sequentialPlanOf(s: Scenario): SequentialPlan | null {
  const r = s.trials.repetitions;
  return typeof r === 'number' ? null : r;
}

function newManifest(o: RunOptions, cells: Cell[], device: RunManifest['device'], analysis: AnalysisOptions): RunManifest {
  const plan = o.scenario.trials;
  // A sequential cell starts with its minimum; the runner adds one trial at a time after that.
  const measured = typeof plan.repetitions === 'number' ? plan.repetitions : plan.repetitions.min;
  return {
    schema: RUN_SCHEMA,
    tool: { name: 'voiceaec', version: o.toolVersion, gitCommit: o.gitCommit },
    scenario: { name: o.scenario.name, source: o.scenarioSource, resolved: o.scenario },
    seed: o.scenario.seed,
    device,
    startedAt: new Date().toISOString(),
    endedAt: null,
    status: 'running',
    analysis,
    acceptance: o.scenario.acceptance,
    cells: cells.map((c) => ({
      id: c.id,
      dims: c.dims,
      settings: Object.fromEntries(DIMENSIONS.map((d) => [d, valueLabel(c.settings[d])])),
      requested: deviceConfigFor(c.settings, o.scenario, c.id, o.driver.kind),
      effective: null,
      configErrors: [],
      mismatches: [],
      deviceCrashes: 0,
      status: 'pending',
      reason: null,
      trials: [
        ...(plan.calibration
          ? [
              {
                index: 0,
                calibration: true,
                dir: trialDirOf(c.id, 0),
                fixtureId: plan.calibration.fixture,
                pattern: 'single',
                status: 'pending' as const,
                reason: null,
                attempts: 0,
              },
            ]
          : []),
        ...Array.from({ length: measured }, (_, k) => ({
          index: k + 1,
          calibration: false,
          dir: trialDirOf(c.id, k + 1),
          fixtureId: '',
          pattern: c.settings.pattern,
          status: 'pending' as const,
          reason: null,
          attempts: 0,
        })),
      ],
    })),
  };
}

/** The host could not write the run directory (full disk, lost mount): not the device's fault. */
function isHostWriteError(e: unknown): e is VoiceAecError {
  return isVoiceAecError(e) && e.code === 'E_FILE_WRITE';
}

/** A host write failure stops the run at once, resumable, every finished trial kept. */
function stoppedForDisk(e: VoiceAecError, runDir: string): VoiceAecError {
  const errno = (e.details as { errno?: string } | undefined)?.errno;
  const why = errno === 'ENOSPC' ? 'the disk is full' : errno === 'EDQUOT' ? 'the disk quota is used up' : 'the run directory cannot be written';
  return environmentError('E_RUN_WRITE', `${why}: stopped the run; every finished trial is kept (${e.message})`, {
    hint: `free space or fix the directory, then continue with  voiceaec run --resume ${runDir}`,
    cause: e,
  });
}

export class ScenarioRunner {
  private readonly device: DeviceSession;
  private readonly analysis: AnalysisOptions;
  private manifest!: RunManifest;
  private readonly started = Date.now();
  private trialsDone = 0;
  private fixtureLists = new Map<string, Array<{ id: string }>>();
  /** Leak verdict per gate of each measured trial, from its stored metrics: read once per trial. */
  private readonly verdicts = new Map<string, Array<boolean | null> | null>();

  constructor(
    private readonly o: RunOptions,
    private readonly catalog: FixtureCatalog,
  ) {
    this.analysis = scenarioAnalysisOptions(o.scenario);
    this.device = new DeviceSession(o.driver);
  }

  static async create(o: RunOptions): Promise<ScenarioRunner> {
    return new ScenarioRunner(o, await FixtureCatalog.load(o.fixturesDir));
  }

  async run(): Promise<RunManifest> {
    const cells = expandMatrix(this.o.scenario);
    // Resolve every cell's fixtures before touching the device: a typo fails in a second.
    const fixtureLists = new Map(cells.map((c) => [c.id, this.catalog.resolve(c.settings.fixtures, `cell ${c.id}`)]));
    this.fixtureLists = fixtureLists;
    for (const c of cells) this.catalog.pattern(c.settings.pattern);
    if (this.o.scenario.trials.calibration) this.catalog.entry(this.o.scenario.trials.calibration.fixture);
    if (this.o.scenario.trials.nearEnd) this.catalog.entry(this.o.scenario.trials.nearEnd.fixture);

    await checkRunDirWritable(this.o.runDir);
    const info = (await this.device.open()).device;
    const device: RunManifest['device'] = {
      kind: this.o.driver.kind,
      model: info.model,
      osVersion: info.osVersion,
      appVersion: info.appVersion,
      name: info.name,
      simulated: info.simulated,
      class: deviceClassOf(info),
      ...(this.o.deviceTarget ? { target: this.o.deviceTarget } : {}),
      id: this.o.driver.deviceId ?? null,
      ...(this.o.driver.link ? { link: { ...this.o.driver.link } } : {}),
    };
    this.o.onProgress?.({ type: 'connected', device });

    if (this.o.resume) {
      this.manifest = await readManifest(this.o.runDir);
      await prepareResume(this.manifest, {
        runDir: this.o.runDir,
        scenario: this.o.scenario,
        device,
        allowDeviceChange: !!this.o.allowDeviceChange,
        warn: (message) => this.o.onProgress?.({ type: 'warning', message }),
      });
    } else {
      this.manifest = newManifest(this.o, cells, device, this.analysis);
    }
    for (const c of cells) {
      const rec = this.manifest.cells.find((r) => r.id === c.id)!;
      const list = fixtureLists.get(c.id)!;
      for (const t of rec.trials) if (!t.calibration) t.fixtureId = list[(t.index - 1) % list.length]!.id;
    }
    await writeManifest(this.o.runDir, this.manifest);

    try {
      for (const [i, c] of cells.entries()) {
        const rec = this.manifest.cells.find((r) => r.id === c.id)!;
        if (rec.status === 'done' || rec.status === 'abandoned' || rec.status === 'unsupported') continue;
        this.o.onProgress?.({ type: 'cell', cell: rec, index: i, cells: cells.length });
        await this.runCell(c, rec);
      }
      this.manifest.status = 'complete';
    } catch (e) {
      this.manifest.status = 'aborted';
      this.manifest.endedAt = new Date().toISOString();
      // On a full disk this write fails too; the journal on disk then still says where the run stood.
      await writeManifest(this.o.runDir, this.manifest).catch(() => undefined);
      this.device.close();
      throw isHostWriteError(e) ? stoppedForDisk(e, this.o.runDir) : e;
    }
    this.manifest.endedAt = new Date().toISOString();
    try {
      await writeManifest(this.o.runDir, this.manifest);
    } catch (e) {
      throw isHostWriteError(e) ? stoppedForDisk(e, this.o.runDir) : e;
    } finally {
      this.device.close();
    }
    return this.manifest;
  }

  /** Configures the cell; returns false when the device rejected the configuration. */
  private async configure(rec: CellRecord): Promise<boolean> {
    const reply = await this.device.configure(rec.requested);
    rec.effective = reply.effective;
    rec.configErrors = reply.errors;
    rec.mismatches = reply.ok ? configMismatches(rec.requested, reply.effective) : [];
    return reply.ok;
  }

  /** (Re)launch, configure and upload what the cell plays. */
  private async prepareCell(rec: CellRecord): Promise<boolean> {
    await this.device.ensureOpen();
    const ok = await this.configure(rec);
    if (!ok) return false;
    const ids = new Set(rec.trials.map((t) => t.fixtureId));
    // A sequential cell may go on to any fixture of its list.
    if (sequentialPlanOf(this.o.scenario)) for (const f of this.fixtureLists.get(rec.id) ?? []) ids.add(f.id);
    if (this.o.scenario.trials.nearEnd) ids.add(this.o.scenario.trials.nearEnd.fixture);
    for (const id of ids) await this.device.loadAudio(id, await this.catalog.audio(id), RATE);
    return true;
  }

  private async runCell(cell: Cell, rec: CellRecord): Promise<void> {
    const plan = this.o.scenario.trials;
    rec.status = 'running';
    if (!(await this.prepareCell(rec))) {
      rec.status = 'unsupported';
      rec.reason = rec.configErrors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'the device rejected the configuration';
      for (const t of rec.trials) Object.assign(t, { status: 'failed', reason: `not run: ${rec.reason}` });
      await writeManifest(this.o.runDir, this.manifest);
      return;
    }
    let cal = await this.loadCalibration(rec);
    let consecutiveFailures = 0;
    const seq = sequentialPlanOf(this.o.scenario);
    // A resumed sequential cell decides first: the trial an interruption kept it from adding comes next, as it would have.
    if (seq) await this.continueSequential(rec, seq);
    const firstPending = rec.trials.findIndex((t) => t.status === 'pending');
    // A resumed cell replays what was played since the last engine start, unrecorded, so the
    // canceller has adapted as far as it had in the uninterrupted run.
    if (firstPending > 0) await this.replay(cell, rec, firstPending);

    for (let pos = 0; pos < rec.trials.length; pos++) {
      const t = rec.trials[pos]!;
      if (t.status !== 'pending') continue;
      if (!t.calibration && restartsEngine(t.index, plan.restartEngineEvery)) {
        await this.restartEngine(rec);
      }
      t.attempts++;
      try {
        const x = await this.play(cell, rec, t);
        await writeTrialRecording(this.o.runDir, t.dir, x);
        if (t.calibration) cal = await this.calibrate(t, x);
        const unmeasurable = await this.analyse(t, x, cal);
        t.status = x.ok && !unmeasurable ? 'ok' : 'failed';
        t.reason = !x.ok ? `${x.error?.code ?? 'E_TRIAL'}: ${x.error?.message ?? 'the device reported a failed trial'}` : unmeasurable;
        if (t.status === 'ok') t.files = await trialFileSizes(this.o.runDir, t.dir);
        consecutiveFailures = t.status === 'ok' ? 0 : consecutiveFailures + 1;
      } catch (e) {
        if (isHostWriteError(e)) throw e; // run() stops the run, resumable
        if (!isVoiceAecError(e) || (e.category !== 'device' && e.category !== 'environment')) throw e;
        t.status = 'failed';
        t.reason = e.toLine();
        consecutiveFailures++;
        if (!this.device.isOpen) {
          rec.deviceCrashes++;
          const why = await this.device.diagnose();
          if (why) t.reason += `; device: ${why}`;
        }
        this.o.onProgress?.({ type: 'warning', message: `${rec.id} trial ${t.index}: ${e.toLine()}; relaunching the device` });
        if (consecutiveFailures < plan.maxConsecutiveFailures) {
          // The app crashed or the link dropped: relaunch, reconfigure, go on.
          if (!(await this.recover(rec))) consecutiveFailures = plan.maxConsecutiveFailures;
        }
      }
      this.trialsDone++;
      if (consecutiveFailures >= plan.maxConsecutiveFailures) {
        rec.status = 'abandoned';
        rec.reason = `${consecutiveFailures} consecutive failed trials; last: ${t.reason}`;
        for (const rest of rec.trials.slice(pos + 1))
          if (rest.status === 'pending') Object.assign(rest, { status: 'failed', reason: 'not run: cell abandoned' });
        await writeManifest(this.o.runDir, this.manifest);
        this.o.onProgress?.({ type: 'trial', cell: rec, trial: t, done: this.trialsDone, ...this.totalTrials(), elapsedMs: Date.now() - this.started });
        return;
      }
      if (seq) await this.continueSequential(rec, seq);
      await writeManifest(this.o.runDir, this.manifest);
      this.o.onProgress?.({ type: 'trial', cell: rec, trial: t, done: this.trialsDone, ...this.totalTrials(), elapsedMs: Date.now() - this.started });
    }
    await this.teardown(rec);
    rec.status = 'done';
    await writeManifest(this.o.runDir, this.manifest);
  }

  /** Trials of the run; a sequential cell still running counts at its maximum (the ETA is an upper bound). */
  private totalTrials(): { total: number; totalIsMax: boolean } {
    const seq = sequentialPlanOf(this.o.scenario);
    const most = maxRepetitions(this.o.scenario.trials.repetitions) + (this.o.scenario.trials.calibration ? 1 : 0);
    const open = (c: CellRecord) => !!seq && !c.stop && (c.status === 'pending' || c.status === 'running');
    return {
      total: this.manifest.cells.reduce((n, c) => n + (open(c) ? Math.max(most, c.trials.length) : c.trials.length), 0),
      totalIsMax: this.manifest.cells.some(open),
    };
  }

  /**
   * After a sequential cell's last planned trial: stop (recording why in the manifest) or add
   * the next trial. The decision reads every finished trial's stored metrics, as the
   * evaluation does, so a resumed run takes exactly the trials an uninterrupted one would.
   */
  private async continueSequential(rec: CellRecord, plan: SequentialPlan): Promise<void> {
    if (rec.stop || rec.trials.some((t) => t.status === 'pending')) return;
    const measured = rec.trials.filter((t) => !t.calibration);
    const gates = this.analysis.gatesMs;
    const counts: GateCount[] = gates.map((gateMs) => ({ gateMs, leaks: 0, decided: 0 }));
    for (const t of measured) {
      if (t.status !== 'ok') continue;
      for (const [i, leak] of ((await this.trialVerdicts(t)) ?? []).entries()) {
        if (leak === null) continue;
        counts[i]!.decided++;
        if (leak) counts[i]!.leaks++;
      }
    }
    const { targetLeakRate, confidence } = this.o.scenario.acceptance;
    const d = sequentialDecision(counts, measured.length, plan, targetLeakRate, confidence);
    if (d.stop && d.reason) {
      rec.stop = { reason: d.reason, afterTrials: measured.length, message: d.message };
      return;
    }
    const index = Math.max(0, ...measured.map((t) => t.index)) + 1;
    const list = this.fixtureLists.get(rec.id)!;
    rec.trials.push({
      index,
      calibration: false,
      dir: trialDirOf(rec.id, index),
      fixtureId: list[(index - 1) % list.length]!.id,
      pattern: measured[0]?.pattern ?? String(rec.settings.pattern ?? 'single'),
      status: 'pending',
      reason: null,
      attempts: 0,
    });
  }

  private async trialVerdicts(t: TrialRecord): Promise<Array<boolean | null> | null> {
    if (!this.verdicts.has(t.dir)) {
      const { analysis } = await readTrialAnalysis(this.o.runDir, t.dir);
      this.verdicts.set(t.dir, analysis ? this.analysis.gatesMs.map((g) => verdictAt(analysis, g).leak) : null);
    }
    return this.verdicts.get(t.dir)!;
  }

  private async recover(rec: CellRecord): Promise<boolean> {
    try {
      await this.device.open();
      return await this.prepareCell(rec);
    } catch (e) {
      if (!isVoiceAecError(e)) throw e;
      this.o.onProgress?.({ type: 'warning', message: `${rec.id}: relaunch failed: ${e.toLine()}` });
      return false;
    }
  }

  private async restartEngine(rec: CellRecord): Promise<void> {
    await this.teardown(rec);
    await this.prepareCell(rec);
  }

  /** Stops the engine; a teardown that crashes the app is a finding, recorded on the cell. */
  private async teardown(rec: CellRecord): Promise<void> {
    try {
      const r = await this.device.teardown();
      if (!r.ok) this.noteCell(rec, `teardown errors: ${r.errors.map((e) => e.code).join(', ')}`);
    } catch (e) {
      if (!isVoiceAecError(e)) throw e;
      this.noteCell(rec, `teardown: ${e.code} (the app crashed or hung; relaunched)`);
      rec.deviceCrashes++;
      await this.device.open();
    }
  }

  private noteCell(rec: CellRecord, note: string): void {
    if (!rec.reason?.includes(note)) rec.reason = rec.reason ? `${rec.reason}; ${note}` : note;
  }

  private async replay(cell: Cell, rec: CellRecord, firstPending: number): Promise<void> {
    const every = this.o.scenario.trials.restartEngineEvery;
    const pendingIndex = rec.trials[firstPending]!.index;
    const segmentStart = every && pendingIndex > 1 ? pendingIndex - ((pendingIndex - 1) % every) : 0;
    for (const t of rec.trials.slice(0, firstPending)) {
      if (t.index < segmentStart || t.status !== 'ok') continue;
      await this.play(cell, rec, t);
    }
  }

  private trialMessage(cell: Cell, rec: CellRecord, t: TrialRecord, frames: number) {
    const plan = this.o.scenario.trials;
    const schedule: ScheduleEntry[] = t.calibration
      ? [{ atMs: 0, startFrame: 0, frameCount: frames }]
      : this.catalog.schedule(cell.settings.pattern, frames, seedFor(this.o.scenario.seed, `${rec.id}.${t.index}`));
    const nearEnd =
      plan.nearEnd && !t.calibration
        ? {
            audioId: plan.nearEnd.fixture,
            atMs: Math.max(0, playbackTimeline(schedule, RATE).endMs + plan.nearEnd.afterDrainMs),
            levelDbfs: plan.nearEnd.levelDbfs,
          }
        : null;
    return {
      type: 'trial' as const,
      trialId: `${rec.id}.t${String(t.index).padStart(3, '0')}`,
      audioId: t.fixtureId,
      schedule,
      preRollMs: plan.preRollMs,
      postRollMs: plan.postRollMs,
      bypassVoiceProcessing: t.calibration,
      nearEnd,
      groundTruth: plan.groundTruth && this.device.ready.capabilities.groundTruth,
    };
  }

  /**
   * Plays one trial. A near-end talker's onset (ms from the first mic sample) is added as
   * an event of the runner's own, so every analysis of the trial stops its leak verdicts there.
   */
  private async play(cell: Cell, rec: CellRecord, t: TrialRecord): Promise<TrialExchange> {
    const frames = (await this.catalog.audio(t.fixtureId)).length;
    const msg = this.trialMessage(cell, rec, t, frames);
    const plan = this.o.scenario.trials;
    const durationMs = plan.preRollMs + playbackTimeline(msg.schedule, RATE).endMs + plan.postRollMs;
    const x = await this.device.runTrial(msg, durationMs, durationMs + (this.o.trialTimeoutSlackMs ?? LIMITS.replyTimeoutMs));
    if (msg.nearEnd) {
      const tMs = plan.preRollMs + msg.nearEnd.atMs;
      const origin = BigInt(x.events.find((e) => e.type === 'micStarted')?.hostTimeNs ?? '0');
      x.events.push({
        type: 'nearEndStarted',
        tMs,
        hostTimeNs: (origin + BigInt(Math.round(tMs * 1e6))).toString(),
        source: 'runner',
        levelDbfs: msg.nearEnd.levelDbfs,
      });
      x.events.sort((a, b) => a.tMs - b.tMs);
    }
    return x;
  }

  private async calibrate(t: TrialRecord, x: TrialExchange): Promise<CalibrationResult | null> {
    if (!x.ok || !x.streams.play || !x.streams.mic) return null;
    const pair = { ref: recordedStream('play', x.streams.play, x.sampleRate), mic: recordedStream('mic', x.streams.mic, x.sampleRate) };
    const cal = await analyzeCalibrationRecording(pair, this.analysis);
    await writeCalibration(this.o.runDir, t.dir, cal);
    return cal;
  }

  private async loadCalibration(rec: CellRecord): Promise<CalibrationResult | null> {
    const t = rec.trials.find((x) => x.calibration && x.status === 'ok');
    return t ? (await readCalibration(this.o.runDir, t.dir)).value : null;
  }

  /**
   * The trial's analysis, stored with the request that produced it. Returns why the
   * recording cannot be measured (out of the supported range, or implausible: NaN, corrupt
   * or clipped samples, swapped streams), which fails the trial; null when it can.
   */
  private async analyse(t: TrialRecord, x: TrialExchange, cal: CalibrationResult | null): Promise<string | null> {
    if (!x.ok || !x.streams.play || !x.streams.mic) return null;
    const timing = trialTiming(x.events);
    const request: AnalysisRequest = {
      schema: ANALYSIS_REQUEST_SCHEMA,
      channels: { ref: 0, mic: 0 },
      drainMs: timing.drainMs,
      drainSource: timing.drainMs !== null ? 'events' : 'reference',
      playbackStartMs: timing.playbackStartMs,
      preRollMs: this.o.scenario.trials.preRollMs,
      delayMs: null,
      nearEndStartMs: timing.nearEndStartMs,
      calibration: cal,
      options: this.analysis,
    };
    const pair = { ref: recordedStream('play', x.streams.play, x.sampleRate), mic: recordedStream('mic', x.streams.mic, x.sampleRate) };
    let analysis;
    try {
      analysis = await analyzeRecording(pair, request);
    } catch (e) {
      if (isVoiceAecError(e) && e.code === 'E_ANALYSIS_RANGE') return e.toLine();
      throw e;
    }
    await writeTrialAnalysis(this.o.runDir, t.dir, request, analysis);
    const implausible = analysis.flags.implausible;
    return implausible?.flag ? `E_ANALYSIS_IMPLAUSIBLE: ${implausible.reason ?? 'implausible recording'}` : null;
  }
}

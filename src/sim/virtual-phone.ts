/**
 * The virtual iPhone: a deterministic, in-process model of the harness app on a phone in
 * a room. The device server (device-server.ts) wraps it in the wire protocol; this class
 * only computes. Same profile, seed and sequence of calls → bit-identical output.
 * Everything it produces is a model (docs/virtual-iphone.md), never a measurement.
 */
import { didYouMean } from '../core/did-you-mean.js';
import { deviceError } from '../core/errors.js';
import {
  type DeviceConfig,
  type DeviceError,
  type EffectiveConfig,
  Engine as EngineSchema,
  type EventName,
  GateKind as GateKindSchema,
  SessionMode as SessionModeSchema,
  type TrialMessage,
} from '../protocol/messages.js';
import { type EngineBehaviour, resolveSession } from './audio-session.js';
import { NoiseBank } from './coloured-noise.js';
import { DEVICE_PROFILES, deviceProfile, type DeviceProfile, type Engine, type GateKind, type Route, ROUTES, type SessionMode } from './device-profiles.js';
import { EchoCanceller } from './echo-canceller.js';
import { echoResponse, talkerResponse } from './echo-path.js';
import { FftConvolver } from './fft-convolver.js';
import { volumeGainDb } from './loudspeaker.js';
import { applyMicGate } from './mic-gate.js';
import { runMicPath, type MicPathInput } from './mic-path.js';
import { renderSchedule } from './playback-timeline.js';
import { internalRate, type InternalRate } from './rate-conversion.js';
import { ResidualSuppressor } from './residual-suppressor.js';
import { roomResponse, type RoomPath } from './room.js';
import { roomPreset, type RoomPreset } from './room-presets.js';
import { mixSeed, STREAM } from './seeded-random.js';
import { resampleSinc } from './windowed-sinc.js';

/** The modelled app crashed: the server drops the connection. */
export class SimCrash extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimCrash';
  }
}

export type SimEventData = Record<string, string | number | boolean | null>;
export interface SimEvent {
  name: EventName;
  /** ms from trial start (the first mic sample). */
  tMs: number;
  data: SimEventData;
}

export interface SimTrialResult {
  ok: boolean;
  error: DeviceError | null;
  /** All at the configured sample rate, equal length, sample 0 = trial start = first mic sample. */
  streams: { play: Float32Array; mic: Float32Array; gated: Float32Array | null; echoTruth: Float32Array | null; nearTruth: Float32Array | null };
  /** Sorted by time. */
  events: SimEvent[];
}

const DEFAULT_ROOM = 'quiet-room';

/** A configured engine: everything a trial needs that only configure changes. */
interface ActiveEngine {
  config: DeviceConfig;
  behaviour: EngineBehaviour;
  ir: InternalRate;
  echo: FftConvolver;
  talker: FftConvolver;
  /** Persist across trials until the next configure: the cold start lives here. */
  canceller: EchoCanceller | null;
  suppressor: ResidualSuppressor | null;
  noise: NoiseBank;
  trials: number;
}

interface LoadedAudio {
  sampleRate: number;
  samples: Float32Array;
}

export class VirtualPhone {
  readonly info: { model: string; osVersion: string; appVersion: string; name: string; simulated: true };
  private readonly profile: DeviceProfile;
  private readonly seed: number;
  private readonly audio = new Map<string, LoadedAudio>();
  private readonly atRate = new Map<string, Float32Array>();
  private engine: ActiveEngine | null = null;
  private crashed = false;
  private trialCounter = 0;

  constructor(opts: { profile: string; seed: number }) {
    const profile = deviceProfile(opts.profile);
    if (!profile) {
      throw deviceError('E_SIM_UNKNOWN_PROFILE', `the virtual iPhone has no device profile "${opts.profile}"`, {
        hint: `${didYouMean(opts.profile, Object.keys(DEVICE_PROFILES))}use ${Object.keys(DEVICE_PROFILES).join(' or ')} (docs/virtual-iphone.md §Device profiles)`,
      });
    }
    this.profile = profile;
    this.seed = opts.seed >>> 0;
    this.info = { model: profile.model, osVersion: profile.osVersion, appVersion: profile.appVersion, name: profile.name, simulated: true };
  }

  /** The model covers every route, session mode, engine and gate of the protocol. */
  capabilities(): { routes: Route[]; modes: SessionMode[]; engines: Engine[]; gates: GateKind[]; groundTruth: true } {
    return {
      routes: [...ROUTES],
      modes: [...SessionModeSchema.options],
      engines: [...EngineSchema.options],
      gates: [...GateKindSchema.options],
      groundTruth: true,
    };
  }

  /** TTS fixtures, near-end speech and measured RIRs, at their own rate. */
  loadAudio(audioId: string, sampleRate: number, samples: Float32Array): void {
    this.alive();
    this.audio.set(audioId, { sampleRate, samples: samples.slice() });
    for (const key of [...this.atRate.keys()]) if (key.startsWith(`${audioId}@`)) this.atRate.delete(key);
  }

  /** (Re)builds the engine: the canceller starts cold. */
  configure(config: DeviceConfig): { ok: boolean; effective: EffectiveConfig | null; errors: DeviceError[] } {
    this.alive();
    this.engine = null;
    const sim = config.simulation;
    const errors: DeviceError[] = [];
    const room = roomPreset(sim?.room ?? DEFAULT_ROOM);
    if (!room) errors.push({ code: 'E_SIM_UNKNOWN_ROOM', message: `no room preset "${sim?.room}"; presets: quiet-room, office, reflective-room, car` });
    if (sim && sim.deviceProfile !== this.profile.id) {
      errors.push({
        code: 'E_SIM_PROFILE_MISMATCH',
        message: `this virtual iPhone runs profile ${this.profile.id}, the configuration asks for ${sim.deviceProfile}`,
      });
    }
    const rirId = sim?.rirAudioId ?? null;
    if (rirId !== null && !this.audio.has(rirId))
      errors.push({ code: 'E_SIM_RIR_NOT_LOADED', message: `measured RIR "${rirId}" was not uploaded with loadAudio` });
    if (errors.length > 0) return { ok: false, effective: null, errors };

    const verdict = resolveSession(config, this.profile);
    if (!verdict.ok || !verdict.behaviour) return { ok: false, effective: verdict.effective, errors: verdict.errors };
    const b = verdict.behaviour;
    const fs = config.sampleRate;
    const ir = internalRate(fs);
    // A measured RIR replaces the preset's acoustics for both paths; the preset still sets the noise.
    const measured = rirId === null ? null : this.audioAt(rirId, fs);
    const latencyMs = b.outputLatencyMs + b.inputLatencyMs;
    const echo = measured
      ? echoResponse(b.acoustics, latencyMs, ir, { kind: 'measured', response: measured })
      : echoResponse(b.acoustics, latencyMs, ir, { kind: 'model', response: this.room(room!, fs, { kind: 'echo', sourceDistanceM: b.acoustics.directPathM }) });
    const talker = talkerResponse(measured ?? this.room(room!, fs, { kind: 'talker' }), b.inputLatencyMs, ir);
    const c = this.profile.canceller;
    this.engine = {
      config,
      behaviour: b,
      ir,
      echo: new FftConvolver(echo),
      talker: new FftConvolver(talker),
      canceller: b.voiceProcessing ? new EchoCanceller(ir.rate, c.filterMs, c.blockMs) : null,
      suppressor: b.voiceProcessing ? new ResidualSuppressor(this.profile.suppressor) : null,
      noise: this.noiseBank(room!, ir.rate),
      trials: 0,
    };
    return { ok: true, effective: verdict.effective, errors: verdict.errors };
  }

  runTrial(trial: TrialMessage): SimTrialResult {
    this.alive();
    const eng = this.engine;
    if (!eng) return failed({ code: 'E_NOT_CONFIGURED', message: 'trial before a successful configure' });
    const fixture = this.audio.get(trial.audioId);
    if (!fixture) return failed({ code: 'E_AUDIO_UNKNOWN', message: `audio "${trial.audioId}" was never loaded` });
    if (trial.nearEnd && !this.audio.has(trial.nearEnd.audioId))
      return failed({ code: 'E_AUDIO_UNKNOWN', message: `near-end audio "${trial.nearEnd.audioId}" was never loaded` });
    const bad = trial.schedule.findIndex((c) => c.startFrame + c.frameCount > fixture.samples.length);
    if (bad >= 0)
      return failed({ code: 'E_SCHEDULE_RANGE', message: `schedule entry ${bad} reads past the end of "${trial.audioId}" (${fixture.samples.length} frames)` });

    const { config, behaviour: b, ir } = eng;
    const fs = config.sampleRate;
    const trialIndex = this.trialCounter++;
    const first = eng.trials++ === 0;

    // Schedule frames count in the fixture's own rate; the player converts to the device rate.
    const audio = this.audioAt(trial.audioId, fs);
    const ratio = fs / fixture.sampleRate;
    const schedule = trial.schedule.map((c) => {
      const startFrame = Math.round(c.startFrame * ratio);
      const end = Math.min(audio.length, Math.round((c.startFrame + c.frameCount) * ratio));
      return { atMs: c.atMs, startFrame, frameCount: Math.max(1, end - startFrame) };
    });
    const tl = renderSchedule(audio, schedule, trial.preRollMs, trial.postRollMs, fs);

    let near: MicPathInput['near'] = null;
    if (trial.nearEnd) {
      const src = this.audioAt(trial.nearEnd.audioId, fs);
      const startAt = Math.round(((trial.preRollMs + trial.nearEnd.atMs) * fs) / 1000);
      const signal = new Float32Array(tl.length);
      if (startAt < tl.length) signal.set(src.subarray(0, tl.length - startAt), startAt);
      near = { signal, talker: eng.talker, levelDbfs: trial.nearEnd.levelDbfs, startAt, length: src.length };
    }

    const vp = b.voiceProcessing && !trial.bypassVoiceProcessing;
    const controlled = b.referenceConnected && b.echoControl;
    const c = this.profile.canceller;
    const processing: MicPathInput['processing'] = b.micSilent
      ? { kind: 'silent' }
      : !vp
        ? { kind: 'raw' }
        : {
            kind: 'vp',
            canceller: controlled ? eng.canceller : null,
            bulkDelay: Math.max(0, Math.round(((b.outputLatencyMs + b.inputLatencyMs - c.delayHeadroomMs) * ir.rate) / 1000)),
            suppressor: controlled ? eng.suppressor : null,
          };
    const out = runMicPath({
      ir,
      play: tl.play,
      driveGain: 10 ** ((volumeGainDb(config.volume) + b.outputGainDb) / 20),
      clipLevel: b.acoustics.clipLevel,
      echo: eng.echo,
      near,
      noise: eng.noise,
      noiseSeed: mixSeed(this.seed, STREAM.roomNoise, trialIndex),
      comfortNoiseSeed: mixSeed(this.seed, STREAM.comfortNoise, trialIndex),
      processing,
      groundTruth: trial.groundTruth,
    });
    const gated = applyMicGate(out.mic, config.gate, tl.silences, fs);

    const ms = (sample: number) => (sample * 1000) / fs;
    const events: SimEvent[] = [{ name: 'micStarted', tMs: 0, data: {} }];
    if (first) {
      events.push({ name: 'engineStarted', tMs: 0, data: { route: b.route, voiceProcessing: b.voiceProcessing } });
      if (b.route !== config.route) events.push({ name: 'routeChanged', tMs: 0, data: { requested: config.route, route: b.route } });
      for (const e of b.startErrors) events.push({ name: 'error', tMs: 0, data: { code: e.code, message: e.message } });
    }
    events.push({ name: 'playbackStarted', tMs: ms(tl.playbackStartAt), data: {} });
    trial.schedule.forEach((_, i) => events.push({ name: 'chunkAppended', tMs: ms(tl.appendAt[i]!), data: { index: i } }));
    const gate = config.gate.kind !== 'none';
    for (const s of tl.silences) {
      events.push({ name: 'bufferDrained', tMs: ms(s.drainAt), data: {} });
      if (gate) events.push({ name: 'gateArmed', tMs: ms(s.drainAt), data: { kind: config.gate.kind, ms: config.gate.ms } });
      if (gate && s.resumeAt !== null) events.push({ name: 'gateDisarmed', tMs: ms(s.resumeAt), data: {} });
    }
    // Time order; at equal times the order above (a stable sort), except that a disarm
    // follows the chunk that caused it.
    const after = (e: SimEvent) => (e.name === 'gateDisarmed' ? 1 : 0);
    const sorted = events
      .map((e, i) => ({ e, i }))
      .sort((a, z) => a.e.tMs - z.e.tMs || after(a.e) - after(z.e) || a.i - z.i)
      .map((x) => x.e);

    return {
      ok: true,
      error: null,
      streams: { play: tl.play, mic: out.mic, gated, echoTruth: out.echoTruth, nearTruth: out.nearTruth },
      events: sorted,
    };
  }

  teardown(): { ok: boolean; errors: DeviceError[] } {
    this.alive();
    const eng = this.engine;
    this.engine = null;
    const errors: DeviceError[] = [];
    if (eng && eng.config.teardownOrder === 'disableVpWhileRunning' && eng.config.voiceProcessing.enabled) {
      if (this.profile.crashesOnVpDisableWhileRunning) {
        this.crashed = true;
        throw new SimCrash(`${this.profile.name}: setVoiceProcessingEnabled(false) on a running engine crashed the app`);
      }
      // AVAudioIONode.h: voice processing "can only be enabled or disabled when the engine is in a stopped state".
      errors.push({
        code: 'E_VP_DISABLE_WHILE_RUNNING',
        message: 'setVoiceProcessingEnabled(false) failed: the engine was running; it was stopped and torn down afterwards',
      });
    }
    return { ok: true, errors };
  }

  private alive(): void {
    if (this.crashed) throw new SimCrash(`${this.profile.name}: the app is not running (it crashed)`);
  }

  /** Uploaded audio at `rate` (windowed-sinc resampled once, then cached). */
  private audioAt(audioId: string, rate: number): Float32Array {
    const a = this.audio.get(audioId)!;
    if (a.sampleRate === rate) return a.samples;
    const key = `${audioId}@${rate}`;
    let x = this.atRate.get(key);
    if (!x) {
      x = resampleSinc(a.samples, a.sampleRate, rate);
      this.atRate.set(key, x);
    }
    return x;
  }

  /** The room's noise plus the mic's self-noise at the internal rate (one long draw per room, rate and seed). */
  private noiseBank(preset: RoomPreset, rate: number): NoiseBank {
    const self = this.profile.micSelfNoiseDbfs;
    return cached(
      NOISE_BANKS,
      `${preset.id}|${rate}|${self}|${this.seed}`,
      () => new NoiseBank(rate, [preset.noise, { bandDbfs: self, slopeDbPerOctave: 0 }], mixSeed(this.seed, STREAM.roomNoise)),
    );
  }

  private room(preset: RoomPreset, rate: number, path: RoomPath): Float32Array {
    const where = path.kind === 'echo' ? path.sourceDistanceM : 'talker';
    return cached(ROOMS, `${preset.id}|${rate}|${where}|${this.seed}`, () => roomResponse(preset, rate, this.seed, path));
  }
}

/**
 * Room responses and noise banks depend only on (preset, rate, seed): computed once per
 * process, they make a configure cheap even though the device server builds a new phone
 * for each. Bounded (least recently used out); entries are never mutated.
 */
const CACHE_LIMIT = 8;
const ROOMS = new Map<string, Float32Array>();
const NOISE_BANKS = new Map<string, NoiseBank>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  } else cache.delete(key);
  cache.set(key, v);
  return v;
}

function failed(error: DeviceError): SimTrialResult {
  return { ok: false, error, streams: { play: new Float32Array(0), mic: new Float32Array(0), gated: null, echoTruth: null, nearTruth: null }, events: [] };
}

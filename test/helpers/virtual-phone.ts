/**
 * Driving the virtual iPhone in tests: configurations, speech trials and their analysis
 * with the project's own analysis (drain and playback start taken from the device events,
 * as the scenario runner does).
 */
import { analyzeTrial } from '../../src/analysis/analyze-trial.js';
import type { TrialAnalysis } from '../../src/analysis/trial-result.js';
import { resolveAnalysisOptions } from '../../src/config/analysis-options.js';
import type { DeviceConfig, ScheduleEntry, TrialMessage } from '../../src/protocol/messages.js';
import type { SimTrialResult, VirtualPhone } from '../../src/sim/virtual-phone.js';
import { pseudoSpeech } from './synth.js';

export const FS = 48_000;
export const PROFILE = 'iphone15-ios17';

export interface ConfigOverrides extends Partial<Omit<DeviceConfig, 'simulation'>> {
  room?: string;
  profile?: string;
  rirAudioId?: string | null;
}

/** The correct configuration (voiceChat on the speaker, playback graph before VP) with overrides. */
export function simConfig(o: ConfigOverrides = {}): DeviceConfig {
  const { room = 'quiet-room', profile = PROFILE, rirAudioId = null, ...rest } = o;
  return {
    category: 'playAndRecord',
    mode: 'voiceChat',
    options: ['defaultToSpeaker', 'allowBluetooth', 'allowBluetoothA2DP'],
    route: 'speaker',
    engine: 'avaudioengine',
    initOrder: 'correct',
    renderMode: 'realtime',
    teardownOrder: 'correct',
    activation: 'app',
    ioBufferMs: 10,
    sampleRate: FS,
    volume: 0.8,
    voiceProcessing: { enabled: true, agc: true, ducking: 'default' },
    gate: { kind: 'none', ms: 0, thresholdDbfs: -50 },
    simulation: { room, deviceProfile: profile, seed: 1, rirAudioId },
    ...rest,
  };
}

export interface TrialOptions {
  /** Seed of the pseudo-speech utterance. */
  speechSeed: number;
  speechS?: number;
  preRollMs?: number;
  postRollMs?: number;
  bypass?: boolean;
  groundTruth?: boolean;
  schedule?: ScheduleEntry[];
  nearEnd?: TrialMessage['nearEnd'];
  audioId?: string;
}

let nextId = 1;

/** Loads a pseudo-speech utterance as `audioId` and plays it in one chunk (unless a schedule is given). */
export function speechTrial(phone: VirtualPhone, o: TrialOptions): { result: SimTrialResult; trial: TrialMessage } {
  const audioId = o.audioId ?? `speech-${o.speechSeed}`;
  const speech = pseudoSpeech(o.speechS ?? 3, FS, o.speechSeed);
  phone.loadAudio(audioId, FS, speech);
  const id = nextId++;
  const trial: TrialMessage = {
    type: 'trial',
    id,
    version: 1,
    trialId: `t${id}`,
    streamId: id,
    audioId,
    schedule: o.schedule ?? [{ atMs: 0, startFrame: 0, frameCount: speech.length }],
    preRollMs: o.preRollMs ?? 500,
    postRollMs: o.postRollMs ?? 1500,
    bypassVoiceProcessing: o.bypass ?? false,
    nearEnd: o.nearEnd ?? null,
    groundTruth: o.groundTruth ?? false,
  };
  return { result: phone.runTrial(trial), trial };
}

export const GATES_MS = [0, 100, 200, 300, 400, 500, 600, 800, 1000];
const OPTIONS = resolveAnalysisOptions({ gatesMs: GATES_MS });

/** The project's analysis of a simulated trial, with the drain and playback start from its events. */
export function analyse(r: SimTrialResult, trial: TrialMessage): TrialAnalysis {
  const n = r.streams.mic.length;
  const info = { path: null, sampleRate: FS, channels: 1, channelUsed: 0 as const, durationMs: (n * 1000) / FS, resampledTo: null };
  const drain = r.events.filter((e) => e.name === 'bufferDrained').at(-1)!.tMs;
  const start = r.events.find((e) => e.name === 'playbackStarted')!.tMs;
  return analyzeTrial(
    {
      ref: r.streams.play,
      mic: r.streams.mic,
      sampleRate: FS,
      drainMs: drain,
      drainSource: 'events',
      playbackStartMs: start,
      preRollMs: trial.preRollMs,
      delayMs: null,
      calibration: null,
      refInfo: info,
      micInfo: info,
      warnings: [],
    },
    OPTIONS,
  );
}

/** Leaks per gate (of GATES_MS) over a set of analyses. */
export function leakCounts(analyses: TrialAnalysis[]): Map<number, number> {
  const counts = new Map<number, number>(GATES_MS.map((g) => [g, 0]));
  for (const a of analyses) for (const g of a.gates) if (g.leak) counts.set(g.gateMs, counts.get(g.gateMs)! + 1);
  return counts;
}

/**
 * A trial's folder: its recorded audio, events, analysis and the analysis request, written
 * atomically and read back with validation. Audio and events are named by their file name
 * in every message, so results do not depend on where the run directory is.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkFloatSamples, type RecordedStream } from '../core/audio.js';
import { AnalysisRequestSchema, type AnalysisRequest } from '../analysis/analysis-request.js';
import type { RecordingPair } from '../analysis/analyze-recording.js';
import { TrialAnalysisSchema, type TrialAnalysis } from '../analysis/trial-result.js';
import { writeFileAtomic, writeJsonAtomic } from '../io/atomic.js';
import { parseEvents, type DeviceEvent, type TrialTiming } from '../io/events.js';
import { readRecordedStream, writeWavFile } from '../io/wav.js';
import { readJsonFile } from './json-file.js';
import { TRIAL_AUDIO, TRIAL_FILES, type RecordedKind } from './layout.js';

export interface TrialRecording {
  sampleRate: number;
  streams: Partial<Record<RecordedKind, Float32Array>>;
  events: DeviceEvent[];
}

const RECORDED_KINDS = Object.keys(TRIAL_AUDIO) as RecordedKind[];

const at = (runDir: string, trialDir: string, file: string) => join(runDir, trialDir, file);

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Every stream the device sent (float32 WAV, lossless) and the events, one file each. */
export async function writeTrialRecording(runDir: string, trialDir: string, rec: TrialRecording): Promise<void> {
  for (const kind of RECORDED_KINDS) {
    const samples = rec.streams[kind];
    if (samples) await writeWavFile(at(runDir, trialDir, TRIAL_AUDIO[kind]), { sampleRate: rec.sampleRate, samples }, { encoding: 'float32' });
  }
  await writeFileAtomic(at(runDir, trialDir, TRIAL_FILES.events), rec.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** A stream held in memory, named and checked as its float file: the runner's analysis then reads exactly as re-analysis of the files does. */
export function recordedStream(kind: RecordedKind, samples: Float32Array, sampleRate: number): RecordedStream {
  const name = TRIAL_AUDIO[kind];
  return { name, audio: { sampleRate, samples }, fileChannels: 1, channel: 0, warnings: checkFloatSamples([samples], name) };
}

export function readTrialStream(runDir: string, trialDir: string, kind: RecordedKind, channel: number | 'mix' = 0): Promise<RecordedStream> {
  return readRecordedStream(at(runDir, trialDir, TRIAL_AUDIO[kind]), channel, TRIAL_AUDIO[kind]);
}

export async function readTrialPair(runDir: string, trialDir: string, channels: AnalysisRequest['channels'] = { ref: 0, mic: 0 }): Promise<RecordingPair> {
  const [ref, mic] = await Promise.all([readTrialStream(runDir, trialDir, 'play', channels.ref), readTrialStream(runDir, trialDir, 'mic', channels.mic)]);
  return { ref, mic };
}

export async function hasTrialStream(runDir: string, trialDir: string, kind: RecordedKind): Promise<boolean> {
  return stat(at(runDir, trialDir, TRIAL_AUDIO[kind])).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** Sizes in bytes of the trial's audio files, -1 where one is missing. */
export async function trialAudioSizes(runDir: string, trialDir: string, kinds: readonly RecordedKind[]): Promise<number[]> {
  return Promise.all(
    kinds.map((k) =>
      stat(at(runDir, trialDir, TRIAL_AUDIO[k])).then(
        (x) => (x.isFile() ? x.size : -1),
        () => -1,
      ),
    ),
  );
}

export function readTrialAudioBytes(runDir: string, trialDir: string, kind: RecordedKind): Promise<Uint8Array> {
  return readFile(at(runDir, trialDir, TRIAL_AUDIO[kind]));
}

/** The trial's events; null when the file is missing or empty. A malformed file throws E_EVENTS_*. */
export async function readTrialEvents(runDir: string, trialDir: string): Promise<TrialTiming | null> {
  const text = await readText(at(runDir, trialDir, TRIAL_FILES.events));
  if (text === null || text.trim() === '') return null;
  return parseEvents(text, `${trialDir}/${TRIAL_FILES.events}`);
}

/** The analysis first, then what produced it: a reader that finds the request finds its analysis too. */
export async function writeTrialAnalysis(runDir: string, trialDir: string, request: AnalysisRequest, analysis: TrialAnalysis): Promise<void> {
  await writeJsonAtomic(at(runDir, trialDir, TRIAL_FILES.metrics), analysis);
  await writeJsonAtomic(at(runDir, trialDir, TRIAL_FILES.analysisRequest), request);
}

export interface StoredAnalysis {
  analysis: TrialAnalysis | null;
  request: AnalysisRequest | null;
  /** Why either is missing or unusable, in words. */
  problems: string[];
}

export async function readTrialAnalysis(runDir: string, trialDir: string): Promise<StoredAnalysis> {
  const [a, r] = await Promise.all([
    readJsonFile(at(runDir, trialDir, TRIAL_FILES.metrics), TRIAL_FILES.metrics, TrialAnalysisSchema, 'voiceaec.analysis/1'),
    readJsonFile(at(runDir, trialDir, TRIAL_FILES.analysisRequest), TRIAL_FILES.analysisRequest, AnalysisRequestSchema, 'voiceaec.analysis-request/1'),
  ]);
  return { analysis: a.value, request: r.value, problems: [a.problem, r.problem].filter((p): p is string => p !== null) };
}

/**
 * The layout of a run directory (docs/run-directory.md): the only place that knows its
 * file and folder names. Everything else asks this module for a path.
 */
import { join } from 'node:path';
import type { StreamKind } from '../protocol/messages.js';

/** The streams a trial records, each in its own WAV (the fixture stream is upload only). */
export type RecordedKind = Exclude<StreamKind, 'fixture'>;

export const MANIFEST_FILE = 'manifest.json';

export const TRIAL_AUDIO: Readonly<Record<RecordedKind, string>> = {
  play: 'ref.wav',
  mic: 'mic.wav',
  gated: 'gated.wav',
  echoTruth: 'echo-truth.wav',
  nearTruth: 'near-truth.wav',
};

export const TRIAL_FILES = {
  events: 'events.jsonl',
  /** The trial's analysis (voiceaec.analysis/1). */
  metrics: 'metrics.json',
  /** The inputs that analysis used, replayed by re-analysis. */
  analysisRequest: 'analysis-request.json',
  /** A calibration trial's delay and raw echo loss. */
  calibration: 'calibration.json',
  /** The turn-detector verdicts per profile (voiceaec.turn-verdicts/1), reused by re-evaluation. */
  turnVerdicts: 'turn-verdicts.json',
} as const;

export const REPORT_FILES = {
  results: 'results.json',
  html: 'report.html',
  junit: 'junit.xml',
  summary: 'summary.md',
} as const;

/** reports/<UTC timestamp>-<scenario>, with the timestamp safe in file names. */
export function defaultRunDir(reportsDir: string, scenario: string, now: Date = new Date()): string {
  return join(reportsDir, `${now.toISOString().replace(/[:.]/g, '-')}-${scenario}`);
}

/** A trial's folder relative to the run directory, as the manifest records it. */
export function trialDirOf(cellId: string, index: number): string {
  return `cells/${cellId}/${index === 0 ? 'calibration' : `trial-${String(index).padStart(3, '0')}`}`;
}

/** A trial's audio file relative to the run directory, with forward slashes: a link from report.html. */
export function trialAudioLink(trialDir: string, kind: RecordedKind): string {
  return `${trialDir}/${TRIAL_AUDIO[kind]}`.split('\\').join('/');
}

export const manifestPath = (runDir: string) => join(runDir, MANIFEST_FILE);
export const reportPath = (runDir: string, file: keyof typeof REPORT_FILES) => join(runDir, REPORT_FILES[file]);

/**
 * The one way into the analysis of a trial, for `run`, re-analysis and `analyze` alike:
 * a recording pair plus an AnalysisRequest in, a TrialAnalysis out. The mic is the
 * measured stream and keeps its rate; the reference follows it. Asynchronous because
 * resampling is, and so is every second opinion that may join it (a VAD).
 */
import type { RecordedStream } from '../core/audio.js';
import { round } from '../core/units.js';
import type { AnalysisOptions } from '../config/analysis-options.js';
import { resample } from '../dsp/resample.js';
import type { AnalysisRequest } from './analysis-request.js';
import { analyzeCalibration, analyzeTrial } from './analyze-trial.js';
import type { CalibrationResult } from './calibration-result.js';
import { checkAnalysisRange, implausibleMeasurement, implausibleStreams, withholdVerdicts, type CheckedStream } from './recording-checks.js';
import type { StreamInfo, TrialAnalysis } from './trial-result.js';

export interface RecordingPair {
  ref: CheckedStream;
  mic: CheckedStream;
}

const fileName = (name: string) => name.split(/[\\/]/).pop() ?? name;

interface AtRate {
  samples: Float32Array;
  info: StreamInfo;
  warnings: string[];
}

/** A stream at the analysis rate, with the notes a reader of the results needs. */
async function atRate(s: RecordedStream, rate: number): Promise<AtRate> {
  const { samples, sampleRate } = s.audio;
  const warnings = [...s.warnings];
  let out = samples;
  let resampledTo: number | null = null;
  if (sampleRate !== rate) {
    out = await resample(samples, sampleRate, rate);
    resampledTo = rate;
    warnings.push(`${fileName(s.name)} resampled from ${sampleRate} Hz to ${rate} Hz (libsamplerate, sinc medium quality)`);
  }
  if (s.fileChannels > 1)
    warnings.push(`${fileName(s.name)} has ${s.fileChannels} channels: analysing ${s.channel === 'mix' ? 'their mix' : `channel ${s.channel}`}`);
  const info: StreamInfo = {
    path: s.name,
    sampleRate,
    channels: s.fileChannels,
    channelUsed: s.channel,
    durationMs: round((samples.length * 1000) / sampleRate, 3),
    resampledTo,
  };
  return { samples: out, info, warnings };
}

/**
 * Analyse one trial. `notes` are the caller's own remarks (how the drain was found, the
 * calibration pair's warnings), carried into the result's warnings after the streams'.
 */
export async function analyzeRecording(pair: RecordingPair, req: AnalysisRequest, notes: readonly string[] = []): Promise<TrialAnalysis> {
  checkAnalysisRange(pair.mic, 'mic');
  checkAnalysisRange(pair.ref, 'reference');
  const rate = pair.mic.audio.sampleRate;
  const mic = await atRate(pair.mic, rate);
  const ref = await atRate(pair.ref, rate);
  const result = analyzeTrial(
    {
      ref: ref.samples,
      mic: mic.samples,
      sampleRate: rate,
      drainMs: req.drainMs,
      drainSource: req.drainSource,
      playbackStartMs: req.playbackStartMs,
      preRollMs: req.preRollMs,
      delayMs: req.delayMs,
      calibration: req.calibration,
      refInfo: ref.info,
      micInfo: mic.info,
      warnings: [...mic.warnings, ...ref.warnings, ...notes],
      nearEndStartMs: req.nearEndStartMs,
    },
    req.options,
  );
  // Streams first: a corrupt file also makes the measurement absurd, and the stream's reason is the cause.
  const implausible = implausibleStreams(pair.mic, pair.ref, req.options) ?? implausibleMeasurement(result);
  return implausible ? withholdVerdicts(result, implausible) : { ...result, flags: { ...result.flags, implausible: { flag: false, reason: null } } };
}

/** A calibration pair (voice processing bypassed), both streams brought to `rate` (default: the mic's). */
export async function analyzeCalibrationRecording(pair: RecordingPair, options: AnalysisOptions, rate = pair.mic.audio.sampleRate): Promise<CalibrationResult> {
  checkAnalysisRange(pair.mic, 'mic');
  checkAnalysisRange(pair.ref, 'reference');
  const mic = await atRate(pair.mic, rate);
  const ref = await atRate(pair.ref, rate);
  const cal = analyzeCalibration(ref.samples, mic.samples, rate, options);
  return { ...cal, warnings: [...mic.warnings, ...ref.warnings, ...cal.warnings] };
}

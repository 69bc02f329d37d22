/**
 * What the analysis accepts and what it refuses to turn into verdicts (docs/limits.md).
 * The range (rates, lengths) is checked before any work: outside it the analysis either
 * cannot run or would need unbounded memory. Plausibility is checked on the streams and
 * the measurement: a recording no microphone could have made, or one whose streams are
 * swapped, yields a failed trial with a reason, never a leak verdict.
 */
import type { RecordedStream } from '../core/audio.js';
import { inputError } from '../core/errors.js';
import { round } from '../core/units.js';
import { clipping } from '../dsp/levels.js';
import type { AnalysisOptions } from '../config/analysis-options.js';
import type { TrialAnalysis } from './trial-result.js';

export const ANALYSIS_LIMITS = {
  /** Telephony's rate; below it the 300–3400 Hz speech band does not fit. */
  minSampleRate: 8000,
  /** The highest rate audio interfaces record at. */
  maxSampleRate: 192_000,
  /** 10 min at 48 kHz: the analysis peaks at ≈ 1.3 GB there (measured), so longer streams are refused, not streamed. */
  maxFrames: 28_800_000,
  /** A noise floor, a playback and a tail need at least this much mic. */
  minMicMs: 1000,
  /** More NaN/Inf than this fraction of a file's samples, replaced by 0, leaves nothing to measure. */
  maxNonFiniteFraction: 0.01,
  /** A sample this far above full scale (+24 dBFS) is a corrupt value (a flipped byte), not sound. */
  maxSampleMagnitude: 16,
  /** Mic samples at full scale (runs of ≥ 3) above this fraction: the levels and the tail are those of the clipper. */
  maxClippedFraction: 0.01,
  /** Sound cannot reach the mic before it is played: a mic leading its reference by more is a swap or a misalignment. */
  maxNegativeDelayMs: 10,
  /** An echo path does not amplify by this much: a lower echo loss means the streams are swapped or not a pair. */
  minEchoLossDb: -40,
} as const;

/** A stream plus what its decoder replaced: readRecordedStream (io/wav.ts) fills it; in-memory streams have none. */
export type CheckedStream = RecordedStream & { readonly nonFiniteSamples?: number };

const fileName = (name: string) => name.split(/[\\/]/).pop() ?? name;

/** Refuse a stream outside the supported range, before any analysis allocates for it. */
export function checkAnalysisRange(s: CheckedStream, role: 'mic' | 'reference'): void {
  const { sampleRate, samples } = s.audio;
  const hint = 'see docs/limits.md for the recordings analyze supports';
  const name = fileName(s.name);
  if (!(sampleRate >= ANALYSIS_LIMITS.minSampleRate && sampleRate <= ANALYSIS_LIMITS.maxSampleRate))
    throw inputError(
      'E_ANALYSIS_RANGE',
      `${name}: ${role} sample rate ${sampleRate} Hz is outside ${ANALYSIS_LIMITS.minSampleRate}–${ANALYSIS_LIMITS.maxSampleRate} Hz`,
      {
        hint,
      },
    );
  if (samples.length > ANALYSIS_LIMITS.maxFrames)
    throw inputError('E_ANALYSIS_RANGE', `${name}: ${role} has ${samples.length} frames; the limit is ${ANALYSIS_LIMITS.maxFrames} (10 min at 48 kHz)`, {
      hint,
    });
  const ms = (samples.length * 1000) / sampleRate;
  if (role === 'mic' && ms < ANALYSIS_LIMITS.minMicMs)
    throw inputError('E_ANALYSIS_RANGE', `${name}: the mic is ${round(ms, 1)} ms long; at least ${ANALYSIS_LIMITS.minMicMs} ms are needed`, { hint });
}

function peakOf(x: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > peak) peak = a;
  }
  return peak;
}

/** Why the streams cannot be a recording (corrupt, mostly replaced, clipped), or null. */
export function implausibleStreams(mic: CheckedStream, ref: CheckedStream, o: AnalysisOptions): string | null {
  for (const [role, s] of [
    ['mic', mic],
    ['reference', ref],
  ] as const) {
    const total = s.audio.samples.length * s.fileChannels;
    const bad = s.nonFiniteSamples ?? 0;
    if (total > 0 && bad / total > ANALYSIS_LIMITS.maxNonFiniteFraction)
      return `${round((bad / total) * 100, 1)} % of the ${role} file's samples are NaN or infinite (limit ${ANALYSIS_LIMITS.maxNonFiniteFraction * 100} %)`;
    const peak = peakOf(s.audio.samples);
    if (peak > ANALYSIS_LIMITS.maxSampleMagnitude)
      return `a ${role} sample of ${peak.toPrecision(3)} is ${round(20 * Math.log10(peak), 1)} dB above full scale: a corrupt float file?`;
  }
  const clip = clipping(mic.audio.samples, o.clipThreshold);
  if (clip.fraction > ANALYSIS_LIMITS.maxClippedFraction)
    return `${round(clip.fraction * 100, 1)} % of the mic samples are clipped (limit ${ANALYSIS_LIMITS.maxClippedFraction * 100} %): the levels are the clipper's`;
  return null;
}

/** Why the measurement cannot be of an echo (the mic leads, or is far louder than, its reference), or null. */
export function implausibleMeasurement(a: TrialAnalysis): string | null {
  const d = a.delay;
  if (d.trialEstimateReliable && d.trialEstimateMs !== null && d.trialEstimateMs < -ANALYSIS_LIMITS.maxNegativeDelayMs)
    return `the mic leads the reference by ${round(-d.trialEstimateMs, 1)} ms (more than ${ANALYSIS_LIMITS.maxNegativeDelayMs} ms): --ref and --mic swapped?`;
  const loss = a.levels.echoLossDb;
  if (loss !== null && !a.levels.echoLossIsLowerBound && loss < ANALYSIS_LIMITS.minEchoLossDb)
    return `echo loss ${loss} dB: the mic is ${round(-loss, 1)} dB louder than the reference (limit ${-ANALYSIS_LIMITS.minEchoLossDb} dB): --ref and --mic swapped, or not a pair?`;
  return null;
}

/** The analysis with its verdicts withheld and the reason recorded: a failed trial, not a clean or leaking one. */
export function withholdVerdicts(a: TrialAnalysis, reason: string): TrialAnalysis {
  return {
    ...a,
    gates: a.gates.map((g) => ({ ...g, leak: null, attribution: null })),
    flags: { ...a.flags, implausible: { flag: true, reason } },
    warnings: [...a.warnings, 'implausible recording: leak verdicts withheld'],
  };
}

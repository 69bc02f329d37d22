import { describe, expect, it } from 'vitest';
import { ANALYSIS_REQUEST_SCHEMA, type AnalysisRequest } from '../../../src/analysis/analysis-request.js';
import { analyzeRecording } from '../../../src/analysis/analyze-recording.js';
import { ANALYSIS_LIMITS, checkAnalysisRange, type CheckedStream } from '../../../src/analysis/recording-checks.js';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { makeTrial } from '../../helpers/trial.js';

const t = makeTrial({ delaySamples: 1440, echoGainDb: -25, residualMs: 300, residualDb: 15, seed: 5 });
const options = resolveAnalysisOptions({});
const request: AnalysisRequest = {
  schema: ANALYSIS_REQUEST_SCHEMA,
  channels: { ref: 0, mic: 0 },
  drainMs: null,
  drainSource: 'reference',
  playbackStartMs: null,
  preRollMs: null,
  delayMs: null,
  nearEndStartMs: null,
  calibration: null,
  options,
};

const stream = (samples: Float32Array, name: string, extra: Partial<CheckedStream> = {}, sampleRate = t.fs): CheckedStream => ({
  name,
  audio: { sampleRate, samples },
  fileChannels: 1,
  channel: 0,
  warnings: [],
  ...extra,
});

const analyse = (mic: CheckedStream, ref: CheckedStream = stream(t.ref, 'ref.wav')) => analyzeRecording({ mic, ref }, request);

function rangeError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isVoiceAecError(e)) return `${e.code} ${e.toLine()}`;
    throw e;
  }
  return 'no error';
}

describe('analysis range', () => {
  it('accepts a plain pair and says so', async () => {
    const a = await analyse(stream(t.mic, 'mic.wav'));
    expect(a.flags.implausible).toEqual({ flag: false, reason: null });
    expect(a.gates.some((g) => g.leak === true)).toBe(true);
  });

  it('refuses rates outside 8–192 kHz and a mic shorter than 1 s, naming the limit', () => {
    expect(rangeError(() => checkAnalysisRange(stream(new Float32Array(100), 'a.wav', {}, 100), 'mic'))).toMatch(
      /^E_ANALYSIS_RANGE .*100 Hz is outside 8000–192000 Hz/,
    );
    expect(rangeError(() => checkAnalysisRange(stream(new Float32Array(768_000), 'a.wav', {}, 768_000), 'reference'))).toMatch(/768000 Hz/);
    expect(rangeError(() => checkAnalysisRange(stream(new Float32Array(10), 'a.wav'), 'mic'))).toMatch(/0\.2 ms long; at least 1000 ms/);
    expect(rangeError(() => checkAnalysisRange(stream(new Float32Array(8000), 'a.wav', {}, 8000), 'mic'))).toBe('no error');
    expect(rangeError(() => checkAnalysisRange(stream(new Float32Array(10), 'r.wav'), 'reference'))).toBe('no error');
  });

  it('refuses more frames than the limit without touching them', () => {
    // A view of a small buffer would do, but the check reads only the length: a typed array of the length is enough.
    const long = new Float32Array(ANALYSIS_LIMITS.maxFrames + 1);
    expect(rangeError(() => checkAnalysisRange(stream(long, 'long.wav'), 'mic'))).toMatch(/28800001 frames; the limit is 28800000/);
  });
});

describe('implausible recordings withhold verdicts (known answers)', () => {
  const expectWithheld = (a: Awaited<ReturnType<typeof analyse>>, reason: RegExp) => {
    expect(a.flags.implausible?.flag).toBe(true);
    expect(a.flags.implausible?.reason).toMatch(reason);
    expect(a.gates.every((g) => g.leak === null && g.attribution === null)).toBe(true);
  };

  it('a file with more than 1 % non-finite samples (replaced by 0)', async () => {
    const n = t.mic.length;
    expectWithheld(await analyse(stream(t.mic, 'mic.wav', { nonFiniteSamples: Math.ceil(n * 0.02) })), /2 % of the mic file's samples are NaN/);
    const few = await analyse(stream(t.mic, 'mic.wav', { nonFiniteSamples: Math.floor(n * 0.005) }));
    expect(few.flags.implausible?.flag).toBe(false);
  });

  it('a sample of 1e34 (a flipped byte in a float file)', async () => {
    const mic = t.mic.slice();
    mic[12_345] = 1e34;
    expectWithheld(await analyse(stream(mic, 'mic.wav')), /sample of 1\.00e\+34 is 680 dB above full scale/);
    const hot = t.mic.slice();
    hot[12_345] = 8; // +18 dBFS: over full scale, but a float stream may carry it
    expect((await analyse(stream(hot, 'mic.wav'))).flags.implausible?.flag).toBe(false);
  });

  it('a mic clipped over 1 % of its samples', async () => {
    const mic = t.mic.map((x) => Math.max(-1, Math.min(1, x * 400)));
    expectWithheld(await analyse(stream(mic, 'mic.wav')), /% of the mic samples are clipped \(limit 1 %\)/);
  });

  it('swapped --ref and --mic: the mic leads its reference', async () => {
    expectWithheld(await analyse(stream(t.ref, 'ref.wav'), stream(t.mic, 'mic.wav')), /mic leads the reference by 30 ms .*swapped/);
  });

  it('a mic 40 dB louder than its reference', async () => {
    const quietRef = t.ref.map((x) => x * 1e-3);
    expectWithheld(
      await analyse(
        stream(
          t.mic.map((x) => x * 10),
          'mic.wav',
        ),
        stream(quietRef, 'ref.wav'),
      ),
      /louder than the reference/,
    );
  });
});

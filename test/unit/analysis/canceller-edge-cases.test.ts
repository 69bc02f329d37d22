/**
 * Measurement edge cases that recording pairs run through WebRTC's AEC3 exposed (issue 15,
 * item 11), each reproduced as a seeded synthetic known-answer case: a muted mic through
 * strong noise suppression, a pre-roll floor above the post-drain floor, the canceller's own
 * latency against a bypassed calibration, and measured rooms with strong early reflections.
 * The AEC3 recordings themselves are not in the repository (docs/analysis.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeCalibration, analyzeTrial } from '../../../src/analysis/analyze-trial.js';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { resample } from '../../../src/dsp/resample.js';
import { decodeWav } from '../../../src/io/wav.js';
import { rng, whiteNoise } from '../../helpers/random.js';
import { convolve, fractionalDelay, mixAt, pseudoSpeech, rms, scale } from '../../helpers/synth.js';
import { makeTrial, trialInput } from '../../helpers/trial.js';

const FS = 48_000;
const o = resolveAnalysisOptions({ gatesMs: [0, 300, 500, 800, 1500] });
const ms = (x: number) => Math.round((x * FS) / 1000);

describe('a muted mic through strong noise suppression (near silence plus one burst)', () => {
  // −140 dBFS of residual noise (the suppressor's output on a muted input), one 200 ms burst
  // 70 dB above it during playback: the case where echo loss 84 dB was reported as a value.
  const t = makeTrial({ seed: 31 });
  const mic = whiteNoise(t.mic.length, 32, 1e-7);
  const burst = whiteNoise(ms(200), 33, 1e-7 * 10 ** (70 / 20));
  mic.set(
    burst.map((v, i) => v + mic[ms(1500) + i]!),
    ms(1500),
  );
  const a = analyzeTrial(trialInput(t.ref, mic, FS), o);

  it('is dead whatever the burst says, and every gate withholds its verdict', () => {
    expect(a.flags.deadMic.flag).toBe(true);
    expect(a.flags.deadMic.reason).toMatch(/near digital silence/);
    expect(a.gates.map((g) => g.leak)).toEqual([null, null, null, null, null]);
    expect(a.warnings).toContain('dead mic: leak verdicts withheld');
  });

  it('reports echo loss as a bound, not a value', () => {
    expect(a.levels.echoLossIsLowerBound).toBe(true);
    expect(a.levels.echoLossDb).not.toBeNull();
  });

  it('a live mic with the same burst over a real floor is not dead', () => {
    const live = analyzeTrial(trialInput(t.ref, t.mic, FS), o);
    expect(live.flags.deadMic.flag).toBe(false);
    expect(live.levels.echoLossIsLowerBound).toBe(false);
  });
});

/**
 * A trial whose noise stays `dropDb` above its final level through the pre-roll and falls to
 * it over the next `convergeMs` (a suppressor converging), with a residual after the drain.
 */
function convergingTrial(dropDb: number, convergeMs: number, residualDb: number, residualMs: number, seed: number) {
  const t = makeTrial({ seed, echoGainDb: -60, t60: 0.05, noiseDbfs: -200 });
  const n = t.mic.length;
  const noise = whiteNoise(n, seed + 1, 10 ** (-70 / 20));
  const [pre, k] = [ms(t.preRollMs), ms(convergeMs)];
  for (let i = 0; i < n; i++) noise[i]! *= 10 ** ((dropDb * Math.min(1, Math.max(0, 1 - (i - pre) / k))) / 20);
  // Residual E dB over the *final* floor: power (10^(E/10) − 1) times the noise's.
  const drain = ms(t.drainMs);
  const residual = whiteNoise(ms(residualMs), seed + 2, 10 ** (-70 / 20) * Math.sqrt(10 ** (residualDb / 10) - 1));
  const mic = mixAt(n, [
    [t.mic, 0],
    [noise, 0],
    [residual, drain],
  ]);
  return { ...t, mic };
}

describe('a pre-roll floor above the post-drain floor (noise suppression still converging)', () => {
  it.each([3, 4.5, 5.5])('%f dB of drift: the later floor is used and the drift flagged, so a 400 ms tail at +8 dB is read', (drop) => {
    const t = convergingTrial(drop, 1000, 8, 400, 40 + drop * 2);
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS), o);
    expect(a.detector.floorSource).toBe('post-roll-end');
    expect(a.flags.noiseFloorDrift!.flag).toBe(true);
    expect(Math.abs(a.detector.floorDriftDb! - drop)).toBeLessThan(0.5);
    expect(a.detector.noiseFloorDbfs!).toBeLessThan(a.detector.preRollFloorDbfs! - 1);
    expect(a.gates.map((g) => g.leak)).toEqual([true, true, false, false, false]);
    expect(a.warnings.join(' ')).toMatch(/noise floor drift/);
  });

  it('the same tail against the pre-roll floor alone would have been under-read (the case being fixed)', () => {
    const t = convergingTrial(5.5, 1000, 8, 400, 51);
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS), o);
    // Excess over the pre-roll floor = excess over the used floor − (pre-roll − used).
    const shift = a.detector.preRollFloorDbfs! - a.detector.noiseFloorDbfs!;
    expect(shift).toBeGreaterThan(5);
    const overPreRoll = a.residual.excessDb.slice(0, 38).map((e) => e - shift);
    expect(overPreRoll.filter((e) => e >= o.detector.thresholdDb).length).toBeLessThan(3);
  });

  it('a steady floor is neither flagged nor replaced', () => {
    const t = convergingTrial(0, 600, 8, 400, 52);
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS), o);
    expect(a.detector.floorSource).toBe('pre-roll');
    expect(a.flags.noiseFloorDrift!.flag).toBe(false);
    expect(Math.abs(a.detector.floorDriftDb!)).toBeLessThan(1);
  });

  it('an end far quieter than any suppressor converges (a muted stream end) is flagged, the pre-roll floor kept', () => {
    const t = convergingTrial(0, 600, 8, 400, 53);
    const mic = t.mic.slice();
    for (let i = mic.length - ms(500); i < mic.length; i++) mic[i]! *= 0.01;
    const a = analyzeTrial(trialInput(t.ref, mic, FS), o);
    expect(a.detector.floorSource).toBe('pre-roll');
    expect(a.flags.noiseFloorDrift!.flag).toBe(true);
    expect(a.flags.noiseFloorDrift!.reason).toMatch(/muted or gated stream end/);
  });

  it('an end louder than the pre-roll (a tail to the end of the recording) keeps the pre-roll floor and says so', () => {
    const t = convergingTrial(0, 600, 12, 2000, 54);
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS), o);
    expect(a.detector.floorSource).toBe('pre-roll');
    expect(a.flags.noiseFloorDrift!.reason).toMatch(/tail lasting to the end/);
    expect(a.gates.every((g) => g.leak === true)).toBe(true);
  });
});

describe("a canceller's own latency against the bypassed calibration", () => {
  const cal = (() => {
    const raw = makeTrial({ echoGainDb: -10, delaySamples: 2000, seed: 61 });
    return analyzeCalibration(raw.ref, raw.mic, FS, o);
  })();

  it.each([8, 12, 15])('a processed trial %i ms late is a processing-latency offset, not a route change', (lagMs) => {
    const t = makeTrial({ echoGainDb: -30, delaySamples: 2000 + ms(lagMs), seed: 61 });
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS, { calibration: cal }), o);
    expect(a.delay.source).toBe('trial');
    expect(Math.abs(a.delay.processingLatencyMs! - lagMs)).toBeLessThan(0.1);
    expect(a.warnings.join(' ')).not.toMatch(/route or buffer change/);
    expect(a.warnings.join(' ')).toMatch(/voice processing's own latency/);
  });

  it('an unchanged delay reports an offset of about 0 and no note', () => {
    const t = makeTrial({ echoGainDb: -30, delaySamples: 2000, seed: 61 });
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS, { calibration: cal }), o);
    expect(Math.abs(a.delay.processingLatencyMs!)).toBeLessThan(0.1);
    expect(a.warnings.join(' ')).not.toMatch(/latency|route/);
  });

  it.each([
    [60, 'beyond 40 ms'],
    [-5, 'leading the calibration'],
  ])('a trial %i ms off (%s) is still a route or buffer change', (lagMs) => {
    const t = makeTrial({ echoGainDb: -30, delaySamples: 2000 + ms(lagMs), seed: 61 });
    const a = analyzeTrial(trialInput(t.ref, t.mic, FS, { calibration: cal }), o);
    expect(a.delay.processingLatencyMs).toBeNull();
    expect(a.warnings.join(' ')).toMatch(/route or buffer change/);
  });
});

const RIR_DIR = fileURLToPath(new URL('../../data/rir/', import.meta.url));

async function measuredRir(name: string): Promise<Float32Array> {
  const wav = decodeWav(readFileSync(RIR_DIR + name), name);
  const x = await resample(wav.channels[0]!, wav.sampleRate, FS, 'best');
  let mean = 0;
  for (const v of x) mean += v / x.length;
  return x.map((v) => v - mean);
}

const peakIndex = (h: Float32Array) => h.reduce((k, v, i) => (Math.abs(v) > Math.abs(h[k]!) ? i : k), 0);

describe('measured rooms with strong early reflections at 44 dB echo-to-noise, delays 180–290 ms', () => {
  it.each(['living_room_1.wav', 'rir_clap.wav'])(
    '%s: the delay is found and not withheld, inside the first-arrival cluster',
    async (name) => {
      const h0 = await measuredRir(name);
      const p = Math.abs(h0[peakIndex(h0)]!);
      const onset = h0.findIndex((v) => Math.abs(v) >= p / 10);
      let reliable = 0;
      for (let s = 0; s < 8; s++) {
        const u = rng(5000 + s);
        const lead = ms(180 + 110 * u());
        const pre = FS / 2;
        const speech = pseudoSpeech(2 + 2 * u(), FS, 5000 + s);
        const n = pre + speech.length + 2 * FS;
        const ref = mixAt(n, [[speech, pre]]);
        const echo = scale(convolve(ref, mixAt(lead + h0.length, [[h0, lead]])).subarray(0, n), 0.1);
        const noise = whiteNoise(n, s + 77, rms(echo.subarray(pre + lead, pre + lead + speech.length)) * 10 ** (-44 / 20));
        const a = analyzeTrial(
          trialInput(
            ref,
            mixAt(n, [
              [echo, 0],
              [noise, 0],
            ]),
            FS,
          ),
          o,
        );
        if (!a.delay.trialEstimateReliable) continue;
        reliable++;
        const d = a.delay.ms!;
        expect(d).toBeGreaterThanOrEqual(((lead + onset) * 1000) / FS - 0.5);
        expect(d).toBeLessThanOrEqual(((lead + peakIndex(h0)) * 1000) / FS + 0.5);
      }
      // Before: living_room_1 8/8, rir_clap 0/8 (peak-to-second-peak 0.6–1.9 dB).
      expect(reliable).toBe(8);
    },
    60_000,
  );

  it('a reflection arriving before the strongest peak still withholds (the peak may be the reflection)', () => {
    const x = pseudoSpeech(3, FS, 71);
    const pre = FS / 2;
    const n = pre + x.length + FS;
    const ref = mixAt(n, [[x, pre]]);
    // Direct sound at 100 ms, 0.9 × weaker than a "reflection" 6 ms later: ambiguous.
    const mic = mixAt(n, [
      [scale(fractionalDelay(ref, ms(100)), 0.09), 0],
      [scale(fractionalDelay(ref, ms(106)), 0.1), 0],
      [whiteNoise(n, 72, 1e-5), 0],
    ]);
    const a = analyzeTrial(trialInput(ref, mic, FS), o);
    expect(a.delay.trialConfidenceDb!).toBeLessThan(6);
    expect(a.delay.trialEstimateReliable).toBe(false);
  });
});

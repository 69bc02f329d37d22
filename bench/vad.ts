/**
 * `npx tsx bench/vad.ts`: speed of the VAD layer, printed, never asserted. Silero v5 runs
 * on one onnxruntime thread (intra- and inter-op), the resampler and the verdicts in the one
 * JS thread: all figures are for one core. Medians of repeated runs; the VM is noisy.
 * A 6 s trial at 48 kHz: 0.5 s pre-roll, TTS (slt-long-01, 5.3 s), drain, post-roll.
 */
import { turnVerdicts } from '../src/analysis/turn-verdicts.js';
import { SHIPPED_TURN_PROFILES } from '../src/config/turn-profiles.js';
import { resample } from '../src/dsp/resample.js';
import { readWavFile, selectChannel } from '../src/io/wav.js';
import { micVadTracks } from '../src/vad/mic-vad-tracks.js';
import { loadSileroVad } from '../src/vad/silero-vad.js';
import { whiteNoise } from '../test/helpers/random.js';
import { fileURLToPath } from 'node:url';
import { timeAsync } from './timing.js';

const REPS = 7;
const FS = 48_000;

const line = (s: string) => console.log(s);

const t0 = performance.now();
const vad = await loadSileroVad();
const loadMs = performance.now() - t0;

const tts = selectChannel(await readWavFile(fileURLToPath(new URL('../fixtures/speech/slt-long-01.wav', import.meta.url))), 0).samples;
const trial = new Float32Array(6 * FS);
trial.set(whiteNoise(trial.length, 9, 10 ** (-65 / 20)));
for (let i = 0; i < Math.min(tts.length, trial.length - FS / 2); i++) trial[FS / 2 + i]! += 0.3 * tts[i]!;
const drainMs = 500 + (tts.length * 1000) / FS;
const seconds = trial.length / FS;
const x16 = await resample(trial, FS, 16_000, 'fastest');

line('## VAD (Silero v5, onnxruntime-node, one thread)');
line(`first load (import onnxruntime-node + session): ${loadMs.toFixed(0)} ms`);
const vadMs = await timeAsync(() => vad.probabilities(x16, 16_000), REPS);
line(
  `6 s at 16 kHz: ${vadMs.toFixed(1)} ms = ${((seconds * 1000) / vadMs).toFixed(0)}× real time (${(vadMs / (x16.length / 512)).toFixed(3)} ms per 32 ms frame)`,
);
const resMs = await timeAsync(() => resample(trial, FS, 16_000, 'fastest'), REPS);
line(`resampling 48 → 16 kHz (libsamplerate fastest): ${resMs.toFixed(1)} ms = ${((seconds * 1000) / resMs).toFixed(0)}× real time`);
const allMs = await timeAsync(() => vad.probabilities(trial, FS), REPS);
line(`6 s at 48 kHz, resampling included: ${allMs.toFixed(1)} ms = ${((seconds * 1000) / allMs).toFixed(0)}× real time`);

line('\n## Added time per trial in a run: mic tracks (open + gates 300, 500, 800, 1500 ms) and the verdicts of the three shipped profiles');
const gates = [0, 300, 500, 800, 1500];
const tracksMs = await timeAsync(() => micVadTracks(vad, trial, FS, drainMs, gates), REPS);
const tracks = await micVadTracks(vad, trial, FS, drainMs, gates);
const verdictInput = {
  engine: tracks.engine,
  open: tracks.open,
  gates: tracks.gates,
  drainMs,
  playbackStartMs: 500,
  nearEndStartMs: null,
  deadMic: null,
  micClipping: null,
};
const verdictMs = await timeAsync(() => Promise.resolve(SHIPPED_TURN_PROFILES.map((p) => turnVerdicts(verdictInput, p))), 25);
line(
  `tracks ${tracksMs.toFixed(0)} ms + verdicts ${verdictMs.toFixed(2)} ms = ${(tracksMs + verdictMs).toFixed(0)} ms per 6 s trial (${((seconds * 1000) / (tracksMs + verdictMs)).toFixed(0)}× real time)`,
);

line('\n## A cell gated by rms2 (−45 dBFS): the same trial with the rms2 tracks of each cooldown as well');
const rms2Ms = await timeAsync(() => micVadTracks(vad, trial, FS, drainMs, gates, { rms2ThresholdDbfs: -45 }), REPS);
line(
  `tracks ${rms2Ms.toFixed(0)} ms per 6 s trial (${((seconds * 1000) / rms2Ms).toFixed(0)}× real time; ${(rms2Ms - tracksMs).toFixed(0)} ms over hard gates only)`,
);

/**
 * `npx tsx bench/sim.ts`: speed of the virtual iPhone as a multiple of real time, for a
 * 6 s trial (0.5 s pre-roll, 4 s of speech-like audio, 1.5 s post-roll) at 48 kHz on the
 * speaker route in the quiet room, with and without ground truth. Printed, never asserted.
 */
import { resolveAnalysisOptions } from '../src/config/analysis-options.js';
import { analyzeTrial } from '../src/analysis/analyze-trial.js';
import { pseudoSpeech } from '../test/helpers/synth.js';
import type { DeviceConfig, TrialMessage } from '../src/protocol/messages.js';
import { VirtualPhone } from '../src/sim/virtual-phone.js';

const FS = 48_000;
const REPS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const config: DeviceConfig = {
  category: 'playAndRecord', mode: 'voiceChat', options: ['defaultToSpeaker'], route: 'speaker', engine: 'avaudioengine',
  initOrder: 'correct', renderMode: 'realtime', teardownOrder: 'correct', activation: 'app', ioBufferMs: 10, sampleRate: FS, volume: 0.8,
  voiceProcessing: { enabled: true, agc: true, ducking: 'default' }, gate: { kind: 'rms2', ms: 500, thresholdDbfs: -45 },
  simulation: { room: 'quiet-room', deviceProfile: 'iphone15-ios17', seed: 1, rirAudioId: null },
};
const speech = pseudoSpeech(4, FS, 7);
const trial = (groundTruth: boolean, id: number): TrialMessage => ({
  type: 'trial', id, version: 1, trialId: `bench-${id}`, streamId: 1, audioId: 'tts',
  schedule: [{ atMs: 0, startFrame: 0, frameCount: speech.length }],
  preRollMs: 500, postRollMs: 1500, bypassVoiceProcessing: false, nearEnd: null, groundTruth,
});

const t0 = performance.now();
new VirtualPhone({ profile: 'iphone15-ios17', seed: 1 }).configure(config);
const t1 = performance.now();
const phone = new VirtualPhone({ profile: 'iphone15-ios17', seed: 1 });
phone.configure(config);
console.log(`configure: first ${(t1 - t0).toFixed(1)} ms (room response, noise, echo path), again on a new phone ${(performance.now() - t1).toFixed(1)} ms (cached)`);
phone.loadAudio('tts', FS, speech);

for (const groundTruth of [false, true]) {
  const times: number[] = [];
  let seconds = 0;
  for (let i = 0; i < REPS + 3; i++) {
    const t = performance.now();
    const r = phone.runTrial(trial(groundTruth, i));
    const ms = performance.now() - t;
    seconds = r.streams.mic.length / FS;
    if (i >= 3) times.push(ms); // the first runs warm up the JIT and the FFT plans
  }
  const m = median(times);
  console.log(`${seconds.toFixed(2)} s trial, ground truth ${groundTruth ? 'on ' : 'off'}: ${m.toFixed(1)} ms median → ${((seconds * 1000) / m).toFixed(0)}× real time`);
}

// A quiet-room run as the scenario runner does it: a configure, then 22 trials, each analysed.
{
  const options = resolveAnalysisOptions({});
  const t = performance.now();
  const p = new VirtualPhone({ profile: 'iphone15-ios17', seed: 2 });
  p.configure(config);
  p.loadAudio('tts', FS, speech);
  for (let i = 0; i < 22; i++) {
    const r = p.runTrial(trial(false, i));
    const n = r.streams.mic.length;
    const info = { path: null, sampleRate: FS, channels: 1, channelUsed: 0 as const, durationMs: (n * 1000) / FS, resampledTo: null };
    analyzeTrial({ ref: r.streams.play, mic: r.streams.mic, sampleRate: FS, drainMs: r.events.filter((e) => e.name === 'bufferDrained').at(-1)!.tMs, drainSource: 'events', playbackStartMs: 500, preRollMs: 500, delayMs: null, calibration: null, refInfo: info, micInfo: info, warnings: [] }, options);
  }
  console.log(`22 trials simulated and analysed (quiet room, 6 s each): ${((performance.now() - t) / 1000).toFixed(2)} s`);
}


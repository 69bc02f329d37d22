/**
 * `npx tsx bench/sim.ts`: speed of the virtual iPhone as a multiple of real time, for a
 * 6 s trial (0.5 s pre-roll, 4 s of speech-like audio, 1.5 s post-roll) at 48 kHz on the
 * speaker route in the quiet room, with and without ground truth. Printed, never asserted.
 */
import type { TrialMessage } from '../src/protocol/messages.js';
import { VirtualPhone } from '../src/sim/virtual-phone.js';
import { pseudoSpeech } from '../test/helpers/synth.js';
import { analyse, FS, simConfig } from '../test/helpers/virtual-phone.js';
import { median } from './timing.js';

const REPS = 15;

const config = simConfig({ options: ['defaultToSpeaker'], gate: { kind: 'rms2', ms: 500, thresholdDbfs: -45 } });
const speech = pseudoSpeech(4, FS, 7);
const trial = (groundTruth: boolean, id: number): TrialMessage => ({
  type: 'trial',
  id,
  version: 1,
  trialId: `bench-${id}`,
  streamId: 1,
  audioId: 'tts',
  schedule: [{ atMs: 0, startFrame: 0, frameCount: speech.length }],
  preRollMs: 500,
  postRollMs: 1500,
  bypassVoiceProcessing: false,
  nearEnd: null,
  groundTruth,
});

const t0 = performance.now();
new VirtualPhone({ profile: 'iphone15-ios17', seed: 1 }).configure(config);
const t1 = performance.now();
const phone = new VirtualPhone({ profile: 'iphone15-ios17', seed: 1 });
phone.configure(config);
console.log(
  `configure: first ${(t1 - t0).toFixed(1)} ms (room response, noise, echo path), again on a new phone ${(performance.now() - t1).toFixed(1)} ms (cached)`,
);
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
  console.log(
    `${seconds.toFixed(2)} s trial, ground truth ${groundTruth ? 'on ' : 'off'}: ${m.toFixed(1)} ms median → ${((seconds * 1000) / m).toFixed(0)}× real time`,
  );
}

// A quiet-room run as the scenario runner does it: a configure, then 22 trials, each analysed.
{
  const t = performance.now();
  const p = new VirtualPhone({ profile: 'iphone15-ios17', seed: 2 });
  p.configure(config);
  p.loadAudio('tts', FS, speech);
  for (let i = 0; i < 22; i++) {
    const msg = trial(false, i);
    analyse(p.runTrial(msg), msg);
  }
  console.log(`22 trials simulated and analysed (quiet room, 6 s each): ${((performance.now() - t) / 1000).toFixed(2)} s`);
}

/**
 * The mic behind the cell's rms2 gate, as the VAD verdicts replay it (src/vad/mic-vad-tracks.ts):
 * the same gate logic as the virtual iPhone's (src/dsp/mic-gate-window.ts through
 * src/sim/mic-gate.ts), decided on the mic at its own rate, zeros written at 16 kHz.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { resample } from '../../../src/dsp/resample.js';
import { readWavFile, selectChannel } from '../../../src/io/wav.js';
import { applyMicGate } from '../../../src/sim/mic-gate.js';
import { micVadTracks } from '../../../src/vad/mic-vad-tracks.js';
import { loadSileroVad, type SileroVad } from '../../../src/vad/silero-vad.js';

const FILE = fileURLToPath(new URL('../../../fixtures/speech/slt-numbers-01.wav', import.meta.url));
let vad: SileroVad;
let x: Float32Array;
let rate: number;
let x16: Float32Array;
const DRAIN_MS = 1200; // inside the speech: the cooldown has loud and quiet frames
const GATES = [0, 300, 800];

beforeAll(async () => {
  vad = await loadSileroVad();
  const m = selectChannel(await readWavFile(FILE), 0);
  x = m.samples;
  rate = m.sampleRate;
  x16 = await resample(x, rate, 16_000, 'fastest');
}, 60_000);

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
  return worst;
};

describe('rms2 gate tracks', () => {
  it('equal the VAD on the mic the simulated app’s rms2 gate delivers, zeros carried to 16 kHz', async () => {
    const thr = -40;
    const t = await micVadTracks(vad, x, rate, DRAIN_MS, GATES, { rms2ThresholdDbfs: thr });
    expect(t.rms2Gates!.map((g) => g.gateMs)).toEqual(GATES);
    expect(t.rms2Gates![0]!.track).toBe(t.open);
    const drain = Math.round((DRAIN_MS * rate) / 1000);
    let mixed = false;
    for (const { gateMs, track } of t.rms2Gates!.slice(1)) {
      const app = applyMicGate(x, { kind: 'rms2', ms: gateMs, thresholdDbfs: thr }, [{ drainAt: drain, resumeAt: null }], rate)!;
      // Runs of samples the app zeroed, carried to 16 kHz.
      const y = Float32Array.from(x16);
      let zeroed = 0;
      let passed = 0;
      for (let i = 0; i < x.length;) {
        if (app[i] === x[i]) {
          if (i >= drain && i < drain + (gateMs * rate) / 1000 && x[i] !== 0) passed++;
          i++;
          continue;
        }
        let j = i;
        while (j < x.length && app[j] !== x[j]) j++;
        // Zeroed 10 ms frames start on the frame grid from the drain; widen to it so a sample that was already 0 does not split a frame.
        const f = Math.round(rate / 100);
        const a = drain + Math.floor((i - drain) / f) * f;
        const b = Math.min(drain + Math.ceil((j - drain) / f) * f, drain + Math.round((gateMs * rate) / 1000));
        y.fill(0, Math.round((a * 16_000) / rate), Math.round((b * 16_000) / rate));
        zeroed += j - i;
        i = j;
      }
      if (zeroed > 0 && passed > 0) mixed = true;
      const alone = (await vad.probabilities(y, 16_000)).probabilities;
      expect(maxDiff(alone, track.probabilities)).toBeLessThan(1e-4);
    }
    expect(mixed).toBe(true);
  });

  it('a threshold nothing exceeds is the hard gate; one everything exceeds is the open mic', async () => {
    const shut = await micVadTracks(vad, x, rate, DRAIN_MS, GATES, { rms2ThresholdDbfs: 0 });
    const open = await micVadTracks(vad, x, rate, DRAIN_MS, GATES, { rms2ThresholdDbfs: -120 });
    for (const [i, gateMs] of GATES.entries()) {
      // The hard gate's window is rounded at 16 kHz, rms2's at the mic's rate: the same samples here (48 kHz, whole ms).
      expect(maxDiff(shut.rms2Gates![i]!.track.probabilities, shut.gates[i]!.track.probabilities)).toBeLessThan(1e-4);
      expect(maxDiff(open.rms2Gates![i]!.track.probabilities, open.open.probabilities)).toBeLessThan(1e-4);
      expect(gateMs).toBe(shut.gates[i]!.gateMs);
    }
    expect(shut.rms2Gates![2]!.track.probabilities).not.toEqual(shut.open.probabilities);
  });

  it('no rms2 threshold: no rms2 tracks', async () => {
    expect((await micVadTracks(vad, x, rate, DRAIN_MS, GATES)).rms2Gates).toBeNull();
  });
});

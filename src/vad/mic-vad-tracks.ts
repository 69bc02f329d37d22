/**
 * A trial's mic as a voice agent would hear it, through a VAD: open (during playback, the
 * seed app's mic is live) and behind each hard gate, i.e. with zeros in [drain, drain + G)
 * as the app's gate writes them (docs/protocol.md § Gate semantics). The mic is resampled
 * once; the gated copies are made at the engine's rate and share the VAD's work up to the
 * drain. The output feeds src/analysis/turn-verdicts.ts.
 */
import type { GateTrack, VadTrack } from '../core/vad-track.js';
import { kWeightedFrameLoudness } from '../dsp/frame-loudness.js';
import { resample } from '../dsp/resample.js';
import type { VadEngine } from './vad-engine.js';

export interface MicVadTracks {
  engine: string;
  frameMs: number;
  /** The ungated mic. */
  open: VadTrack;
  /** One per gate, in the order given; gate 0 is the open track itself. */
  gates: GateTrack[];
}

export async function micVadTracks(
  engine: VadEngine,
  mic: Float32Array,
  sampleRate: number,
  drainMs: number,
  gatesMs: readonly number[],
): Promise<MicVadTracks> {
  const rate = engine.sampleRate;
  const x = sampleRate === rate ? mic : await resample(mic, sampleRate, rate, 'fastest');
  const at = (ms: number) => Math.min(x.length, Math.max(0, Math.round((ms * rate) / 1000)));
  const drain = at(drainMs);
  const gated = [...new Set(gatesMs.filter((g) => g > 0))];
  const signals = [
    x,
    ...gated.map((g) => {
      const y = Float32Array.from(x);
      y.fill(0, drain, at(drainMs + g));
      return y;
    }),
  ];
  const probs = await engine.probabilitiesOfVariants(signals, drain);
  const frameLen = Math.round((engine.frameMs * rate) / 1000);
  const tracks: VadTrack[] = signals.map((s, i) => ({
    frameMs: engine.frameMs,
    probabilities: probs[i]!,
    loudnessLkfs: kWeightedFrameLoudness(s, rate, frameLen),
  }));
  const open = tracks[0]!;
  return {
    engine: engine.name,
    frameMs: engine.frameMs,
    open,
    gates: gatesMs.map((gateMs) => ({ gateMs, track: gateMs > 0 ? tracks[1 + gated.indexOf(gateMs)]! : open })),
  };
}

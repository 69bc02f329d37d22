/**
 * A trial's mic as a voice agent would hear it, through a VAD: open (during playback, the
 * seed app's mic is live), behind each hard gate (zeros in [drain, drain + G), as the app's
 * gate writes them, docs/protocol.md § Gate semantics) and, for a cell whose gate is rms2,
 * behind that two-tier gate of each cooldown G (inside [drain, drain + G) only the 10 ms frames
 * louder than the threshold pass). The gate logic is src/dsp/mic-gate-window.ts, the one the
 * virtual iPhone applies: rms2 frames are judged on the mic at its own rate, as the app does,
 * and the spans it zeroes are then written into the signal at the engine's rate, as the hard
 * gate's zeros are. The mic is resampled once; every gated copy shares the VAD's work up to
 * the drain. The output feeds src/analysis/turn-verdicts.ts.
 */
import type { GateTrack, VadTrack } from '../core/vad-track.js';
import { kWeightedFrameLoudness } from '../dsp/frame-loudness.js';
import { gateMutedSpans } from '../dsp/mic-gate-window.js';
import { resample } from '../dsp/resample.js';
import type { VadEngine } from './vad-engine.js';

export interface MicVadTracks {
  engine: string;
  frameMs: number;
  /** The ungated mic. */
  open: VadTrack;
  /** One per gate, in the order given; gate 0 is the open track itself. */
  gates: GateTrack[];
  /** With an rms2 threshold: the mic behind the two-tier gate of each cooldown, in the order given (0: the open track); else null. */
  rms2Gates: GateTrack[] | null;
}

export interface MicVadTrackOptions {
  /** The cell's rms2 threshold, dBFS: also replay the two-tier gate at each gate length. */
  rms2ThresholdDbfs?: number | null;
}

export async function micVadTracks(
  engine: VadEngine,
  mic: Float32Array,
  sampleRate: number,
  drainMs: number,
  gatesMs: readonly number[],
  options: MicVadTrackOptions = {},
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
  const thr = options.rms2ThresholdDbfs ?? null;
  if (thr !== null) {
    // The app's window in mic samples: [D, D + round(G · rate / 1000)) (src/sim/mic-gate.ts).
    const d = Math.min(mic.length, Math.max(0, Math.round((drainMs * sampleRate) / 1000)));
    const toEngine = (i: number) => Math.min(x.length, Math.round((i * rate) / sampleRate));
    for (const g of gated) {
      const y = Float32Array.from(x);
      const to = d + Math.round((g * sampleRate) / 1000);
      // A span starts no earlier than the drain at the engine's rate: the variants share the VAD's work up to it.
      for (const [a, b] of gateMutedSpans(mic, d, to, 'rms2', thr, sampleRate)) y.fill(0, Math.max(drain, toEngine(a)), toEngine(b));
      signals.push(y);
    }
  }
  const probs = await engine.probabilitiesOfVariants(signals, drain);
  const frameLen = Math.round((engine.frameMs * rate) / 1000);
  const tracks: VadTrack[] = signals.map((s, i) => ({
    frameMs: engine.frameMs,
    probabilities: probs[i]!,
    loudnessLkfs: kWeightedFrameLoudness(s, rate, frameLen),
  }));
  const open = tracks[0]!;
  const pick = (offset: number) => (gateMs: number) => ({ gateMs, track: gateMs > 0 ? tracks[offset + gated.indexOf(gateMs)]! : open });
  return {
    engine: engine.name,
    frameMs: engine.frameMs,
    open,
    gates: gatesMs.map(pick(1)),
    rms2Gates: thr === null ? null : gatesMs.map(pick(1 + gated.length)),
  };
}

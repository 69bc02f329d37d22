/**
 * The app's post-playback mic gate, with the exact semantics HarnessCore (Swift) mirrors
 * (docs/virtual-iphone.md §Gates):
 *
 * - The gate is armed at each drain (sample D) and disarmed by the next append (sample A),
 *   or stays armed to the end of the trial after the final drain. Its window is
 *   [D, min(D + G, A, end)), G = round(ms · rate / 1000) samples.
 * - hard: every sample in the window is replaced by 0.
 * - rms2: the window is cut into frames of round(rate / 100) samples starting at D (the
 *   last frame is cut short by the window's end). A frame passes unchanged when its RMS,
 *   20·log10(√(mean x²)), is strictly above thresholdDbfs; otherwise all its samples are 0.
 *   The RMS is over the frame's own samples only (a cut frame over its shorter length).
 * - Samples outside every window pass unchanged; kind none leaves no gated stream.
 */
import type { GateConfig } from '../protocol/messages.js';
import type { Silence } from './playback-timeline.js';

/** The gated stream, or null when the gate kind is none. */
export function applyMicGate(mic: Float32Array, gate: GateConfig, silences: readonly Silence[], rate: number): Float32Array | null {
  if (gate.kind === 'none') return null;
  const out = mic.slice();
  const g = Math.round((gate.ms * rate) / 1000);
  const frame = Math.max(1, Math.round(rate / 100));
  for (const s of silences) {
    const from = s.drainAt;
    const to = Math.min(from + g, s.resumeAt ?? Infinity, out.length);
    if (to <= from) continue;
    if (gate.kind === 'hard') {
      out.fill(0, from, to);
      continue;
    }
    for (let a = from; a < to; a += frame) {
      const b = Math.min(a + frame, to);
      let e = 0;
      for (let i = a; i < b; i++) e += mic[i]! * mic[i]!;
      const rmsDb = e > 0 ? 10 * Math.log10(e / (b - a)) : -Infinity;
      if (!(rmsDb > gate.thresholdDbfs)) out.fill(0, a, b);
    }
  }
  return out;
}

/**
 * The app's post-playback mic gate, with the exact semantics HarnessCore (Swift) mirrors
 * (docs/virtual-iphone.md §Gates):
 *
 * - The gate is armed at each drain (sample D) and disarmed by the next append (sample A),
 *   or stays armed to the end of the trial after the final drain. Its window is
 *   [D, min(D + G, A, end)), G = round(ms · rate / 1000) samples.
 * - Inside the window, hard zeroes every sample and rms2 zeroes each 10 ms frame whose RMS is
 *   not above thresholdDbfs: src/dsp/mic-gate-window.ts, the one copy of that logic (the VAD
 *   verdicts replay it on recorded mics).
 * - Samples outside every window pass unchanged; kind none leaves no gated stream.
 */
import { gateMutedSpans } from '../dsp/mic-gate-window.js';
import type { GateConfig } from '../protocol/messages.js';
import type { Silence } from './playback-timeline.js';

/** The gated stream, or null when the gate kind is none. */
export function applyMicGate(mic: Float32Array, gate: GateConfig, silences: readonly Silence[], rate: number): Float32Array | null {
  if (gate.kind === 'none') return null;
  const out = mic.slice();
  const g = Math.round((gate.ms * rate) / 1000);
  for (const s of silences) {
    const from = s.drainAt;
    const to = Math.min(from + g, s.resumeAt ?? Infinity, out.length);
    // The frames' RMS is read from the ungated mic, as the app reads the samples it is about to gate.
    for (const [a, b] of gateMutedSpans(mic, from, to, gate.kind, gate.thresholdDbfs, rate)) out.fill(0, a, b);
  }
  return out;
}

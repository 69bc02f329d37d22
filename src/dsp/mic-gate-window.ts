/**
 * What the app's post-playback mic gate does inside one window, as spans of zeroed samples
 * (docs/virtual-iphone.md § Gates, docs/protocol.md § Gate semantics). The one copy of the
 * gate logic: the virtual iPhone applies it to its mic (src/sim/mic-gate.ts), and the VAD
 * verdicts replay it on a recorded mic (src/vad/mic-vad-tracks.ts).
 *
 * - hard: the whole window [from, to) is zeroed.
 * - rms2: the window is cut into frames of round(rate / 100) samples starting at `from` (the
 *   last cut short by `to`). A frame passes unchanged when its RMS, 20·log10(√(mean x²)),
 *   is strictly above thresholdDbfs; otherwise all its samples are zeroed. The RMS is over
 *   the frame's own samples only (a cut frame over its shorter length).
 */

export type GateWindowKind = 'hard' | 'rms2';

/** Sample spans [a, b) of the window [from, to) of `x` that the gate zeroes, in order, adjacent spans merged. */
export function gateMutedSpans(x: Float32Array, from: number, to: number, kind: GateWindowKind, thresholdDbfs: number, rate: number): Array<[number, number]> {
  const end = Math.min(to, x.length);
  if (end <= from) return [];
  if (kind === 'hard') return [[from, end]];
  const frame = Math.max(1, Math.round(rate / 100));
  const spans: Array<[number, number]> = [];
  for (let a = from; a < end; a += frame) {
    const b = Math.min(a + frame, end);
    let e = 0;
    for (let i = a; i < b; i++) e += x[i]! * x[i]!;
    const rmsDb = e > 0 ? 10 * Math.log10(e / (b - a)) : -Infinity;
    if (rmsDb > thresholdDbfs) continue;
    const last = spans[spans.length - 1];
    if (last && last[1] === a) last[1] = b;
    else spans.push([a, b]);
  }
  return spans;
}

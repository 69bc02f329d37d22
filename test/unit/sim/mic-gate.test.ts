import { describe, expect, it } from 'vitest';
import type { GateConfig } from '../../../src/protocol/messages.js';
import { applyMicGate } from '../../../src/sim/mic-gate.js';

const RATE = 1000; // 10-sample frames keep the arithmetic visible

/** ±a alternating: every frame's RMS is exactly a. */
function levels(segments: Array<[number, number]>): Float32Array {
  const x = new Float32Array(segments.reduce((s, [n]) => s + n, 0));
  let at = 0;
  for (const [n, a] of segments) for (let i = 0; i < n; i++, at++) x[at] = i % 2 === 0 ? a : -a;
  return x;
}

const gate = (kind: GateConfig['kind'], ms: number, thresholdDbfs = -40): GateConfig => ({ kind, ms, thresholdDbfs });

describe('applyMicGate', () => {
  const mic = levels([[200, 0.1]]);

  it('none: no gated stream', () => {
    expect(applyMicGate(mic, gate('none', 300), [{ drainAt: 50, resumeAt: null }], RATE)).toBeNull();
  });

  it('hard: zeros exactly [drain, drain + ms) and nothing else', () => {
    const out = applyMicGate(mic, gate('hard', 30), [{ drainAt: 50, resumeAt: null }], RATE)!;
    for (let i = 0; i < mic.length; i++) expect([i, out[i]]).toEqual([i, i >= 50 && i < 80 ? 0 : mic[i]]);
  });

  it('hard: a new chunk disarms the gate early; every drain re-arms it; the trial end cuts it', () => {
    const out = applyMicGate(
      mic,
      gate('hard', 30),
      [
        { drainAt: 20, resumeAt: 35 },
        { drainAt: 100, resumeAt: 150 },
        { drainAt: 190, resumeAt: null },
      ],
      RATE,
    )!;
    const zero = (i: number) => (i >= 20 && i < 35) || (i >= 100 && i < 130) || i >= 190;
    for (let i = 0; i < mic.length; i++) expect([i, out[i]]).toEqual([i, zero(i) ? 0 : mic[i]]);
  });

  it('hard with 0 ms changes nothing', () => {
    expect(applyMicGate(mic, gate('hard', 0), [{ drainAt: 50, resumeAt: null }], RATE)).toEqual(mic);
  });

  it('rms2: 10 ms frames from the drain; a frame passes only when its RMS is strictly above the threshold', () => {
    // Threshold: the level of amplitude 0.125 (exact in binary, so "equal" is really equal).
    const threshold = 10 * Math.log10(0.125 * 0.125);
    // Frames after the drain at 40: loud, quiet, exactly at the threshold, just above, quiet, quiet; then past the gate.
    const x = levels([
      [40, 0.001],
      [10, 0.5],
      [10, 0.01],
      [10, 0.125],
      [10, 0.13],
      [40, 0.001],
    ]);
    const out = applyMicGate(x, gate('rms2', 60, threshold), [{ drainAt: 40, resumeAt: null }], RATE)!;
    const blocked = (i: number) => (i >= 50 && i < 70) || (i >= 80 && i < 100);
    for (let i = 0; i < x.length; i++) expect([i, out[i]]).toEqual([i, blocked(i) ? 0 : x[i]]);
  });

  it('rms2: the frame at the window end is cut short and judged on its own samples only', () => {
    // Window [40, 65): frames [40,50), [50,60), [60,65). The last holds 5 quiet samples; the loud ones after it are outside.
    const x = levels([
      [60, 0.001],
      [5, 0.001],
      [5, 0.5],
      [30, 0.001],
    ]);
    const out = applyMicGate(x, gate('rms2', 25, -40), [{ drainAt: 40, resumeAt: null }], RATE)!;
    for (let i = 0; i < x.length; i++) expect([i, out[i]]).toEqual([i, i >= 40 && i < 65 ? 0 : x[i]]);
  });

  it('rms2: frames are anchored at the drain, not at the stream start', () => {
    // Drain at 45: a loud burst in [45, 55) passes as one frame; [55, 65) is quiet and blocked.
    const x = levels([
      [45, 0.001],
      [10, 0.2],
      [45, 0.001],
    ]);
    const out = applyMicGate(x, gate('rms2', 20, -40), [{ drainAt: 45, resumeAt: null }], RATE)!;
    for (let i = 0; i < x.length; i++) expect([i, out[i]]).toEqual([i, i >= 55 && i < 65 ? 0 : x[i]]);
  });

  it('rms2: a frame of digital silence never passes', () => {
    const out = applyMicGate(new Float32Array(100), gate('rms2', 50, -120), [{ drainAt: 0, resumeAt: null }], RATE)!;
    expect(out.every((v) => v === 0)).toBe(true);
  });
});

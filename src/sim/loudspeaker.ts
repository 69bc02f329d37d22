/**
 * The loudspeaker model: the volume curve, a memoryless soft clip (small drivers compress
 * at high drive, producing distortion a linear canceller cannot remove), and the
 * loudspeaker's band as a zero-phase magnitude response (its group delay is part of the
 * route's output latency).
 */

/** iOS's volume curve is not public; the model takes 40·log10(v) dB (−12 dB at half volume, silence at 0). */
export function volumeGainDb(volume: number): number {
  return volume > 0 ? 40 * Math.log10(volume) : -Infinity;
}

/** y = x / √(1 + (x/c)²): linear for |x| ≪ c, −3 dB at |x| = c, never beyond c. In place. */
export function softClip(x: Float32Array, clipLevel: number): void {
  if (!Number.isFinite(clipLevel)) return;
  const k = 1 / (clipLevel * clipLevel);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v / Math.sqrt(1 + v * v * k);
  }
}

/** Magnitude response: 2nd-order Butterworth high-pass at lo, 4th-order low-pass at hi. */
export function loudspeakerGain(hz: number, [lo, hi]: readonly [number, number]): number {
  const h = (hz / lo) ** 2;
  return h / Math.sqrt(1 + h * h) / Math.sqrt(1 + (hz / hi) ** 8);
}

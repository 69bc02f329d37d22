/**
 * Seeded randomness for the model: every noise, tail and per-trial variation is drawn
 * from a stream named by numbers (the phone's seed, a purpose tag, a trial counter…), so
 * the same sequence of calls gives bit-identical output.
 */
import { uniform } from '../core/random.js';

/** Hash of 32-bit integers (murmur3 finaliser per word): independent streams from related seeds. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    let k = Math.imul((p | 0) ^ Math.floor(p / 2 ** 32), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Purpose tags, so two uses of one seed never share a stream. */
export const STREAM = {
  roomTail: 1,
  talkerTail: 2,
  roomNoise: 3,
  comfortNoise: 4,
} as const;

/** Fills `out` with standard normal samples (Box–Muller, both outputs used). */
export function fillGaussian(out: Float32Array | Float64Array, seed: number): void {
  const u = uniform(seed);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    const th = 2 * Math.PI * u();
    out[i] = r * Math.cos(th);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(th);
  }
}

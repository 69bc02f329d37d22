/** Seeded randomness for tests and benches: every synthetic case is reproducible. */
import { uniform } from '../../src/core/random.js';

/** The project's seeded uniform source (src/core/random.ts). */
export const rng = uniform;

/** Standard normal samples (Box–Muller) from a seeded uniform source. */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(u() || 1e-12));
    const th = 2 * Math.PI * u();
    spare = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

export function whiteNoise(n: number, seed: number, rms = 1): Float32Array {
  const g = gaussian(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = g() * rms;
  return out;
}

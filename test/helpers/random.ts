/** Seeded randomness for tests and benches: every synthetic case is reproducible. */

/** mulberry32: small, fast, good enough for test signals (not cryptographic). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

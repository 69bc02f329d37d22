/**
 * The one seeded uniform generator of the project (streaming-pattern jitter, standard
 * signals, the virtual iPhone, test signals). Changing it changes committed fixtures and
 * simulated results, so it is frozen: mulberry32, not cryptographic.
 */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

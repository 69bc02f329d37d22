/**
 * Derived seeds: every cell and trial gets its own seed from the scenario seed and its
 * id, so a cell's randomness does not depend on which cells ran before it (resume, and
 * running one cell of a matrix alone, give the same audio).
 */
export function seedFor(seed: number, key: string): number {
  // FNV-1a over the decimal seed and the key: stable across platforms and versions.
  let h = 0x811c9dc5;
  for (const ch of `${seed}\u0000${key}`) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Timing for the benchmarks: the median of repeated runs after warm-ups (JIT, WASM, caches). */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median ms of `reps` calls of a synchronous `fn`, after `warmUps` untimed ones (no await in the loop). */
export function timeSync(fn: () => void, reps: number, warmUps = 1): number {
  for (let i = 0; i < warmUps; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Median ms of `reps` awaited calls of `fn`, after one untimed call. */
export async function timeAsync(fn: () => unknown, reps: number): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

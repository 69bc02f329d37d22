/**
 * "Did you mean" for names a user types (scenarios, fields, options, profiles): the
 * closest known name by edit distance, if it is close enough to be the likely intent.
 */

/** Levenshtein distance (insert, delete, substitute, and a swap of two neighbours), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The known name closest to `input`, or undefined when none is plausibly meant: at most a
 * third of the longer name may differ (so "quiet-rom" finds "quiet-room", "xyz" finds nothing).
 * Ties go to the earlier candidate, so callers control the order.
 */
export function closestName(input: string, known: readonly string[]): string | undefined {
  if (input.length > 200) return undefined; // echoed junk: not worth a quadratic table
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    if (k === input) return undefined;
    const dist = editDistance(input, k);
    if (dist < bestDistance && dist <= Math.max(1, Math.floor(Math.max(input.length, k.length) / 3))) {
      best = k;
      bestDistance = dist;
    }
  }
  return best;
}

/** `did you mean "x"? ` (with its trailing space), or '' — to start a hint with. */
export function didYouMean(input: string, known: readonly string[], quote = (s: string) => `"${s}"`): string {
  const c = closestName(input, known);
  return c === undefined ? '' : `did you mean ${quote(c)}? `;
}

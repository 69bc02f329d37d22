/** A cell's requested and effective device configuration side by side, under the requested names. */
import type { ConfigRow } from '../analysis/cell-schema.js';
import type { CellRecord } from '../run-dir/manifest-schema.js';

type Scalar = string | number | boolean | null;

function flatten(o: unknown, prefix = '', out: Map<string, Scalar> = new Map()): Map<string, Scalar> {
  if (o === null || o === undefined) return out;
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) out.set(key, v.join(', '));
    else if (v !== null && typeof v === 'object') flatten(v, key, out);
    else out.set(key, v as Scalar);
  }
  return out;
}

export function configRows(cell: CellRecord): ConfigRow[] {
  const req = flatten(cell.requested);
  const eff = flatten(cell.effective);
  if (eff.has('voiceProcessingEnabled')) {
    eff.set('voiceProcessing.enabled', eff.get('voiceProcessingEnabled')!);
    eff.delete('voiceProcessingEnabled');
  }
  const keys = [...req.keys(), ...[...eff.keys()].filter((k) => !req.has(k))];
  return keys.map((key) => {
    const requested = req.get(key) ?? null;
    const effective = eff.get(key) ?? null;
    return { key, requested, effective, differs: requested !== null && effective !== null && requested !== effective };
  });
}

/**
 * Expands a scenario's matrix into cells: the cartesian product of its dimensions over the
 * base settings, in file order, each with a stable id usable as a directory name.
 */
import { DIMENSIONS, type CellSettings, type Scenario } from '../config/scenario.js';

export interface Cell {
  id: string;
  /** Only the dimensions the matrix varies, in matrix order. */
  dims: Record<string, string | number | boolean>;
  settings: CellSettings;
}

/** A short, file-safe label for one dimension value. */
export function valueLabel(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(valueLabel).join('+') || 'none';
  const o = value as Record<string, unknown>;
  if ('kind' in o && 'ms' in o) return o.kind === 'none' ? 'nogate' : `${String(o.kind)}${String(o.ms)}`;
  if ('enabled' in o) return o.enabled ? `vp${o.agc ? '-agc' : ''}` : 'novp';
  return Object.values(o).map(valueLabel).join('-');
}

export function expandMatrix(scenario: Scenario): Cell[] {
  const dims = DIMENSIONS.filter((d) => scenario.matrix[d] !== undefined);
  let cells: Cell[] = [{ id: '', dims: {}, settings: scenario.base }];
  for (const d of dims) {
    const values = scenario.matrix[d] as unknown[];
    cells = cells.flatMap((c) =>
      values.map((v) => ({
        id: c.id ? `${c.id}_${valueLabel(v)}` : valueLabel(v),
        dims: { ...c.dims, [d]: valueLabel(v) },
        settings: { ...c.settings, [d]: v },
      })),
    );
  }
  const seen = new Map<string, number>();
  return cells.map((c) => {
    const base = (c.id || 'default').replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 56);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { ...c, id: n === 0 ? base : `${base}-${n}` };
  });
}

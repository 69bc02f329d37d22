/**
 * The dependency rules of DESIGN §2, checked on every import in src/: a layer may import
 * only the layers listed for it, DSP kernels stay pure, and only the CLI prints or exits.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

const ALLOWED: Record<string, string[]> = {
  core: [],
  types: [],
  dsp: ['core'],
  io: ['core'],
  protocol: ['core'],
  config: ['core'],
  analysis: ['core', 'dsp', 'config'],
  sim: ['core', 'dsp', 'protocol'],
  device: ['core', 'protocol', 'io', 'sim'],
  report: ['core', 'analysis'],
  'fixture-prep': ['core', 'dsp', 'io', 'config'],
  scenario: ['core', 'dsp', 'io', 'protocol', 'config', 'analysis', 'sim', 'device', 'report', 'fixture-prep'],
  cli: ['core', 'dsp', 'io', 'protocol', 'config', 'analysis', 'sim', 'device', 'report', 'fixture-prep', 'scenario'],
};

/** Packages and built-ins that would make a kernel impure or a layer noisy. */
const IMPURE = /^(node:)?(fs|fs\/promises|child_process|net|http|https|ws|chalk|readline)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files(SRC).map((path) => {
  const rel = relative(SRC, path);
  const layer = rel.split(sep)[0]!;
  const text = readFileSync(path, 'utf8');
  const imports = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return { rel, layer, text, imports };
});

describe('layering (DESIGN §2)', () => {
  it('finds the source tree', () => {
    expect(sources.length).toBeGreaterThan(10);
  });

  it.each(sources.map((s) => [s.rel, s] as const))('%s imports only allowed layers', (_rel, s) => {
    expect(Object.keys(ALLOWED)).toContain(s.layer);
    for (const spec of s.imports.filter((i) => i.startsWith('.'))) {
      const target = relative(SRC, join(SRC, s.rel, '..', spec)).split(sep)[0]!;
      if (target === s.layer) continue;
      expect(ALLOWED[s.layer], `${s.rel} imports ${spec}`).toContain(target);
    }
  });

  it('DSP kernels are pure: no I/O, no logging, no process', () => {
    for (const s of sources.filter((x) => x.layer === 'dsp' || x.layer === 'analysis' || x.layer === 'core' || x.layer === 'config')) {
      for (const spec of s.imports) expect(IMPURE.test(spec), `${s.rel} imports ${spec}`).toBe(false);
      expect(/\bconsole\.|process\./.test(s.text), `${s.rel} uses console or process`).toBe(false);
    }
  });

  it('only the CLI prints colours or exits', () => {
    for (const s of sources.filter((x) => x.layer !== 'cli')) {
      expect(s.imports.includes('chalk'), `${s.rel} imports chalk`).toBe(false);
      expect(/process\.exit\(/.test(s.text), `${s.rel} calls process.exit`).toBe(false);
    }
  });
});

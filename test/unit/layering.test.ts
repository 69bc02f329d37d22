/**
 * The dependency rules of docs/architecture.md § Layering, checked on every import in src/:
 * a layer imports only the layers listed for it, pure layers do no I/O (not even through
 * `createRequire`), the browser client imports nothing of Node, CLI commands do not import
 * each other, and only the CLI prints colours or exits. The checker itself is tested on
 * synthetic sources, so a rule that stops biting fails here too.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Which layers each layer may import; data flows device → run-dir → analysis → evaluation → report-writer. */
const ALLOWED: Record<string, string[]> = {
  core: [],
  types: [],
  dsp: ['core'],
  io: ['core'],
  protocol: ['core'],
  config: ['core'],
  analysis: ['core', 'dsp', 'config'],
  report: ['core', 'analysis'],
  'report-client': ['report'],
  sim: ['core', 'dsp', 'protocol'],
  device: ['core', 'protocol', 'io', 'sim'],
  'run-dir': ['core', 'io', 'protocol', 'config', 'analysis'],
  evaluation: ['core', 'dsp', 'io', 'config', 'analysis', 'report', 'run-dir', 'vad'],
  'report-writer': ['core', 'io', 'report', 'run-dir'],
  'fixture-prep': ['core', 'dsp', 'io', 'config'],
  // Model files and a native runtime: I/O, so apart from the pure verdict logic in analysis/.
  vad: ['core', 'dsp', 'io', 'config'],
  scenario: ['core', 'dsp', 'io', 'protocol', 'config', 'analysis', 'sim', 'device', 'run-dir', 'fixture-prep', 'vad'],
  cli: [
    'core',
    'dsp',
    'io',
    'protocol',
    'config',
    'analysis',
    'report',
    'sim',
    'device',
    'run-dir',
    'evaluation',
    'report-writer',
    'fixture-prep',
    'scenario',
    'vad',
  ],
};

/** Layers that compute only: no file system, network, processes or printing. */
const PURE = new Set(['core', 'dsp', 'analysis', 'config', 'report', 'report-client']);

/** Built-ins and packages that would make a pure layer do I/O or print. */
const IMPURE = /^(node:)?(fs|fs\/promises|child_process|net|http|https|module|worker_threads|readline)$|^(ws|chalk)$/;

interface Source {
  rel: string;
  layer: string;
  text: string;
  imports: { spec: string; typeOnly: boolean }[];
}

function parse(rel: string, text: string): Source {
  const imports = [
    ...text.matchAll(/(import|export)\s+(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => ({ spec: (m[3] ?? m[4] ?? m[5])!, typeOnly: m[2] !== undefined }));
  return { rel, layer: rel.split('/')[0]!, text, imports };
}

/** Every rule a source breaks, as one line each; empty when it keeps them all. */
function violations(s: Source): string[] {
  const out: string[] = [];
  const allowed = ALLOWED[s.layer];
  if (allowed === undefined) return [`${s.rel}: layer ${s.layer} is not in the layering table`];
  for (const { spec, typeOnly } of s.imports) {
    if (spec.startsWith('.')) {
      const target = posix.normalize(posix.join(posix.dirname(s.rel), spec));
      const layer = target.split('/')[0]!;
      if (layer !== s.layer && !allowed.includes(layer)) out.push(`${s.rel}: imports ${spec} (layer ${layer})`);
      // The browser bundle may share the report's types, never its code.
      if (s.layer === 'report-client' && layer !== s.layer && !typeOnly) out.push(`${s.rel}: imports code from ${spec}; only types may cross into the browser`);
      if (s.rel.startsWith('cli/commands/') && target.startsWith('cli/commands/')) out.push(`${s.rel}: imports the command ${spec}; share it from cli/`);
    } else if (PURE.has(s.layer) && IMPURE.test(spec)) {
      out.push(`${s.rel}: imports ${spec} in a pure layer`);
    } else if (s.layer === 'report-client' && spec.startsWith('node:')) {
      out.push(`${s.rel}: imports ${spec} in browser code`);
    }
  }
  if (PURE.has(s.layer)) {
    if (/\bcreateRequire\b|\bconsole\.|\bprocess\./.test(s.text)) out.push(`${s.rel}: uses createRequire, console or process in a pure layer`);
  }
  if (s.layer !== 'cli') {
    if (s.imports.some((i) => i.spec === 'chalk')) out.push(`${s.rel}: imports chalk outside the CLI`);
    if (/process\.exit\(/.test(s.text)) out.push(`${s.rel}: calls process.exit outside the CLI`);
  }
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const sources = files(SRC).map((path) => parse(relative(SRC, path).split(sep).join('/'), readFileSync(path, 'utf8')));

describe('layering (docs/architecture.md)', () => {
  it('finds the source tree and every layer in it', () => {
    expect(sources.length).toBeGreaterThan(10);
    for (const layer of new Set(sources.map((s) => s.layer))) expect(Object.keys(ALLOWED)).toContain(layer);
  });

  it.each(sources.map((s) => [s.rel, s] as const))('%s keeps the rules', (_rel, s) => {
    expect(violations(s)).toEqual([]);
  });
});

describe('the layering checker bites', () => {
  const cases: [string, string, RegExp][] = [
    ['report/html.ts', "import { readFileSync } from 'node:fs';", /node:fs in a pure layer/],
    ['analysis/x.ts', "import { createRequire } from 'node:module';\nconst fs = createRequire(import.meta.url)('fs');", /node:module in a pure layer/],
    ['analysis/x.ts', "const fs = createRequire(import.meta.url)('fs');", /createRequire/],
    ['analysis/x.ts', "const fs = require('fs');", /imports fs in a pure layer/],
    ['dsp/x.ts', "const m = await import('../io/wav.js');", /layer io/],
    ['cli/commands/run.ts', "import { SHIPPED } from './fixtures.js';", /imports the command/],
    ['report-client/x.ts', "import { formatPercent } from '../report/format.js';", /only types may cross/],
    ['report-client/x.ts', "import { x } from 'node:path';", /browser code/],
    ['report/x.ts', "import { writeReports } from '../report-writer/write-reports.js';", /layer report-writer/],
    ['evaluation/x.ts', "import { writeReports } from '../report-writer/write-reports.js';", /layer report-writer/],
    ['scenario/x.ts', "import { evaluateRun } from '../evaluation/evaluate-run.js';", /layer evaluation/],
    ['device/x.ts', "import chalk from 'chalk';", /chalk outside the CLI/],
    ['newlayer/x.ts', '', /not in the layering table/],
  ];
  it.each(cases)('%s: %s', (rel, text, message) => {
    expect(violations(parse(rel, text)).join('\n')).toMatch(message);
  });

  it('accepts allowed imports', () => {
    expect(violations(parse('report-client/x.ts', "import type { ClientData } from '../report/client-data.js';"))).toEqual([]);
    expect(violations(parse('cli/commands/run.ts', "import { x } from '../shipped-fixtures.js';"))).toEqual([]);
    expect(violations(parse('run-dir/x.ts', "import { readFile } from 'node:fs/promises';"))).toEqual([]);
  });
});

/**
 * The iOS harness app's sources (ios-harness-app/App, which need AVFoundation, CallKit,
 * Network.framework and UIKit, none of which exist here) are checked by parsing: `swiftc
 * -parse` (syntax only; no imports resolved, no type checking) through scripts/swift.sh over
 * every .swift file, so a broken file fails the suite. A file with a syntax error planted in
 * HarnessKit's .build (git-ignored) must fail the same check, so a pass means something.
 * Where Swift cannot be had (swift.sh exits 4) this says so loudly and skips; with CI=true
 * that is a failure. Compiling and running the app needs Xcode (.github/workflows/macos.yml).
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVISION_MS, provisionSwift, swiftSh } from '../helpers/swift.js';

const APP_DIR = fileURLToPath(new URL('../../ios-harness-app/App', import.meta.url));
const PROBE_DIR = fileURLToPath(new URL('../../ios-harness-app/HarnessKit/.build/parse-probe', import.meta.url));
const PARSE_MS = 5 * 60_000;

function swiftFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return swiftFiles(path);
    return name.endsWith('.swift') ? [path] : [];
  });
}

/** Parses each file on its own, so every broken file is named. */
async function parse(files: string[]): Promise<{ file: string; code: number; output: string }[]> {
  const results = [];
  for (const file of files) {
    const r = await swiftSh(['--exec', 'swiftc', '-parse', file], PARSE_MS);
    results.push({ file, ...r });
  }
  return results;
}

let unavailable: string | null = null;

describe('iOS harness app sources parse', () => {
  beforeAll(async () => {
    unavailable = await provisionSwift('ios-harness-app/App');
  }, PROVISION_MS);

  it(
    'every .swift file under ios-harness-app/App parses with swiftc -parse',
    async (ctx) => {
      if (unavailable) return ctx.skip();
      const files = swiftFiles(APP_DIR);
      expect(files.length).toBeGreaterThanOrEqual(10);
      const failed = (await parse(files)).filter((r) => r.code !== 0);
      expect(failed.map((f) => `${f.file}:\n${f.output}`).join('\n')).toBe('');
      console.log(`iOS app: ${files.length} Swift files parse (syntax only; not compiled here)`);
    },
    PARSE_MS * 4,
  );

  it(
    'a file with a syntax error fails the same check',
    async (ctx) => {
      if (unavailable) return ctx.skip();
      mkdirSync(PROBE_DIR, { recursive: true });
      const bad = join(PROBE_DIR, 'Broken.swift');
      writeFileSync(bad, 'import AVFoundation\nfinal class Broken {\n  func f( {\n}\n');
      try {
        const [r] = await parse([bad]);
        expect(r?.code).not.toBe(0);
        expect(r?.output).toMatch(/error:/);
      } finally {
        rmSync(PROBE_DIR, { recursive: true, force: true });
      }
    },
    PARSE_MS,
  );
});

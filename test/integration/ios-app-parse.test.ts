/**
 * The iOS harness app's sources (ios-harness-app/App, which need AVFoundation, CallKit,
 * Network.framework and UIKit, none of which exist here) are checked by parsing: `swiftc
 * -parse` (syntax only; no imports resolved, no type checking) through scripts/swift.sh over
 * every .swift file, so a broken file fails the suite. A file with a syntax error planted in
 * HarnessKit's .build (git-ignored) must fail the same check, so a pass means something.
 * Where Swift cannot be had (swift.sh exits 4) this says so loudly and skips; with CI=true
 * that is a failure. Compiling and running the app needs Xcode (.github/workflows/macos.yml).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const SWIFT_SH = fileURLToPath(new URL('../../scripts/swift.sh', import.meta.url));
const APP_DIR = fileURLToPath(new URL('../../ios-harness-app/App', import.meta.url));
const PROBE_DIR = fileURLToPath(new URL('../../ios-harness-app/HarnessKit/.build/parse-probe', import.meta.url));
/** swift.sh's exit code for "Swift cannot be had on this machine". */
const UNAVAILABLE = 4;
const PROVISION_MS = 30 * 60_000;
const PARSE_MS = 5 * 60_000;

function swiftSh(args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SWIFT_SH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), output });
    });
  });
}

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
    const p = await swiftSh(['--provision'], PROVISION_MS);
    if (p.code === UNAVAILABLE) {
      unavailable = p.output.trim();
      if (process.env.CI === 'true') throw new Error(`Swift is required in CI but unavailable: ${unavailable}`);
      console.warn(`\n!!! SKIPPING THE iOS APP PARSE CHECK: ${unavailable}\n!!! ios-harness-app/App is not checked on this machine.\n`);
      return;
    }
    expect(p.code, p.output).toBe(0);
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

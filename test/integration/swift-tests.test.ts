/**
 * HarnessKit's XCTest suites (ios-harness-app/HarnessKit/Tests), run from `npm test` through
 * scripts/swift.sh: a native Swift toolchain where there is one, else the Debian trixie
 * chroot it provisions (minutes the first time on a machine, then cached). Where Swift
 * cannot be had (swift.sh exits 4: not root, no debootstrap), this says so loudly and skips;
 * with CI=true that is a failure.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const SWIFT_SH = fileURLToPath(new URL('../../scripts/swift.sh', import.meta.url));
/** swift.sh's exit code for "Swift cannot be had on this machine". */
const UNAVAILABLE = 4;
const PROVISION_MS = 30 * 60_000;
const TEST_MS = 20 * 60_000;

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

let unavailable: string | null = null;

describe('HarnessKit Swift tests', () => {
  beforeAll(async () => {
    const p = await swiftSh(['--provision'], PROVISION_MS);
    if (p.code === UNAVAILABLE) {
      unavailable = p.output.trim();
      if (process.env.CI === 'true') throw new Error(`Swift is required in CI but unavailable: ${unavailable}`);
      console.warn(`\n!!! SKIPPING THE SWIFT TESTS: ${unavailable}\n!!! HarnessKit is not tested on this machine.\n`);
      return;
    }
    expect(p.code, p.output).toBe(0);
  }, PROVISION_MS);

  it(
    'swift test passes',
    async (ctx) => {
      if (unavailable) return ctx.skip();
      const started = Date.now();
      const r = await swiftSh(['test'], TEST_MS);
      const executed = [
        ...r.output.matchAll(/Executed (\d+) tests?, with (\d+) tests? skipped and (\d+) failures?|Executed (\d+) tests?, with (\d+) failures?/g),
      ].at(-1);
      const summary = r.output.split('\n').filter((l) => /error:|failed|Executed/.test(l));
      expect(r.code, summary.slice(-40).join('\n')).toBe(0);
      expect(executed, 'XCTest printed its summary').toBeDefined();
      const total = Number(executed![1] ?? executed![4]);
      const failures = Number(executed![3] ?? executed![5]);
      expect(failures).toBe(0);
      expect(total).toBeGreaterThanOrEqual(60);
      console.log(`HarnessKit: ${total} XCTest tests passed (${executed![2] ?? 0} skipped) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
    TEST_MS,
  );
});

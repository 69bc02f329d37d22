/**
 * HarnessKit's XCTest suites (ios-harness-app/HarnessKit/Tests), run from `npm test` through
 * scripts/swift.sh: a native Swift toolchain where there is one, else the Debian trixie
 * chroot it provisions (minutes the first time on a machine, then cached). Where Swift
 * cannot be had (swift.sh exits 4: not root, no debootstrap), this says so loudly and skips;
 * with CI=true that is a failure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PROVISION_MS, provisionSwift, swiftSh } from '../helpers/swift.js';

const TEST_MS = 20 * 60_000;

let unavailable: string | null = null;

describe('HarnessKit Swift tests', () => {
  beforeAll(async () => {
    unavailable = await provisionSwift('HarnessKit');
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

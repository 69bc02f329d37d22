import { defineConfig } from 'vitest/config';

/**
 * The `system` suite: tests that drive programs outside Node (the Swift toolchain, a real
 * Appium 3 server with the XCUITest driver, headless Chromium, the Debian TTS engines):
 * what a change to the TypeScript alone rarely breaks, and what costs the most to start
 * (docs/testing.md has the cost per file). `npm test` runs the
 * `main` project, `npm run test:system` this one; `.ci/run` runs both.
 */
export const SYSTEM_TESTS = [
  // Swift (scripts/swift.sh provisions a toolchain in a chroot the first time).
  'test/integration/swift-tests.test.ts',
  'test/integration/harnesskit-lan.test.ts',
  'test/integration/files-mode.test.ts',
  'test/integration/ios-app-parse.test.ts',
  // A real Appium 3 server and the XCUITest driver, against a fake WebDriverAgent.
  'test/integration/appium.test.ts',
  'test/integration/appium-start.test.ts',
  // Headless Chromium.
  'test/integration/report-browser.test.ts',
  'test/integration/report-client.test.ts',
  // The Debian TTS engines regenerating fixtures.
  'test/unit/fixture-prep/regenerate.test.ts',
];

export default defineConfig({
  test: {
    // DSP tests run big FFTs; the 2-core CI machine needs headroom, not a speed check.
    testTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup/yield-between-tests.ts', 'test/setup/zod-wording.ts'],
    projects: [
      { extends: true, test: { name: 'main', include: ['test/**/*.test.ts'], exclude: SYSTEM_TESTS } },
      { extends: true, test: { name: 'system', include: SYSTEM_TESTS } },
    ],
  },
});

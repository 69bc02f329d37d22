import { defineConfig } from 'vitest/config';

/**
 * The `system` suite: tests that drive programs outside Node (the Swift toolchain, a real
 * Appium 3 server with the XCUITest driver, headless Chromium, the Debian TTS engines) or
 * run long simulated sessions. Each file costs tens of seconds; together they are the
 * minutes of the whole suite (docs/testing.md has the cost per file). `npm test` runs the
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
  // Long simulated sessions: 120 s of trial audio; 40 trials through the VAD.
  'test/integration/sim-device-responsive.test.ts',
  'test/integration/vad-self-interruption.test.ts',
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

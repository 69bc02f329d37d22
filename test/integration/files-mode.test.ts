/**
 * files mode end to end: the real CLI (`voiceaec run --device files:<dir>`) runs a scenario
 * on the Linux build of voiceaec-harness, launched once per request with the plan it left in
 * the folder (docs/protocol.md § Transport), as a phone in a device cloud is through Appium.
 * The LoopbackEngine's echo path is known, so the analysis has exact answers; the reports
 * must label the device as HarnessKit's loopback test double. The folder lives inside the
 * repo because scripts/swift.sh runs the harness in a chroot that sees only the repo. Swift
 * comes from scripts/swift.sh; where it cannot be had the test skips loudly (fails in CI).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { PROVISION_MS, provisionSwift, swiftSh } from '../helpers/swift.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCENARIO = join(REPO, 'test/data/harnesskit/loopback-quiet-room.yaml');
const BUILD_MS = 20 * 60_000;
const RUN_MS = 300_000;
const LATENCY_MS = 12.5;
const GAIN_DB = -20;

let unavailable: string | null = null;
let tmp: string | null = null;

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
const COLD = 'each trial ran on a freshly launched app (cold canceller): compare only with other cold runs';

/**
 * The harness command: a shell that notes how many trials each launch's plan asks for (in
 * `log`, outside the exchange folder) and then runs voiceaec-harness with the LoopbackEngine.
 */
function harness(folder: string, log: string, ...more: string[]): string {
  const note = `grep -c '"type":"trial"' "${folder}/plan.ndjson" >> "${log}" || true; exec bash "${join(REPO, 'scripts/swift.sh')}" --exec .build/debug/voiceaec-harness "$@"`;
  return JSON.stringify(['bash', '-c', note, 'harness', ...more]);
}

const LOOPBACK = ['-loopbackLatencyMs', String(LATENCY_MS), '-loopbackGainDb', String(GAIN_DB), '-loopbackNoiseDbfs', '-80', '-loopbackSeed', '3'];
/** Trials per launch as the log holds them: 0 for hello, configure, uploads and teardown. */
const trialsPerLaunch = (log: string) => readFileSync(log, 'utf8').trim().split('\n').map(Number);

describe('voiceaec run --device files:<dir> on voiceaec-harness (LoopbackEngine)', () => {
  beforeAll(async () => {
    unavailable = await provisionSwift('files mode end to end');
    if (unavailable) return;
    const build = await swiftSh(['build', '--product', 'voiceaec-harness'], BUILD_MS);
    expect(build.code, build.output).toBe(0);
    expect(existsSync(join(REPO, 'dist/cli/main.js')), 'the CLI is built (npm run build)').toBe(true);
    // scratch*/ is ignored by git, lint and format.
    tmp = mkdtempSync(join(REPO, 'scratch-files-mode-'));
  }, PROVISION_MS + BUILD_MS);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(
    'runs the scenario to the end through plans and results and labels the loopback device',
    async (ctx) => {
      if (unavailable) return ctx.skip();
      const folder = join(tmp!, 'exchange');
      const out = join(tmp!, 'run');
      const log = join(tmp!, 'launches.log');
      const r = await runCli(
        ['run', '--device', `files:${folder}`, '--harness', harness(folder, log, ...LOOPBACK), '--scenario', SCENARIO, '--out', out, '--ci'],
        RUN_MS,
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);

      const manifest = json(join(out, 'manifest.json'));
      expect(manifest.status).toBe('complete');
      expect(manifest.device).toMatchObject({ kind: 'device', model: 'LoopbackEngine', simulated: true, class: 'loopback', target: `files:${folder}` });
      // The default warm-up: every trial's launch ran the warm-up and then the measured trial, in one harness process.
      expect(manifest.device.link).toEqual({ connection: 'files', warmupTrials: 1 });
      const perLaunch = trialsPerLaunch(log);
      expect(perLaunch.filter((n) => n > 0)).toEqual([2, 2, 2]);
      // The others (hello, configure, the uploads, teardown) ask for none.
      expect(perLaunch.filter((n) => n === 0).length).toBeGreaterThanOrEqual(4);
      // Warm trials are not cold ones: no caveat.
      expect(r.stdout + r.stderr).not.toContain(COLD);
      expect(r.stdout).toContain('files mode, 1 warm-up trial per launch');
      expect(String(manifest.device.name)).not.toMatch(/iphone/i);
      const trials = manifest.cells.flatMap((c: { trials: Array<{ status: string; attempts: number }> }) => c.trials);
      expect(trials.map((t: { status: string }) => t.status)).toEqual(['ok', 'ok', 'ok']);
      // Every trial on its first launch: nothing was retried.
      expect(trials.map((t: { attempts: number }) => t.attempts)).toEqual([1, 1, 1]);

      // The reports say which device ran: the loopback test double, never a phone.
      expect(r.stdout + r.stderr).toMatch(/device: LOOPBACK TEST DEVICE — .*not a phone/);
      expect(json(join(out, 'results.json')).runs[0].device.class).toBe('loopback');
      expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/LOOPBACK TEST DEVICE/);
      expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<property name="deviceClass" value="loopback"/>');

      // The measurements came through the files whole: the loopback's delay and echo level.
      const cellDir = join(out, 'cells', manifest.cells[0].id);
      for (const trial of ['calibration', ...readdirSync(cellDir).filter((d) => /^trial-\d{3}$/.test(d))]) {
        const m = json(join(cellDir, trial, 'metrics.json'));
        expect(Math.abs(m.delay.ms - LATENCY_MS), `${trial} delay ${m.delay.ms}`).toBeLessThanOrEqual(0.1);
        expect(Math.abs(m.levels.echoLossDb - -GAIN_DB), `${trial} echo loss ${m.levels.echoLossDb}`).toBeLessThanOrEqual(0.5);
      }
      // The exchange folder holds nothing of the run once it is over.
      expect(readdirSync(folder)).toEqual([]);

      // The same run without warm-up: one trial per launch, the same recordings (the warm-up's audio is in none of
      // them), and every surface says the trials were cold starts.
      const coldOut = join(tmp!, 'cold');
      const coldLog = join(tmp!, 'cold-launches.log');
      const cold = await runCli(
        [
          'run',
          '--device',
          `files:${folder}`,
          '--harness',
          harness(folder, coldLog, ...LOOPBACK),
          '--warmup-trials',
          '0',
          '--scenario',
          SCENARIO,
          '--out',
          coldOut,
          '--ci',
        ],
        RUN_MS,
      );
      expect(cold.code, cold.stdout + cold.stderr).toBe(0);
      expect(trialsPerLaunch(coldLog).filter((n) => n > 0)).toEqual([1, 1, 1]);
      const coldManifest = json(join(coldOut, 'manifest.json'));
      expect(coldManifest.device.link).toEqual({ connection: 'files', warmupTrials: 0 });
      for (const trial of ['calibration', 'trial-001', 'trial-002']) {
        const recordings = readdirSync(join(cellDir, trial)).filter((f) => f.endsWith('.wav'));
        expect(recordings.length, trial).toBeGreaterThan(0);
        for (const f of recordings)
          expect(statSync(join(cellDir, trial, f)).size, `${trial}/${f}`).toBe(statSync(join(coldOut, 'cells', manifest.cells[0].id, trial, f)).size);
      }
      // The loopback's echo path does not adapt: cold or warm, the first trial measures what a later one does.
      const el = (dir: string, t: string) => json(join(dir, 'cells', manifest.cells[0].id, t, 'metrics.json')).levels.echoLossDb as number;
      expect(Math.abs(el(coldOut, 'trial-001') - el(out, 'trial-002'))).toBeLessThanOrEqual(0.5);
      expect(cold.stdout).toContain(`⚠ ${COLD}`);
      expect(readFileSync(join(coldOut, 'summary.md'), 'utf8')).toContain(`⚠️ ${COLD}`);
      expect(readFileSync(join(coldOut, 'report.html'), 'utf8')).toContain(COLD);
      expect(readFileSync(join(coldOut, 'junit.xml'), 'utf8')).toContain(`<property name="deviceLinkCaveat" value="${COLD}"/>`);
      const results = json(join(coldOut, 'results.json'));
      expect(results.runs[0].device).toMatchObject({ link: { connection: 'files', warmupTrials: 0 }, linkCaveat: COLD });
      expect(json(join(out, 'results.json')).runs[0].device.linkCaveat).toBeNull();
    },
    2 * RUN_MS + 30_000,
  );

  it(
    'a harness that refuses its arguments fails the run with one line naming the launch',
    async (ctx) => {
      if (unavailable) return ctx.skip();
      const harness = JSON.stringify(['bash', join(REPO, 'scripts/swift.sh'), '--exec', '.build/debug/voiceaec-harness', '-noSuchArgument', '1']);
      const r = await runCli(
        ['run', '--device', `files:${join(tmp!, 'refused')}`, '--harness', harness, '--scenario', SCENARIO, '--out', join(tmp!, 'refused-run'), '--ci'],
        RUN_MS,
      );
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/E_FILES_NO_RESULTS: the harness ended \(exit code 2\) without results\.ndjson: .*unknown argument -noSuchArgument/);
      expect(r.stderr).not.toMatch(/E_INTERNAL/);
    },
    RUN_MS,
  );
});

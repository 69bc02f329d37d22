/** `voiceaec run`: a scenario on a device (the virtual iPhone by default), then the reports. */
import { type Command, Option } from 'commander';
import { resolve } from 'node:path';
import { ExitCode, usageError } from '../../core/errors.js';
import { maxRepetitions, repetitionsLabel, ScenarioSchema, type Repetitions } from '../../config/scenario.js';
import { LanDriver } from '../../device/lan-driver.js';
import { resolveDevice } from '../../device/resolve-device.js';
import { evaluateRun } from '../../evaluation/evaluate-run.js';
import { writeReports } from '../../report-writer/write-reports.js';
import { defaultRunDir } from '../../run-dir/layout.js';
import { hasManifest, readManifest } from '../../run-dir/manifest-file.js';
import type { RunManifest } from '../../run-dir/manifest-schema.js';
import { ScenarioRunner } from '../../scenario/runner.js';
import { loadScenario, withRepetitions } from '../../scenario/scenario-file.js';
import { gitCommit, toolVersion } from '../version.js';
import { intArg } from '../option-parsers.js';
import { printResultsSummary } from '../results-summary.js';
import { SHIPPED_FIXTURES_DIR } from '../shipped-fixtures.js';
import type { AppiumFlags } from '../appium-config.js';
import { deviceContext } from '../device-context.js';
import { runLabCommand } from '../lab-command.js';
import { progressPrinter, vadProgressPrinter } from '../run-progress.js';
import { exitOnInterrupt } from '../interrupt.js';
import { recordedScenario } from '../recorded-scenario.js';
import { isLabDir } from '../../run-dir/lab-file.js';

interface RunFlags extends AppiumFlags {
  scenario?: string;
  device?: string[];
  allowDeviceChange?: boolean;
  token?: string;
  harness?: string;
  out?: string;
  repeat?: Repetitions;
  seed?: number;
  resume?: string;
  fixtures?: string;
  ci?: boolean;
  json?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a scenario on a device (default: the virtual iPhone), write the run directory and reports')
    .addOption(new Option('--scenario <name|path>', 'shipped scenario name (voiceaec scenarios list) or a YAML file').conflicts('resume'))
    .option(
      '--device <sim[:profile]|appium[:udid]|ws-url|lan[:[host:]port]|files:dir>',
      'sim: the virtual iPhone; appium: launch the harness app on a phone through Appium; ws://host:port: a listening harness app; lan: wait for the device to dial in; files:<dir>: the harness on this host in files mode (default: sim, or the device a resumed run started on); repeat for several devices in parallel (one lab run, one report)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--appium-url <url>', 'Appium server (--device appium; default http://127.0.0.1:4723; credentials from the environment only)')
    .option('--udid <udid>', 'the phone (--device appium; see voiceaec devices)')
    .option('--app <path|url>', 'harness app to install (--device appium; default: the installed dev.voiceaec.harness)')
    .option('--connection <auto|forward|lan|ws|files>', 'how the CLI reaches the app (--device appium; default auto; docs/appium.md)')
    .option(
      '--farm <local|appium-device-farm|selenium-grid|browserstack|saucelabs|aws-device-farm>',
      'where the Appium session comes from: capability format, credentials from the environment, default connection (--device appium; docs/appium.md § Farm presets)',
    )
    .option('--appium-start', 'start a private Appium server on 127.0.0.1 for this run and stop it after (--device appium; instead of --appium-url)')
    .option('--appium-home <dir>', 'APPIUM_HOME for --appium-start (default: a private one using the XCUITest driver installed beside voiceaec)')
    .option('--appium-config <file>', 'JSON or YAML file of Appium settings; the flags above override it')
    .option('--allow-device-change', 'let --resume continue a run on another device than the one that started it')
    .option('--harness <command>', 'harness command for --device files:<dir> (default $VOICEAEC_HARNESS; docs/harnesskit.md)')
    .option(
      '--warmup-trials <n>',
      'files mode: trials each app launch runs and discards before the measured one (default 1; 0 measures cold starts; docs/appium.md § files mode)',
    )
    .option(
      '--files-launch-timeout <seconds>',
      "files mode: one launch's allowance beyond its trial audio (default 60 for files:<dir>; by --farm for appium: local 120, hubs 300, clouds 600)",
    )
    .option('--token <token>', 'run token the harness app was launched with (ws-url devices; default $VOICEAEC_TOKEN)')
    .option('--out <dir>', 'run directory (default reports/<UTC time>-<scenario>)')
    .addOption(
      new Option('--repeat <n|min:max>', 'measured trials per cell, or min:max to stop each cell once decided (sequential; overrides the scenario)').argParser(
        repeatArg,
      ),
    )
    .addOption(
      new Option('--seed <n>', 'seed of the virtual iPhone and the streaming patterns (overrides the scenario)').argParser(intArg('--seed', 0, 2 ** 32 - 1)),
    )
    .option('--resume <dir>', 'continue a killed or interrupted run in this directory')
    .option('--fixtures <dir>', 'fixture directory with manifest.json (default: the shipped fixtures; see voiceaec fixtures import)')
    .option('--ci', 'line-oriented progress for logs (default when not a TTY)')
    .option('--json', 'print the final results as JSON')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags);
    });
}

async function runCommand(flags: RunFlags): Promise<number> {
  const targets = flags.device ?? [];
  if (targets.length > 1 || (flags.resume && isLabDir(resolve(flags.resume)))) return runLabCommand(flags, targets);
  let scenario;
  let source: string;
  let runDir: string;
  let target = targets[0] ?? 'sim';
  if (flags.resume) {
    runDir = resolve(flags.resume);
    const m = await readManifest(runDir);
    target = targets[0] ?? resumeTarget(m.device, flags.resume);
    scenario = recordedScenario(m.scenario.resolved, flags.resume);
    const planned = scenario.trials.repetitions;
    if (flags.repeat !== undefined) scenario = withRepetitions(scenario, flags.repeat);
    if (m.status === 'complete' && maxRepetitions(scenario.trials.repetitions) <= maxRepetitions(planned)) {
      const more = typeof planned === 'number' ? `<more than ${planned}>` : `${planned.min}:<more than ${planned.max}>`;
      throw usageError('E_RESUME_COMPLETE', `${flags.resume} is a complete run of ${repetitionsLabel(planned)} trials per cell`, {
        hint: `add trials with  voiceaec run --resume ${flags.resume} --repeat ${more}, or re-render it with voiceaec report`,
      });
    }
    source = m.scenario.source;
  } else {
    if (!flags.scenario) throw usageError('E_USAGE', 'run needs --scenario or --resume', { hint: 'e.g. voiceaec run --scenario quiet-room' });
    ({ scenario, source } = await loadScenario(flags.scenario, { seed: flags.seed, repetitions: flags.repeat }));
    runDir = resolve(flags.out ?? defaultRunDir('reports', scenario.name));
    if (hasManifest(runDir)) throw await runDirExists(runDir);
  }
  const { driver, target: deviceTarget } = resolveDevice(target, await deviceContext(flags, [target], scenario.seed));
  if (driver instanceof LanDriver) {
    const port = await driver.listen();
    // The token is a secret: say where it comes from, never print it (logs are shared).
    process.stderr.write(
      `waiting for the device to dial ws://<this host>:${port}/harness with the run token (${flags.token ? '--token' : '$VOICEAEC_TOKEN'})\n`,
    );
  }
  const quiet = flags.ci || !process.stderr.isTTY;
  const progress = progressPrinter(quiet);
  const runner = await ScenarioRunner.create({
    scenario,
    scenarioSource: source,
    runDir,
    driver,
    fixturesDir: flags.fixtures ? resolve(flags.fixtures) : SHIPPED_FIXTURES_DIR,
    resume: !!flags.resume,
    deviceTarget,
    allowDeviceChange: !!flags.allowDeviceChange,
    toolVersion: toolVersion(),
    gitCommit: gitCommit(),
    onProgress: progress,
  });
  const stopListening = exitOnInterrupt(runDir, !!flags.json);
  try {
    await runner.run();
  } finally {
    stopListening();
    progress({ type: 'warning', message: '' });
    await driver.close();
  }
  const vadProgress = vadProgressPrinter(quiet);
  const results = await evaluateRun([runDir], { toolVersion: toolVersion(), onVadProgress: vadProgress.onVadProgress }).finally(vadProgress.end);
  await writeReports(runDir, results);
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else printResultsSummary(results, runDir);
  return results.pass ? ExitCode.pass : ExitCode.acceptanceFailed;
}

/** `--repeat 20` (a fixed count) or `--repeat 10:200` (sequential: at least 10, at most 200, stop once decided). */
function repeatArg(v: string): Repetitions {
  const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(v);
  if (!m) return intArg('--repeat', 1, 10_000)(v);
  const min = intArg('--repeat min', 1, 10_000)(m[1]!);
  const max = intArg('--repeat max', 1, 10_000)(m[2]!);
  if (min > max)
    throw usageError('E_OPTION', `--repeat "${v}": the minimum is above the maximum`, { hint: 'give --repeat as min:max with min ≤ max, e.g. 10:200' });
  return { min, max };
}

/** The device a resumed run continues on when --device is not given: the one it started on. */
function resumeTarget(device: RunManifest['device'], dir: string): string {
  if (device.target) return device.target;
  if (device.kind === 'sim') return 'sim';
  throw usageError('E_RESUME_DEVICE', `${dir} was started on ${device.name} (${device.kind}) and does not record how it was reached`, {
    hint: 'give --device with the target the run started on',
  });
}

/** --out names a directory with a run: what to do depends on whether that run finished. */
async function runDirExists(runDir: string) {
  const m = await readManifest(runDir).catch(() => null);
  const planned = m ? ScenarioSchema.safeParse(m.scenario.resolved).data?.trials.repetitions : undefined;
  const hint =
    m?.status === 'complete'
      ? `that run is complete: add trials with  voiceaec run --resume ${runDir} --repeat <more than ${planned === undefined ? 'it ran' : repetitionsLabel(planned)}>, or pick another --out`
      : `continue it with  voiceaec run --resume ${runDir}, or pick another --out`;
  return usageError('E_RUNDIR_EXISTS', `${runDir} already holds a run`, { hint });
}

/**
 * `voiceaec run` with several devices: a lab run (src/scenario/lab-run.ts) in one directory,
 * each device's run under devices/<id>/, the combined reports at the top with a group per
 * device, and each device's own reports in its folder. `--resume LABDIR` continues every
 * device that has not finished, on the targets the lab recorded.
 */
import chalk from 'chalk';
import { resolve } from 'node:path';
import { deviceError, ExitCode, usageError, isVoiceAecError } from '../core/errors.js';
import type { Scenario } from '../config/scenario.js';
import { resolveDevice } from '../device/resolve-device.js';
import { evaluateRun } from '../evaluation/evaluate-run.js';
import { writeLabReports, writeReports } from '../report-writer/write-reports.js';
import { isLabDir, labDevicePath, readLabManifest } from '../run-dir/lab-file.js';
import { defaultRunDir } from '../run-dir/layout.js';
import { hasManifest, readManifest } from '../run-dir/manifest-file.js';
import { labIds, runLab, type LabDevice } from '../scenario/lab-run.js';
import { loadScenario, withRepetitions } from '../scenario/scenario-file.js';
import type { AppiumFlags } from './appium-config.js';
import { deviceContext } from './device-context.js';
import { checkLocalAppium, shareLocalAppium, startLocalAppium } from '../device/appium/local-appium-server.js';
import type { Repetitions } from '../config/scenario.js';
import { errorJson, plain } from './output.js';
import { printResultsSummary } from './results-summary.js';
import { progressPrinter, vadProgressPrinter } from './run-progress.js';
import { SHIPPED_FIXTURES_DIR } from './shipped-fixtures.js';
import { gitCommit, toolVersion } from './version.js';
import { exitOnInterrupt } from './interrupt.js';
import { recordedScenario } from './recorded-scenario.js';

export interface LabFlags extends AppiumFlags {
  scenario?: string;
  token?: string;
  /** files:<dir> devices: the harness command on this host. */
  harness?: string;
  out?: string;
  repeat?: Repetitions;
  seed?: number;
  resume?: string;
  fixtures?: string;
  json?: boolean;
  allowDeviceChange?: boolean;
}

export async function runLabCommand(flags: LabFlags, targetsGiven: string[]): Promise<number> {
  let scenario: Scenario;
  let source: string;
  let labDir: string;
  let targets = targetsGiven;
  if (flags.resume) {
    labDir = resolve(flags.resume);
    const lab = await readLabManifest(labDir);
    if (targets.length > 0 && targets.length !== lab.devices.length)
      throw usageError('E_RESUME_DEVICE', `${flags.resume} is a lab run on ${lab.devices.length} devices; ${targets.length} given`, {
        hint: 'resume without --device to use the recorded devices',
      });
    if (targets.length === 0) targets = lab.devices.map((d) => d.target);
    const first = lab.devices.map((d) => labDevicePath(labDir, d.id)).find((d) => hasManifest(d));
    if (!first) throw usageError('E_RESUME_EMPTY', `${flags.resume}: no device run has started yet`, { hint: 'start the lab run again with --scenario' });
    const m = await readManifest(first);
    scenario = recordedScenario(m.scenario.resolved, flags.resume);
    if (flags.repeat !== undefined) scenario = withRepetitions(scenario, flags.repeat);
    source = m.scenario.source;
  } else {
    if (!flags.scenario) throw usageError('E_USAGE', 'run needs --scenario or --resume', { hint: 'e.g. voiceaec run --scenario quiet-room' });
    ({ scenario, source } = await loadScenario(flags.scenario, { seed: flags.seed, repetitions: flags.repeat }));
    labDir = resolve(flags.out ?? defaultRunDir('reports', scenario.name));
    if (isLabDir(labDir) || hasManifest(labDir))
      throw usageError('E_RUNDIR_EXISTS', `${labDir} already holds a run`, {
        hint: `continue it with  voiceaec run --resume ${labDir} (add --repeat <more> if it finished), or pick another --out`,
      });
  }
  const ids = await labIds(labDir, targets, !!flags.resume);
  const context = await deviceContext(flags, targets, scenario.seed);
  const appium = context.appium;
  // --appium-start: one server for every phone of the lab, stopped when the last one is done (docs/appium.md).
  let shared: ReturnType<typeof shareLocalAppium> | undefined;
  if (appium?.startServer) {
    checkLocalAppium({ appiumHome: appium.appiumHome });
    shared = shareLocalAppium(startLocalAppium, (s) => process.stderr.write(`appium: stopped the server this run started (pid ${s.pid})\n`));
  }
  const devices: LabDevice[] = targets.map((t, i) => ({
    id: ids[i]!,
    ...resolveDevice(t, { ...context, ...(shared ? { startAppiumServer: shared } : {}) }),
  }));
  if (devices.some((d) => d.target.startsWith('lan')))
    throw usageError('E_LAB_LAN', 'lan devices dial in one at a time and cannot be told apart in a lab run', {
      hint: 'use ws:// or appium targets for several phones',
    });

  // Lines of several devices interleave: one line per event, each named by its device.
  const printers = new Map(devices.map((d) => [d.id, progressPrinter(true, chalk.dim(`[${d.id}] `))]));
  const stopListening = exitOnInterrupt(labDir, !!flags.json);
  const outcomes = await runLab(devices, {
    labDir,
    scenario,
    scenarioSource: source,
    fixturesDir: flags.fixtures ? resolve(flags.fixtures) : SHIPPED_FIXTURES_DIR,
    allowDeviceChange: !!flags.allowDeviceChange,
    toolVersion: toolVersion(),
    gitCommit: gitCommit(),
    onProgress: (id, p) => printers.get(id)!(p),
  }).finally(stopListening);
  const ran = outcomes.filter((o) => hasManifest(o.dir));
  for (const o of outcomes.filter((x) => x.error !== null)) {
    if (flags.json && isVoiceAecError(o.error)) {
      // Under --json every error line is JSON (docs/architecture.md § Exit codes and error lines).
      const { code, message, hint, exitCode, details } = o.error;
      process.stderr.write(`${errorJson({ code, message, hint, exitCode, details: { ...details, device: o.id } })}\n`);
      continue;
    }
    const line = isVoiceAecError(o.error) ? o.error.toLine() : o.error instanceof Error ? o.error.message : String(o.error);
    process.stderr.write(`${chalk.red(`[${o.id}] stopped`)}: ${plain(line)}\n`);
  }
  if (ran.length === 0) return ExitCode.environment;
  // Lines of several devices already interleave in logs: the VAD line is printed once, no counter.
  const vadProgress = vadProgressPrinter(true);
  const results = await evaluateRun(
    ran.map((o) => o.dir),
    { toolVersion: toolVersion(), onVadProgress: vadProgress.onVadProgress },
  );
  await writeLabReports(labDir, ran, results);
  for (const o of ran) await writeReports(o.dir, results);
  if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else printResultsSummary(results, labDir);
  if (outcomes.some((o) => o.error !== null)) {
    const early = deviceError('E_LAB_INCOMPLETE', 'some devices stopped early', { hint: `continue them with  voiceaec run --resume ${labDir}` });
    process.stderr.write(flags.json ? `${errorJson(early)}\n` : `${early.message}: ${early.hint}\n`);
    return ExitCode.environment;
  }
  return results.pass ? ExitCode.pass : ExitCode.acceptanceFailed;
}

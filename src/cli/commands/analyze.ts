/** `voiceaec analyze`: the analysis of any reference/mic recording pair. */
import chalk from 'chalk';
import { type Command, Option } from 'commander';
import { basename } from 'node:path';
import { didYouMean } from '../../core/did-you-mean.js';
import { inputError, usageError } from '../../core/errors.js';
import { round } from '../../core/units.js';
import { ANALYSIS_REQUEST_SCHEMA, type AnalysisRequest } from '../../analysis/analysis-request.js';
import { analyzeCalibrationRecording, analyzeRecording } from '../../analysis/analyze-recording.js';
import type { CalibrationResult } from '../../analysis/calibration-result.js';
import { ANALYSIS_LIMITS } from '../../analysis/recording-checks.js';
import type { TrialAnalysis } from '../../analysis/trial-result.js';
import { parseGateList, parseSweep, resolveAnalysisOptions, type AnalysisOptionsInput } from '../../config/analysis-options.js';
import { writeJsonAtomic } from '../../io/atomic.js';
import { readEventsFile } from '../../io/events.js';
import { readRecordedStream, type WavLimits } from '../../io/wav.js';
import { numberArg } from '../option-parsers.js';
import { printWarning, table } from '../output.js';
import type { AnalyzeVad } from '../../analysis/turn-analyze-result.js';
import type { TurnEvent } from '../../analysis/turn-verdict-schema.js';
import { turnVerdicts } from '../../analysis/turn-verdicts.js';
import { resolveTurnProfiles, SHIPPED_TURN_PROFILES, type TurnProfile } from '../../config/turn-profiles.js';
import { micVadTracks } from '../../vad/mic-vad-tracks.js';
import { loadSileroVad } from '../../vad/silero-vad.js';

interface AnalyzeFlags {
  ref: string;
  mic: string;
  events?: string;
  drainAtMs?: number;
  preRollMs?: number;
  gates?: string;
  sweep?: string;
  calibration?: string;
  delayMs?: number;
  thresholdDb?: number;
  minDurationMs?: number;
  channel: string;
  refChannel: string;
  json?: boolean;
  out?: string;
  vad?: string;
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('analyse a reference (what was played) and mic (voice-processed, before any gate) recording pair')
    .requiredOption('--ref <wav>', "the played TTS audio as rendered, on the mic's time axis")
    .requiredOption('--mic <wav>', "the voice-processed mic stream before the app's gate")
    .addOption(new Option('--events <file>', 'device events (JSON array or JSON Lines) giving bufferDrained / playbackStarted').conflicts('drainAtMs'))
    .addOption(new Option('--drain-at-ms <ms>', 'playback end (gate origin), ms from the first mic sample').argParser(numberArg('--drain-at-ms')))
    .addOption(
      new Option('--pre-roll-ms <ms>', 'mic audio before playback holding noise only (default: up to the playback start)').argParser(
        numberArg('--pre-roll-ms'),
      ),
    )
    .addOption(new Option('--gates <list>', 'gate durations to evaluate, ms (default 0,300,500,800,1500)').conflicts('sweep'))
    .option('--sweep <from:to:step>', 'evaluate a range of gates, e.g. 0:2000:50')
    .option('--calibration <cal-ref.wav,cal-mic.wav>', 'a pair recorded with voice processing bypassed: acoustic delay, raw echo level, ERLE')
    .addOption(new Option('--delay-ms <ms>', "known acoustic delay, used when the trial's own estimate is unreliable").argParser(numberArg('--delay-ms')))
    .addOption(new Option('--threshold-db <dB>', 'detector: dB over the noise floor (default 6)').argParser(numberArg('--threshold-db')))
    .addOption(new Option('--min-duration-ms <ms>', 'detector: minimum leak duration (default 30)').argParser(numberArg('--min-duration-ms')))
    .option('--channel <n|mix>', 'mic channel to analyse (0-based; iOS puts the voice-processed mic on channel 0) or "mix"', '0')
    .option('--ref-channel <n|mix>', 'reference channel to analyse (0-based) or "mix"', '0')
    .option(
      '--vad <profiles>',
      `also run the VAD and these turn profiles (comma-separated: ${SHIPPED_TURN_PROFILES.map((p) => p.name).join(', ')}, or all): would each take the mic for the user during playback and after each gate (docs/vad.md)`,
    )
    .option('--json', 'print the result as JSON (schema voiceaec.analysis/1, docs/analysis-json.md)')
    .option('--out <file>', 'also write the JSON result to this file (atomically)')
    .action(async (flags: AnalyzeFlags) => {
      const result = await runAnalyze(flags);
      if (flags.out) await writeJsonAtomic(flags.out, result);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        for (const w of result.warnings) printWarning(w);
        process.stdout.write(`${formatAnalysis(result)}\n`);
      }
      // The result (with its withheld verdicts) is still written, so scripts can read why.
      const implausible = result.flags.implausible;
      if (implausible?.flag)
        throw inputError('E_ANALYSIS_IMPLAUSIBLE', `implausible recording: ${implausible.reason ?? 'no reason given'}`, {
          hint: 'no verdicts were given; check the files (docs/limits.md)',
        });
    });
}

function parseChannel(text: string, flag: string): number | 'mix' {
  if (text === 'mix') return 'mix';
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw usageError('E_CHANNEL', `${flag} "${text}" is not a channel index or "mix"`, { hint: `use 0 for the first channel, or ${flag} mix` });
  return n;
}

/** Refused from the header, before the samples are read (docs/limits.md). */
const WAV_LIMITS: WavLimits = {
  minSampleRate: ANALYSIS_LIMITS.minSampleRate,
  maxSampleRate: ANALYSIS_LIMITS.maxSampleRate,
  maxFrames: ANALYSIS_LIMITS.maxFrames,
};

/**
 * `--vad a,b` or `--vad all`: shipped profiles only. analyze reads no scenario, so a scenario's
 * own profiles (`vad.custom`) are evaluated by `run`/`report`, not here (docs/vad.md).
 */
export function parseVadProfiles(text: string): TurnProfile[] {
  const names = text
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const known = SHIPPED_TURN_PROFILES.map((p) => p.name);
  if (names.length === 0)
    throw usageError('E_VAD_PROFILE', `--vad "${text}" names no turn profile`, { hint: `give one or more of ${known.join(', ')}, or all` });
  if (names.includes('all')) return [...SHIPPED_TURN_PROFILES];
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined)
    throw usageError('E_VAD_PROFILE', `unknown turn profile ${unknown}`, {
      hint: `${didYouMean(unknown, [...known, 'all'])}known: ${known.join(', ')}, or all (a scenario's own profiles are evaluated by run and report, not analyze)`,
    });
  return resolveTurnProfiles(names);
}

/**
 * The turn verdicts of one recording pair (docs/vad.md § Verdicts): the VAD, loaded here and
 * only here, on the mic as analysed, with the analysis's drain, playback start and flags. An
 * implausible recording withholds them, as it withholds the gate verdicts.
 */
async function recordingTurns(
  a: TrialAnalysis,
  mic: Float32Array,
  sampleRate: number,
  nearEndStartMs: number | null,
  profiles: TurnProfile[],
): Promise<AnalyzeVad> {
  const implausible = a.flags.implausible;
  if (implausible?.flag)
    return {
      engine: null,
      frameMs: null,
      withheld: `implausible recording: ${implausible.reason ?? 'no reason given'}`,
      profiles: profiles.map((profile) => ({ profile, verdicts: null })),
    };
  const engine = await loadSileroVad();
  const gatesMs = a.gates.map((g) => g.gateMs);
  const tracks = await micVadTracks(engine, mic, sampleRate, a.timing.drainMs, gatesMs);
  const input = {
    engine: tracks.engine,
    open: tracks.open,
    gates: tracks.gates,
    drainMs: a.timing.drainMs,
    playbackStartMs: a.timing.playbackStartMs,
    nearEndStartMs,
    deadMic: a.flags.deadMic.reason,
    micClipping: a.flags.micClipping.reason,
  };
  return {
    engine: tracks.engine,
    frameMs: tracks.frameMs,
    withheld: null,
    profiles: profiles.map((profile) => ({ profile, verdicts: turnVerdicts(input, profile) })),
  };
}

export async function runAnalyze(flags: AnalyzeFlags): Promise<TrialAnalysis> {
  // Checked before any file is read: a typo must not cost a decode.
  const vadProfiles = flags.vad === undefined ? null : parseVadProfiles(flags.vad);
  const channels = { ref: parseChannel(flags.refChannel, '--ref-channel'), mic: parseChannel(flags.channel, '--channel') };
  const input: AnalysisOptionsInput = {};
  if (flags.gates) input.gatesMs = parseGateList(flags.gates);
  if (flags.sweep) input.gatesMs = parseSweep(flags.sweep);
  // A flag left out keeps the schema's default.
  input.detector = { thresholdDb: flags.thresholdDb, minDurationMs: flags.minDurationMs };
  const options = resolveAnalysisOptions(input);

  const pair = {
    mic: await readRecordedStream(flags.mic, channels.mic, flags.mic, WAV_LIMITS),
    ref: await readRecordedStream(flags.ref, channels.ref, flags.ref, WAV_LIMITS),
  };
  const fs = pair.mic.audio.sampleRate;
  const notes: string[] = [];

  let calibration: CalibrationResult | null = null;
  if (flags.calibration) {
    const parts = flags.calibration.split(',');
    if (parts.length !== 2 || parts.some((p) => p.trim() === '')) {
      throw usageError('E_CALIBRATION', `--calibration "${flags.calibration}" is not a pair of files`, { hint: 'give --calibration cal-ref.wav,cal-mic.wav' });
    }
    const [calRef, calMic] = [parts[0]!.trim(), parts[1]!.trim()];
    const calPair = {
      mic: await readRecordedStream(calMic, channels.mic, calMic, WAV_LIMITS),
      ref: await readRecordedStream(calRef, channels.ref, calRef, WAV_LIMITS),
    };
    calibration = await analyzeCalibrationRecording(calPair, options, fs);
    notes.push(...calibration.warnings);
  }

  let drainMs: number | null = null;
  let playbackStartMs: number | null = null;
  let nearEndStartMs: number | null = null;
  let drainSource: AnalysisRequest['drainSource'] = 'reference';
  if (flags.events) {
    const timing = await readEventsFile(flags.events);
    if (timing.drainMs === null) notes.push(`${basename(flags.events)} has no bufferDrained event: drain taken from the reference`);
    else {
      drainMs = timing.drainMs;
      drainSource = 'events';
    }
    if (timing.drainCount > 1) notes.push(`${timing.drainCount} bufferDrained events (underruns?): the last one is the end of the turn`);
    playbackStartMs = timing.playbackStartMs;
    nearEndStartMs = timing.nearEndStartMs;
  } else if (flags.drainAtMs !== undefined) {
    drainMs = flags.drainAtMs;
    drainSource = 'option';
  }
  const micMs = (pair.mic.audio.samples.length * 1000) / fs;
  if (drainMs !== null && (drainMs < 0 || drainMs > micMs)) {
    throw usageError('E_DRAIN', `drain time ${drainMs} ms is outside the mic recording (0–${round(micMs, 1)} ms)`, {
      hint: 'give the drain in ms from the first mic sample',
    });
  }
  if (flags.preRollMs !== undefined && (flags.preRollMs < 0 || flags.preRollMs > micMs)) {
    throw usageError('E_PRE_ROLL', `--pre-roll-ms ${flags.preRollMs} is outside the mic recording`, { hint: 'give the noise-only lead-in in ms' });
  }
  const request: AnalysisRequest = {
    schema: ANALYSIS_REQUEST_SCHEMA,
    channels,
    drainMs,
    drainSource,
    playbackStartMs,
    preRollMs: flags.preRollMs ?? null,
    delayMs: flags.delayMs ?? null,
    nearEndStartMs,
    calibration,
    options,
  };
  const analysis = await analyzeRecording(pair, request, notes);
  if (vadProfiles === null) return analysis;
  return { ...analysis, vad: await recordingTurns(analysis, pair.mic.audio.samples, fs, nearEndStartMs, vadProfiles) };
}

const fmt = (x: number | null, unit: string, digits = 1) => (x === null ? '—' : `${x.toFixed(digits)} ${unit}`);

export function formatAnalysis(a: TrialAnalysis): string {
  const lines: string[] = [];
  const d = a.delay;
  lines.push(chalk.bold(`voiceaec analyze — ${a.input.analysisSampleRate} Hz`));
  lines.push(
    table([
      [
        'delay',
        d.ms === null
          ? `none (${d.trialConfidenceDb === null ? 'no estimate' : `trial confidence ${d.trialConfidenceDb} dB, too low`})`
          : `${d.ms.toFixed(2)} ms from ${d.source}${d.trialConfidenceDb !== null ? ` (trial confidence ${d.trialConfidenceDb} dB${d.trialBeyondReflectionsDb != null ? `, ${d.trialBeyondReflectionsDb} dB beyond early reflections` : ''})` : ''}${d.processingLatencyMs != null && d.processingLatencyMs > 1 ? `; processing latency ${d.processingLatencyMs} ms` : ''}`,
      ],
      ['echo loss', `${a.levels.echoLossIsLowerBound ? '≥ ' : ''}${fmt(a.levels.echoLossDb, 'dB')} (${a.levels.bandHz[0]}–${a.levels.bandHz[1]} Hz)`],
      [
        'ERLE',
        a.levels.erleDb === null
          ? '— (no calibration pair)'
          : `${a.levels.erleIsLowerBound ? '≥ ' : ''}${fmt(a.levels.erleDb, 'dB')} (raw echo loss ${fmt(a.levels.rawEchoLossDb, 'dB')})`,
      ],
      ['noise floor', `${fmt(a.levels.noiseFloorDbfs, 'dBFS')} (spread ${fmt(a.levels.noiseFloorSpreadDb, 'dB')}, from ${a.timing.preRollSource})`],
      ['drain', `${fmt(a.timing.drainMs, 'ms')} (${a.timing.drainSource}); reference acoustic end ${fmt(a.timing.referenceAcousticEndMs, 'ms')}`],
      ['tail', `${a.residual.tailLengthMs} ms over ${a.detector.thresholdDb} dB for ≥ ${a.detector.minDurationMs} ms`],
    ]),
  );
  lines.push('');
  const rows = [['gate', 'verdict', 'peak over floor', 'first leak', 'echo attribution'].map((h) => chalk.dim(h))];
  for (const g of a.gates) {
    const verdict = g.leak === null ? chalk.yellow('unknown') : g.leak ? chalk.red('LEAK') : chalk.green('clean');
    const attr = g.attribution
      ? `${g.attribution.score.toFixed(2)} (chance ${g.attribution.chance.toFixed(2)})${g.attribution.attributed ? ' echo' : ''}`
      : '—';
    rows.push([`${g.gateMs} ms`, verdict, fmt(g.peakExcessDb, 'dB'), g.firstLeakMs === null ? '—' : `${g.firstLeakMs} ms`, attr]);
  }
  lines.push(table(rows));
  if (a.vad) lines.push('', formatTurns(a.vad));
  const flags = Object.entries(a.flags).filter(([, f]) => f.flag);
  if (flags.length > 0) {
    lines.push('');
    for (const [name, f] of flags) lines.push(`${chalk.red(name)}: ${f.reason}`);
  }
  return lines.join('\n');
}

const msText = (x: number | null) => (x === null ? '—' : `${x} ms`);

function turnEventCells(e: TurnEvent): string[] {
  const verdict = e.fired === null ? chalk.yellow('undecided') : e.fired ? chalk.red('FIRES') : chalk.green('no');
  return [
    verdict,
    msText(e.atMs),
    msText(e.onsetMs),
    msText(e.speechMs),
    `${e.evaluatedMs} ms`,
    e.peakProbability === null ? '—' : e.peakProbability.toFixed(2),
    e.reason ?? '',
  ];
}

/** Per profile: self-interruption during playback, then "user started speaking" after each gate. */
export function formatTurns(v: AnalyzeVad): string {
  const lines = [chalk.bold(`turn detectors${v.engine ? ` — ${v.engine}, ${v.frameMs} ms frames` : ''}: would the agent take its own voice for the user?`)];
  if (v.withheld !== null) {
    lines.push(chalk.yellow(`no turn verdicts: ${v.withheld}`));
    return lines.join('\n');
  }
  const head = ['profile', 'window', 'verdict', 'at', 'onset', 'speech', 'audio judged', 'peak p', ''];
  const rows = [head.map((h) => chalk.dim(h))];
  for (const { profile, verdicts } of v.profiles) {
    if (!verdicts) continue;
    rows.push([profile.name, 'during playback (interrupts)', ...turnEventCells(verdicts.playback)]);
    for (const g of verdicts.gates) rows.push(['', `after gate ${g.gateMs} ms (starts)`, ...turnEventCells(g)]);
  }
  lines.push(table(rows));
  lines.push(
    chalk.dim(
      'times: during playback from the playback start, after a gate from the drain; a dead, silent or clipped mic is undecided, never "no" (docs/vad.md)',
    ),
  );
  return lines.join('\n');
}

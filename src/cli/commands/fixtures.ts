/** `voiceaec fixtures list | verify | import`: the TTS fixture sets (docs/fixtures.md). */
import chalk from 'chalk';
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../core/errors.js';
import { importFixtures, type ImportOptions } from '../../fixture-prep/import-fixtures.js';
import { FIXTURE_MANIFEST_FILE, loadFixtureManifest, type FixtureEntry } from '../../fixture-prep/manifest.js';
import { verifyFixtures } from '../../fixture-prep/verify-fixtures.js';
import { printWarning, table } from '../output.js';
import { SHIPPED_FIXTURES_DIR } from '../shipped-fixtures.js';

interface ListFlags {
  dir?: string;
  set?: string;
  json?: boolean;
}

interface VerifyFlags {
  dir?: string;
  json?: boolean;
}

/** What commander hands the action: ImportOptions, with `--normalize` absent unless given. */
type ImportFlags = Omit<ImportOptions, 'normalize'> & { normalize?: boolean; json?: boolean };

const shorten = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

function listRows(entries: FixtureEntry[]): string[][] {
  const head = ['id', 'set', 'kind', 'length', 'loudness', 'true peak', 'acoustic end', 'voice', 'text'].map((h) => chalk.dim(h));
  return [
    head,
    ...entries.map((f) => [
      f.id,
      f.set,
      f.kind,
      `${(f.durationMs / 1000).toFixed(2)} s`,
      `${f.loudnessLufs.toFixed(1)} LUFS`,
      `${f.truePeakDbtp.toFixed(1)} dBTP`,
      `${f.acousticEndMs} ms`,
      f.voice ? `${f.engine}/${f.voice}` : f.engine,
      f.text ? shorten(f.text, 48) : '—',
    ]),
  ];
}

export function registerFixtures(program: Command): void {
  const fixtures = program.command('fixtures').description('list, verify and import the TTS fixtures trials play (docs/fixtures.md)');

  fixtures
    .command('list')
    .description('the fixtures of a set directory, with loudness, true peak and acoustic end')
    .option('--dir <dir>', 'fixture directory holding manifest.json (default: the shipped set)')
    .option('--set <name>', 'only this set (speech-en, signals, or an imported set)')
    .option('--json', 'print the manifest entries as JSON')
    .action(async (flags: ListFlags) => {
      const dir = resolve(flags.dir ?? SHIPPED_FIXTURES_DIR);
      const manifest = await loadFixtureManifest(dir);
      const entries = flags.set ? manifest.fixtures.filter((f) => f.set === flags.set) : manifest.fixtures;
      if (flags.set && entries.length === 0)
        printWarning(`no fixtures in set "${flags.set}"; sets here: ${[...new Set(manifest.fixtures.map((f) => f.set))].join(', ')}`);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ dir, target: manifest.target, fixtures: entries }, null, 2)}\n`);
        return;
      }
      const t = manifest.target;
      process.stdout.write(
        `${chalk.bold(`${entries.length} fixtures in ${dir}`)} (target ${t.integratedLufs} LUFS, ≤ ${t.truePeakDbtp} dBTP, ${t.trailingSilenceMs} ms after the acoustic end)\n`,
      );
      process.stdout.write(`${table(listRows(entries))}\n`);
    });

  fixtures
    .command('verify')
    .description('check every fixture against the manifest: SHA-256, format, loudness, true peak, acoustic end, clipping, target')
    .option('--dir <dir>', 'fixture directory holding manifest.json (default: the shipped set)')
    .option('--json', 'print the checks as JSON')
    .action(async (flags: VerifyFlags) => {
      const r = await verifyFixtures(resolve(flags.dir ?? SHIPPED_FIXTURES_DIR));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ dir: r.dir, ok: r.ok, checks: r.checks.map(({ measured: _m, ...c }) => c) }, null, 2)}\n`);
      } else {
        for (const c of r.checks) {
          const mark = c.ok ? chalk.green('ok  ') : chalk.red('FAIL');
          process.stdout.write(
            `${mark} ${c.id}${c.problems.length ? `: ${c.problems.join('; ')}` : ''}${c.notes.length ? chalk.dim(` (${c.notes.join('; ')})`) : ''}\n`,
          );
        }
        const failed = r.checks.filter((c) => !c.ok).length;
        process.stdout.write(
          failed === 0
            ? `${r.checks.length} fixtures verified in ${r.dir}: all ok\n`
            : `${failed} of ${r.checks.length} fixtures in ${r.dir} failed verification\n`,
        );
      }
      if (!r.ok) process.exitCode = ExitCode.acceptanceFailed;
    });

  fixtures
    .command('import <wav|dir>')
    .description('make fixtures of your own TTS recordings: 48 kHz mono, trailing silence trimmed, manifest entries written')
    .option('--dir <dir>', 'fixture directory to import into (manifest.json is created when missing)', 'fixtures')
    .option('--set <name>', 'set the fixtures belong to', 'user')
    .option('--normalize', "bring each to the target loudness under the true-peak ceiling (the shipped set's −18 LUFS, −1 dBTP)")
    .option('--id <id>', 'fixture id (single file; default: from the file name)')
    .option('--text <text>', 'what the recording says (single file)')
    .option('--voice <voice>', 'the TTS voice')
    .option('--engine <engine>', 'the TTS engine or service', 'imported')
    .option('--licence <licence>', "the recordings' licence, recorded in the manifest")
    .option('--force', 'replace fixtures of the same id')
    .option('--json', 'print the new manifest entries as JSON')
    .action(async (source: string, { json, ...flags }: ImportFlags) => {
      const dir = resolve(flags.dir);
      const imported = await importFixtures(source, { ...flags, dir, normalize: !!flags.normalize });
      for (const i of imported) for (const w of i.warnings) printWarning(w);
      if (json) {
        process.stdout.write(
          `${JSON.stringify(
            imported.map((i) => i.entry),
            null,
            2,
          )}\n`,
        );
        return;
      }
      for (const { entry: e, source: from, gainDb, limitedDb } of imported) {
        const level = flags.normalize ? ` (${signed(gainDb)} LU${limitedDb > 0 ? `, peaks limited by up to ${limitedDb} dB` : ''})` : '';
        process.stdout.write(
          `imported ${chalk.bold(e.id)} ← ${from}: 48 kHz mono, ${(e.durationMs / 1000).toFixed(2)} s, ${e.loudnessLufs} LUFS${level}, ${e.truePeakDbtp} dBTP, acoustic end ${e.acousticEndMs} ms, ${e.trimmedMs >= 0 ? `trimmed ${e.trimmedMs}` : `padded ${-e.trimmedMs}`} ms\n`,
        );
      }
      process.stdout.write(
        `${imported.length} fixture${imported.length === 1 ? '' : 's'} in set "${flags.set}"; manifest ${join(dir, FIXTURE_MANIFEST_FILE)}\n`,
      );
    });
}

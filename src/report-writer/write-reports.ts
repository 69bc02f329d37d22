/**
 * From results to the four report files of a run directory (docs/reports.md):
 * results.json, report.html, junit.xml and summary.md, each written atomically.
 */
import { basename, relative, resolve, sep } from 'node:path';
import { inputError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { renderHtml } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Results } from '../report/results-schema.js';
import { reportPath, type REPORT_FILES } from '../run-dir/layout.js';
import { loadHtmlAssets } from './html-assets.js';
import { trialViews, type RunLocation } from './trial-views.js';

export interface ReportOptions {
  /** Embed the trials' audio as data URIs when all of it together is at most this many bytes; else link it. */
  embedAudioMaxBytes?: number;
}

export const DEFAULT_EMBED_AUDIO_BYTES = 4 * 1024 * 1024;

/** The results of one run out of multi-run results. */
function onlyRun(results: Results, id: string): Results {
  if (results.runs.length === 1 && results.runs[0]!.id === id) return results;
  const acceptance = results.acceptance.filter((a) => a.run === id);
  return {
    ...results,
    runs: results.runs.filter((r) => r.id === id),
    cells: results.cells.filter((c) => c.run === id),
    acceptance,
    pass: acceptance.every((a) => a.status === 'pass'),
  };
}

export interface WrittenReports {
  files: string[];
  htmlBytes: number;
  audioEmbedded: boolean;
}

/** Results of several runs are cut down to this directory's run. */
export async function writeReports(runDir: string, allResults: Results, o: ReportOptions = {}): Promise<WrittenReports> {
  const id = allResults.runs.length === 1 ? allResults.runs[0]!.id : basename(resolve(runDir));
  const results = onlyRun(allResults, id);
  if (results.runs.length === 0)
    throw inputError('E_RUNDIR_RESULTS', `the results hold no run named ${id}`, { hint: 'evaluate this run directory before writing its reports' });
  return writeReportFiles(runDir, results, () => ({ dir: runDir, linkPrefix: '' }), o);
}

/**
 * The combined reports of a lab run (several devices, one run directory each under the lab
 * directory): one report with a group per device, its audio linked into the device folders.
 */
export async function writeLabReports(
  labDir: string,
  runs: ReadonlyArray<{ id: string; dir: string }>,
  results: Results,
  o: ReportOptions = {},
): Promise<WrittenReports> {
  const byId = new Map(runs.map((r) => [r.id, r] as const));
  return writeReportFiles(
    labDir,
    results,
    (id) => {
      const r = byId.get(id);
      if (!r) throw inputError('E_RUNDIR_RESULTS', `the results name a run ${id} that is not in the lab`, { hint: 'evaluate the lab’s device runs together' });
      return { dir: r.dir, linkPrefix: `${relative(labDir, r.dir).split(sep).join('/')}/` };
    },
    o,
  );
}

async function writeReportFiles(reportDir: string, results: Results, locate: (runId: string) => RunLocation, o: ReportOptions): Promise<WrittenReports> {
  const trials = await trialViews(locate, results, o.embedAudioMaxBytes ?? DEFAULT_EMBED_AUDIO_BYTES);
  const html = renderHtml({ results, trials, assets: loadHtmlAssets() });
  const files: Array<[keyof typeof REPORT_FILES, string]> = [
    ['html', html],
    ['junit', renderJunit(results, trials)],
    ['summary', renderMarkdown(results)],
    ['results', `${JSON.stringify(results, null, 2)}\n`],
  ];
  for (const [file, text] of files) await writeFileAtomic(reportPath(reportDir, file), text);
  return {
    files: files.map(([file]) => reportPath(reportDir, file)),
    htmlBytes: Buffer.byteLength(html),
    audioEmbedded: trials.some((t) => t.audio.mic?.startsWith('data:') ?? false),
  };
}

/**
 * What report.html inlines besides the data: uPlot's build and CSS, read from node_modules
 * (never copied into the repository), and the page's own browser code, bundled from
 * src/report-client by `npm run build`. Read once per process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { environmentError } from '../core/errors.js';
import type { HtmlAssets } from '../report/html.js';

const require = createRequire(import.meta.url);

/* This module is src/report-writer/html-assets.ts (vitest, tsx) or dist/report-writer/html-assets.js
   (built): the package root is two folders up either way, and the bundle sits in its dist/. */
const CLIENT_BUNDLE = fileURLToPath(new URL('../../dist/report-client.js', import.meta.url));

let assets: HtmlAssets | null = null;

export function loadHtmlAssets(): HtmlAssets {
  assets ??= {
    uplotJs: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    clientJs: readClientBundle(),
  };
  return assets;
}

function readClientBundle(): string {
  if (!existsSync(CLIENT_BUNDLE)) {
    throw environmentError('E_REPORT_CLIENT_MISSING', "the report's browser code dist/report-client.js is missing", { hint: 'run `npm run build`' });
  }
  return readFileSync(CLIENT_BUNDLE, 'utf8');
}

#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('E_NOT_BUILT: voiceaec is not compiled (dist/ is missing). Run `npm install` or `npm run build` in the voiceaec folder.\n');
  process.exit(3);
}
await import(entry.href);

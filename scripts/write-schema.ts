/** Writes docs/analysis.schema.json from the zod result schema (the one source of truth). */
import { writeFileSync } from 'node:fs';
import { trialAnalysisJsonSchema } from '../src/analysis/trial-result.js';

writeFileSync(new URL('../docs/analysis.schema.json', import.meta.url), `${JSON.stringify(trialAnalysisJsonSchema(), null, 2)}\n`);

/** Writes the JSON Schemas in docs/ from the zod schemas (the one source of truth). */
import { writeFileSync } from 'node:fs';
import { trialAnalysisJsonSchema } from '../src/analysis/trial-result.js';
import { scenarioJsonSchema } from '../src/config/scenario.js';
import { resultsJsonSchema } from '../src/report/results-schema.js';

const write = (name: string, schema: unknown) => writeFileSync(new URL(`../docs/${name}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
write('analysis.schema.json', trialAnalysisJsonSchema());
write('scenario.schema.json', scenarioJsonSchema());
write('results.schema.json', resultsJsonSchema());

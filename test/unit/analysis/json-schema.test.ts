import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trialAnalysisJsonSchema } from '../../../src/analysis/trial-result.js';

describe('docs/analysis.schema.json', () => {
  it('is the JSON Schema generated from the result schema (regenerate with `npm run schema`)', () => {
    const onDisk = JSON.parse(readFileSync(new URL('../../../docs/analysis.schema.json', import.meta.url), 'utf8'));
    expect(onDisk).toEqual(trialAnalysisJsonSchema());
  });
});

import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../src/report/markdown.js';
import { evaluateRun } from '../../../src/evaluation/evaluate-run.js';
import { makeRunDir, TEST_VERSION } from '../../helpers/run-dir.js';

describe('summary.md', () => {
  it('gives the verdict, the device, one row per cell and the failed checks with numbers', async () => {
    const { dir } = await makeRunDir({
      cells: [
        {
          id: 'speaker|a',
          dims: { route: 'speaker' },
          trials: Array.from({ length: 6 }, () => ({ residualMs: 600, residualDb: 15 })),
          mismatches: ['route: speaker → receiver'],
        },
        { id: 'receiver', dims: { route: 'receiver' }, trials: Array.from({ length: 6 }, () => ({ residualMs: 100, residualDb: 15 })) },
      ],
      acceptance: { rules: [{ metric: 'leakRateUpper', gateMs: 500, max: 0.5 }] },
    });
    const md = renderMarkdown(await evaluateRun([dir], { toolVersion: TEST_VERSION }));
    expect(md).toMatch(/^## voiceaec: ❌ FAIL \(1 of 2 checks\)/);
    expect(md).toMatch(/⚠️ \*\*SIMULATED DEVICE — Virtual iPhone/);
    expect(md).toMatch(
      /\| speaker\\\|a \(route=speaker\) \| 6\/6 \| need 73 trials \| .* \| 6\/6 \(100 %, ≤ 100 %\) \| 6\/6 \(100 %, ≤ 100 %\) \| 0\/6 \(0 %, ≤ 39 %\) \|/,
    );
    expect(md).toMatch(/- ❌ `speaker\|a` — leak rate upper bound at 500 ms ≤ 50 %: upper bound 100 % > max 50 %/);
    expect(md).toMatch(/### Configuration not honoured\n\n- `speaker\|a`: route: speaker → receiver/);
    // Each table row has as many cells as its header.
    const cols = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const table of md.split('\n\n').filter((b) => b.startsWith('| '))) expect(new Set(table.split('\n').map(cols)).size).toBe(1);
  });

  it('names a real device by model and iOS version, without the simulation warning', async () => {
    const { dir } = await makeRunDir({
      device: { kind: 'device', simulated: false, model: 'iPhone15,3', osVersion: '17.5.1', name: 'Lab phone 3' },
      cells: [{ id: 'c', trials: [{}, {}] }],
    });
    const md = renderMarkdown(await evaluateRun([dir], { toolVersion: TEST_VERSION }));
    expect(md).toContain('Lab phone 3 — iPhone15,3, iOS 17.5.1');
    expect(md).not.toContain('SIMULATED');
    expect(md).toMatch(/✅ no acceptance rules/);
  });
});

/**
 * The shared gate table (fixtures/harness/gate-cases.json) through the virtual iPhone's gate
 * (src/sim/mic-gate.ts). The Swift harness runs the same cases through HarnessCore's gate
 * (ios-harness-app/HarnessKit/Tests/HarnessCoreTests/GateCaseTests.swift), so a case or an
 * implementation changed on one side only fails a test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { GateConfig } from '../../../src/protocol/messages.js';
import { applyMicGate } from '../../../src/sim/mic-gate.js';

interface GateCase {
  name: string;
  rate: number;
  gate: GateConfig;
  mic: Array<[number, number]>;
  silences: Array<{ drainAt: number; resumeAt: number | null }>;
  zeroed: Array<[number, number]> | null;
}

const table = JSON.parse(readFileSync(fileURLToPath(new URL('../../../fixtures/harness/gate-cases.json', import.meta.url)), 'utf8')) as {
  schema: string;
  cases: GateCase[];
};

/** Segments of ±a alternating from each segment's start, as float32. */
function micOf(segments: Array<[number, number]>): Float32Array {
  const x = new Float32Array(segments.reduce((s, [n]) => s + n, 0));
  let at = 0;
  for (const [n, a] of segments) for (let i = 0; i < n; i++, at++) x[at] = i % 2 === 0 ? a : -a;
  return x;
}

describe('shared gate cases', () => {
  it('is the table this test reads', () => {
    expect(table.schema).toBe('voiceaec.harness-gate-cases/1');
    expect(table.cases.length).toBeGreaterThanOrEqual(10);
    expect(new Set(table.cases.map((c) => c.gate.kind))).toEqual(new Set(['none', 'hard', 'rms2']));
  });

  it.each(table.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const mic = micOf(c.mic);
    const out = applyMicGate(mic, c.gate, c.silences, c.rate);
    if (c.zeroed === null) {
      expect(out).toBeNull();
      return;
    }
    expect(out).not.toBeNull();
    const zero = (i: number) => c.zeroed!.some(([a, b]) => i >= a && i < b);
    // First differing sample, so a failure names the place instead of dumping arrays.
    const bad = mic.findIndex((v, i) => out![i] !== (zero(i) ? 0 : v));
    expect(bad, `sample ${bad}: got ${out![bad]}, mic ${mic[bad]}`).toBe(-1);
  });
});

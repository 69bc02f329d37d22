/**
 * The scenario's acceptance rules (src/config/acceptance.ts) evaluated on cell summaries:
 * one outcome per cell × rule, with the measured value and the threshold, so a CI system
 * can show what failed and by how much. Pure. A rule that cannot be decided (no trials,
 * echo below the floor, not enough trials for the recommendation) is "inconclusive", which
 * fails acceptance: an unverified claim must not turn CI green.
 */
import { z } from 'zod';
import { AcceptanceRuleSchema, type AcceptanceRule } from '../config/acceptance.js';
import { pct } from './cell-stats.js';
import { type CellSummary } from './cell-schema.js';
import type { TurnCellSummary } from './turn-cell-stats.js';

/** A cell with its turn summaries (turns absent: results made without them, so turn rules are inconclusive). */
export type AcceptanceCell = CellSummary & { turns?: TurnCellSummary[] };

export { AcceptanceRuleSchema, type AcceptanceRule };

export const AcceptanceOutcomeSchema = z.object({
  run: z.string(),
  cell: z.string().nullable().describe('null: the rule matched no cell'),
  ruleIndex: z.number().int().describe('position of the rule in the scenario’s acceptance.rules'),
  rule: AcceptanceRuleSchema,
  label: z.string().describe('short human name of the rule, e.g. "leak rate upper bound at 300 ms ≤ 5 %"'),
  status: z.enum(['pass', 'fail', 'inconclusive']),
  measured: z.number().nullable().describe('the measured value in the rule’s unit (rates as fractions)'),
  threshold: z.number().nullable(),
  unit: z.enum(['ms', 'ratio', 'dB', 'trials', 'count']),
  message: z.string().describe('measured value, threshold and context in one line'),
});

export type AcceptanceOutcome = z.infer<typeof AcceptanceOutcomeSchema>;

/** Does a cell match a rule's `where` filter? Values compare as text (YAML may give 48000 or "48000"). */
export function cellMatches(settings: Record<string, string | number | boolean>, where: Record<string, string | number | boolean> | undefined): boolean {
  if (!where) return true;
  return Object.entries(where).every(([k, v]) => k in settings && String(settings[k]) === String(v));
}

export function ruleLabel(r: AcceptanceRule): string {
  switch (r.metric) {
    case 'recommendedGateMs':
      return `recommended gate ≤ ${r.max} ms`;
    case 'leakRateUpper':
      return `leak rate upper bound at ${r.gateMs} ms ≤ ${pct(r.max)}`;
    case 'echoLossDb':
      return `median echo loss ≥ ${r.min} dB`;
    case 'erleDb':
      return `median ERLE ≥ ${r.min} dB`;
    case 'deadMicTrials':
      return `dead-mic trials ≤ ${r.max}`;
    case 'clippedTrials':
      return `clipped trials ≤ ${r.max}`;
    case 'failedTrials':
      return `failed trials ≤ ${r.max}`;
    case 'deviceCrashes':
      return `device crashes ≤ ${r.max}`;
    case 'configHonoured':
      return 'requested configuration honoured';
    case 'falseBargeInUpper':
      return `${r.profile} false barge-in upper bound at ${r.gateMs} ms ≤ ${pct(r.max)}`;
    case 'selfInterruptionRate':
      return `${r.profile} self-interruption during playback ≤ ${pct(r.max)}`;
    case 'turnRecommendedGateMs':
      return `${r.profile} recommended gate ≤ ${r.max} ms`;
  }
}

type Eval = Pick<AcceptanceOutcome, 'status' | 'measured' | 'threshold' | 'unit' | 'message'>;

const cmpMax = (measured: number, max: number): 'pass' | 'fail' => (measured <= max ? 'pass' : 'fail');

/** A rule on a recommendation: the energy detector's or a turn profile's. */
function recommendedGate(rec: CellSummary['recommendation'], max: number): Eval {
  if (rec.status !== 'recommended') {
    // Not enough trials is an open question; every gate failing too often is a real failure.
    const status = rec.status === 'no-gate-meets' ? 'fail' : 'inconclusive';
    return { status, measured: null, threshold: max, unit: 'ms', message: `no recommended gate (max ${max} ms): ${rec.message}` };
  }
  const status = cmpMax(rec.gateMs!, max);
  return {
    status,
    measured: rec.gateMs,
    threshold: max,
    unit: 'ms',
    message: `recommended gate ${rec.gateMs} ms ${status === 'pass' ? '≤' : '>'} max ${max} ms (${rec.message})`,
  };
}

const notEvaluated = (profile: string, threshold: number, unit: Eval['unit']): Eval => ({
  status: 'inconclusive',
  measured: null,
  threshold,
  unit,
  message: `turn profile ${profile} was not evaluated (a profile of the scenario’s vad block or its vad.custom, and the VAD available)`,
});

/** Turn-detector rules (docs/vad.md): undecided trials (dead, silent or clipped mic) never count as clean. */
function evaluateTurn(r: Extract<AcceptanceRule, { profile: string }>, c: AcceptanceCell): Eval {
  const t = c.turns?.find((x) => x.profile === r.profile);
  switch (r.metric) {
    case 'falseBargeInUpper': {
      if (!t) return notEvaluated(r.profile, r.max, 'ratio');
      const g = t.gates.find((x) => x.gateMs === r.gateMs);
      if (!g || g.decided === 0)
        return {
          status: 'inconclusive',
          measured: null,
          threshold: r.max,
          unit: 'ratio',
          message: `no decided trial for ${r.profile} at gate ${r.gateMs} ms${g ? ` (${g.undecided} undecided)` : ''} (max ${pct(r.max)})`,
        };
      const status = cmpMax(g.upper, r.max);
      return {
        status,
        measured: g.upper,
        threshold: r.max,
        unit: 'ratio',
        message: `${r.profile}: upper bound ${pct(g.upper)} ${status === 'pass' ? '≤' : '>'} max ${pct(r.max)} at gate ${r.gateMs} ms: fired in ${g.leaks} of ${g.decided} decided trials${g.undecided ? ` (${g.undecided} undecided)` : ''} (rate ${pct(g.rate)}, Wilson ${pct(c.confidence)} interval ${pct(g.lower)}–${pct(g.upper)})`,
      };
    }
    case 'selfInterruptionRate': {
      if (!t) return notEvaluated(r.profile, r.max, 'ratio');
      const s = t.selfInterruption;
      if (s.decided === 0 || s.rate === null)
        return {
          status: 'inconclusive',
          measured: null,
          threshold: r.max,
          unit: 'ratio',
          message: `no decided trial for ${r.profile} during playback (${s.undecided} undecided) (max ${pct(r.max)})`,
        };
      const status = cmpMax(s.rate, r.max);
      return {
        status,
        measured: s.rate,
        threshold: r.max,
        unit: 'ratio',
        message: `${r.profile}: self-interruption ${pct(s.rate)} ${status === 'pass' ? '≤' : '>'} max ${pct(r.max)}: interrupted in ${s.leaks} of ${s.decided} decided trials${s.undecided ? ` (${s.undecided} undecided)` : ''} (Wilson ${pct(c.confidence)} interval ${pct(s.lower)}–${pct(s.upper)})`,
      };
    }
    case 'turnRecommendedGateMs':
      if (!t) return notEvaluated(r.profile, r.max, 'ms');
      return recommendedGate(t.recommendation, r.max);
  }
}

function evaluate(r: AcceptanceRule, c: AcceptanceCell): Eval {
  switch (r.metric) {
    case 'falseBargeInUpper':
    case 'selfInterruptionRate':
    case 'turnRecommendedGateMs':
      return evaluateTurn(r, c);
    case 'recommendedGateMs':
      return recommendedGate(c.recommendation, r.max);
    case 'leakRateUpper': {
      const g = c.gates.find((x) => x.gateMs === r.gateMs);
      if (!g || g.decided === 0) {
        return {
          status: 'inconclusive',
          measured: null,
          threshold: r.max,
          unit: 'ratio',
          message: `no decided trial at gate ${r.gateMs} ms (max ${pct(r.max)})`,
        };
      }
      const status = cmpMax(g.upper, r.max);
      return {
        status,
        measured: g.upper,
        threshold: r.max,
        unit: 'ratio',
        message: `upper bound ${pct(g.upper)} ${status === 'pass' ? '≤' : '>'} max ${pct(r.max)} at gate ${r.gateMs} ms: ${g.leaks} leak${g.leaks === 1 ? '' : 's'} in ${g.decided} trials (rate ${pct(g.rate)}, Wilson ${pct(c.confidence)} interval ${pct(g.lower)}–${pct(g.upper)})`,
      };
    }
    case 'echoLossDb':
    case 'erleDb': {
      const name = r.metric === 'echoLossDb' ? 'echo loss' : 'ERLE';
      const s = r.metric === 'echoLossDb' ? c.levels.echoLossDb : c.levels.erleDb;
      const bounds = r.metric === 'echoLossDb' ? c.levels.echoLossLowerBounds : c.levels.erleLowerBounds;
      if (!s) {
        const why = r.metric === 'erleDb' && !c.calibration ? ' (no calibration trial: ERLE needs the raw echo level)' : '';
        return { status: 'inconclusive', measured: null, threshold: r.min, unit: 'dB', message: `no ${name} measured${why} (min ${r.min} dB)` };
      }
      // Lower bounds can only raise the true median, so meeting the minimum with them is a pass.
      const status = s.median >= r.min ? 'pass' : bounds > 0 ? 'inconclusive' : 'fail';
      const note = bounds > 0 ? `; ${bounds} of ${s.n} trials give only a lower bound (echo below the noise floor)` : '';
      return {
        status,
        measured: s.median,
        threshold: r.min,
        unit: 'dB',
        message: `median ${name} ${bounds > 0 ? '≥ ' : ''}${s.median} dB ${s.median >= r.min ? '≥' : '<'} min ${r.min} dB over ${s.n} trials (range ${s.min}–${s.max} dB${note})`,
      };
    }
    case 'deadMicTrials':
    case 'clippedTrials':
    case 'failedTrials': {
      const [n, what] =
        r.metric === 'deadMicTrials'
          ? [c.counts.deadMic, 'dead-mic']
          : r.metric === 'clippedTrials'
            ? [c.counts.clipped, 'clipped']
            : [c.counts.failed, 'failed'];
      const status = cmpMax(n, r.max);
      return {
        status,
        measured: n,
        threshold: r.max,
        unit: 'trials',
        message: `${n} ${what} trial${n === 1 ? '' : 's'} of ${c.counts.planned} ${status === 'pass' ? '≤' : '>'} max ${r.max}`,
      };
    }
    case 'deviceCrashes': {
      const n = c.counts.deviceCrashes;
      const status = cmpMax(n, r.max);
      return {
        status,
        measured: n,
        threshold: r.max,
        unit: 'count',
        message: `the device dropped the connection ${n} time${n === 1 ? '' : 's'} ${status === 'pass' ? '≤' : '>'} max ${r.max}${c.reason ? ` (${c.reason})` : ''}`,
      };
    }
    case 'configHonoured': {
      const problems = [...c.mismatches, ...c.configErrors.map((e) => `${e.code}: ${e.message}`)];
      if (c.status === 'unsupported') problems.push(`cell unsupported${c.reason ? `: ${c.reason}` : ''}`);
      const status = problems.length === 0 ? 'pass' : 'fail';
      return {
        status,
        measured: problems.length,
        threshold: 0,
        unit: 'count',
        message: problems.length === 0 ? 'every requested setting is in effect' : `${problems.length} setting(s) not honoured: ${problems.join('; ')}`,
      };
    }
  }
}

/** Outcomes for one run: every rule against every matching cell, in rule then cell order. */
export function checkAcceptance(run: string, cells: AcceptanceCell[], rules: AcceptanceRule[]): AcceptanceOutcome[] {
  const out: AcceptanceOutcome[] = [];
  rules.forEach((rule, ruleIndex) => {
    const label = ruleLabel(rule);
    const matching = cells.filter((c) => c.run === run && cellMatches(c.settings, rule.where));
    if (matching.length === 0) {
      const where = rule.where
        ? ` where ${Object.entries(rule.where)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(', ')}`
        : '';
      out.push({
        run,
        cell: null,
        ruleIndex,
        rule,
        label,
        status: 'fail',
        measured: null,
        threshold: null,
        unit: 'count',
        message: `rule "${label}"${where} matches no cell: check the dimension names and values`,
      });
      return;
    }
    for (const c of matching) out.push({ run, cell: c.id, ruleIndex, rule, label, ...evaluate(rule, c) });
  });
  return out;
}

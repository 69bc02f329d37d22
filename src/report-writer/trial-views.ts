/**
 * What the HTML report shows of each trial besides its numbers: level envelopes of the
 * reference and the mic, the device events, and the audio (embedded for small runs, else
 * linked), read from the run directory.
 */
import { isVoiceAecError } from '../core/errors.js';
import { mapPool } from '../core/map-pool.js';
import type { SampleView } from '../core/audio.js';
import { wavSampleView } from '../io/wav.js';
import type { Results } from '../report/results-schema.js';
import { envelopeBase64, envelopeStepMs, type TrialView } from '../report/trial-view.js';
import { TRIAL_AUDIO, trialAudioLink, type RecordedKind } from '../run-dir/layout.js';
import { readTrialAudioBytes, readTrialEvents, trialAudioSizes } from '../run-dir/trial-files.js';

/** The report's audio players, by TrialView key, and the stream each plays. */
const PLAYERS = [
  ['ref', 'play'],
  ['mic', 'mic'],
  ['gated', 'gated'],
] as const satisfies ReadonlyArray<readonly [keyof TrialView['audio'], RecordedKind]>;

const why = (e: unknown) => (isVoiceAecError(e) ? e.toLine() : e instanceof Error ? e.message : String(e));

/** Where a run's trials are: its directory, and the path from the report to it for links ('' beside it). */
export interface RunLocation {
  dir: string;
  linkPrefix: string;
}

export async function trialViews(locate: (runId: string) => RunLocation, results: Results, embedMax: number): Promise<TrialView[]> {
  const rows = results.cells.flatMap((c) => c.trials.map((t) => ({ c, t, at: locate(c.run) })));
  const kinds = PLAYERS.map(([, kind]) => kind);
  // First the sizes: all audio is embedded or none is, so the report behaves the same throughout.
  const sizes = await mapPool(rows, 16, ({ t, at }) => trialAudioSizes(at.dir, t.dir, kinds));
  const total = sizes.flat().reduce((a, b) => a + Math.max(0, b), 0);
  const embed = total <= embedMax;
  return mapPool(rows, 8, async ({ c, t, at }, i) => {
    const runDir = at.dir;
    const have = sizes[i]!;
    const audio: TrialView['audio'] = { ref: null, mic: null, gated: null };
    let refEnv: string | null = null,
      micEnv: string | null = null,
      stepMs = 10;
    const notes: string[] = [];
    const decoded: Partial<Record<'ref' | 'mic', SampleView>> = {};
    for (const [k, [key, kind]] of PLAYERS.entries()) {
      if (have[k]! < 0) continue;
      const link = encodeURI(at.linkPrefix + trialAudioLink(t.dir, kind));
      if (key === 'gated' && !embed) {
        audio.gated = link;
        continue;
      }
      try {
        const bytes = await readTrialAudioBytes(runDir, t.dir, kind);
        audio[key] = embed ? `data:audio/wav;base64,${Buffer.from(bytes).toString('base64')}` : link;
        if (key !== 'gated') decoded[key] = wavSampleView(bytes, TRIAL_AUDIO[kind]);
      } catch (e) {
        notes.push(`${TRIAL_AUDIO[kind]} unreadable: ${why(e)}`);
      }
    }
    const lengthMs = (d: SampleView | undefined) => (d ? (d.data.length / d.stride / d.sampleRate) * 1000 : 0);
    const longest = Math.max(lengthMs(decoded.ref), lengthMs(decoded.mic));
    const recordedMs = decoded.mic ? lengthMs(decoded.mic) : decoded.ref ? lengthMs(decoded.ref) : null;
    if (longest > 0) {
      stepMs = envelopeStepMs(longest);
      if (decoded.ref) refEnv = envelopeBase64(decoded.ref, decoded.ref.sampleRate, stepMs);
      if (decoded.mic) micEnv = envelopeBase64(decoded.mic, decoded.mic.sampleRate, stepMs);
    } else notes.push(`no ${TRIAL_AUDIO.play} / ${TRIAL_AUDIO.mic} in the trial directory`);
    let events: TrialView['events'] = [];
    try {
      events = (await readTrialEvents(runDir, t.dir))?.events.map((e) => ({ type: e.type, tMs: e.tMs })) ?? [];
    } catch {
      notes.push('events unreadable');
    }
    return { run: c.run, cell: c.id, index: t.index, stepMs, refEnv, micEnv, events, audio, note: notes.length ? notes.join('; ') : null, recordedMs };
  });
}

/**
 * Turn-detector profiles: how a voice-agent framework turns per-frame speech probabilities
 * into "the user started speaking" (and interrupts the agent), as data. The shipped ones
 * reproduce framework defaults, each citing where the numbers come from; a scenario adds its
 * own with the same schema (docs/vad.md § Profiles). The verdict logic that runs them is
 * src/analysis/turn-verdicts.ts.
 */
import { z } from 'zod';
import { didYouMean } from '../core/did-you-mean.js';
import { usageError } from '../core/errors.js';

const ms = z.number().min(0).max(10_000);

/** Pipecat's volume gate: normalised, smoothed K-weighted frame loudness (src/dsp/frame-loudness.ts). */
export const VolumeGateSchema = z
  .object({
    measure: z.literal('pipecat-loudness').describe('K-weighted loudness of each frame alone, (LKFS on the int16 scale + 20) / 100, clamped to 0…1'),
    min: z.number().min(0).max(1).describe('a frame is speech only when its smoothed volume is ≥ this'),
    smoothing: z.number().gt(0).max(1).describe('weight of the new frame: v ← v + smoothing·(volume − v), v starting at 0'),
  })
  .strict();

export const TurnProfileSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
      .describe('what `--vad` and the scenario call it'),
    description: z.string().default(''),
    source: z.string().default('').describe('where the numbers come from (URL, repository and file)'),
    engine: z.enum(['silero-v5']).default('silero-v5').describe('the VAD whose probabilities the profile reads'),
    threshold: z.number().gt(0).lt(1).describe('a frame is speech when its (filtered) probability is ≥ this'),
    probabilityFilter: z
      .number()
      .min(0)
      .lt(1)
      .default(0)
      .describe('weight of the previous value in an exponential filter on the probability (first frame unfiltered); 0: raw'),
    startMs: ms.describe('consecutive speech before the profile declares "user started speaking"'),
    stopMs: ms.describe('consecutive non-speech before it declares "user stopped speaking"'),
    frameCount: z
      .enum(['round', 'atLeast'])
      .default('atLeast')
      .describe('durations in frames: round(ms / frame) (halves to even, as Python rounds) or the fewest frames lasting ≥ ms (never fewer than one)'),
    interruptAfterMs: ms.default(0).describe('speech counted from the onset before the agent is interrupted while it talks; 0: at "started speaking"'),
    prefixPaddingMs: ms.default(0).describe('audio before the onset that the framework includes in the user turn'),
    volume: VolumeGateSchema.nullable().default(null).describe('an extra loudness condition on speech frames; null: none'),
  })
  .strict();

export type TurnProfile = z.infer<typeof TurnProfileSchema>;
export type TurnProfileInput = z.input<typeof TurnProfileSchema>;

/**
 * The profiles that ship. Each is the framework's default configuration as read in its
 * source; the VAD model is Silero v5 at 16 kHz, 512-sample (32 ms) frames, for all three.
 */
const SHIPPED_INPUT: TurnProfileInput[] = [
  {
    name: 'pipecat',
    description: 'Pipecat SileroVADAnalyzer with default VADParams; interrupts the bot when the VAD state turns SPEAKING',
    // pipecat-ai/pipecat src/pipecat/audio/vad/vad_analyzer.py: VAD_CONFIDENCE 0.7, VAD_START_SECS 0.2,
    // VAD_STOP_SECS 0.8, VAD_MIN_VOLUME 0.6; frames = round(secs / frame secs); volume smoothing factor 0.2.
    // src/pipecat/audio/utils.py calculate_audio_volume: pyloudnorm on the int16-scale frame, normalised −20…80.
    // src/pipecat/audio/vad/silero.py: 512-sample frames at 16 kHz.
    source:
      'https://github.com/pipecat-ai/pipecat/blob/main/src/pipecat/audio/vad/vad_analyzer.py; src/pipecat/audio/utils.py (calculate_audio_volume); src/pipecat/audio/vad/silero.py',
    threshold: 0.7,
    startMs: 200,
    stopMs: 800,
    frameCount: 'round',
    volume: { measure: 'pipecat-loudness', min: 0.6, smoothing: 0.2 },
  },
  {
    name: 'livekit',
    description: 'LiveKit Agents AgentSession with the Silero plugin defaults; interrupts after 0.5 s of speech',
    // livekit/agents livekit-agents/livekit/agents/voice/agent_session.py: min_interruption_duration 0.5,
    // min_interruption_words 0; voice/agent_activity.py on_vad_inference_done: interrupt when
    // speech_duration ≥ min_interruption_duration. livekit-plugins/livekit-plugins-silero/livekit/plugins/silero/vad.py
    // VAD.load: activation_threshold 0.5, min_speech_duration 0.05, min_silence_duration 0.55,
    // prefix_padding_duration 0.5; probabilities through utils.ExpFilter(alpha=0.35) (utils/exp_filter.py).
    source:
      'https://github.com/livekit/agents/blob/main/livekit-agents/livekit/agents/voice/agent_session.py; livekit-agents/livekit/agents/voice/agent_activity.py; livekit-plugins/livekit-plugins-silero/livekit/plugins/silero/vad.py',
    threshold: 0.5,
    probabilityFilter: 0.35,
    startMs: 50,
    stopMs: 550,
    frameCount: 'atLeast',
    interruptAfterMs: 500,
    prefixPaddingMs: 500,
  },
  {
    name: 'openai-realtime',
    description: 'OpenAI Realtime server_vad defaults, approximated with Silero v5 (the server model is not public)',
    // OpenAI API reference, realtime session turn_detection (server_vad): threshold 0.5, prefix_padding_ms 300,
    // silence_duration_ms 500; speech_started cancels the response in progress. As generated from the OpenAPI
    // spec, e.g. https://docs.rs/crate/openai-client-base/latest/source/docs/RealtimeSessionCreateRequestTurnDetection.md
    source: 'https://platform.openai.com/docs/api-reference/realtime (turn_detection, server_vad)',
    threshold: 0.5,
    startMs: 0,
    stopMs: 500,
    frameCount: 'atLeast',
    prefixPaddingMs: 300,
  },
];

export const SHIPPED_TURN_PROFILES: readonly TurnProfile[] = SHIPPED_INPUT.map((p) => TurnProfileSchema.parse(p));

/** A scenario's list of its own profiles: names unique and not a shipped profile's. */
export const CustomTurnProfilesSchema = z.array(TurnProfileSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  for (const [i, p] of list.entries()) {
    if (seen.has(p.name) || SHIPPED_TURN_PROFILES.some((s) => s.name === p.name))
      ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `turn profile ${p.name} is defined twice (or shadows a shipped one)` });
    seen.add(p.name);
  }
});

/**
 * The profiles named (e.g. `--vad pipecat,livekit`), looked up among the shipped ones and
 * the scenario's own, in the order given, each once.
 */
export function resolveTurnProfiles(names: readonly string[], custom: readonly TurnProfile[] = []): TurnProfile[] {
  const all = [...SHIPPED_TURN_PROFILES, ...custom];
  const out: TurnProfile[] = [];
  for (const name of names) {
    const p = all.find((q) => q.name === name);
    if (!p)
      throw usageError('E_VAD_PROFILE', `unknown turn profile ${name}`, {
        hint: `${didYouMean(
          name,
          all.map((q) => q.name),
        )}known: ${all.map((q) => q.name).join(', ')}; add your own under the scenario's turn profiles (docs/vad.md)`,
      });
    if (!out.includes(p)) out.push(p);
  }
  return out;
}

/** Frames a duration spans under the profile's counting rule: at least one. */
export function framesFor(durationMs: number, frameMs: number, rule: TurnProfile['frameCount']): number {
  const x = durationMs / frameMs;
  // 1e-9: 0.064 s from two 32 ms frames must count as reaching 64 ms despite binary fractions.
  return Math.max(1, rule === 'round' ? roundHalfEven(x) : Math.ceil(x - 1e-9));
}

/** Python's round(): halves go to the even neighbour (Pipecat computes its frame counts with it). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

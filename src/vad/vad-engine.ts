/**
 * What the turn verdicts need from a voice activity detector: a speech probability per
 * fixed frame. Silero v5 is the one engine (silero-vad.ts); docs/vad.md says why the WebRTC
 * VAD is not a second one yet.
 */

export interface FrameProbabilities {
  /** Speech probability per frame; frame k covers [k·frameMs, (k+1)·frameMs) of the input. */
  probabilities: Float32Array;
  frameMs: number;
}

export interface VadEngine {
  /** Stable name, recorded beside every verdict (e.g. silero-v5). */
  readonly name: string;
  /** Frame hop, ms. */
  readonly frameMs: number;
  /** The rate the model runs at; other rates are resampled to it by the project's resampler. */
  readonly sampleRate: number;
  /** Probabilities of a mono signal at any rate; a trailing partial frame is dropped. */
  probabilities(samples: Float32Array, sampleRate: number): Promise<FrameProbabilities>;
  /**
   * Probabilities of signals at the engine's own rate, all of one length, that are equal in
   * their first `sharedSamples`: the shared part is run once and its state carried into each
   * (the gated copies of one mic, src/vad/mic-vad-tracks.ts). Same result as probabilities()
   * on each signal.
   */
  probabilitiesOfVariants(signals: readonly Float32Array[], sharedSamples: number): Promise<Float32Array[]>;
}

/** A mono signal with its sample rate: what every analysis stage works on. */
export interface MonoAudio {
  readonly sampleRate: number;
  readonly samples: Float32Array;
}

/** A decoded multi-channel signal, one Float32Array per channel, samples in [-1, 1]. */
export interface MultiChannelAudio {
  readonly sampleRate: number;
  readonly channels: readonly Float32Array[];
}

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

/**
 * One channel of a recording as the analysis receives it: the samples plus what the file
 * was, so results can say which stream of which file was measured.
 */
export interface RecordedStream {
  /** How results name the stream: the path a user gave, or a run directory's file name (never an absolute path there). */
  readonly name: string;
  readonly audio: MonoAudio;
  /** Channels in the file the stream was taken from. */
  readonly fileChannels: number;
  readonly channel: number | 'mix';
  /** Notes from decoding (odd headers, padding), already prefixed with the file's name. */
  readonly warnings: readonly string[];
}

/** Samples as stored: float in [-1, 1], or integers with a scale to full scale, interleaved channels. */
export interface SampleView {
  data: Float32Array | Int16Array | Int32Array;
  /** Multiply to get [-1, 1]. */
  scale: number;
  /** Interleaved channels: the envelope follows channel 0. */
  stride: number;
  sampleRate: number;
}

/**
 * Float samples may hold NaN/Inf (broken DSP) or exceed full scale; the first would poison
 * every metric, so they become 0. One rule for decoded files and streams held in memory, so
 * a trial analysed from memory and re-analysed from its file carry the same notes.
 */
export function checkFloatSamples(channels: readonly Float32Array[], name: string): string[] {
  let bad = 0;
  let peak = 0;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i]!;
      if (!Number.isFinite(v)) {
        ch[i] = 0;
        bad++;
      } else if (Math.abs(v) > peak) peak = Math.abs(v);
    }
  }
  const warnings: string[] = [];
  if (bad > 0) warnings.push(`${name}: replaced ${bad} non-finite float samples (NaN/Inf) with 0`);
  if (peak > 1) warnings.push(`${name}: float samples exceed full scale (peak ${peak.toPrecision(3)}); kept unclipped`);
  return warnings;
}

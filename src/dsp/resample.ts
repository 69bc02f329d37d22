/**
 * Sample-rate conversion by libsamplerate (Secret Rabbit Code) compiled to WASM,
 * @alexanderolsen/libsamplerate-js. Its sinc converters keep the signal aligned (an
 * impulse at t lands at t·ratio), which the delay measurement depends on.
 * On a 6 s clip 48→16 kHz: fastest ~100×, medium ~55×, best ~19× real time (docs/dsp.md)
 * — too slow for the analysis hot path, so it only runs when input rates differ.
 */
import srcPkg from '@alexanderolsen/libsamplerate-js';

// The package is CommonJS; its named exports are reachable through the default import only.
const { create, ConverterType } = srcPkg as unknown as {
  create: (channels: number, from: number, to: number, o: { converterType: number }) => Promise<{ simple(x: Float32Array): Float32Array; destroy(): void }>;
  ConverterType: { SRC_SINC_BEST_QUALITY: number; SRC_SINC_MEDIUM_QUALITY: number; SRC_SINC_FASTEST: number };
};

export type ResampleQuality = 'best' | 'medium' | 'fastest';

/** Resample a mono signal from `fromRate` to `toRate` Hz. Returns the input itself when the rates match. */
export async function resample(x: Float32Array, fromRate: number, toRate: number, quality: ResampleQuality = 'medium'): Promise<Float32Array> {
  if (fromRate === toRate) return x;
  const converterType = {
    best: ConverterType.SRC_SINC_BEST_QUALITY,
    medium: ConverterType.SRC_SINC_MEDIUM_QUALITY,
    fastest: ConverterType.SRC_SINC_FASTEST,
  }[quality];
  const src = await create(1, fromRate, toRate, { converterType });
  try {
    return src.simple(x);
  } finally {
    src.destroy();
  }
}

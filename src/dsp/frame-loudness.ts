/**
 * K-weighted loudness of each short frame measured on its own, as Pipecat's VAD analyser
 * measures "volume" (docs/vad.md § Pipecat volume): every frame is filtered from a filter at
 * rest and its mean square taken as one BS.1770 block, −0.691 + 10·log10(ms). The two
 * K-weighting stages are designed for the given rate with the Audio EQ Cookbook formulas
 * (R. Bristow-Johnson) and the parameters pyloudnorm uses for "K-weighting": high shelf
 * +4 dB at 1500 Hz, Q = 1/√2, then high pass at 38 Hz, Q = 0.5. Not the 48 kHz BS.1770
 * coefficients, because pyloudnorm (what Pipecat calls) does not use them at 16 kHz either.
 */

/** One biquad, normalised so a0 = 1. */
interface Biquad {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
}

function highShelf(gainDb: number, q: number, fc: number, rate: number): Biquad {
  const A = 10 ** (gainDb / 40);
  const w0 = (2 * Math.PI * fc) / rate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const s = 2 * Math.sqrt(A) * alpha;
  const a0 = A + 1 - (A - 1) * cos + s;
  return {
    b0: (A * (A + 1 + (A - 1) * cos + s)) / a0,
    b1: (-2 * A * (A - 1 + (A + 1) * cos)) / a0,
    b2: (A * (A + 1 + (A - 1) * cos - s)) / a0,
    a1: (2 * (A - 1 - (A + 1) * cos)) / a0,
    a2: (A + 1 - (A - 1) * cos - s) / a0,
  };
}

function highPass(q: number, fc: number, rate: number): Biquad {
  const w0 = (2 * Math.PI * fc) / rate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const a0 = 1 + alpha;
  return { b0: (1 + cos) / 2 / a0, b1: -(1 + cos) / a0, b2: (1 + cos) / 2 / a0, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** The two stages for a rate; cached because every trial asks for the same one or two rates. */
const stagesByRate = new Map<number, [Biquad, Biquad]>();
function kWeighting(rate: number): [Biquad, Biquad] {
  let s = stagesByRate.get(rate);
  if (!s) {
    s = [highShelf(4, Math.SQRT1_2, 1500, rate), highPass(0.5, 38, rate)];
    stagesByRate.set(rate, s);
  }
  return s;
}

/**
 * Loudness in LKFS (dB re full scale, −0.691 dB offset of BS.1770) of consecutive frames of
 * `frameLen` samples from sample 0; a trailing partial frame is dropped. A frame of digital
 * silence is −Infinity, as the meter reports it. Direct form I in doubles, both stages in
 * one pass, restarted at each frame.
 */
export function kWeightedFrameLoudness(x: Float32Array, sampleRate: number, frameLen: number): Float64Array {
  if (!(frameLen >= 1) || !Number.isInteger(frameLen)) throw new RangeError(`frameLen must be a positive integer, got ${frameLen}`);
  const [h, p] = kWeighting(sampleRate);
  const frames = Math.floor(x.length / frameLen);
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let x1 = 0,
      x2 = 0,
      y1 = 0,
      y2 = 0,
      z1 = 0,
      z2 = 0,
      sum = 0;
    const from = f * frameLen;
    for (let i = from; i < from + frameLen; i++) {
      const v = x[i]!;
      const y = h.b0 * v + h.b1 * x1 + h.b2 * x2 - h.a1 * y1 - h.a2 * y2;
      x2 = x1;
      x1 = v;
      const z = p.b0 * y + p.b1 * y1 + p.b2 * y2 - p.a1 * z1 - p.a2 * z2;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      sum += z * z;
    }
    out[f] = sum > 0 ? -0.691 + 10 * Math.log10(sum / frameLen) : -Infinity;
  }
  return out;
}

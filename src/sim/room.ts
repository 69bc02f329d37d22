/**
 * Room impulse responses: shoebox image sources (Allen & Berkley 1979) for the early
 * part, each placed at its fractional delay with an 81-tap Hann-windowed sinc, then a
 * Gaussian noise tail whose envelope decays per octave band to the preset's T60
 * (the hybrid method of docs/virtual-iphone.md § Rooms).
 *
 * Units: a free-field path of 1 m has amplitude 1, so an image at r metres has amplitude
 * β^(reflections) / r. The tail continues the image sources' expected energy: in a room of
 * volume V, images arrive at 4π c³ t² / V per second with energy 1 / (c t)² each, so h²
 * integrates to (4π c / V) · e^(−13.8 t / T60) per second — no fitting at the crossover.
 */
import { highPassGain } from '../dsp/band-filter.js';
import { goodFftSize, realFft } from '../dsp/fft.js';
import { OCTAVE_CENTRES_HZ } from '../dsp/octave-bands.js';
import type { RoomPreset, Vec3 } from './room-presets.js';
import { fillGaussian, mixSeed, STREAM } from './seeded-random.js';
import { addFractionalImpulse, SINC_HALF_WIDTH } from './windowed-sinc.js';

export const SPEED_OF_SOUND_M_S = 343;
/** ln(10^6)/2: amplitude decays by e^(−6.908 t / T60), i.e. 60 dB in T60. */
const LN_1E3 = 3 * Math.LN10;
/** The tail fades in over this time at the crossover, under the last images' sinc skirts. */
const TAIL_FADE_S = 0.002;
/** The response ends after the slowest band has decayed by 72 dB (1.2 × its T60). */
const LENGTH_IN_T60 = 1.2;
/**
 * Each band's noise is divided by its own RMS envelope, smoothed over this many periods of
 * the band's width: the band then decays as its T60 prescribes instead of fluctuating
 * around it. Without this, one draw's T20 scatters by ≈ 0.88·√(1/(B·T60)) (ISO 3382-2):
 * ±13 % at 125 Hz in a 0.5 s room.
 */
const ENVELOPE_SMOOTHING = 4;
/** Repeated division converges on a flat envelope; one pass leaves half the fluctuation. */
const FLATTEN_PASSES = 3;
/** Horizontal direction in which a loudspeaker sits from the phone's mic (echo paths). */
const SOURCE_DIRECTION: Vec3 = [0.6, 0.8, 0];

/** Which response: the echo path from a loudspeaker `sourceDistanceM` from the mic, or the talker's. */
export type RoomPath = { kind: 'echo'; sourceDistanceM: number } | { kind: 'talker' };

export interface ImageSource {
  distanceM: number;
  amplitude: number;
  reflections: number;
}

/** Image sources of a shoebox with one pressure reflection coefficient β on all walls, up to `maxDistanceM`. */
export function imageSources(dims: Vec3, source: Vec3, receiver: Vec3, beta: number, maxDistanceM: number, includeDirect: boolean): ImageSource[] {
  // Per axis: image coordinate offsets from the receiver and their reflection counts.
  const axes = [0, 1, 2].map((a) => {
    const L = dims[a]!;
    const s = source[a]!;
    const r = receiver[a]!;
    const lMax = Math.ceil((maxDistanceM + L) / (2 * L));
    const out: Array<[number, number]> = [];
    for (let l = -lMax; l <= lMax; l++) {
      out.push([2 * l * L + s - r, 2 * Math.abs(l)]); // even number of reflections
      out.push([2 * l * L - s - r, Math.abs(2 * l - 1)]); // odd
    }
    return out.filter(([d]) => Math.abs(d) <= maxDistanceM);
  });
  const images: ImageSource[] = [];
  const max2 = maxDistanceM * maxDistanceM;
  for (const [dx, nx] of axes[0]!)
    for (const [dy, ny] of axes[1]!) {
      const dxy = dx * dx + dy * dy;
      if (dxy > max2) continue;
      for (const [dz, nz] of axes[2]!) {
        const d2 = dxy + dz * dz;
        if (d2 > max2) continue;
        const n = nx + ny + nz;
        if (n === 0 && !includeDirect) continue;
        const distanceM = Math.sqrt(d2);
        images.push({ distanceM, amplitude: beta ** n / distanceM, reflections: n });
      }
    }
  return images;
}

/** Broadband wall reflection coefficient giving the preset's mid-band T60 by Eyring's formula. */
function wallBeta(preset: RoomPreset): number {
  const [x, y, z] = preset.dimsM;
  const volume = x * y * z;
  const surface = 2 * (x * y + y * z + x * z);
  const t60 = (preset.rt60S[2]! + preset.rt60S[3]!) / 2; // 500 Hz and 1 kHz
  const alpha = 1 - Math.exp((-24 * Math.LN10 * volume) / (SPEED_OF_SOUND_M_S * surface * t60));
  return Math.sqrt(1 - alpha);
}

function sourcePosition(preset: RoomPreset, path: RoomPath): Vec3 {
  const m = preset.micM;
  if (path.kind === 'talker') return [m[0] + preset.talkerOffsetM[0], m[1] + preset.talkerOffsetM[1], m[2] + preset.talkerOffsetM[2]];
  const d = path.sourceDistanceM;
  return [m[0] + d * SOURCE_DIRECTION[0], m[1] + d * SOURCE_DIRECTION[1], m[2] + d * SOURCE_DIRECTION[2]];
}

/**
 * The room's response from a source to the phone's mic, at `sampleRate`, in 1-m free-field
 * units. Echo paths leave out the direct sound (the device profile supplies the
 * loudspeaker-to-mic path); the talker path includes it. Deterministic for (preset, rate, seed).
 */
export function roomResponse(preset: RoomPreset, sampleRate: number, seed: number, path: RoomPath): Float32Array {
  const fs = sampleRate;
  const [x, y, z] = preset.dimsM;
  const volume = x * y * z;
  const early = preset.earlyMs / 1000;
  const longest = Math.max(...preset.rt60S);
  const length = Math.ceil((early + LENGTH_IN_T60 * longest) * fs);
  const h = new Float64Array(length);

  const source = sourcePosition(preset, path);
  const images = imageSources(preset.dimsM, source, preset.micM, wallBeta(preset), early * SPEED_OF_SOUND_M_S, path.kind === 'talker');
  for (const im of images) addFractionalImpulse(h, (im.distanceM / SPEED_OF_SOUND_M_S) * fs, im.amplitude, SINC_HALF_WIDTH);

  addDiffuseTail(h, fs, volume, preset.rt60S, early, mixSeed(seed, path.kind === 'talker' ? STREAM.talkerTail : STREAM.roomTail));
  return Float32Array.from(h);
}

/**
 * Adds the diffuse tail from `startS` on: white Gaussian noise split into octave bands by
 * amplitude-complementary masks (edges at fc·√2, the octave-band edges the T20 analysis
 * uses), each band under its own exponential envelope.
 */
function addDiffuseTail(h: Float64Array, fs: number, volume: number, rt60S: readonly number[], startS: number, seed: number): void {
  const n = goodFftSize(h.length);
  const plan = realFft(n);
  const white = new Float32Array(n);
  fillGaussian(white, seed);
  const W = plan.forward(white);
  // Octave bands plus one below and one above, so that every band the T20 analysis
  // measures is flattened on its own (edges at fc/√2 … fc·√2, amplitude-complementary).
  const centres = [OCTAVE_CENTRES_HZ[0]! / 2, ...OCTAVE_CENTRES_HZ, OCTAVE_CENTRES_HZ[OCTAVE_CENTRES_HZ.length - 1]! * 2];
  const t60 = [rt60S[0]!, ...rt60S, rt60S[rt60S.length - 1]!];
  const edges = centres.slice(1).map((fc) => highPassGain(fc / Math.SQRT2));
  const bandGain = (b: number, hz: number) => (b === 0 ? 1 : edges[b - 1]!(hz)) * (b === edges.length ? 1 : 1 - edges[b]!(hz));
  const start = Math.ceil(startS * fs);
  const level = Math.sqrt((4 * Math.PI * SPEED_OF_SOUND_M_S) / (volume * fs)); // per-sample RMS at t = 0
  const fade = Math.max(1, Math.round(TAIL_FADE_S * fs));
  const spec = new Float32Array(n);
  for (let b = 0; b < centres.length; b++) {
    spec[0] = W[0]! * bandGain(b, 0);
    spec[1] = W[1]! * bandGain(b, fs / 2);
    for (let k = 1; k < n / 2; k++) {
      const g = bandGain(b, (k * fs) / n);
      spec[2 * k] = W[2 * k]! * g;
      spec[2 * k + 1] = W[2 * k + 1]! * g;
    }
    let band = plan.inverse(spec);
    const win = Math.round((ENVELOPE_SMOOTHING / (centres[b]! / Math.SQRT2)) * fs);
    for (let pass = 0; pass < FLATTEN_PASSES; pass++) band = flattenEnvelope(band, win);
    const rate = LN_1E3 / (t60[b]! * fs); // amplitude decay per sample
    for (let i = start; i < h.length; i++) {
      const ramp = i - start < fade ? 0.5 - 0.5 * Math.cos((Math.PI * (i - start + 0.5)) / fade) : 1;
      h[i]! += band[i]! * level * Math.exp(-rate * i) * ramp;
    }
  }
}

/** x divided by its RMS over a centred moving window of `win` samples, rescaled to x's overall RMS. */
function flattenEnvelope(x: Float32Array, win: number): Float32Array {
  const n = x.length;
  const w = Math.max(1, win);
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + x[i]! * x[i]!;
  const mean = cum[n]! / n;
  const out = new Float32Array(n);
  const half = w >> 1;
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - half);
    const b = Math.min(n, i + half + 1);
    const p = (cum[b]! - cum[a]!) / (b - a);
    out[i] = p > 0 ? x[i]! * Math.sqrt(mean / p) : 0;
  }
  return out;
}

/**
 * One trial's mic signal chain, at the model's internal rate: what the render played →
 * loudspeaker → echo path, plus the near-end talker and the room's noise at the mic → the
 * voice-processing unit (linear canceller, then residual suppressor with comfort noise) →
 * the mic stream, brought back to the device rate.
 *
 * Ground truth is defined through the processing as it actually ran on the mixture: the
 * canceller subtracts its echo estimate ŷ (which depends on the reference only), and the
 * suppressor's per-bin gains G (short-time spectra, residual-suppressor.ts) are computed
 * from the mixture; with S the short-time analysis and S⁻¹ its overlap-add synthesis,
 *   mic       = S⁻¹[G·S(d − ŷ) + √(1 − G²)·S(cn)]        (cn: comfort noise)
 *   echoTruth = S⁻¹[G·S(echo − ŷ)]                     nearTruth = S⁻¹[G·S(near)]
 * so mic = echoTruth + nearTruth + S⁻¹[G·S(noise)] + comfort noise exactly (to float
 * rounding, before the common band-limited conversion to the device rate, which is linear),
 * unless the mic clipped:
 * d is clipped at full scale, the truth streams are not. Unprocessed paths (bypass,
 * voice processing off) give echoTruth = echo and nearTruth = near.
 */
import type { NoiseBank } from './coloured-noise.js';
import type { EchoCanceller } from './echo-canceller.js';
import type { FftConvolver } from './fft-convolver.js';
import { softClip } from './loudspeaker.js';
import { type InternalRate, toDevice, toInternal } from './rate-conversion.js';
import type { ResidualSuppressor } from './residual-suppressor.js';

export interface MicPathInput {
  ir: InternalRate;
  /** What the render played, device rate, the whole trial. */
  play: Float32Array;
  /** Linear drive gain into the loudspeaker (volume, session mode). */
  driveGain: number;
  clipLevel: number;
  echo: FftConvolver;
  /** Near-end speech at the device rate, placed on the trial timeline, and the path it takes. */
  near: { signal: Float32Array; talker: FftConvolver; levelDbfs: number; startAt: number; length: number } | null;
  /** Room noise plus mic self-noise at the mic, internal rate. */
  noise: NoiseBank;
  noiseSeed: number;
  comfortNoiseSeed: number;
  processing:
    | { kind: 'silent' }
    | { kind: 'raw' }
    | {
        kind: 'vp';
        canceller: EchoCanceller | null;
        /** Samples (internal rate) by which the reference is delayed to meet the echo. */
        bulkDelay: number;
        suppressor: ResidualSuppressor | null;
      };
  groundTruth: boolean;
}

export interface MicPathOutput {
  mic: Float32Array;
  echoTruth: Float32Array | null;
  nearTruth: Float32Array | null;
}

export function runMicPath(p: MicPathInput): MicPathOutput {
  const { ir } = p;
  const length = p.play.length;
  const back = (y: Float32Array) => toDevice(y, ir, length);
  if (p.processing.kind === 'silent') {
    // Digital silence: the stream carries exact zeros, nothing of the room reaches it.
    const zero = () => new Float32Array(length);
    return { mic: zero(), echoTruth: p.groundTruth ? zero() : null, nearTruth: p.groundTruth ? zero() : null };
  }

  const x = toInternal(p.play, ir);
  const n = x.length;
  const drive = x.slice();
  for (let i = 0; i < n; i++) drive[i]! *= p.driveGain;
  softClip(drive, p.clipLevel);
  const echo = p.echo.apply(drive, n);
  const near = p.near ? nearEnd(p.near, ir, n) : null;
  const noise = p.noise.stretch(n, p.noiseSeed);
  const d = new Float32Array(n);
  // The mic's converter clips at full scale (truth streams stay unclipped).
  for (let i = 0; i < n; i++) d[i] = Math.max(-1, Math.min(1, echo[i]! + noise[i]! + (near ? near[i]! : 0)));

  if (p.processing.kind === 'raw') {
    return { mic: back(d), echoTruth: p.groundTruth ? back(echo) : null, nearTruth: p.groundTruth ? (near ? back(near) : new Float32Array(length)) : null };
  }

  const { canceller, bulkDelay, suppressor } = p.processing;
  let error: Float32Array = d;
  let estimate: Float32Array = new Float32Array(n);
  const reference = new Float32Array(n);
  if (canceller || suppressor) reference.set(x.subarray(0, Math.max(0, n - bulkDelay)), Math.min(n, bulkDelay));
  let leak: Float32Array = new Float32Array(1);
  let leakBlock = n;
  if (canceller) {
    const out = canceller.process(reference, d, true);
    error = out.error;
    estimate = out.estimate;
    leak = out.leak;
    leakBlock = out.blockSize;
  }
  // Comfort noise: another stretch of the same spectrum (a suppressor's CNG estimates it; the model knows it).
  const suppression = suppressor
    ? suppressor.process({ error, estimate, reference, leak, leakBlock, comfortNoise: p.noise.stretch(n, p.comfortNoiseSeed), rate: ir.rate })
    : null;
  const mic = suppression ? suppression.output : error;
  if (!p.groundTruth) return { mic: back(mic), echoTruth: null, nearTruth: null };
  // The suppressor's per-bin gains are fixed by now: a linear operator, applied to each component.
  const residual = new Float32Array(n);
  for (let i = 0; i < n; i++) residual[i] = echo[i]! - estimate[i]!;
  const echoTruth = suppression ? suppression.filter(residual) : residual;
  const nearTruth = near ? (suppression ? suppression.filter(near) : near) : null;
  return { mic: back(mic), echoTruth: back(echoTruth), nearTruth: nearTruth ? back(nearTruth) : new Float32Array(length) };
}

/** The near-end talker at the mic, internal rate: through the talker path, scaled so its RMS over the clip's span is levelDbfs. */
function nearEnd(near: NonNullable<MicPathInput['near']>, ir: InternalRate, n: number): Float32Array {
  const y = near.talker.apply(toInternal(near.signal, ir), n);
  // The span where the clip's direct sound arrives: its placement shifted by the talker path's onset.
  const h = near.talker.response;
  let onset = 0;
  for (let i = 1; i < h.length; i++) if (Math.abs(h[i]!) > Math.abs(h[onset]!)) onset = i;
  const a = Math.min(n, Math.floor(near.startAt / ir.factor) + onset);
  const b = Math.min(n, a + Math.ceil(near.length / ir.factor));
  let e = 0;
  for (let i = a; i < b; i++) e += y[i]! * y[i]!;
  const rms = b > a ? Math.sqrt(e / (b - a)) : 0;
  const scale = rms > 0 ? 10 ** (near.levelDbfs / 20) / rms : 0;
  for (let i = 0; i < n; i++) y[i]! *= scale;
  return y;
}

/**
 * The acoustic paths into the phone's mic stream, at the model's internal rate:
 *
 * - echo: played sample → output latency → loudspeaker (its band as a zero-phase magnitude
 *   response, so it adds no delay) → direct sound over the route's loudspeaker-to-mic
 *   distance plus the room's response from that loudspeaker → input latency. The direct
 *   sound lands at exactly documentedEchoDelayMs; the composition is done in the frequency
 *   domain, so fractional delays are exact.
 * - talker: the near-end talker's mouth → room (direct sound included) → input latency.
 *
 * A measured RIR replaces the direct sound and the room together: peak-normalised, its
 * peak placed where the direct sound would be.
 */
import { goodFftSize, realFft } from '../dsp/fft.js';
import type { RouteAcoustics } from './device-profiles.js';
import { loudspeakerGain } from './loudspeaker.js';
import { type InternalRate, responseToInternal } from './rate-conversion.js';
import { SPEED_OF_SOUND_M_S } from './room.js';

/** Zero padding of the composition FFT: room for the loudspeaker response's two-sided ringing. */
const PAD_S = 0.1;

/**
 * Echo path response at the internal rate. `room` is the room's response from the
 * loudspeaker (1-m free-field units, without the direct sound) at the device rate, or null
 * to use `measured` (any scale, at the device rate) instead.
 */
export function echoResponse(
  acoustics: RouteAcoustics,
  latencyMs: number,
  ir: InternalRate,
  room: { kind: 'model'; response: Float32Array } | { kind: 'measured'; response: Float32Array },
): Float32Array {
  const r = ir.rate;
  const part = responseToInternal(room.response, ir);
  const directAt = ((latencyMs + (acoustics.directPathM / SPEED_OF_SOUND_M_S) * 1000) * r) / 1000;
  const gain = 10 ** (acoustics.couplingDb / 20);
  const length = Math.ceil(directAt + part.length);
  const n = goodFftSize(length + Math.ceil(PAD_S * r));
  const plan = realFft(n);
  const P = plan.forward(part);

  // Delays (samples) applied to the part's spectrum and to the unit direct sound.
  let partShift: number;
  let partScale: number;
  let direct: boolean;
  if (room.kind === 'model') {
    // The room part in 1-m units, scaled to the direct sound's distance: a point source.
    partShift = (latencyMs * r) / 1000;
    partScale = acoustics.directPathM * 10 ** (acoustics.roomDb / 20);
    direct = true;
  } else {
    let peak = 0;
    for (let i = 1; i < part.length; i++) if (Math.abs(part[i]!) > Math.abs(part[peak]!)) peak = i;
    partShift = directAt - peak;
    partScale = part[peak] === 0 ? 0 : 1 / Math.abs(part[peak]!);
    direct = false;
  }
  const H = new Float32Array(n);
  for (let k = 0; k <= n / 2; k++) {
    const w = (-2 * Math.PI * k) / n;
    const s = gain * loudspeakerGain((k * r) / n, acoustics.bandHz);
    const [pr, pi] = k === 0 ? [P[0]!, 0] : k === n / 2 ? [P[1]!, 0] : [P[2 * k]!, P[2 * k + 1]!];
    const cp = Math.cos(w * partShift) * partScale,
      sp = Math.sin(w * partShift) * partScale;
    let re = pr * cp - pi * sp;
    let im = pr * sp + pi * cp;
    if (direct) {
      re += Math.cos(w * directAt);
      im += Math.sin(w * directAt);
    }
    if (k === 0) H[0] = re * s;
    else if (k === n / 2)
      H[1] = re * s; // the Nyquist bin of a real signal is real
    else {
      H[2 * k] = re * s;
      H[2 * k + 1] = im * s;
    }
  }
  return plan.inverse(H).slice(0, length);
}

/** Talker path at the internal rate: the room's talker response (direct sound included) after the input latency. */
export function talkerResponse(roomTalker: Float32Array, inputLatencyMs: number, ir: InternalRate): Float32Array {
  const part = responseToInternal(roomTalker, ir);
  const shift = (inputLatencyMs * ir.rate) / 1000;
  const length = Math.ceil(shift + part.length);
  const n = goodFftSize(length + Math.ceil(PAD_S * ir.rate));
  const plan = realFft(n);
  const P = plan.forward(part);
  for (let k = 1; k < n / 2; k++) {
    const w = (-2 * Math.PI * k * shift) / n;
    const c = Math.cos(w),
      s = Math.sin(w);
    const re = P[2 * k]!,
      im = P[2 * k + 1]!;
    P[2 * k] = re * c - im * s;
    P[2 * k + 1] = re * s + im * c;
  }
  P[1] = P[1]! * Math.cos(Math.PI * shift); // Nyquist: only the real part of the shift survives
  return plan.inverse(P).slice(0, length);
}

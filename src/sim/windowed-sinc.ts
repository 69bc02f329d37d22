/**
 * Hann-windowed sinc: band-limited placement of an impulse at a fractional time (the
 * image-source method places every reflection this way, as pyroomacoustics'
 * rir_builder does with 81 taps) and arbitrary-ratio resampling of uploaded audio.
 */

/** Taps either side of the centre: 81 taps in all, as in pyroomacoustics. */
export const SINC_HALF_WIDTH = 40;

/**
 * Adds a · sinc(n − t) · hann(n − t) to h for the 81 integers n nearest to t. Taps
 * falling outside h are dropped. sin(π(n − t)) alternates in sign from one n to the next,
 * so one sine per impulse suffices.
 */
export function addFractionalImpulse(h: Float32Array | Float64Array, t: number, a: number, halfWidth = SINC_HALF_WIDTH): void {
  const n0 = Math.round(t);
  const frac = n0 - t; // in [−0.5, 0.5]
  if (Math.abs(frac) < 1e-9) {
    if (n0 >= 0 && n0 < h.length) h[n0]! += a;
    return;
  }
  const s0 = Math.sin(Math.PI * frac);
  const w = Math.PI / (halfWidth + 1);
  const from = Math.max(-halfWidth, -n0);
  const to = Math.min(halfWidth, h.length - 1 - n0);
  for (let k = from; k <= to; k++) {
    const x = k + frac;
    const s = (k & 1) === 0 ? s0 : -s0;
    h[n0 + k]! += (a * s * (0.5 + 0.5 * Math.cos(w * x))) / (Math.PI * x);
  }
}

/** Kernel table resolution: entries per unit of the sinc's argument. */
const TABLE_STEPS = 512;

/**
 * Resamples x from `fromRate` to `toRate` with a Hann-windowed sinc of ±`zeros`
 * zero crossings, cut off at the lower Nyquist (0.95 of it, so the window's transition
 * stays below). A table with linear interpolation replaces per-tap sin/cos. Sample k of
 * the output is the input at time k / toRate: alignment is exact.
 */
export function resampleSinc(x: Float32Array, fromRate: number, toRate: number, zeros = 24): Float32Array {
  if (fromRate === toRate) return x.slice();
  const ratio = toRate / fromRate;
  const cutoff = 0.95 * Math.min(1, ratio); // in units of the input's Nyquist
  const table = new Float64Array(zeros * TABLE_STEPS + 2);
  for (let i = 0; i < table.length; i++) {
    const u = i / TABLE_STEPS; // argument in zero crossings of the cut-off sinc
    const sinc = u === 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
    table[i] = u >= zeros ? 0 : sinc * (0.5 + 0.5 * Math.cos((Math.PI * u) / zeros));
  }
  const out = new Float32Array(Math.round(x.length * ratio));
  const span = zeros / cutoff; // input samples either side
  for (let k = 0; k < out.length; k++) {
    const t = k / ratio;
    const a = Math.max(0, Math.ceil(t - span));
    const b = Math.min(x.length - 1, Math.floor(t + span));
    let acc = 0;
    for (let n = a; n <= b; n++) {
      const pos = Math.abs(n - t) * cutoff * TABLE_STEPS;
      const i = pos | 0;
      const f = pos - i;
      acc += x[n]! * (table[i]! + f * (table[i + 1]! - table[i]!));
    }
    out[k] = acc * cutoff;
  }
  return out;
}

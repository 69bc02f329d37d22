/** Linear convolution with one fixed impulse response, its spectrum cached per FFT size. */
import { goodFftSize, realFft, WorkArrays } from '../dsp/fft.js';

/** The signal's spectrum, a trial long: kept from call to call (it never leaves apply). */
const work = new WorkArrays();

export class FftConvolver {
  private readonly spectra = new Map<number, Float32Array>();

  constructor(readonly response: Float32Array) {}

  /** The first `outLength` samples of x ⊛ response. */
  apply(x: Float32Array, outLength = x.length): Float32Array {
    const h = this.response;
    const n = goodFftSize(Math.max(outLength, x.length + h.length - 1));
    const plan = realFft(n);
    let H = this.spectra.get(n);
    if (!H) {
      H = plan.forward(h);
      if (this.spectra.size >= 4) this.spectra.clear();
      this.spectra.set(n, H);
    }
    const P = plan.forward(x, work.float32('P', n));
    multiplyPacked(P, H);
    return plan.inverse(P, new Float32Array(outLength));
  }
}

/** a ← a · b for two spectra in the packed layout of src/dsp/fft.ts. */
function multiplyPacked(a: Float32Array, b: Float32Array): void {
  a[0]! *= b[0]!;
  a[1]! *= b[1]!;
  for (let k = 2; k < a.length; k += 2) {
    const re = a[k]! * b[k]! - a[k + 1]! * b[k + 1]!;
    a[k + 1] = a[k]! * b[k + 1]! + a[k + 1]! * b[k]!;
    a[k] = re;
  }
}

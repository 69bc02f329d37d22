/**
 * Short-time spectra for the voice-processing model's suppressor: frames of about 20 ms at
 * 50 % overlap under a √Hann window used for analysis and synthesis alike. The squared
 * window sums to 1 at every sample, so frames left unmodified reconstruct the signal
 * exactly (to float rounding), and any fixed set of per-bin gains is a linear operator:
 * the ground truth can run the same gains over each component of the mixture.
 */
import { goodFftSize, realFft, type RealFft } from '../dsp/fft.js';

export class ShortTimeSpectra {
  /** FFT size = window length, 2 × hop. */
  readonly size: number;
  /** Samples between frames (≈ 10 ms). */
  readonly hop: number;
  /** Bins 0 … size/2. */
  readonly bins: number;
  private readonly window: Float32Array;
  private readonly frame: Float32Array;

  constructor(readonly rate: number) {
    this.size = goodFftSize(2 * Math.round(rate / 100));
    this.hop = this.size / 2;
    this.bins = this.hop + 1;
    // Periodic √Hann: w[i]² + w[i + hop]² = 1.
    this.window = Float32Array.from({ length: this.size }, (_, i) => Math.sin((Math.PI * i) / this.size));
    this.frame = new Float32Array(this.size);
  }

  /** Frames covering n samples: frame k's window starts at (k − 1)·hop. */
  frames(n: number): number {
    return Math.ceil(n / this.hop) + 1;
  }

  /** The FFT plan, fetched per call (the FFT module's cache may release plans between calls). */
  plan(): RealFft {
    return realFft(this.size);
  }

  /** Packed spectrum (src/dsp/fft.ts) of frame k of x, into out. */
  analyse(fft: RealFft, x: Float32Array, k: number, out: Float32Array): Float32Array {
    const { size, hop, window, frame } = this;
    const start = (k - 1) * hop;
    const a = Math.max(0, -start);
    const b = Math.min(size, x.length - start);
    if (a > 0 || b < size) frame.fill(0);
    for (let i = a; i < b; i++) frame[i] = x[start + i]! * window[i]!;
    return fft.forward(frame, out);
  }

  /** Overlap-adds frame k of x as synthesis would give it unmodified (x·w²), without a transform. */
  overlapAddUnmodified(x: Float32Array, k: number, y: Float32Array): void {
    const { size, hop, window } = this;
    const start = (k - 1) * hop;
    const a = Math.max(0, -start);
    const b = Math.min(size, y.length - start, x.length - start);
    for (let i = a; i < b; i++) y[start + i]! += x[start + i]! * window[i]! * window[i]!;
  }

  /** Overlap-adds the windowed inverse of spectrum (frame k) into y. */
  synthesise(fft: RealFft, spectrum: Float32Array, k: number, y: Float32Array): void {
    const { size, hop, window, frame } = this;
    fft.inverse(spectrum, frame);
    const start = (k - 1) * hop;
    const a = Math.max(0, -start);
    const b = Math.min(size, y.length - start);
    for (let i = a; i < b; i++) y[start + i]! += frame[i]! * window[i]!;
  }
}

/**
 * The linear echo canceller of the voice-processing model: a partitioned-block
 * frequency-domain adaptive filter (MDF, Soo & Pang 1990) in the alternately-updated
 * variant, with the step-size control of Speex's mdf.c (Valin 2007): a learning rate from
 * the estimated residual-to-error ratio instead of a double-talk detector, proportionate
 * per-partition rates, and a cautious rate until the filter has adapted. Not modelled: the
 * two-path (foreground/background) filter, pre-emphasis, the DC notch.
 *
 * Its state — the filter, the leak estimate, the adaptation phase — persists from trial
 * to trial until reset (a new configure), so the first utterances after a cold start meet
 *  an unconverged filter and leak more (docs/virtual-iphone.md § Voice processing: "iOS
 * echo is worst at the start, then settles").
 */
import { goodFftSize, realFft, type RealFft } from '../dsp/fft.js';

export interface CancellerOutput {
  /** d − ŷ: the mic with the linear echo estimate removed. */
  error: Float32Array;
  /** ŷ: the linear echo estimate. */
  estimate: Float32Array;
  /** Per block: Speex's leak estimate (≈ residual echo / echo estimate, in power), after that block. */
  leak: Float32Array;
  /** Samples per block (the leak array's time step). */
  blockSize: number;
}

/** Speex: "we don't really hope to get better than 33 dB (MIN_LEAK − 3 dB) attenuation". */
const MIN_LEAK = 0.005;
/** Far-end blocks quieter than this mean power (−70 dBFS) do not drive the cautious start-up rate. */
const FAR_END_MIN_POWER = 1e-7;
/** Reference windows below this mean power (−120 dBFS: the band-limited conversion's numerical dust) count as silence. */
const SILENCE_POWER = 1e-12;
/** Regularisation of the per-bin normalisation, as a power per sample (−90 dBFS). */
const POWER_FLOOR_PER_SAMPLE = 1e-9;
/**
 * Each bin's normalising power is at least this fraction of the mean over bins. Speech
 * leaves the bins between its harmonics nearly unexcited; normalised by their own tiny
 * power, noise there drives large steps that fill the late partitions with garbage, which
 * rings on after playback stops (measured on the unit test's case: partitions 2–4 end
 * 21–29 dB under the first without the floor, 29–42 dB under with 0.1).
 */
const SPECTRAL_FLOOR = 0.1;

export class EchoCanceller {
  /** N: samples per block; the FFT has L = 2N points. */
  readonly blockSize: number;
  /** M: partitions of N taps each. */
  readonly partitions: number;
  /**
   * FFT size, 2N. Its plan is fetched from the FFT module's cache at each process() call (a
   * map lookup), not kept across calls: between calls other code may push it out of the
   * cache's most recent plans, which releases it; during a call nothing else fetches a plan.
   */
  private readonly L: number;
  private readonly rate: number;
  // Adaptive state (persists across trials). Spectra are packed as in src/dsp/fft.ts.
  private readonly W: Float64Array; // M filter spectra
  private readonly prop: Float64Array; // proportionate rate per partition
  private readonly partEnergy: Float64Array; // Σ|W_p|², kept up to date by the update
  private readonly Eh: Float64Array;
  private readonly Yh: Float64Array;
  private readonly power: Float64Array; // Speex's smoothed far-end power per bin
  private Pey = 1;
  private Pyy = 1;
  private leakEstimate = 0;
  private adapted = false;
  private sumAdapt = 0;
  private blocks = 0;
  // Per-trial scratch, reused.
  private readonly X: Float64Array; // ring of the last M reference spectra
  private readonly Xpow: Float64Array; // their per-bin powers, M × (N + 1)
  private readonly ringEnergy: Float64Array;
  private readonly io: Float32Array; // FFT input/output
  private readonly io2: Float32Array;
  private readonly Y: Float64Array;
  private readonly ytime: Float64Array;
  private readonly e: Float64Array;
  private readonly E: Float64Array;
  private readonly rf: Float64Array;
  private readonly yf: Float64Array;
  private readonly step: Float64Array;

  constructor(sampleRate: number, filterMs: number, blockMs: number) {
    const L = goodFftSize(2 * Math.round((blockMs * sampleRate) / 1000));
    const N = L / 2;
    const M = Math.max(1, Math.ceil((filterMs * sampleRate) / 1000 / N));
    this.L = L;
    this.blockSize = N;
    this.partitions = M;
    this.rate = sampleRate;
    this.W = new Float64Array(M * L);
    this.prop = new Float64Array(M);
    this.partEnergy = new Float64Array(M);
    this.Eh = new Float64Array(N + 1);
    this.Yh = new Float64Array(N + 1);
    this.power = new Float64Array(N + 1);
    this.X = new Float64Array(M * L);
    this.Xpow = new Float64Array(M * (N + 1));
    this.ringEnergy = new Float64Array(M);
    this.io = new Float32Array(L);
    this.io2 = new Float32Array(L);
    this.Y = new Float64Array(L);
    this.ytime = new Float64Array(N);
    this.e = new Float64Array(N);
    this.E = new Float64Array(L);
    this.rf = new Float64Array(N + 1);
    this.yf = new Float64Array(N + 1);
    this.step = new Float64Array(N + 1);
    this.reset();
  }

  /** Length of echo path the filter spans, ms. */
  get spanMs(): number {
    return (this.partitions * this.blockSize * 1000) / this.rate;
  }

  /** Cold start: forget the echo path and every estimate. */
  reset(): void {
    const M = this.partitions;
    this.W.fill(0);
    this.partEnergy.fill(0);
    this.Eh.fill(0);
    this.Yh.fill(0);
    this.power.fill(0);
    this.Pey = this.Pyy = 1;
    this.leakEstimate = 0;
    this.adapted = false;
    this.sumAdapt = 0;
    this.blocks = 0;
    // Speex's initial proportionate weights: a ratio of ~10 between first and last partition.
    const decay = Math.exp(-2.4 / M);
    let sum = 0;
    for (let p = 0; p < M; p++) sum += this.prop[p] = 0.7 * decay ** p;
    for (let p = 0; p < M; p++) this.prop[p] = (0.8 * this.prop[p]!) / sum;
  }

  /**
   * Cancels the echo of reference x (aligned to the echo by the bulk delay) in the mic
   * signal d, block by block. The reference history starts silent (a trial begins after a
   * pause). With adapt false the filter only filters (bypassed or frozen processing).
   */
  process(x: Float32Array, d: Float32Array, adapt: boolean): CancellerOutput {
    const { L, blockSize: N, partitions: M, X, Xpow, ringEnergy, io, Y, ytime, e, W } = this;
    const fft = realFft(L);
    const n = d.length;
    const blocks = Math.ceil(n / N);
    const error = new Float32Array(n);
    const estimate = new Float32Array(n);
    const leak = new Float32Array(blocks);
    X.fill(0);
    Xpow.fill(0);
    ringEnergy.fill(0);
    const xin = new Float32Array(L);
    let head = 0;
    let lastSxx = 0;

    for (let b = 0; b < blocks; b++) {
      const off = b * N;
      // Reference window [previous block, this block] → its spectrum into the ring.
      xin.copyWithin(0, N);
      let Sxx = 0;
      for (let i = 0; i < N; i++) {
        const v = off + i < n ? x[off + i]! : 0;
        xin[N + i] = v;
        Sxx += v * v;
      }
      head = (head + M - 1) % M;
      ringEnergy[head] = Sxx + lastSxx; // the whole window's energy
      lastSxx = Sxx;
      fft.forward(xin, io);
      const X0 = head * L;
      const P0 = head * (N + 1);
      for (let k = 0; k < L; k++) X[X0 + k] = io[k]!;
      Xpow[P0] = io[0]! * io[0]!;
      Xpow[P0 + N] = io[1]! * io[1]!;
      for (let j = 1; j < N; j++) Xpow[P0 + j] = io[2 * j]! * io[2 * j]! + io[2 * j + 1]! * io[2 * j + 1]!;

      // With no far end anywhere in the filter's span the estimate is (all but) 0 and there is nothing to learn.
      let live = false;
      for (let p = 0; p < M; p++) if (ringEnergy[p]! > L * SILENCE_POWER) live = true;
      if (live) {
        // Echo estimate: Σ_p W_p · X_{k−p}, last N samples of its inverse.
        Y.fill(0);
        for (let p = 0; p < M; p++) {
          const w = p * L;
          const xo = ((head + p) % M) * L;
          Y[0]! += W[w]! * X[xo]!;
          Y[1]! += W[w + 1]! * X[xo + 1]!;
          for (let k = 2; k < L; k += 2) {
            const wr = W[w + k]!,
              wi = W[w + k + 1]!,
              xr = X[xo + k]!,
              xi = X[xo + k + 1]!;
            Y[k]! += wr * xr - wi * xi;
            Y[k + 1]! += wr * xi + wi * xr;
          }
        }
        for (let k = 0; k < L; k++) io[k] = Y[k]!;
        fft.inverse(io, io);
        for (let i = 0; i < N; i++) ytime[i] = io[N + i]!;
      } else ytime.fill(0);
      let See = 0,
        Syy = 0,
        Sey = 0;
      for (let i = 0; i < N; i++) {
        const y = ytime[i]!;
        const ei = (off + i < n ? d[off + i]! : 0) - y;
        e[i] = ei;
        if (off + i < n) {
          estimate[off + i] = y;
          error[off + i] = ei;
        }
        See += ei * ei;
        Syy += y * y;
        Sey += ei * y;
      }
      if (adapt && live) this.adaptBlock(fft, head, Sxx, See, Syy, Sey);
      leak[b] = this.leakEstimate;
      this.blocks++;
    }
    return { error, estimate, leak, blockSize: N };
  }

  /** One MDF update from the block's error (this.e) and echo estimate (this.ytime). */
  private adaptBlock(fft: RealFft, head: number, Sxx: number, See: number, Syy: number, Sey: number): void {
    const { L, blockSize: N, partitions: M, X, Xpow, io, io2, e, E, rf, yf, step, W, prop } = this;
    // Spectra of [0_N, e] and [0_N, ŷ]: the windows the gradient and the leak estimate use.
    io.fill(0, 0, N);
    for (let i = 0; i < N; i++) io[N + i] = e[i]!;
    fft.forward(io, io2);
    for (let k = 0; k < L; k++) E[k] = io2[k]!;
    powersOf(io2, rf, N);
    for (let i = 0; i < N; i++) io[N + i] = this.ytime[i]!;
    fft.forward(io, io2);
    powersOf(io2, yf, N);

    // Leak: regression of the error's power fluctuations on the estimate's (Speex).
    const specAverage = N / this.rate;
    let Pey = 0,
      Pyy = 0;
    for (let j = 0; j <= N; j++) {
      const eh = rf[j]! - this.Eh[j]!;
      const yh = yf[j]! - this.Yh[j]!;
      Pey += eh * yh;
      Pyy += yh * yh;
      this.Eh[j] = (1 - specAverage) * this.Eh[j]! + specAverage * rf[j]!;
      this.Yh[j] = (1 - specAverage) * this.Yh[j]! + specAverage * yf[j]!;
    }
    Pyy = Math.sqrt(Pyy);
    Pey = Pyy > 0 ? Pey / Pyy : 0;
    const seeSafe = Math.max(See, N * POWER_FLOOR_PER_SAMPLE);
    const alpha = Math.min((2 * N * Syy) / this.rate, (0.5 * N * seeSafe) / this.rate) / seeSafe;
    this.Pey = (1 - alpha) * this.Pey + alpha * Pey;
    this.Pyy = Math.max(1e-12, (1 - alpha) * this.Pyy + alpha * Pyy);
    this.Pey = Math.min(this.Pyy, Math.max(MIN_LEAK * this.Pyy, this.Pey));
    this.leakEstimate = Math.min(1, this.Pey / this.Pyy);

    // Residual-to-error ratio, bounded below by the part of e correlated with ŷ.
    let RER = (0.0001 * Sxx + 3 * this.leakEstimate * Syy) / seeSafe;
    const bound = (Sey * Sey) / (1e-20 + seeSafe * Syy);
    if (RER < bound) RER = bound;
    if (RER > 0.5) RER = 0.5;
    if (!this.adapted && this.sumAdapt > M && this.leakEstimate > 0.03) this.adapted = true;

    // Learning rate per bin: the estimated residual-echo share of the error once adapted;
    // a cautious far-end-driven rate before.
    const floor = L * POWER_FLOOR_PER_SAMPLE;
    if (this.adapted) {
      for (let j = 0; j <= N; j++) {
        const e2 = rf[j]! + floor;
        const r = Math.min(this.leakEstimate * yf[j]!, 0.5 * e2);
        step[j] = (0.7 * r + 0.3 * RER * e2) / e2;
      }
      // Speex mdf_adjust_prop: partitions holding more of the filter's energy adapt faster.
      let max = 0;
      for (let p = 0; p < M; p++) max = Math.max(max, (prop[p] = Math.sqrt(this.partEnergy[p]! + 1e-12)));
      let sum = 0;
      for (let p = 0; p < M; p++) sum += prop[p]! += 0.1 * max;
      for (let p = 0; p < M; p++) prop[p] = (0.99 * prop[p]!) / sum;
    } else {
      const r = Sxx > N * FAR_END_MIN_POWER ? Math.min(0.25 * Sxx, 0.25 * seeSafe) / seeSafe : 0;
      step.fill(r);
      this.sumAdapt += r;
    }

    // Proportionate NLMS normalisation by the filter's current input power per bin,
    // weighted like the update; it follows speech onsets, where a smoothed power lags and
    // the step would blow up. After the far end stops only the late partitions still see
    // it, and their power alone would hand them full steps driven by noise: Speex's slowly
    // smoothed far-end power (ss = 0.35/M) keeps those small. The maximum covers both.
    const ss = 0.35 / M;
    const newest = head * (N + 1);
    rf.fill(0); // rf now holds the normalising power
    for (let p = 0; p < M; p++) {
      const g = prop[p]!;
      const o = ((head + p) % M) * (N + 1);
      for (let j = 0; j <= N; j++) rf[j]! += g * Xpow[o + j]!;
    }
    let mean = 0;
    for (let j = 0; j <= N; j++) {
      this.power[j] = (1 - ss) * this.power[j]! + ss * Xpow[newest + j]!;
      rf[j] = Math.max(rf[j]!, this.power[j]!) + floor;
      mean += rf[j]!;
    }
    // IFFT(conj(X)·E) is the block's cross-correlation (N terms) and E|X|² = L·σ², so
    // L/N makes a rate of 1 a full NLMS correction.
    const reg = (SPECTRAL_FLOOR * mean) / (N + 1);
    for (let j = 0; j <= N; j++) step[j] = ((L / N) * step[j]!) / (rf[j]! + reg);

    for (let p = 0; p < M; p++) {
      const w = p * L;
      const xo = ((head + p) % M) * L;
      const g = prop[p]!;
      W[w]! += g * step[0]! * X[xo]! * E[0]!;
      W[w + 1]! += g * step[N]! * X[xo + 1]! * E[1]!;
      let energy = W[w]! * W[w]! + W[w + 1]! * W[w + 1]!;
      for (let j = 1; j < N; j++) {
        const s = g * step[j]!;
        const xr = X[xo + 2 * j]!,
          xi = X[xo + 2 * j + 1]!;
        const er = E[2 * j]!,
          ei = E[2 * j + 1]!;
        const wr = (W[w + 2 * j]! += s * (xr * er + xi * ei)); // conj(X)·E
        const wi = (W[w + 2 * j + 1]! += s * (xr * ei - xi * er));
        energy += wr * wr + wi * wi;
      }
      this.partEnergy[p] = energy;
    }
    // AUMDF: constrain one partition per block, in turn, to N taps (no circular wrap).
    // Speex constrains partition 0 every block as well; with 128 ms blocks and four
    // partitions each is constrained every fourth block.
    {
      const p = this.blocks % M;
      const w = p * L;
      for (let k = 0; k < L; k++) io[k] = W[w + k]!;
      fft.inverse(io, io2);
      io2.fill(0, N);
      fft.forward(io2, io);
      let energy = 0;
      for (let k = 0; k < L; k++) {
        W[w + k] = io[k]!;
        energy += io[k]! * io[k]!;
      }
      this.partEnergy[p] = energy;
    }
  }
}

/** out[j] = |S_j|² for bins 0 … N of a packed 2N-point spectrum. */
function powersOf(S: Float32Array, out: Float64Array, N: number): void {
  out[0] = S[0]! * S[0]!;
  out[N] = S[1]! * S[1]!;
  for (let j = 1; j < N; j++) out[j] = S[2 * j]! * S[2 * j]! + S[2 * j + 1]! * S[2 * j + 1]!;
}

/**
 * Real-input FFT with cached plans.
 *
 * Default backend: PFFFT compiled to WASM with SIMD (@echogarden/pffft-wasm/simd),
 * measured 13–22× faster than fft.js on this project's machines (docs/dsp.md,
 * `npm run bench`). fft.js stays as a pure-JS backend: the test oracle and a
 * fallback for power-of-two sizes.
 *
 * Spectrum layout ("packed", the same for both backends), for an N-point transform:
 *   [Re X0, Re X(N/2), Re X1, Im X1, Re X2, Im X2, …, Re X(N/2−1), Im X(N/2−1)]
 * forward() is unscaled; inverse() divides by N, so inverse(forward(x)) = x.
 * inverseUnscaled() skips that division: callers that already weight every bin fold 1/N
 * into their weights and save a pass over the output (a JS pass over N values costs half as
 * much as the WASM transform itself).
 *
 * `output`, when given, may be the input array itself (the transforms read all of their
 * input before writing), and may be shorter than `size`: then only its length is written,
 * the lowest bins of a spectrum or the first samples of a signal, for callers that use no
 * more (the analysis reads the bins below 8 kHz of a 48 kHz spectrum, a third of it).
 */
import PFFFT from '@echogarden/pffft-wasm/simd';
import FFTJS from 'fft.js';

export type FftBackendName = 'pffft' | 'fftjs';

export interface RealFft {
  readonly size: number;
  readonly backend: FftBackendName;
  /** Real input (shorter inputs are zero-padded) → packed spectrum of length `size`. */
  forward(input: Float32Array, output?: Float32Array): Float32Array;
  /** Packed spectrum → real signal of length `size`, scaled by 1/size. */
  inverse(spectrum: Float32Array, output?: Float32Array): Float32Array;
  /** inverse() times size: for callers that fold 1/size into their own spectral weights. */
  inverseUnscaled(spectrum: Float32Array, output?: Float32Array): Float32Array;
}

const pffft = await PFFFT();
const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;
const PFFFT_BACKWARD = 1;

/** True when n = 2^a·3^b·5^c with a ≥ 5, the sizes PFFFT accepts for real transforms. */
export function isPffftSize(n: number): boolean {
  if (!Number.isInteger(n) || n < 32 || n % 32 !== 0) return false;
  let m = n;
  for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
  return m === 1;
}

const goodSizes: number[] = (() => {
  const out: number[] = [];
  const limit = 2 ** 27;
  for (let a = 1; a <= limit; a *= 2) for (let b = a; b <= limit; b *= 3) for (let c = b; c <= limit; c *= 5) if (c >= 32 && c % 32 === 0) out.push(c);
  return out.sort((x, y) => x - y);
})();

/** Smallest size ≥ minSize the backend can transform (5-smooth for PFFFT, power of two for fft.js). */
export function goodFftSize(minSize: number, backend: FftBackendName = 'pffft'): number {
  const n = Math.max(32, Math.ceil(minSize));
  if (backend === 'fftjs') return 2 ** Math.ceil(Math.log2(n));
  let lo = 0;
  let hi = goodSizes.length - 1;
  if (n > goodSizes[hi]!) throw new RangeError(`FFT size ${n} exceeds the largest supported size ${goodSizes[hi]}`);
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (goodSizes[mid]! >= n) hi = mid;
    else lo = mid + 1;
  }
  return goodSizes[lo]!;
}

/** A PFFFT plan's WASM memory: the setup (twiddles) and aligned input, output and work buffers. */
interface PffftMemory {
  setup: number;
  inPtr: number;
  outPtr: number;
  workPtr: number;
}

class PffftPlan implements RealFft {
  readonly backend = 'pffft' as const;
  /** Null once the cache has released it; the next transform allocates it again. */
  private mem: PffftMemory | null;

  constructor(readonly size: number) {
    if (!isPffftSize(size)) throw new RangeError(`PFFFT cannot transform size ${size}: use goodFftSize()`);
    this.mem = allocate(size);
  }

  private run(input: Float32Array, output: Float32Array | undefined, direction: number, scale: number): Float32Array {
    const n = this.size;
    if (input.length > n) throw new RangeError(`FFT input of ${input.length} samples exceeds plan size ${n}`);
    const { setup, inPtr, outPtr, workPtr } = this.mem ?? this.reacquire();
    // HEAPF32 must be re-read after every allocation: the WASM heap may have grown.
    let heap = pffft.HEAPF32;
    const inIdx = inPtr >> 2;
    heap.set(input, inIdx);
    if (input.length < n) heap.fill(0, inIdx + input.length, inIdx + n);
    pffft._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, direction);
    heap = pffft.HEAPF32;
    const out = output ?? new Float32Array(n);
    const len = Math.min(out.length, n);
    const outIdx = outPtr >> 2;
    out.set(heap.subarray(outIdx, outIdx + len));
    if (scale !== 1) for (let i = 0; i < len; i++) out[i]! *= scale;
    return out;
  }

  forward(input: Float32Array, output?: Float32Array): Float32Array {
    return this.run(input, output, PFFFT_FORWARD, 1);
  }

  inverse(spectrum: Float32Array, output?: Float32Array): Float32Array {
    return this.run(spectrum, output, PFFFT_BACKWARD, 1 / this.size);
  }

  inverseUnscaled(spectrum: Float32Array, output?: Float32Array): Float32Array {
    return this.run(spectrum, output, PFFFT_BACKWARD, 1);
  }

  /** A plan held by a caller past its eviction: same setup again, back in the cache. */
  private reacquire(): PffftMemory {
    const mem = (this.mem = allocate(this.size));
    admit(`pffft:${this.size}`, this);
    return mem;
  }

  /** Frees the WASM memory (the cache calls this on eviction); the plan stays usable. */
  release(): void {
    const mem = this.mem;
    if (!mem) return;
    this.mem = null;
    pffft._pffft_destroy_setup(mem.setup);
    pffft._pffft_aligned_free(mem.inPtr);
    pffft._pffft_aligned_free(mem.outPtr);
    pffft._pffft_aligned_free(mem.workPtr);
  }
}

function allocate(size: number): PffftMemory {
  const bytes = size * 4;
  return {
    setup: pffft._pffft_new_setup(size, PFFFT_REAL),
    inPtr: pffft._pffft_aligned_malloc(bytes),
    outPtr: pffft._pffft_aligned_malloc(bytes),
    // A work buffer avoids PFFFT's stack allocation, which overflows the WASM stack for large N.
    workPtr: pffft._pffft_aligned_malloc(bytes),
  };
}

interface FftJsInstance {
  createComplexArray(): number[];
  realTransform(out: number[], input: ArrayLike<number>): void;
  completeSpectrum(spectrum: number[]): void;
  inverseTransform(out: number[], input: number[]): void;
}

class FftJsPlan implements RealFft {
  readonly backend = 'fftjs' as const;
  private readonly impl: FftJsInstance;
  private readonly input: Float64Array;
  private readonly complexIn: number[];
  private readonly complexOut: number[];

  constructor(readonly size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`fft.js needs a power-of-two size, got ${size}`);
    this.impl = new (FFTJS as unknown as new (n: number) => FftJsInstance)(size);
    this.input = new Float64Array(size);
    this.complexIn = this.impl.createComplexArray();
    this.complexOut = this.impl.createComplexArray();
  }

  forward(input: Float32Array, output?: Float32Array): Float32Array {
    const n = this.size;
    if (input.length > n) throw new RangeError(`FFT input of ${input.length} samples exceeds plan size ${n}`);
    this.input.fill(0);
    this.input.set(input);
    const c = this.complexOut;
    this.impl.realTransform(c, this.input);
    const out = output ?? new Float32Array(n);
    out[0] = c[0]!;
    out[1] = c[n]!; // Re X(N/2)
    for (let k = 1; k < Math.min(n, out.length) / 2; k++) {
      out[2 * k] = c[2 * k]!;
      out[2 * k + 1] = c[2 * k + 1]!;
    }
    return out;
  }

  inverse(spectrum: Float32Array, output?: Float32Array): Float32Array {
    return this.inverseScaled(spectrum, output, 1);
  }

  inverseUnscaled(spectrum: Float32Array, output?: Float32Array): Float32Array {
    return this.inverseScaled(spectrum, output, this.size);
  }

  /** fft.js scales its inverse by 1/N itself; `scale` multiplies that result. */
  private inverseScaled(spectrum: Float32Array, output: Float32Array | undefined, scale: number): Float32Array {
    const n = this.size;
    const c = this.complexIn;
    c[0] = spectrum[0]!;
    c[1] = 0;
    c[n] = spectrum[1]!;
    c[n + 1] = 0;
    for (let k = 1; k < n / 2; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      c[2 * k] = re;
      c[2 * k + 1] = im;
      c[2 * (n - k)] = re; // Hermitian symmetry of a real signal's spectrum
      c[2 * (n - k) + 1] = -im;
    }
    this.impl.inverseTransform(this.complexOut, c);
    const out = output ?? new Float32Array(n);
    for (let i = 0; i < Math.min(n, out.length); i++) out[i] = this.complexOut[2 * i]! * scale;
    return out;
  }

  /** Nothing to free: the arrays are the garbage collector's. */
  release(): void {}
}

/**
 * Work arrays kept from call to call, by name. Filling a freshly allocated megabyte-sized
 * typed array costs about half a PFFFT transform of the same length more than refilling
 * one (page faults, zeroing, GC), so kernels that run once per trial keep their
 * temporaries here. An array is valid until its owner asks for the same name again, is
 * not cleared, and stays allocated at the size of its last use: only for temporaries that
 * are fully written and do not escape the call.
 */
export class WorkArrays {
  private readonly f32 = new Map<string, Float32Array>();
  private readonly f64 = new Map<string, Float64Array>();

  float32(name: string, length: number): Float32Array {
    let a = this.f32.get(name);
    if (a?.length !== length) this.f32.set(name, (a = new Float32Array(length)));
    return a;
  }

  float64(name: string, length: number): Float64Array {
    let a = this.f64.get(name);
    if (a?.length !== length) this.f64.set(name, (a = new Float64Array(length)));
    return a;
  }
}

/**
 * Plans are cached by backend and size. WASM memory is not garbage collected, so beyond
 * this many plans the least recently fetched one releases its memory. Holding a plan is
 * safe all the same: a released plan allocates its memory again on its next transform (an
 * identical setup, so identical results) and re-enters the cache. A plan has memory
 * exactly while it is in the cache, so at most this many are allocated at once.
 */
const MAX_CACHED_PLANS = 24;
type Plan = PffftPlan | FftJsPlan;
const cache = new Map<string, Plan>();

/** Makes `plan` the most recent cache entry under `key` (backend:size), releasing whatever it displaces. */
function admit(key: string, plan: Plan): void {
  const previous = cache.get(key);
  if (previous !== plan) previous?.release(); // another plan object for the same size, fetched while this one was released
  cache.delete(key);
  cache.set(key, plan);
  if (cache.size > MAX_CACHED_PLANS) {
    const [oldestKey, oldest] = cache.entries().next().value as [string, Plan];
    cache.delete(oldestKey);
    oldest.release();
  }
}

/** A cached plan for an N-point real FFT. */
export function realFft(size: number, backend: FftBackendName = 'pffft'): RealFft {
  const key = `${backend}:${size}`;
  const plan = cache.get(key) ?? (backend === 'pffft' ? new PffftPlan(size) : new FftJsPlan(size));
  admit(key, plan);
  return plan;
}

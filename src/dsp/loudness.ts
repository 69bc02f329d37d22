/**
 * Loudness (ITU-R BS.1770-4 / EBU R128 integrated, gated) and true peak (BS.1770-4 Annex 2,
 * 4× oversampling below 96 kHz), measured by the Rust `ebur128` crate as compiled to WASM by
 * the `ebur128-wasm` package — a maintained meter, not filters written here.
 *
 * The package targets bundlers, so this file speaks its wasm-bindgen ABI itself: the caller
 * passes the module's bytes (src/io/ebur128-wasm.ts reads them from the installed package;
 * the kernel stays free of fs), samples are copied into the module's memory with its
 * `__wbindgen_malloc` (the Rust side takes ownership and frees them), and the four imports
 * the bindings declare — all of them parts of Rust's panic hook — are provided here so a
 * panic becomes an exception carrying its message instead of a bare "unreachable" trap.
 */
import { VoiceAecError } from '../core/errors.js';

export interface LoudnessMeter {
  /**
   * Integrated loudness of a mono signal in LUFS (LKFS): K-weighting, 400 ms blocks with
   * 75 % overlap, −70 LUFS absolute and −10 LU relative gates. A full-scale 997 Hz sine reads
   * −3.01 LUFS. −Infinity when no block passes the gates (silence, or under 400 ms of audio).
   */
  integratedLoudness(samples: Float32Array, sampleRate: number): number;
  /** Maximum true-peak level in dBTP (0 dBTP = full scale); −Infinity for silence. */
  truePeakDbtp(samples: Float32Array, sampleRate: number): number;
}

/** Rates the meter is asked about: the crate rejects or asserts outside roughly 100 Hz … 2.8 MHz. */
const MIN_RATE = 8_000;
const MAX_RATE = 768_000;

/** The parts of the WebAssembly JS API used here (the project compiles without lib.dom). */
interface WasmModule {
  readonly brand?: 'WebAssembly.Module';
}
interface WasmApi {
  Module: { new (bytes: Uint8Array): WasmModule; imports(module: WasmModule): Array<{ module: string; name: string; kind: string }> };
  Instance: new (module: WasmModule, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Ebur128Exports {
  memory: { buffer: ArrayBuffer };
  ebur128_integrated_mono(rate: number, ptr: number, len: number): number;
  ebur128_true_peak_mono(rate: number, ptr: number, len: number): number;
  __wbindgen_malloc(size: number): number;
  __wbindgen_free(ptr: number, size: number): void;
}

interface Instance {
  exports: Ebur128Exports;
  /** The message Rust's panic hook reported during the current call, if any. */
  panic: string | undefined;
}

/**
 * The import module the bindings expect, built by name prefix: wasm-bindgen suffixes each
 * import with a hash of its signature, so a rebuild of the same version may rename them.
 */
function instantiate(module: WasmModule): Instance {
  const state: Instance = { exports: undefined as unknown as Ebur128Exports, panic: undefined };
  const objects: unknown[] = [];
  const mem = () => state.exports.memory.buffer;
  const handlers: Array<[prefix: string, fn: (...args: number[]) => unknown]> = [
    // new Error(): the hook asks for one to read its stack; we hand out a table index.
    ['__wbg_new_', () => objects.push(new Error()) - 1],
    // error.stack written back as a Rust string: (ptr, len) pair at retptr, allocated in wasm memory.
    [
      '__wbg_stack_',
      (retptr, idx) => {
        const bytes = new TextEncoder().encode(String((objects[idx] as Error | undefined)?.stack ?? ''));
        const ptr = state.exports.__wbindgen_malloc(bytes.length);
        new Uint8Array(mem(), ptr, bytes.length).set(bytes);
        const words = new Int32Array(mem(), retptr, 2);
        words[0] = ptr;
        words[1] = bytes.length;
      },
    ],
    // The original glue prints the panic message; here it is kept for the exception instead.
    [
      '__wbg_error_',
      (ptr, len) => {
        state.panic = new TextDecoder().decode(new Uint8Array(mem(), ptr, len)).split('\n')[0];
        state.exports.__wbindgen_free(ptr, len);
      },
    ],
    [
      '__wbindgen_object_drop_ref',
      (idx) => {
        objects[idx] = undefined;
      },
    ],
  ];
  const imports: Record<string, Record<string, (...args: number[]) => unknown>> = {};
  for (const imp of wasmApi.Module.imports(module)) {
    const handler = handlers.find(([prefix]) => imp.name.startsWith(prefix));
    if (imp.kind !== 'function' || !handler) {
      throw new VoiceAecError('E_LOUDNESS_METER', 'environment', `ebur128-wasm needs an import this adapter does not provide: ${imp.module}.${imp.name}`, {
        hint: 'install the ebur128-wasm version pinned in package.json (`npm install`)',
      });
    }
    (imports[imp.module] ??= {})[imp.name] = handler[1];
  }
  state.exports = new wasmApi.Instance(module, imports).exports as Ebur128Exports;
  for (const name of ['memory', 'ebur128_integrated_mono', 'ebur128_true_peak_mono', '__wbindgen_malloc', '__wbindgen_free'] as const) {
    if (!(name in state.exports)) {
      throw new VoiceAecError('E_LOUDNESS_METER', 'environment', `ebur128-wasm does not export ${name}`, {
        hint: 'install the ebur128-wasm version pinned in package.json (`npm install`)',
      });
    }
  }
  return state;
}

/** A meter on the bytes of ebur128-wasm's module (src/io/ebur128-wasm.ts reads them); compiled once. */
export function createLoudnessMeter(wasmBytes: Uint8Array): LoudnessMeter {
  const module = new wasmApi.Module(wasmBytes);
  let instance: Instance | undefined;

  function measure(fn: 'ebur128_integrated_mono' | 'ebur128_true_peak_mono', samples: Float32Array, sampleRate: number): number {
    if (!Number.isInteger(sampleRate) || sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
      throw new RangeError(`loudness: sample rate must be an integer from ${MIN_RATE} to ${MAX_RATE} Hz, got ${sampleRate}`);
    }
    // The crate quietly returns −inf for a NaN anywhere; a broken signal must not read as silence.
    for (let i = 0; i < samples.length; i++) {
      if (!Number.isFinite(samples[i]!)) throw new RangeError(`loudness: sample ${i} is not finite (${samples[i]})`);
    }
    if (samples.length === 0) return -Infinity;
    const inst = (instance ??= instantiate(module));
    inst.panic = undefined;
    const ex = inst.exports;
    const ptr = ex.__wbindgen_malloc(samples.length * 4);
    // A view made after malloc: growing the memory detaches earlier views.
    new Float32Array(ex.memory.buffer, ptr, samples.length).set(samples);
    try {
      return ex[fn](sampleRate, ptr, samples.length);
    } catch (e) {
      // A trap leaves Rust's allocator and panic state inconsistent: never reuse the instance.
      instance = undefined;
      throw new VoiceAecError('E_LOUDNESS_METER', 'internal', `the BS.1770 meter failed: ${inst.panic ?? (e as Error).message}`, {
        hint: 'this is a bug in voiceaec or ebur128-wasm: rerun with --debug and report it',
        cause: e,
      });
    }
  }

  return {
    integratedLoudness: (samples, sampleRate) => measure('ebur128_integrated_mono', samples, sampleRate),
    truePeakDbtp: (samples, sampleRate) => measure('ebur128_true_peak_mono', samples, sampleRate),
  };
}

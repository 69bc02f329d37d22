/**
 * Loads the compiled BS.1770 meter of the `ebur128-wasm` package (the Rust `ebur128` crate,
 * Apache-2.0) for src/dsp/loudness.ts.
 *
 * The package is a bundler-target wasm-bindgen build: its JS entry does
 * `import * as wasm from './ebur128_wasm_bg.wasm'`, which Node 20 cannot load without
 * `--experimental-wasm-modules`. So the package's own .wasm bytes are read from where Node
 * resolves the package; dsp/loudness.ts compiles and instantiates them with the small
 * import object the bindings expect. Only the file reading lives in io (DSP kernels stay
 * free of fs, docs/architecture.md § Layering rules). Nothing of the package is copied into this repository.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { environmentError } from '../core/errors.js';

/**
 * The package version whose wasm-bindgen ABI dsp/loudness.ts speaks (import names, who frees
 * the sample buffer, return units). package.json pins it exactly; another version is refused
 * rather than trusted to behave the same.
 */
export const EBUR128_WASM_VERSION = '3.0.0';

let cached: Uint8Array | undefined;

/** The bytes of the package's WebAssembly module (≈ 90 kB), read once per process. */
export function ebur128WasmBytes(): Uint8Array {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve('ebur128-wasm/package.json');
  } catch (e) {
    throw environmentError('E_LOUDNESS_METER', 'the ebur128-wasm package (BS.1770 loudness meter) is not installed', {
      hint: 'run `npm install` in the voiceaec folder',
      cause: e,
    });
  }
  const version = (require(pkgJson) as { version?: string }).version;
  if (version !== EBUR128_WASM_VERSION) {
    throw environmentError('E_LOUDNESS_METER', `ebur128-wasm ${String(version)} is installed; voiceaec speaks the bindings of ${EBUR128_WASM_VERSION}`, {
      hint: `run \`npm install\` so the pinned ebur128-wasm@${EBUR128_WASM_VERSION} is installed`,
      details: { installed: version, expected: EBUR128_WASM_VERSION },
    });
  }
  const wasmPath = join(dirname(pkgJson), 'ebur128_wasm_bg.wasm');
  try {
    cached = readFileSync(wasmPath);
  } catch (e) {
    throw environmentError('E_LOUDNESS_METER', `cannot load ${wasmPath}: ${(e as Error).message}`, {
      hint: 'reinstall the package: `npm install`',
      cause: e,
    });
  }
  return cached;
}

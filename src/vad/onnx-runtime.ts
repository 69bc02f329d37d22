/**
 * onnxruntime-node, loaded on first use: a native library of ~45 MB that commands without
 * `--vad` must not pay for. One import per process.
 */
import { environmentError } from '../core/errors.js';

export type Ort = typeof import('onnxruntime-node');

let loading: Promise<Ort> | null = null;

export function loadOnnxRuntime(): Promise<Ort> {
  loading ??= import('onnxruntime-node').catch((e: unknown) => {
    loading = null;
    throw environmentError('E_VAD_RUNTIME', `cannot load onnxruntime-node: ${e instanceof Error ? e.message : String(e)}`, {
      hint: 'run `npm install` in the voiceaec checkout (the package carries its CPU binaries; .npmrc only skips its GPU download)',
      cause: e,
    });
  });
  return loading;
}

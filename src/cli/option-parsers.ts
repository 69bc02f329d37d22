/**
 * Parsers for numeric command-line values, shared by every command: a bad value is one
 * line with E_OPTION and what to give instead, before any work starts.
 */
import { didYouMean } from '../core/did-you-mean.js';
import { usageError } from '../core/errors.js';

/** Any finite number (ms, dB). */
export const numberArg = (flag: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n))
    throw usageError('E_OPTION', `${flag} "${v}" is not a number`, { hint: `give ${flag} in milliseconds or dB as a plain number` });
  return n;
};

/** A whole number in [min, max]. */
export const intArg =
  (flag: string, min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw usageError('E_OPTION', `${flag} "${v}" is not a whole number from ${min} to ${max}`, { hint: `give ${flag} as a whole number` });
    }
    return n;
  };

/** --reanalyze auto|always|never as evaluateRun takes it. */
export function reanalyzeMode(v: string): boolean | undefined {
  if (v === 'auto') return undefined;
  if (v === 'always') return true;
  if (v === 'never') return false;
  throw usageError('E_OPTION', `--reanalyze "${v}" is not auto, always or never`, {
    hint: `${didYouMean(v, ['auto', 'always', 'never'])}auto re-analyses only trials whose metrics lack a requested gate`,
  });
}

/** The run token (--token, else $VOICEAEC_TOKEN) checked here, so a short one is refused before any device is reached. */
export function runToken(
  flag: string | undefined,
  env: string | undefined,
  hint = 'give the token the harness app was launched with (voiceaec sim-device prints its own)',
): string | undefined {
  const token = flag ?? env;
  if (token === undefined || token === '') return undefined;
  const from = flag !== undefined ? '--token' : 'VOICEAEC_TOKEN';
  if (token.length < 16 || token.length > 128) throw usageError('E_TOKEN', `${from} is ${token.length} characters; a run token has 16 to 128`, { hint });
  return token;
}

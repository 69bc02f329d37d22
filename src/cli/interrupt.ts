/**
 * Ctrl-C (SIGINT) and SIGTERM during a run: one error line saying how to continue, then
 * the conventional exit code 128 + signal number (130, 143). Nothing else needs doing:
 * every finished trial is already on disk atomically, so the run directory resumes as is.
 */
import { deviceError, type VoiceAecError } from '../core/errors.js';
import { printError } from './output.js';

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

export function interruptedError(signal: keyof typeof SIGNALS, runDir: string): VoiceAecError {
  return deviceError('E_INTERRUPTED', `run stopped by ${signal}; the finished trials are saved`, {
    hint: `continue with  voiceaec run --resume ${runDir}`,
    details: { signal, runDir, exitCode: 128 + SIGNALS[signal] },
  });
}

/** Until the returned function is called, a signal prints the resume line and exits. */
export function exitOnInterrupt(runDir: string, json: boolean): () => void {
  const handlers = (Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]).map((signal) => {
    const handler = () => {
      // End a live progress line first so the error starts a line of its own.
      if (process.stderr.isTTY) process.stderr.write('\n');
      printError(interruptedError(signal, runDir), false, json);
      process.exit(128 + SIGNALS[signal]);
    };
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => handlers.forEach((off) => off());
}

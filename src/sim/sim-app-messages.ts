/**
 * The messages between a SimApp on a worker thread (sim-app-worker.ts) and its host
 * (sim-app-host.ts). Errors cross as data: a modelled crash, a VoiceAecError with its code,
 * category and hint, or anything else as an internal failure.
 */
import { isVoiceAecError, VoiceAecError, type ErrorCategory } from '../core/errors.js';
import type { DeviceConfig, TrialMessage } from '../protocol/messages.js';
import { SimCrash } from './virtual-phone.js';

export type SimAppCall =
  | { id: number; op: 'configure'; config: DeviceConfig }
  | { id: number; op: 'loadAudio'; audioId: string; sampleRate: number; samples: Float32Array }
  | { id: number; op: 'runTrial'; trial: TrialMessage }
  | { id: number; op: 'teardown' };

export type SimAppFailure =
  | { kind: 'crash'; message: string }
  | { kind: 'voiceaec'; code: string; category: ErrorCategory; message: string; hint: string | undefined }
  | { kind: 'internal'; message: string };

/** id 0 answers the launch (the app's `ready` facts). */
export type SimAppReply = { id: number; value: unknown } | { id: number; failure: SimAppFailure };

export function toFailure(e: unknown): SimAppFailure {
  if (e instanceof SimCrash) return { kind: 'crash', message: e.message };
  if (isVoiceAecError(e)) return { kind: 'voiceaec', code: e.code, category: e.category, message: e.message, hint: e.hint };
  return { kind: 'internal', message: e instanceof Error ? e.message : String(e) };
}

export function fromFailure(f: SimAppFailure): Error {
  switch (f.kind) {
    case 'crash':
      return new SimCrash(f.message);
    case 'voiceaec':
      return new VoiceAecError(f.code, f.category, f.message, f.hint === undefined ? {} : { hint: f.hint });
    case 'internal':
      return new Error(f.message);
  }
}

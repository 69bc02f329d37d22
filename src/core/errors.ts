/**
 * The one error type of voiceaec. Every failure a user can cause carries a stable
 * code, a message saying what went wrong and a hint saying what to do; the CLI
 * prints them on one line and maps the code's category to an exit code.
 */

/** Exit codes, as in docs/architecture.md § Exit codes and error lines. */
export const ExitCode = {
  pass: 0,
  acceptanceFailed: 1,
  usage: 2,
  environment: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Error categories decide the exit code; the code itself names the exact failure. */
export type ErrorCategory = 'usage' | 'input' | 'device' | 'environment' | 'internal';

const exitByCategory: Record<ErrorCategory, ExitCode> = {
  usage: ExitCode.usage,
  input: ExitCode.usage,
  device: ExitCode.environment,
  environment: ExitCode.environment,
  // An internal error is a bug; 3 keeps it apart from "your input was wrong".
  internal: ExitCode.environment,
};

export interface VoiceAecErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable facts (file, field, offset…) for --json output and tests. */
  details?: Record<string, unknown>;
}

export class VoiceAecError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(code: string, category: ErrorCategory, message: string, options: VoiceAecErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VoiceAecError';
    this.code = code;
    this.category = category;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  get exitCode(): ExitCode {
    return exitByCategory[this.category];
  }

  /** The single line the CLI prints: `CODE: message (hint)`. Newlines are flattened. */
  toLine(): string {
    const text = this.hint ? `${this.message} — ${this.hint}` : this.message;
    return `${this.code}: ${text.replace(/\s*\n\s*/g, ' ')}`;
  }
}

/** Shorthands so call sites read as what they mean. */
export const usageError = (code: string, message: string, options?: VoiceAecErrorOptions) => new VoiceAecError(code, 'usage', message, options);
export const inputError = (code: string, message: string, options?: VoiceAecErrorOptions) => new VoiceAecError(code, 'input', message, options);
export const deviceError = (code: string, message: string, options?: VoiceAecErrorOptions) => new VoiceAecError(code, 'device', message, options);
export const environmentError = (code: string, message: string, options?: VoiceAecErrorOptions) => new VoiceAecError(code, 'environment', message, options);

export function isVoiceAecError(e: unknown): e is VoiceAecError {
  return e instanceof VoiceAecError;
}

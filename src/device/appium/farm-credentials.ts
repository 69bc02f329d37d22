/**
 * Credentials for an Appium endpoint (read from environment variables only, by the farm
 * preset: farm-presets.ts), and the one function that scrubs them (and the run token) from
 * any text the driver hands on, so no error line, diagnosis or run file carries them.
 */

export interface Credentials {
  user: string;
  key: string;
  /** Which variables they came from, for messages. */
  source: string;
  /** Where they came from, never their values. */
  toString(): string;
}

/** Credentials that print as where they came from, never as their values (String(), JSON, util.inspect). */
export function credentials(user: string, key: string, source: string): Credentials {
  const shown = { source, user: '***', key: '***' };
  return Object.defineProperties(
    { user, key, source },
    {
      toString: { value: () => `credentials from ${source}`, enumerable: false },
      toJSON: { value: () => shown, enumerable: false },
      [Symbol.for('nodejs.util.inspect.custom')]: { value: () => `Credentials { from ${source} }`, enumerable: false },
    },
  );
}

/** Replaces each secret (as is, URL-encoded, and inside a basic-auth header) with "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = new Set<string>();
  for (const s of secrets) {
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  for (const a of secrets) for (const b of secrets) forms.add(Buffer.from(`${a}:${b}`).toString('base64'));
  // Longest first, so a secret inside another is not half-replaced.
  for (const f of [...forms].sort((x, y) => y.length - x.length)) if (f) out = out.split(f).join('***');
  return out;
}

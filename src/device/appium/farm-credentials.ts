/**
 * Credentials for an Appium endpoint, from environment variables only, chosen by the
 * server's host; and the one function that scrubs them (and the run token) from any text
 * the driver hands on, so no error line, diagnosis or run file carries them.
 */

export interface Credentials {
  user: string;
  key: string;
  /** Which variables they came from, for messages. */
  source: string;
}

interface Provider {
  host: RegExp;
  user: string;
  key: string;
}

const PROVIDERS: Provider[] = [
  { host: /(^|\.)browserstack\.com$/i, user: 'BROWSERSTACK_USERNAME', key: 'BROWSERSTACK_ACCESS_KEY' },
  { host: /(^|\.)saucelabs\.com$/i, user: 'SAUCE_USERNAME', key: 'SAUCE_ACCESS_KEY' },
];
/** Any other server behind basic auth (a hub, a grid behind a proxy). */
const GENERIC: Omit<Provider, 'host'> = { user: 'VOICEAEC_APPIUM_USER', key: 'VOICEAEC_APPIUM_KEY' };

/** The credentials for `serverUrl`, or null when the environment has none for it. */
export function credentialsFor(serverUrl: string, env: NodeJS.ProcessEnv): Credentials | null {
  const host = new URL(serverUrl).hostname;
  const p = PROVIDERS.find((x) => x.host.test(host)) ?? GENERIC;
  const user = env[p.user];
  const key = env[p.key];
  return user && key ? { user, key, source: `${p.user}/${p.key}` } : null;
}

/**
 * Every value of a known credential variable that is set, whatever the server: a farm error
 * may echo any of them, and redacting one that is not used costs nothing.
 */
export function secretsInEnv(env: NodeJS.ProcessEnv): string[] {
  const names = [...PROVIDERS, GENERIC].flatMap((p) => [p.user, p.key]);
  return names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 3);
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

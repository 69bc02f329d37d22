/**
 * One GET of a farm's REST API, bounded and checked: a time limit, a size limit on the body,
 * the body parsed by a zod schema, and every way it can go wrong as one error line (code, farm,
 * URL, HTTP status, what to do) with every credential scrubbed from it. Basic auth goes in the
 * Authorization header, never in the URL.
 */
import type { z } from 'zod';
import { environmentError } from '../../core/errors.js';
import type { FarmApiTarget } from './farm-api.js';
import { redact } from './farm-credentials.js';

/** A device list is a few hundred KB at most; a larger answer is not one. */
export const MAX_FARM_BODY_BYTES = 8 << 20;
/** A listing is one round trip; a farm that takes longer is reported as not answering. */
export const FARM_REQUEST_TIMEOUT_MS = 20_000;

export interface FarmGet<T> {
  target: FarmApiTarget;
  /** The path below the API's base, e.g. `/app-automate/devices.json`. */
  path: string;
  schema: z.ZodType<T>;
  /** What the answer should be, for the error line ("a device list"). */
  what: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
}

/** The farm's answer to GET base+path, parsed; or one VoiceAecError line. */
export async function getFarmJson<T>(req: FarmGet<T>): Promise<T> {
  const { target } = req;
  const url = `${target.base}${req.path}`;
  const scrub = (text: string) => redact(text, target.secrets);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.auth) headers.authorization = `Basic ${Buffer.from(`${target.auth.user}:${target.auth.key}`).toString('base64')}`;
  const urlHint = target.overridden ? 'check --farm-api-url (farmApiUrl)' : 'check the hub URL (--appium-url), or give the API’s with --farm-api-url';

  let res: Response;
  try {
    res = await (req.fetchImpl ?? fetch)(url, { headers, redirect: 'error', signal: AbortSignal.timeout(req.timeoutMs ?? FARM_REQUEST_TIMEOUT_MS) });
  } catch (e) {
    const why = networkReason(e);
    throw environmentError('E_FARM_UNREACHABLE', scrub(`farm ${target.farm}: cannot reach GET ${url} (${why})`), {
      hint: `${urlHint}, and that this host reaches it`,
      details: { farm: target.farm, url },
    });
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw environmentError('E_FARM_API', scrub(`farm ${target.farm}: GET ${url} answered HTTP ${res.status}`), {
      hint: statusHint(res.status, target, urlHint),
      details: { farm: target.farm, url, status: res.status },
    });
  }
  const text = await boundedText(res).catch((e: Error) => {
    throw environmentError('E_FARM_RESPONSE', scrub(`farm ${target.farm}: GET ${url}: ${e.message}`), {
      hint: `${urlHint}; is it ${target.farm}'s API?`,
      details: { farm: target.farm, url },
    });
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw environmentError('E_FARM_RESPONSE', scrub(`farm ${target.farm}: GET ${url} did not answer JSON`), {
      hint: `${urlHint}; is it ${target.farm}'s API?`,
      details: { farm: target.farm, url },
    });
  }
  const parsed = req.schema.safeParse(body);
  if (!parsed.success) {
    // The path and zod's code only: a message could quote the farm's values.
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length ? issue.path.join('.') : 'the top level';
    throw environmentError(
      'E_FARM_RESPONSE',
      scrub(`farm ${target.farm}: GET ${url} did not answer ${req.what} as its API documents (at ${at}: ${issue.code})`),
      {
        hint: `${urlHint}; if it is ${target.farm}'s API, its format changed (docs/appium.md § Farm devices and doctor lists the endpoints used)`,
        details: { farm: target.farm, url },
      },
    );
  }
  return parsed.data;
}

/** What to do about an HTTP error, naming the credential variables (never their values). */
function statusHint(status: number, target: FarmApiTarget, urlHint: string): string {
  if (status === 401 || status === 403)
    return target.credentialVars.length
      ? `check ${target.credentialVars.join(' and ')}${target.auth ? '' : ' (not set: this API may need them)'}`
      : 'the API refused this host; check its access settings';
  if (status === 404) return `${urlHint}: nothing there`;
  if (status === 429) return 'the farm limits requests; wait and try again';
  if (status >= 500) return 'the farm’s side failed; try again later';
  return urlHint;
}

/** The underlying reason of a failed fetch (ECONNREFUSED, ENOTFOUND, a timeout), without a stack. */
function networkReason(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

/** The body as text, refusing past MAX_FARM_BODY_BYTES without reading the rest. */
async function boundedText(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_FARM_BODY_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`the answer is larger than ${MAX_FARM_BODY_BYTES >> 20} MiB`);
  }
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_FARM_BODY_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the answer is larger than ${MAX_FARM_BODY_BYTES >> 20} MiB`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks).toString('utf8');
}

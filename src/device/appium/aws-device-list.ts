/**
 * AWS Device Farm's iOS devices through its ListDevices API. It needs SigV4 signing, so it goes
 * through the AWS SDK's Device Farm client (an optional dependency, loaded only here): the
 * credentials are the environment's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and
 * AWS_SESSION_TOKEN), or AWS_PROFILE through the SDK's own chain. The SDK reads each page
 * whole; the pages are bounded in number and each is checked by a zod schema.
 */
import { z } from 'zod';
import { environmentError } from '../../core/errors.js';
import type { FarmApiTarget } from './farm-api.js';
import { redact } from './farm-credentials.js';
import { FARM_REQUEST_TIMEOUT_MS } from './farm-http.js';

export const AWS_SDK_PACKAGE = '@aws-sdk/client-device-farm';
/** The AWS CLI line that lists the same devices, for when the SDK is not installed. */
export const AWS_CLI_LIST =
  "aws devicefarm list-devices --region us-west-2 --filters attribute=PLATFORM,operator=EQUALS,values=IOS --query 'devices[].[name,os,availability,arn]' --output table";
/** Device Farm pages its answer; its catalogue is a few pages. Past this the list is cut, and says so. */
export const MAX_AWS_PAGES = 20;

const PAGE = z.object({
  devices: z
    .array(
      z.object({
        arn: z.string(),
        name: z.string(),
        os: z.string().optional(),
        platform: z.string().optional(),
        availability: z.string().optional(),
        remoteAccessEnabled: z.boolean().optional(),
      }),
    )
    .max(10_000)
    .default([]),
  nextToken: z.string().optional(),
});
export type AwsDevice = z.infer<typeof PAGE>['devices'][number];

interface DeviceFarmSdk {
  DeviceFarmClient: new (config: Record<string, unknown>) => { send(cmd: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>; destroy(): void };
  ListDevicesCommand: new (input: Record<string, unknown>) => unknown;
}

export interface AwsListOptions {
  env: NodeJS.ProcessEnv;
  /** For tests: the SDK module (default: the installed one, imported lazily). */
  sdk?: DeviceFarmSdk;
}

/** The iOS devices in the Device Farm catalogue, with the availability it gives; `truncated` past MAX_AWS_PAGES. */
export async function listAwsDevices(target: FarmApiTarget, opts: AwsListOptions): Promise<{ devices: AwsDevice[]; truncated: boolean }> {
  const sdk = opts.sdk ?? (await loadSdk());
  const { env } = opts;
  const config: Record<string, unknown> = { region: 'us-west-2', maxAttempts: 1 };
  if (target.overridden) config.endpoint = target.base;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    config.credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN };
  const client = new sdk.DeviceFarmClient(config);
  const devices: AwsDevice[] = [];
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < MAX_AWS_PAGES; page++) {
      const input: Record<string, unknown> = { filters: [{ attribute: 'PLATFORM', operator: 'EQUALS', values: ['IOS'] }] };
      if (nextToken) input.nextToken = nextToken;
      let out: unknown;
      try {
        out = await client.send(new sdk.ListDevicesCommand(input), { abortSignal: AbortSignal.timeout(FARM_REQUEST_TIMEOUT_MS) });
      } catch (e) {
        throw awsError(e, target);
      }
      const parsed = PAGE.safeParse(out);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw environmentError(
          'E_FARM_RESPONSE',
          `farm aws-device-farm: ListDevices at ${target.base} did not answer a device list as its API documents (at ${issue.path.join('.') || 'the top level'}: ${issue.code})`,
          { hint: 'is it Device Farm’s API? check --farm-api-url (farmApiUrl)', details: { farm: target.farm, url: target.base } },
        );
      }
      devices.push(...parsed.data.devices);
      nextToken = parsed.data.nextToken;
      if (!nextToken) return { devices, truncated: false };
    }
    return { devices, truncated: true };
  } finally {
    client.destroy();
  }
}

async function loadSdk(): Promise<DeviceFarmSdk> {
  // The SDK warns on stderr that its releases after January 2027 need Node 22; the version pinned in package.json runs on Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // A specifier in a variable: the package is optional.
  const name = AWS_SDK_PACKAGE;
  try {
    return (await import(name)) as DeviceFarmSdk;
  } catch {
    throw environmentError('E_FARM_SDK_MISSING', `farm aws-device-farm: listing needs ${AWS_SDK_PACKAGE} (SigV4 signing), which is not installed`, {
      hint: `npm install ${AWS_SDK_PACKAGE}, or list them with the AWS CLI: ${AWS_CLI_LIST}`,
    });
  }
}

/** An SDK failure as one line: HTTP status and the AWS error name, never its credentials. */
function awsError(e: unknown, target: FarmApiTarget) {
  const err = e as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const scrub = (t: string) => redact(t, target.secrets);
  const status = err.$metadata?.httpStatusCode;
  const name = err.name ?? 'Error';
  const where = `ListDevices at ${target.base}`;
  const details = { farm: target.farm, url: target.base, ...(status ? { status } : {}) };
  if (name === 'CredentialsProviderError')
    return environmentError('E_FARM_CREDENTIALS', scrub(`farm aws-device-farm: no AWS credentials (${(err.message ?? '').split('\n')[0]})`), {
      hint: `set ${target.credentialVars.join(' and ')} to working credentials`,
      details,
    });
  if (status && status >= 200 && status < 300)
    return environmentError('E_FARM_RESPONSE', scrub(`farm aws-device-farm: ${where} answered a body the SDK could not read (${name})`), {
      hint: 'is it Device Farm’s API? check --farm-api-url (farmApiUrl)',
      details,
    });
  if (status) {
    const auth = status === 401 || status === 403 || /signature|token|credential|accessdenied|unrecognizedclient|auth/i.test(name);
    return environmentError('E_FARM_API', scrub(`farm aws-device-farm: ${where} answered HTTP ${status} (${name})`), {
      hint: auth
        ? `check ${target.credentialVars.join(' and ')}, and that they allow devicefarm:ListDevices`
        : status >= 500
          ? 'the farm’s side failed; try again later'
          : 'see the AWS error name above',
      details,
    });
  }
  const why = err.name === 'TimeoutError' || err.name === 'AbortError' ? 'no answer in time' : (err.code ?? err.message?.split('\n')[0] ?? name);
  return environmentError('E_FARM_UNREACHABLE', scrub(`farm aws-device-farm: cannot reach ${where} (${why})`), {
    hint: target.overridden ? 'check --farm-api-url (farmApiUrl), and that this host reaches it' : 'check that this host reaches AWS (a proxy, the network)',
    details,
  });
}

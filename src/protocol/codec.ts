/**
 * JSON control messages: canonical encoding and validated decoding. Canonical means keys
 * sorted by code point and no whitespace, which Swift's JSONEncoder produces with
 * `.sortedKeys` and `.withoutEscapingSlashes`, so both sides re-encode golden vectors byte
 * for byte.
 */
import type { z } from 'zod';
import { deviceError } from '../core/errors.js';
import { AnyMessage, CliMessage, DeviceMessage, LIMITS, type AnyMessage as AnyMessageT } from './messages.js';

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function encodeMessage(msg: AnyMessageT): string {
  return JSON.stringify(sortKeys(msg));
}

type Role = 'cli' | 'device' | 'any';
const SCHEMAS: Record<Role, z.ZodType<AnyMessageT>> = { cli: CliMessage, device: DeviceMessage, any: AnyMessage };

/**
 * Parses one text frame. `from` names the sender's role, so a device that sends `hello`
 * gets E_PROTO_UNEXPECTED rather than being obeyed.
 */
export function decodeMessage(text: string, from: Role = 'any'): AnyMessageT {
  if (Buffer.byteLength(text) > LIMITS.maxFrameBytes) {
    throw deviceError('E_PROTO_TOO_LARGE', `message exceeds the ${LIMITS.maxFrameBytes}-byte limit`, {
      hint: 'split large payloads; audio goes in binary frames',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw deviceError('E_PROTO_MALFORMED', `message is not JSON (${(e as Error).message})`, { hint: 'text frames carry one JSON object each' });
  }
  const type = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string')
    throw deviceError('E_PROTO_MALFORMED', 'message has no "type"', { hint: 'every message is an object with type, id and version' });
  const known = AnyMessage.options.some((o) => o.shape.type.value === type);
  if (!known)
    throw deviceError('E_PROTO_UNKNOWN_TYPE', `unknown message type "${type.slice(0, 40)}"`, {
      hint: 'peer speaks a newer protocol; see docs/protocol.md §Versioning',
    });
  const version = (raw as { version?: unknown }).version;
  if (version !== 1)
    throw deviceError('E_PROTO_VERSION', `message version ${JSON.stringify(version)} is not supported (this side speaks 1)`, {
      hint: 'update the CLI or the harness app so both speak the same protocol version',
    });
  const r = SCHEMAS[from].safeParse(raw);
  if (!r.success) {
    const wrongRole = AnyMessage.safeParse(raw).success;
    if (wrongRole) throw deviceError('E_PROTO_UNEXPECTED', `"${type}" is not a message a ${from} sends`, { hint: 'see docs/protocol.md §Session' });
    const issue = r.error.issues[0]!;
    throw deviceError('E_PROTO_FIELD', `"${type}" message: ${issue.path.join('.') || '(root)'}: ${issue.message}`, {
      hint: 'see docs/protocol.md for the field and its range',
    });
  }
  return r.data;
}

/** Hand-built WAV bytes for decoder tests: every header field can be set, including wrong ones. */

export interface Chunk {
  id: string;
  body: Uint8Array;
  /** Declared size; defaults to body.length. Set it to lie about the size. */
  size?: number;
  /** Write the pad byte after an odd-sized body (default true, as the spec requires). */
  pad?: boolean;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

export function chunk(c: Chunk): Uint8Array {
  const size = c.size ?? c.body.length;
  const pad = (c.pad ?? true) && c.body.length % 2 === 1 ? new Uint8Array(1) : new Uint8Array(0);
  return concat(ascii(c.id.padEnd(4).slice(0, 4)), u32(size), c.body, pad);
}

/** RIFF container around the given chunks; riffId/formType overridable for negative tests. */
export function riff(chunks: Chunk[], riffId = 'RIFF', formType = 'WAVE'): Uint8Array {
  const body = concat(ascii(formType), ...chunks.map(chunk));
  return concat(ascii(riffId), u32(body.length), body);
}

export interface FmtFields {
  formatTag?: number;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  blockAlign?: number;
  byteRate?: number;
  /** Write a 40-byte WAVE_FORMAT_EXTENSIBLE body with this SubFormat tag (and GUID tail). */
  extensible?: { subFormat: number; validBits?: number; channelMask?: number; guidTail?: number[] };
  /** Truncate the fmt body to this many bytes. */
  length?: number;
}

export const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export function fmtBody(f: FmtFields = {}): Uint8Array {
  const channels = f.channels ?? 1;
  const bits = f.bitsPerSample ?? 16;
  const sampleRate = f.sampleRate ?? 48000;
  const blockAlign = f.blockAlign ?? (channels * bits) / 8;
  const b = new Uint8Array(f.extensible ? 40 : 16);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, f.extensible ? 0xfffe : (f.formatTag ?? 1), true);
  dv.setUint16(2, channels, true);
  dv.setUint32(4, sampleRate, true);
  dv.setUint32(8, f.byteRate ?? sampleRate * blockAlign, true);
  dv.setUint16(12, blockAlign, true);
  dv.setUint16(14, bits, true);
  if (f.extensible) {
    dv.setUint16(16, 22, true);
    dv.setUint16(18, f.extensible.validBits ?? bits, true);
    dv.setUint32(20, f.extensible.channelMask ?? 0, true);
    dv.setUint16(24, f.extensible.subFormat, true);
    b.set(f.extensible.guidTail ?? GUID_TAIL, 26);
  }
  return f.length === undefined ? b : b.slice(0, f.length);
}

/** A simple complete WAV: fmt, optional extra chunks between fmt and data, then data. */
export function wavBytes(f: FmtFields, data: Uint8Array, opts: { dataSize?: number; extra?: Chunk[] } = {}): Uint8Array {
  return riff([
    { id: 'fmt ', body: fmtBody(f) },
    ...(opts.extra ?? []),
    { id: 'data', body: data, ...(opts.dataSize === undefined ? {} : { size: opts.dataSize }) },
  ]);
}

/** Little-endian sample bytes from integer/float values with a per-sample writer. */
export function sampleBytes(values: number[], bytesPer: number, write: (dv: DataView, at: number, v: number) => void): Uint8Array {
  const b = new Uint8Array(values.length * bytesPer);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => write(dv, i * bytesPer, v));
  return b;
}

/**
 * WAV decoding: a strict RIFF/WAVE chunk walker for the recordings voiceaec analyses.
 * Every malformed input ends in a VoiceAecError naming the file; nothing raw escapes.
 * The encoder lives in wav-encode.ts and is re-exported here.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { checkFloatSamples, type MonoAudio, type MultiChannelAudio, type RecordedStream, type SampleView } from '../core/audio.js';
import { inputError, isVoiceAecError, type VoiceAecError } from '../core/errors.js';
import { KSDATAFORMAT_GUID_TAIL } from './wav-encode.js';

export { encodeWav, writeWavFile, type EncodeWavOptions, type WavEncoding } from './wav-encode.js';

export interface WavFormat {
  encoding: 'pcm' | 'float';
  /** Container bits per sample (wBitsPerSample): what the bytes are decoded as. */
  bitsPerSample: number;
  /** The tag in the header: 1 (PCM), 3 (IEEE float) or 0xFFFE (extensible). */
  formatTag: number;
  /** wValidBitsPerSample for extensible files, else equal to bitsPerSample. Informational only. */
  validBitsPerSample: number;
}

export type DecodedWav = MultiChannelAudio & {
  format: WavFormat;
  warnings: string[];
  /** Float samples that were NaN or ±Inf, replaced by 0 (all channels): the analysis judges how many is too many. */
  nonFiniteSamples: number;
};

export const MAX_SAMPLE_RATE = 768_000;
export const MAX_CHANNELS = 64;
/** Above this we refuse to read: 2 GiB of WAV is far beyond any test recording and the RIFF 32-bit limit. */
export const MAX_WAV_FILE_BYTES = 2 * 1024 ** 3;

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const HINT_REEXPORT = 're-export the recording as 16-bit or 32-bit float PCM WAV';
const HINT_CONVERT = 'convert it to WAV first, e.g. `afconvert -f WAVE -d LEI16 in.caf out.wav` (macOS) or `ffmpeg -i in.m4a -c:a pcm_s16le out.wav`';

const TAG_NAMES: Record<number, string> = {
  2: 'Microsoft ADPCM',
  6: 'A-law',
  7: 'µ-law',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x50: 'MPEG',
  0x55: 'MP3',
  0xff: 'AAC',
  0x1610: 'AAC',
};

function fail(code: string, name: string, message: string, hint: string, details: Record<string, unknown> = {}, cause?: unknown) {
  return inputError(code, `${name}: ${message}`, { hint, details: { file: name, ...details }, cause });
}

/** Decode a WAV file's bytes to float channels in [-1, 1]. `name` only labels errors and warnings. */
export function decodeWav(bytes: Uint8Array, name = 'input'): DecodedWav {
  try {
    return decode(bytes, name);
  } catch (e) {
    if (isVoiceAecError(e)) throw e;
    // A bug on a path only odd input reaches: still report it as this file's problem, keep the cause.
    throw fail('E_WAV_BAD_HEADER', name, `could not be decoded as WAV (${String(e)})`, HINT_REEXPORT, {}, e);
  }
}

interface Fmt extends WavFormat {
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

interface Located {
  fmt: Fmt;
  /** Byte offset of the first sample and whole frames present. */
  start: number;
  frames: number;
  warnings: string[];
}

function decode(bytes: Uint8Array, name: string): DecodedWav {
  const { fmt, start, frames, warnings } = locate(bytes, name);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { channels, nonFinite } = readSamples(dv, start, frames, fmt, name, warnings);
  const { sampleRate, encoding, bitsPerSample, formatTag, validBitsPerSample } = fmt;
  return { sampleRate, channels, format: { encoding, bitsPerSample, formatTag, validBitsPerSample }, warnings, nonFiniteSamples: nonFinite };
}

/**
 * The first channel's samples as a typed view over the file's bytes, without decoding, for
 * envelopes of many trials (a report): plain 16/32-bit PCM and 32-bit float; any other
 * encoding is decoded. Same header checks and errors as decodeWav.
 */
export function wavSampleView(bytes: Uint8Array, name = 'input'): SampleView {
  const { fmt, start, frames } = locate(bytes, name);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = sampleArray(dv, start, frames * fmt.channels, fmt);
  if (!data || data instanceof Float64Array) return { data: decodeWav(bytes, name).channels[0]!, scale: 1, stride: 1, sampleRate: fmt.sampleRate };
  const scale = data instanceof Float32Array ? 1 : data instanceof Int16Array ? 1 / 32768 : 1 / 2147483648;
  return { data, scale, stride: fmt.channels, sampleRate: fmt.sampleRate };
}

/**
 * Walk the chunks: the format, where the samples are, and what was odd about the file.
 * `len` is the file's length: a header probe passes only the file's first bytes, and any
 * read past them throws a RangeError (see probeWavHeader).
 */
function locate(bytes: Uint8Array, name: string, len = bytes.length): Located {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (at: number) => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);

  const riffId = len >= 4 ? ascii(0) : '';
  if (riffId === 'RIFF' && len < 12) {
    throw fail('E_WAV_TRUNCATED', name, `file ends after ${len} bytes, inside the RIFF header`, HINT_REEXPORT);
  }
  if (riffId === 'RF64' || riffId === 'BW64') {
    throw fail('E_WAV_UNSUPPORTED', name, `is an ${riffId} (64-bit RIFF) file, which is not supported`, HINT_REEXPORT + ' under 4 GB');
  }
  if (riffId === 'RIFX') {
    throw fail('E_WAV_UNSUPPORTED', name, 'is a big-endian RIFX file, which is not supported', HINT_REEXPORT);
  }
  if (len < 12 || riffId !== 'RIFF' || ascii(8) !== 'WAVE') {
    const what = sniff(bytes);
    throw fail('E_WAV_NOT_RIFF', name, `is not a RIFF/WAVE file${what ? ` (it looks like ${what})` : ''}`, HINT_CONVERT);
  }

  // Walk chunks; the RIFF size field is ignored because unfinalised recordings get it wrong.
  const warnings: string[] = [];
  let fmt: Fmt | undefined;
  let data: { start: number; size: number } | undefined;
  let pos = 12;
  while (pos + 8 <= len) {
    const id = ascii(pos);
    const size = dv.getUint32(pos + 4, true);
    const body = pos + 8;
    const remaining = len - body;
    if (id === 'data' && !data) {
      if (size === 0xffffffff || (size === 0 && remaining > 0 && !isChunkChain(bytes, dv, body))) {
        // A recorder that never finalised the header: the audio is whatever follows.
        warnings.push(`${name}: data chunk size is ${size === 0 ? 0 : '0xFFFFFFFF'} (recording not finalised); using the ${remaining} bytes present`);
        data = { start: body, size: remaining };
        break;
      }
      if (size > remaining) {
        throw fail(
          'E_WAV_TRUNCATED',
          name,
          `data chunk declares ${size} bytes but only ${remaining} are present`,
          're-copy the file (it was cut short) or re-export the recording',
          { declared: size, present: remaining },
        );
      }
      data = { start: body, size };
      if (fmt) break;
    } else if (size > remaining) {
      throw fail(
        'E_WAV_TRUNCATED',
        name,
        `'${printable(id)}' chunk declares ${size} bytes but only ${remaining} are present`,
        're-copy the file (it was cut short) or re-export the recording',
        { chunk: id, declared: size, present: remaining },
      );
    } else if (id === 'fmt ' && !fmt) {
      fmt = parseFmt(dv, body, size, name);
      if (data) break;
    }
    // Odd chunks carry a zero pad byte; some writers omit it, and a chunk id never starts with 0.
    pos = body + size + (size & 1 && bytes[body + size] === 0 ? 1 : 0);
  }

  if (!fmt) {
    if (!data && pos < len) {
      throw fail('E_WAV_TRUNCATED', name, `file ends inside a chunk header at byte ${pos}`, HINT_REEXPORT);
    }
    throw fail('E_WAV_NO_FMT', name, "has no 'fmt ' chunk, so its encoding is unknown", HINT_REEXPORT);
  }
  if (!data) throw fail('E_WAV_NO_DATA', name, "has no 'data' chunk (no audio)", HINT_REEXPORT);

  const frames = Math.floor(data.size / fmt.blockAlign);
  const rest = data.size - frames * fmt.blockAlign;
  if (rest !== 0) {
    warnings.push(`${name}: data is ${data.size} bytes, not whole ${fmt.blockAlign}-byte frames; ignored the last ${rest} bytes`);
  }
  if (frames === 0) throw fail('E_WAV_EMPTY', name, 'contains no audio frames', 'check that the recording actually captured audio');
  return { fmt, start: data.start, frames, warnings };
}

function parseFmt(dv: DataView, at: number, size: number, name: string): Fmt {
  if (size < 16) {
    throw fail('E_WAV_NO_FMT', name, `'fmt ' chunk is ${size} bytes; at least 16 are needed`, HINT_REEXPORT);
  }
  const formatTag = dv.getUint16(at, true);
  const channels = dv.getUint16(at + 2, true);
  const sampleRate = dv.getUint32(at + 4, true);
  const blockAlign = dv.getUint16(at + 12, true);
  const bitsPerSample = dv.getUint16(at + 14, true);
  let code = formatTag;
  let validBitsPerSample = bitsPerSample;
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) {
      throw fail('E_WAV_NO_FMT', name, `extensible 'fmt ' chunk is ${size} bytes; 40 are needed`, HINT_REEXPORT);
    }
    validBitsPerSample = dv.getUint16(at + 18, true);
    code = dv.getUint16(at + 24, true);
    if (KSDATAFORMAT_GUID_TAIL.some((b, i) => dv.getUint8(at + 26 + i) !== b)) {
      throw fail('E_WAV_UNSUPPORTED', name, 'uses an extensible SubFormat GUID other than PCM or IEEE float', HINT_REEXPORT);
    }
  }
  const header = { formatTag, channels, sampleRate, blockAlign, bitsPerSample };
  if (channels === 0 || channels > MAX_CHANNELS) {
    throw fail('E_WAV_BAD_HEADER', name, `header claims ${channels} channels (supported: 1..${MAX_CHANNELS})`, HINT_REEXPORT, header);
  }
  if (sampleRate === 0 || sampleRate > MAX_SAMPLE_RATE) {
    throw fail('E_WAV_BAD_HEADER', name, `header claims a sample rate of ${sampleRate} Hz (supported: 1..${MAX_SAMPLE_RATE})`, HINT_REEXPORT, header);
  }
  let encoding: 'pcm' | 'float';
  if (code === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) encoding = 'pcm';
  else if (code === WAVE_FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) encoding = 'float';
  else {
    const what =
      code === WAVE_FORMAT_PCM
        ? `${bitsPerSample}-bit PCM`
        : code === WAVE_FORMAT_IEEE_FLOAT
          ? `${bitsPerSample}-bit float`
          : `format tag 0x${code.toString(16).padStart(4, '0')}${TAG_NAMES[code] ? ` (${TAG_NAMES[code]})` : ''}`;
    throw fail('E_WAV_UNSUPPORTED', name, `uses ${what}; supported are 8/16/24/32-bit PCM and 32/64-bit float`, HINT_REEXPORT, header);
  }
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw fail(
      'E_WAV_BAD_HEADER',
      name,
      `header blockAlign is ${blockAlign} but ${channels} channels × ${bitsPerSample} bits need ${(channels * bitsPerSample) / 8}`,
      HINT_REEXPORT,
      header,
    );
  }
  return { encoding, bitsPerSample, formatTag, validBitsPerSample, channels, sampleRate, blockAlign };
}

/** Typed arrays read in the host's byte order; WAV is little-endian, so the fast path below needs a little-endian host. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type SampleArray = Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * The samples as one typed array over the file's bytes (16/32-bit PCM, 32/64-bit float on a
 * little-endian host), copied once when the data chunk starts at an offset the type cannot
 * view; null for 8- and 24-bit PCM and big-endian hosts, which take the DataView path.
 */
function sampleArray(dv: DataView, start: number, count: number, fmt: Fmt): SampleArray | null {
  if (!LITTLE_ENDIAN_HOST) return null;
  const kind =
    fmt.encoding === 'float'
      ? fmt.bitsPerSample === 32
        ? Float32Array
        : Float64Array
      : fmt.bitsPerSample === 16
        ? Int16Array
        : fmt.bitsPerSample === 32
          ? Int32Array
          : null;
  if (!kind) return null;
  const at = dv.byteOffset + start;
  const bytes = count * kind.BYTES_PER_ELEMENT;
  if (at % kind.BYTES_PER_ELEMENT === 0) return new kind(dv.buffer as ArrayBuffer, at, count);
  return new kind(new Uint8Array(dv.buffer, at, bytes).slice().buffer);
}

/**
 * Deinterleave and scale to float. Allocation is bounded by the bytes actually present.
 * Typed-array loops where the layout allows (typically 3–5× faster than the DataView read per
 * sample they replaced, docs/dependencies.md), the DataView otherwise; both give the same values.
 */
function readSamples(dv: DataView, start: number, frames: number, fmt: Fmt, name: string, warnings: string[]): { channels: Float32Array[]; nonFinite: number } {
  const nch = fmt.channels;
  const bps = fmt.bitsPerSample / 8;
  const out = Array.from({ length: nch }, () => new Float32Array(frames));
  const typed = sampleArray(dv, start, frames * nch, fmt);
  if (typed) {
    // Powers of two: multiplying by the reciprocal is exact, the same value as dividing.
    const scale = fmt.encoding === 'float' ? 1 : 2 ** -(fmt.bitsPerSample - 1);
    if (nch === 1 && typed instanceof Float32Array) out[0]!.set(typed);
    else deinterleave(typed, out, frames, scale);
  } else {
    let read: (o: number) => number;
    if (fmt.encoding === 'float') {
      read = bps === 4 ? (o) => dv.getFloat32(o, true) : (o) => dv.getFloat64(o, true);
    } else if (bps === 1) read = (o) => (dv.getUint8(o) - 128) / 128;
    else if (bps === 2) read = (o) => dv.getInt16(o, true) / 32768;
    else if (bps === 3) read = (o) => (dv.getUint16(o, true) | (dv.getInt8(o + 2) << 16)) / 8388608;
    else read = (o) => dv.getInt32(o, true) / 2147483648;
    let o = start;
    for (let f = 0; f < frames; f++) {
      for (let c = 0; c < nch; c++, o += bps) out[c]![f] = read(o);
    }
  }
  let nonFinite = 0;
  if (fmt.encoding === 'float') {
    // Counted before checkFloatSamples replaces them, which only reports them in words.
    for (const ch of out) for (let i = 0; i < ch.length; i++) if (!Number.isFinite(ch[i]!)) nonFinite++;
    warnings.push(...checkFloatSamples(out, name));
  }
  return { channels: out, nonFinite };
}

function deinterleave(src: SampleArray, out: Float32Array[], frames: number, scale: number): void {
  const nch = out.length;
  for (let c = 0; c < nch; c++) {
    const ch = out[c]!;
    for (let f = 0, i = c; f < frames; f++, i += nch) ch[f] = src[i]! * scale;
  }
}

/** True if the bytes from `at` to the end parse as well-formed chunks: then a 0-size data chunk really is empty. */
function isChunkChain(bytes: Uint8Array, dv: DataView, at: number): boolean {
  let pos = at;
  while (pos + 8 <= bytes.length) {
    for (let i = 0; i < 4; i++) if (bytes[pos + i]! < 0x20 || bytes[pos + i]! > 0x7e) return false;
    const size = dv.getUint32(pos + 4, true);
    if (size > bytes.length - pos - 8) return false;
    pos += 8 + size + (size & 1);
  }
  return pos >= bytes.length;
}

const printable = (id: string): string => id.replace(/[^\x20-\x7e]/g, '?');

/** Name common non-WAV audio so the error says what the file actually is. */
function sniff(b: Uint8Array): string | undefined {
  const s = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (s(0, 3) === 'ID3' || (b[0] === 0xff && (b[1]! & 0xe0) === 0xe0)) return 'MP3 or AAC';
  if (s(0, 4) === 'fLaC') return 'FLAC';
  if (s(0, 4) === 'OggS') return 'Ogg (Vorbis/Opus)';
  if (s(0, 4) === 'caff') return 'Core Audio Format (CAF)';
  if (s(4, 8) === 'ftyp') return 'MP4/M4A';
  if (s(0, 4) === 'FORM' && /^AIF[FC]$/.test(s(8, 12))) return 'AIFF';
  if (s(0, 4) === 'RIFF') return `a RIFF '${printable(s(8, 12))}' file, not WAVE`;
  return undefined;
}

/** What a reader accepts beyond a well-formed file (docs/limits.md): checked on the header, before the samples are read. */
export interface WavLimits {
  minSampleRate: number;
  maxSampleRate: number;
  /** Frames per channel: bounds the memory of decoding and of everything after it. */
  maxFrames: number;
}

/** Bytes read to find the header; a file whose header lies further is probed by reading it whole. */
const HEADER_PROBE_BYTES = 64 * 1024;

/** Format and frame count from the first bytes of a file of `fileLength` bytes, or null when they do not suffice. */
export function probeWavHeader(head: Uint8Array, fileLength: number, name = 'input'): { sampleRate: number; channels: number; frames: number } | null {
  try {
    const { fmt, frames } = locate(head, name, fileLength);
    return { sampleRate: fmt.sampleRate, channels: fmt.channels, frames };
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

function checkLimits(h: { sampleRate: number; frames: number }, limits: WavLimits, name: string): void {
  const hint = 'see docs/limits.md for the supported recordings';
  if (h.sampleRate < limits.minSampleRate || h.sampleRate > limits.maxSampleRate) {
    throw fail('E_WAV_RATE', name, `sample rate ${h.sampleRate} Hz is outside the supported ${limits.minSampleRate}–${limits.maxSampleRate} Hz`, hint, {
      sampleRate: h.sampleRate,
    });
  }
  if (h.frames > limits.maxFrames) {
    const s = (f: number) => `${Math.round((f / h.sampleRate) * 10) / 10} s`;
    throw fail('E_WAV_TOO_LONG', name, `is ${s(h.frames)} long; at ${h.sampleRate} Hz the limit is ${s(limits.maxFrames)} (${limits.maxFrames} frames)`, hint, {
      frames: h.frames,
    });
  }
}

/**
 * Read and decode a WAV file. `name` labels the file in every error and warning: the path
 * by default; a run directory passes the bare file name so results do not depend on where
 * the directory is. With `limits`, a file outside them is refused from its header, before
 * its samples are read or decoded.
 */
export async function readWavFile(path: string, name: string = path, limits?: WavLimits): Promise<DecodedWav> {
  let bytes: Uint8Array;
  try {
    const st = await stat(path);
    if (st.isDirectory()) {
      throw fail('E_FILE_READ', name, 'is a directory, not a WAV file', 'pass the path of a .wav file');
    }
    if (st.size > MAX_WAV_FILE_BYTES) {
      throw fail('E_WAV_TOO_LARGE', name, `is ${st.size} bytes; the limit is 2 GiB`, 'trim the recording to the part under test');
    }
    if (limits && st.size > HEADER_PROBE_BYTES) {
      const head = await readHead(path, HEADER_PROBE_BYTES);
      const h = probeWavHeader(head, st.size, name);
      if (h) checkLimits(h, limits, name);
    }
    bytes = await readFile(path);
  } catch (e) {
    throw fileError(e, name);
  }
  const wav = decodeWav(bytes, name);
  if (limits) checkLimits({ sampleRate: wav.sampleRate, frames: wav.channels[0]?.length ?? 0 }, limits, name);
  return wav;
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** One channel (or the mix) of a WAV file, as the analysis takes it; `nonFiniteSamples` counts the decoder's replacements in that channel. */
export async function readRecordedStream(
  path: string,
  channel: number | 'mix',
  name: string = path,
  limits?: WavLimits,
): Promise<RecordedStream & { nonFiniteSamples: number }> {
  const wav = await readWavFile(path, name, limits);
  return {
    name,
    audio: selectChannel(wav, channel),
    fileChannels: wav.channels.length,
    channel,
    warnings: wav.warnings,
    nonFiniteSamples: wav.nonFiniteSamples,
  };
}

function fileError(e: unknown, path: string): VoiceAecError {
  if (isVoiceAecError(e)) return e;
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  const details = { file: path, errno };
  if (errno === 'ENOENT' || errno === 'ENOTDIR') {
    return inputError('E_FILE_NOT_FOUND', `${path}: no such file`, { hint: 'check the path', details, cause: e });
  }
  const why = errno === 'EACCES' || errno === 'EPERM' ? 'permission denied' : e instanceof Error ? e.message : String(e);
  return inputError('E_FILE_READ', `${path}: cannot be read (${why})`, {
    hint: 'check the file exists and is readable',
    details,
    cause: e,
  });
}

/**
 * Reduce to mono. Callers default to channel 0: iOS puts the voice-processed mic there.
 * A single channel is returned without copying; 'mix' averages all channels.
 */
export function selectChannel(audio: MultiChannelAudio, choice: number | 'mix'): MonoAudio {
  const n = audio.channels.length;
  if (choice === 'mix') {
    if (n === 1) return { sampleRate: audio.sampleRate, samples: audio.channels[0]! };
    const frames = audio.channels[0]?.length ?? 0;
    const acc = new Float64Array(frames);
    for (const ch of audio.channels) for (let i = 0; i < frames; i++) acc[i]! += ch[i] ?? 0;
    const samples = new Float32Array(frames);
    for (let i = 0; i < frames; i++) samples[i] = acc[i]! / n;
    return { sampleRate: audio.sampleRate, samples };
  }
  if (!Number.isInteger(choice) || choice < 0 || choice >= n) {
    throw inputError('E_CHANNEL', `channel ${String(choice)} does not exist; the recording has ${n} channel${n === 1 ? '' : 's'}`, {
      hint: `use a channel index from 0 to ${n - 1}, or 'mix' to average them`,
      details: { channel: choice, channels: n },
    });
  }
  return { sampleRate: audio.sampleRate, samples: audio.channels[choice]! };
}

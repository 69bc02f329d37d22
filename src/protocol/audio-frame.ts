/**
 * Binary audio frames of protocol v1: a fixed 32-byte little-endian header, then PCM.
 * Byte layout (docs/protocol.md §Audio frames):
 *   0  magic "VAEC"      4  version u8   5  kind u8   6  sampleFormat u8   7  channels u8
 *   8  streamId u32      12 sequence u32 16 hostTimeNs u64 (first sample)
 *   24 sampleRate u32    28 frameCount u32             32 PCM, interleaved
 * The PCM starts 4-byte aligned so a float32 view needs no copy on either side.
 */
import { deviceError } from '../core/errors.js';
import { LIMITS, type StreamKind } from './messages.js';

export const AUDIO_HEADER_BYTES = 32;
const MAGIC = 0x43454156; // "VAEC" read as little-endian u32
const FRAME_VERSION = 1;

const KIND_CODES: Record<StreamKind, number> = { fixture: 1, play: 2, mic: 3, gated: 4, echoTruth: 5, nearTruth: 6 };
const KIND_BY_CODE = new Map(Object.entries(KIND_CODES).map(([k, v]) => [v, k as StreamKind]));

export type SampleFormat = 'f32' | 's16';
const FORMAT_CODES: Record<SampleFormat, number> = { f32: 1, s16: 2 };
const BYTES_PER_SAMPLE: Record<SampleFormat, number> = { f32: 4, s16: 2 };

export interface AudioFrame {
  kind: StreamKind;
  format: SampleFormat;
  channels: number;
  streamId: number;
  sequence: number;
  /** Host time of the first sample, ns. */
  hostTimeNs: bigint;
  sampleRate: number;
  frameCount: number;
  /** Interleaved samples as floats in [-1, 1] (s16 is scaled by 1/32768 on decode). */
  samples: Float32Array;
}

const bad = (what: string) =>
  deviceError('E_PROTO_AUDIO_HEADER', `bad audio frame: ${what}`, {
    hint: 'the peer speaks another protocol version or sent a corrupt frame; see docs/protocol.md §Audio frames',
  });

export function encodeAudioFrame(f: Omit<AudioFrame, 'frameCount'> & { frameCount?: number }): Uint8Array {
  const frameCount = f.frameCount ?? f.samples.length / f.channels;
  if (!Number.isInteger(frameCount) || frameCount * f.channels !== f.samples.length) throw bad('sample count is not a whole number of frames');
  const bps = BYTES_PER_SAMPLE[f.format];
  const out = new Uint8Array(AUDIO_HEADER_BYTES + f.samples.length * bps);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setUint8(4, FRAME_VERSION);
  v.setUint8(5, KIND_CODES[f.kind]);
  v.setUint8(6, FORMAT_CODES[f.format]);
  v.setUint8(7, f.channels);
  v.setUint32(8, f.streamId, true);
  v.setUint32(12, f.sequence, true);
  v.setBigUint64(16, f.hostTimeNs, true);
  v.setUint32(24, f.sampleRate, true);
  v.setUint32(28, frameCount, true);
  if (f.format === 'f32') {
    for (let i = 0; i < f.samples.length; i++) v.setFloat32(AUDIO_HEADER_BYTES + 4 * i, f.samples[i]!, true);
  } else {
    for (let i = 0; i < f.samples.length; i++) {
      const s = Math.round(f.samples[i]! * 32768);
      v.setInt16(AUDIO_HEADER_BYTES + 2 * i, Math.max(-32768, Math.min(32767, s)), true);
    }
  }
  return out;
}

/** Validates every header field before touching the payload; throws E_PROTO_AUDIO_* on anything off. */
export function decodeAudioFrame(bytes: Uint8Array, maxBytes: number = LIMITS.maxFrameBytes): AudioFrame {
  if (bytes.length > maxBytes)
    throw deviceError('E_PROTO_TOO_LARGE', `audio frame of ${bytes.length} bytes exceeds the ${maxBytes}-byte limit`, { hint: 'send smaller chunks' });
  if (bytes.length < AUDIO_HEADER_BYTES) throw bad(`${bytes.length} bytes is shorter than the ${AUDIO_HEADER_BYTES}-byte header`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint32(0, true) !== MAGIC) throw bad('magic is not "VAEC"');
  if (v.getUint8(4) !== FRAME_VERSION) throw bad(`frame version ${v.getUint8(4)} (this side speaks ${FRAME_VERSION})`);
  const kind = KIND_BY_CODE.get(v.getUint8(5));
  if (!kind) throw bad(`unknown stream kind ${v.getUint8(5)}`);
  const formatCode = v.getUint8(6);
  const format = (Object.keys(FORMAT_CODES) as SampleFormat[]).find((k) => FORMAT_CODES[k] === formatCode);
  if (!format) throw bad(`unknown sample format ${formatCode}`);
  const channels = v.getUint8(7);
  if (channels < 1 || channels > 8) throw bad(`${channels} channels (1–8 allowed)`);
  const sampleRate = v.getUint32(24, true);
  if (sampleRate < 8000 || sampleRate > 96_000) throw bad(`sample rate ${sampleRate} Hz (8000–96000 allowed)`);
  const frameCount = v.getUint32(28, true);
  if (frameCount < 1) throw bad('zero frames');
  const expected = AUDIO_HEADER_BYTES + frameCount * channels * BYTES_PER_SAMPLE[format];
  if (bytes.length !== expected) throw bad(`header announces ${frameCount} frames (${expected} bytes) but the frame has ${bytes.length}`);
  const samples = new Float32Array(frameCount * channels);
  if (format === 'f32') {
    for (let i = 0; i < samples.length; i++) {
      const x = v.getFloat32(AUDIO_HEADER_BYTES + 4 * i, true);
      if (!Number.isFinite(x))
        throw deviceError('E_PROTO_AUDIO_PCM', `audio frame sample ${i} is ${x}`, { hint: 'the sender produced NaN or infinite samples' });
      samples[i] = x;
    }
  } else {
    for (let i = 0; i < samples.length; i++) samples[i] = v.getInt16(AUDIO_HEADER_BYTES + 2 * i, true) / 32768;
  }
  return {
    kind,
    format,
    channels,
    streamId: v.getUint32(8, true),
    sequence: v.getUint32(12, true),
    hostTimeNs: v.getBigUint64(16, true),
    sampleRate,
    frameCount,
    samples,
  };
}

/**
 * WAV encoding: canonical 44-byte header (tags 1/3) for mono and stereo, WAVE_FORMAT_EXTENSIBLE
 * (68-byte header) above two channels, where the plain tags are ambiguous about speaker layout.
 */
import type { MonoAudio, MultiChannelAudio } from '../core/audio.js';
import { inputError, VoiceAecError } from '../core/errors.js';
import { writeFileAtomic } from './atomic.js';

export type WavEncoding = 'pcm16' | 'pcm24' | 'float32';
export interface EncodeWavOptions {
  encoding: WavEncoding;
}

const MAX_RIFF_BODY = 0xffffffff;

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID; bytes 0..1 carry the plain format tag. */
export const KSDATAFORMAT_GUID_TAIL: readonly number[] = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export function encodeWav(audio: MultiChannelAudio | MonoAudio, options: EncodeWavOptions): Uint8Array {
  const channels = 'samples' in audio ? [audio.samples] : audio.channels;
  const { sampleRate } = audio;
  const nch = channels.length;
  const frames = channels[0]?.length ?? 0;
  if (nch === 0 || nch > 0xffff) throw internal(`cannot encode ${nch} channels`);
  if (channels.some((c) => c.length !== frames)) throw internal('cannot encode channels of different lengths');
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw internal(`cannot encode sample rate ${sampleRate}`);
  }
  const float = options.encoding === 'float32';
  const bits = options.encoding === 'pcm16' ? 16 : options.encoding === 'pcm24' ? 24 : 32;
  const bps = bits / 8;
  const blockAlign = nch * bps;
  const extensible = nch > 2;
  const fmtSize = extensible ? 40 : 16;
  const dataSize = frames * blockAlign;
  const pad = dataSize & 1;
  const riffBody = 4 + 8 + fmtSize + 8 + dataSize + pad;
  if (riffBody > MAX_RIFF_BODY) {
    throw inputError('E_WAV_TOO_LARGE', `audio of ${dataSize} bytes does not fit in a WAV file (4 GiB limit)`, {
      hint: 'write a shorter excerpt',
    });
  }

  const out = new Uint8Array(8 + riffBody);
  const dv = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  dv.setUint32(4, riffBody, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  dv.setUint32(16, fmtSize, true);
  const tag = float ? 3 : 1;
  dv.setUint16(20, extensible ? 0xfffe : tag, true);
  dv.setUint16(22, nch, true);
  dv.setUint32(24, sampleRate, true);
  dv.setUint32(28, sampleRate * blockAlign, true);
  dv.setUint16(32, blockAlign, true);
  dv.setUint16(34, bits, true);
  let at = 36;
  if (extensible) {
    dv.setUint16(36, 22, true); // cbSize
    dv.setUint16(38, bits, true); // wValidBitsPerSample
    dv.setUint32(40, 0, true); // dwChannelMask 0: channels carry no speaker positions (mic arrays, stems)
    dv.setUint16(44, tag, true); // SubFormat GUID = tag + fixed KSDATAFORMAT tail
    out.set(KSDATAFORMAT_GUID_TAIL, 46);
    at = 60;
  }
  ascii(at, 'data');
  dv.setUint32(at + 4, dataSize, true);
  at += 8;

  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < nch; c++, at += bps) {
      const x = channels[c]![f]!;
      const v = Number.isFinite(x) ? x : 0; // never write NaN/Inf into a file others will analyse
      if (float) dv.setFloat32(at, v, true);
      else if (bits === 16) dv.setInt16(at, quantise(v, 32768), true);
      else {
        const q = quantise(v, 8388608);
        dv.setUint16(at, q & 0xffff, true);
        dv.setInt8(at + 2, q >> 16);
      }
    }
  }
  return out;
}

/** Clamp to [-1, 1) of the integer range and round to nearest; no dither (test signals, not music). */
function quantise(x: number, full: number): number {
  const q = Math.round(x * full);
  return q >= full ? full - 1 : q < -full ? -full : q;
}

function internal(message: string): VoiceAecError {
  return new VoiceAecError('E_WAV_ENCODE', 'internal', message);
}

export async function writeWavFile(path: string, audio: MultiChannelAudio | MonoAudio, options: EncodeWavOptions): Promise<void> {
  await writeFileAtomic(path, encodeWav(audio, options));
}

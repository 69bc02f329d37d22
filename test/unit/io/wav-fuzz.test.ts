/**
 * Hostile WAV input: seeded mutations of valid files in every documented format, and every
 * truncation of their headers. Decoding, header probing and the analysis must end in a
 * result or a VoiceAecError with a one-line message, never another exception or a hang.
 */
import { describe, expect, it } from 'vitest';
import { ANALYSIS_REQUEST_SCHEMA } from '../../../src/analysis/analysis-request.js';
import { analyzeRecording } from '../../../src/analysis/analyze-recording.js';
import { resolveAnalysisOptions } from '../../../src/config/analysis-options.js';
import { isVoiceAecError } from '../../../src/core/errors.js';
import { decodeWav, encodeWav, probeWavHeader, selectChannel } from '../../../src/io/wav.js';
import { rng } from '../../helpers/random.js';
import { pseudoSpeech } from '../../helpers/synth.js';
import { wavBytes } from '../../helpers/wav-bytes.js';

const FS = 8000;
const speech = pseudoSpeech(1.2, FS, 3);
const signal = new Float32Array(FS * 2);
signal.set(speech, 1600);

/** Little-endian sample bytes of `signal` in one documented PCM or float format. */
function encoded(bits: number, float: boolean): Uint8Array {
  const bytes = new Uint8Array(signal.length * (bits / 8));
  const dv = new DataView(bytes.buffer);
  signal.forEach((x, i) => {
    const at = (i * bits) / 8;
    if (float && bits === 32) dv.setFloat32(at, x, true);
    else if (float) dv.setFloat64(at, x, true);
    else if (bits === 8) dv.setUint8(at, Math.round(x * 127) + 128);
    else if (bits === 16) dv.setInt16(at, Math.round(x * 32767), true);
    else if (bits === 24) {
      const v = Math.round(x * 8388607);
      dv.setUint16(at, v & 0xffff, true);
      dv.setInt8(at + 2, v >> 16);
    } else dv.setInt32(at, Math.round(x * 2147483647), true);
  });
  return bytes;
}

const FORMATS: Array<[string, Uint8Array]> = [
  ...([8, 16, 24, 32] as const).map((b): [string, Uint8Array] => [
    `pcm${b}`,
    wavBytes({ bitsPerSample: b, sampleRate: FS, blockAlign: b / 8, byteRate: (FS * b) / 8 }, encoded(b, false)),
  ]),
  ...([32, 64] as const).map((b): [string, Uint8Array] => [
    `float${b}`,
    wavBytes({ formatTag: 3, bitsPerSample: b, sampleRate: FS, blockAlign: b / 8, byteRate: (FS * b) / 8 }, encoded(b, true)),
  ]),
  ['extensible pcm24 ×3', encodeWav({ sampleRate: FS, channels: [signal, signal, signal] }, { encoding: 'pcm24' })],
];

/** Decode and probe; the only acceptable failure is a VoiceAecError on one line. */
function tryDecode(bytes: Uint8Array): ReturnType<typeof decodeWav> | null {
  try {
    probeWavHeader(bytes.subarray(0, 64), bytes.length, 'fuzz.wav');
    return decodeWav(bytes, 'fuzz.wav');
  } catch (e) {
    if (!isVoiceAecError(e)) throw e;
    expect(e.toLine()).not.toMatch(/\n/);
    expect(e.category).toBe('input');
    return null;
  }
}

const options = resolveAnalysisOptions({ gatesMs: [0, 300] });
const reference = { name: 'ref.wav', audio: { sampleRate: FS, samples: signal }, fileChannels: 1, channel: 0 as const, warnings: [] };

/** The analysis of a decoded mutation as a mic: a result or an input error, nothing else. */
async function tryAnalyse(wav: NonNullable<ReturnType<typeof tryDecode>>): Promise<void> {
  const mic = {
    name: 'fuzz.wav',
    audio: selectChannel(wav, 0),
    fileChannels: wav.channels.length,
    channel: 0 as const,
    warnings: wav.warnings,
    nonFiniteSamples: wav.nonFiniteSamples,
  };
  try {
    const a = await analyzeRecording(
      { mic, ref: reference },
      {
        schema: ANALYSIS_REQUEST_SCHEMA,
        channels: { ref: 0, mic: 0 },
        drainMs: null,
        drainSource: 'reference',
        playbackStartMs: null,
        preRollMs: null,
        delayMs: null,
        nearEndStartMs: null,
        calibration: null,
        options,
      },
    );
    if (a.flags.implausible?.flag) expect(a.gates.every((g) => g.leak === null)).toBe(true);
  } catch (e) {
    if (!isVoiceAecError(e) || e.category !== 'input') throw e;
  }
}

describe('WAV fuzz', () => {
  it.each(FORMATS)('%s: every truncation of the header and the first samples', (_name, valid) => {
    for (let n = 0; n <= 80; n++) tryDecode(valid.subarray(0, n));
    expect(tryDecode(valid)).not.toBeNull();
  });

  it.each(FORMATS)('%s: 60 seeded mutations decode or fail as input errors, and analyse without a bug', async (name, valid) => {
    const random = rng(name.length * 7919 + valid.length);
    const int = (n: number) => Math.floor(random() * n);
    for (let k = 0; k < 60; k++) {
      const bytes = valid.slice();
      const kind = k % 4;
      // Header bytes most of the time: that is where a flipped byte changes the meaning of the rest.
      const at = () => (int(3) === 0 ? int(bytes.length) : int(Math.min(bytes.length, 80)));
      if (kind === 0) bytes[at()] = int(256);
      else if (kind === 1) {
        const i = at();
        bytes[i] = bytes[i]! ^ (1 << int(8));
      } else if (kind === 2) new DataView(bytes.buffer).setUint32(Math.min(at(), bytes.length - 4), [0, 0xffffffff, 0x7fffffff, int(2 ** 32)][int(4)]!, true);
      else for (let j = 0; j < 8; j++) bytes[at()] = int(256);
      const wav = tryDecode(bytes);
      // Analysing every success would take minutes on a loaded machine: every third one is enough to cover the paths.
      if (wav && k % 3 === 0) await tryAnalyse(wav);
    }
  });
});

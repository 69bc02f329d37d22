/**
 * `npx tsx bench/wav.ts`: src/io/wav.ts against the npm WAV readers `wavefile` and `wav`,
 * for speed (decoding a 48 kHz recording to float channels in [-1, 1], what the analysis
 * takes) and strictness (what each does with the malformed files recorders really write).
 * Printed, never asserted: medians of repeated runs; compare ratios, the VM is noisy.
 *
 * `wav` is a stream parser: it finds the format and hands over the raw data bytes, it does
 * not decode samples, so its figure adds the same deinterleave-and-scale loop ours runs.
 * `wavefile` decodes to its own integer scale; its figure adds the scale to [-1, 1].
 */
import { Readable } from 'node:stream';
import { Reader } from 'wav';
import wavefile from 'wavefile';
import { decodeWav, encodeWav, type WavEncoding } from '../src/io/wav.js';
import { whiteNoise } from '../test/helpers/random.js';
import { timeAsync } from './timing.js';

// ---- the contenders, each from file bytes to Float32 channels in [-1, 1] ----

function viaWavefile(bytes: Uint8Array): Float32Array[] {
  const w = new wavefile.WaveFile(bytes);
  const fmt = w.fmt as { numChannels: number; bitsPerSample: number; audioFormat: number };
  const raw = w.getSamples(false, Float32Array) as unknown as Float32Array | Float32Array[];
  const channels = fmt.numChannels === 1 ? [raw as Float32Array] : (raw as Float32Array[]);
  const float = fmt.audioFormat === 3 || (fmt.audioFormat === 0xfffe && fmt.bitsPerSample === 32);
  if (!float) {
    const scale = 1 / 2 ** (fmt.bitsPerSample - 1);
    for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i]! *= scale;
  }
  return channels;
}

interface WavStreamResult {
  format: { channels: number; bitDepth: number; float?: boolean; sampleRate: number; audioFormat: number };
  data: Buffer;
}

function wavStream(bytes: Uint8Array): Promise<WavStreamResult> {
  return new Promise((resolve, reject) => {
    const reader = new Reader();
    const parts: Buffer[] = [];
    let format: WavStreamResult['format'] | undefined;
    reader.on('format', (f: WavStreamResult['format']) => (format = f));
    reader.on('data', (b: Buffer) => parts.push(b));
    reader.on('error', reject);
    reader.on('end', () => (format ? resolve({ format, data: Buffer.concat(parts) }) : reject(new Error('no format event'))));
    Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]).pipe(reader);
  });
}

async function viaWav(bytes: Uint8Array): Promise<Float32Array[]> {
  const { format, data } = await wavStream(bytes);
  const nch = format.channels;
  const bps = format.bitDepth / 8;
  const frames = Math.floor(data.length / (nch * bps));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = Array.from({ length: nch }, () => new Float32Array(frames));
  const read = format.float ? (o: number) => dv.getFloat32(o, true) : (o: number) => dv.getInt16(o, true) / 32768;
  let o = 0;
  for (let f = 0; f < frames; f++) for (let c = 0; c < nch; c++, o += bps) out[c]![f] = read(o);
  return out;
}

// ---- speed ----

const fs = 48_000;
const seconds = 60;
console.log(`## Decode ${seconds} s of ${fs / 1000} kHz audio to float channels (median ms; ratio = package / ours)`);
for (const [encoding, nch] of [
  ['pcm16', 1],
  ['float32', 1],
  ['pcm16', 2],
] as Array<[WavEncoding, number]>) {
  const channels = Array.from({ length: nch }, (_, c) => whiteNoise(fs * seconds, 7 + c).map((x) => x * 0.25));
  const bytes = encodeWav({ sampleRate: fs, channels }, { encoding });
  const check = (got: Float32Array[]) => {
    const ours = decodeWav(bytes).channels;
    let maxDiff = 0;
    for (let c = 0; c < nch; c++) for (let i = 0; i < ours[c]!.length; i += 997) maxDiff = Math.max(maxDiff, Math.abs(ours[c]![i]! - got[c]![i]!));
    return maxDiff;
  };
  const diffs = [check(viaWavefile(bytes)), check(await viaWav(bytes))];
  const ours = await timeAsync(() => decodeWav(bytes), 15);
  const wf = await timeAsync(() => viaWavefile(bytes), 5); // seconds per call on float files
  const wv = await timeAsync(() => viaWav(bytes), 15);
  const r = (x: number) => `${(x / ours).toFixed(1)}×`;
  console.log(
    `${encoding} ${nch} ch (${(bytes.length / 1e6).toFixed(1)} MB): ours ${ours.toFixed(1)}  wavefile ${wf.toFixed(1)} (${r(wf)})  wav ${wv.toFixed(1)} (${r(wv)})  ` +
      `[same samples: max |Δ| ${diffs.map((d) => d.toExponential(1)).join(', ')}]`,
  );
}

console.log(`\n## Encode ${seconds} s of ${fs / 1000} kHz mono float samples to WAV bytes (median ms)`);
{
  const x = whiteNoise(fs * seconds, 11).map((v) => v * 0.25);
  for (const encoding of ['pcm16', 'float32'] as WavEncoding[]) {
    const ours = await timeAsync(() => encodeWav({ sampleRate: fs, channels: [x] }, { encoding }), 15);
    // wavefile takes samples in the target's own scale: integers for 16-bit, so the clamp and scale are ours to do first.
    const wf = await timeAsync(() => {
      const w = new wavefile.WaveFile();
      if (encoding === 'float32') w.fromScratch(1, fs, '32f', x);
      else
        w.fromScratch(
          1,
          fs,
          '16',
          Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768)))),
        );
      return w.toBuffer();
    }, 5);
    console.log(`${encoding}: ours ${ours.toFixed(1)}  wavefile ${wf.toFixed(1)} (${(wf / ours).toFixed(1)}×)`);
  }
}

// ---- strictness ----

/** A RIFF/WAVE file from chunks, with the RIFF size computed unless `riffSize` is given. */
function riff(chunks: Array<[string, Uint8Array, number?]>, riffSize?: number): Uint8Array {
  const parts: number[] = [];
  for (const [id, body, declared] of chunks) {
    const head = new Uint8Array(8);
    for (let i = 0; i < 4; i++) head[i] = id.charCodeAt(i);
    new DataView(head.buffer).setUint32(4, declared ?? body.length, true);
    parts.push(...head, ...body);
  }
  const out = new Uint8Array(12 + parts.length);
  out.set([0x52, 0x49, 0x46, 0x46], 0);
  new DataView(out.buffer).setUint32(4, riffSize ?? 4 + parts.length, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  out.set(parts, 12);
  return out;
}

function fmtChunk(tag: number, nch: number, bits: number, blockAlign = (nch * bits) / 8, extensibleSubFormat?: number): Uint8Array {
  const b = new Uint8Array(extensibleSubFormat === undefined ? 16 : 40);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, tag, true);
  dv.setUint16(2, nch, true);
  dv.setUint32(4, fs, true);
  dv.setUint32(8, fs * blockAlign, true);
  dv.setUint16(12, blockAlign, true);
  dv.setUint16(14, bits, true);
  if (extensibleSubFormat !== undefined) {
    dv.setUint16(16, 22, true);
    dv.setUint16(18, bits, true);
    dv.setUint32(20, 0, true);
    dv.setUint16(24, extensibleSubFormat, true);
    b.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return b;
}

const pcm16 = (n: number) => {
  const b = new Uint8Array(n * 2);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < n; i++) dv.setInt16(i * 2, Math.round(Math.sin(i / 5) * 8000), true);
  return b;
};
const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

const cases: Array<[string, Uint8Array]> = [
  [
    'well-formed 16-bit mono',
    riff([
      ['fmt ', fmtChunk(1, 1, 16)],
      ['data', pcm16(480)],
    ]),
  ],
  [
    'data chunk cut short (declares 960 bytes, 400 present)',
    riff([
      ['fmt ', fmtChunk(1, 1, 16)],
      ['data', pcm16(200), 960],
    ]),
  ],
  [
    'odd-sized LIST chunk written without its pad byte',
    riff([
      ['fmt ', fmtChunk(1, 1, 16)],
      ['LIST', new Uint8Array([0x49, 0x4e, 0x46])],
      ['data', pcm16(480)],
    ]),
  ],
  [
    'data chunk before the fmt chunk',
    riff([
      ['data', pcm16(480)],
      ['fmt ', fmtChunk(1, 1, 16)],
    ]),
  ],
  [
    'recording never finalised (data size 0xFFFFFFFF)',
    riff([
      ['fmt ', fmtChunk(1, 1, 16)],
      ['data', pcm16(480), 0xffffffff],
    ]),
  ],
  [
    'WAVE_FORMAT_EXTENSIBLE, 32-bit float, 3 channels',
    riff([
      ['fmt ', fmtChunk(0xfffe, 3, 32, 12, 3)],
      ['data', f32([0.5, -0.25, 0.125, 0.5, -0.25, 0.125])],
    ]),
  ],
  [
    'WAVE_FORMAT_EXTENSIBLE with a non-PCM SubFormat (0x0055, MP3)',
    riff([
      ['fmt ', fmtChunk(0xfffe, 1, 16, 2, 0x55)],
      ['data', pcm16(480)],
    ]),
  ],
  [
    'blockAlign 3 for 16-bit mono (needs 2)',
    riff([
      ['fmt ', fmtChunk(1, 1, 16, 3)],
      ['data', pcm16(480)],
    ]),
  ],
  [
    'data not whole frames (16-bit stereo, 1 odd byte)',
    riff([
      ['fmt ', fmtChunk(1, 2, 16)],
      ['data', pcm16(481).subarray(0, 961)],
    ]),
  ],
  [
    '32-bit float holding NaN and Inf',
    riff([
      ['fmt ', fmtChunk(3, 1, 32)],
      ['data', f32([0.5, NaN, Infinity, -0.5])],
    ]),
  ],
  ['an MP3 (ID3 tag) named .wav', new Uint8Array([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0x21, ...new Uint8Array(64)])],
  ['file ends inside the fmt chunk', riff([['fmt ', fmtChunk(1, 1, 16)]]).subarray(0, 28)],
];

const brief = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 90);
const summary = (chs: readonly Float32Array[]) =>
  `ok: ${chs.length} ch × ${chs[0]?.length ?? 0} frames, first samples ${[...(chs[0] ?? []).slice(0, 2)].map((x) => +x.toFixed(3)).join(', ')}`;

console.log('\n## Malformed files: what each reader does');
for (const [what, bytes] of cases) {
  console.log(`- ${what}`);
  try {
    const w = decodeWav(bytes, 'x.wav');
    console.log(`    ours:     ${summary(w.channels)}${w.warnings.length ? `; warns: ${brief(w.warnings.join(' | '))}` : ''}`);
  } catch (e) {
    console.log(`    ours:     ${(e as { code?: string }).code} ${brief(e)}`);
  }
  try {
    console.log(`    wavefile: ${summary(viaWavefile(bytes))}`);
  } catch (e) {
    console.log(`    wavefile: throws ${brief(e)}`);
  }
  try {
    const { format, data } = await wavStream(bytes);
    console.log(
      `    wav:      ok: format tag ${format.audioFormat}, ${format.channels} ch, ${format.bitDepth} bit, ${data.length} data bytes handed over (samples not decoded)`,
    );
  } catch (e) {
    console.log(`    wav:      error ${brief(e)}`);
  }
}

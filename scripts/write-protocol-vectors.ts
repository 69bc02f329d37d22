/**
 * Writes the golden vectors of protocol v1 into fixtures/protocol/: one canonical file per
 * message type and per audio-frame variant, plus invalid inputs with the error code each
 * must produce (invalid/index.json). The TypeScript and Swift tests decode and re-encode
 * them byte for byte. Run: npx tsx scripts/write-protocol-vectors.ts
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeAudioFrame } from '../src/protocol/audio-frame.js';
import { encodeMessage } from '../src/protocol/codec.js';
import type { AnyMessage, DeviceConfig } from '../src/protocol/messages.js';

const dir = fileURLToPath(new URL('../fixtures/protocol/', import.meta.url));
mkdirSync(`${dir}invalid`, { recursive: true });

const config: DeviceConfig = {
  category: 'playAndRecord',
  mode: 'voiceChat',
  options: ['defaultToSpeaker', 'allowBluetooth'],
  route: 'speaker',
  engine: 'avaudioengine',
  initOrder: 'correct',
  renderMode: 'realtime',
  teardownOrder: 'correct',
  activation: 'app',
  ioBufferMs: 10,
  sampleRate: 48000,
  volume: 0.8,
  voiceProcessing: { enabled: true, agc: false, ducking: 'default' },
  gate: { kind: 'rms2', ms: 800, thresholdDbfs: -35 },
  simulation: { room: 'quiet-room', deviceProfile: 'iphone16-ios18', seed: 42, rirAudioId: null },
};

const messages: Record<string, AnyMessage> = {
  hello: { type: 'hello', id: 1, version: 1, token: 'r7Kq2f9XbT4mWc8ZpL3s', client: { name: 'voiceaec', version: '0.1.0' } },
  ready: {
    type: 'ready',
    id: 1,
    version: 1,
    device: { model: 'iPhone16,2', osVersion: '18.1', appVersion: '0.1.0', name: 'lab-iphone-03', simulated: false },
    capabilities: {
      routes: ['speaker', 'receiver', 'wired', 'bluetoothHFP', 'bluetoothA2DP'],
      modes: ['voiceChat', 'videoChat', 'default', 'measurement', 'spokenAudio'],
      engines: ['avaudioengine', 'audiounit'],
      gates: ['none', 'hard', 'rms2'],
      groundTruth: false,
      maxFrameBytes: 1048576,
    },
  },
  'ready-loopback': {
    type: 'ready',
    id: 1,
    version: 1,
    device: {
      model: 'LoopbackEngine',
      osVersion: 'Linux 6.1',
      appVersion: '0.1.0',
      name: 'voiceaec-harness LoopbackEngine (test double)',
      simulated: true,
      class: 'loopback',
    },
    capabilities: {
      routes: ['speaker'],
      modes: ['voiceChat'],
      engines: ['avaudioengine'],
      gates: ['none', 'hard', 'rms2'],
      groundTruth: false,
      maxFrameBytes: 1048576,
    },
  },
  configure: { type: 'configure', id: 2, version: 1, config },
  configured: {
    type: 'configured',
    id: 2,
    version: 1,
    inReplyTo: 2,
    ok: true,
    requested: config,
    effective: {
      route: 'speaker',
      mode: 'voiceChat',
      engine: 'avaudioengine',
      renderMode: 'realtime',
      sampleRate: 48000,
      ioBufferMs: 10.666666666666666,
      outputLatencyMs: 12.5,
      inputLatencyMs: 4.25,
      voiceProcessingEnabled: true,
      gate: { kind: 'rms2', ms: 800, thresholdDbfs: -35 },
      volume: 0.8,
    },
    errors: [],
  },
  'configured-error': {
    type: 'configured',
    id: 3,
    version: 1,
    inReplyTo: 4,
    ok: false,
    requested: { ...config, renderMode: 'manual' },
    effective: null,
    errors: [{ code: 'E_VP_UNAVAILABLE_MANUAL_RENDERING', message: 'voice processing is not available in manual rendering mode on AVAudioEngine' }],
  },
  loadAudio: { type: 'loadAudio', id: 3, version: 1, audioId: 'slt-question-01', streamId: 7, sampleRate: 48000, frames: 96000 },
  audioLoaded: { type: 'audioLoaded', id: 4, version: 1, inReplyTo: 3, audioId: 'slt-question-01', frames: 96000 },
  trial: {
    type: 'trial',
    id: 4,
    version: 1,
    trialId: 'speaker-voiceChat.t001',
    streamId: 8,
    audioId: 'slt-question-01',
    schedule: [
      { atMs: 0, startFrame: 0, frameCount: 9600 },
      { atMs: 120, startFrame: 9600, frameCount: 9600 },
      { atMs: 1900.5, startFrame: 19200, frameCount: 76800 },
    ],
    preRollMs: 500,
    postRollMs: 2000,
    bypassVoiceProcessing: false,
    nearEnd: { audioId: 'user-hello', atMs: 2400, levelDbfs: -30 },
    groundTruth: true,
  },
  event: { type: 'event', id: 9, version: 1, trialId: 'speaker-voiceChat.t001', name: 'bufferDrained', hostTimeNs: '184467440737095516', data: { chunk: 2 } },
  'event-route': {
    type: 'event',
    id: 10,
    version: 1,
    trialId: null,
    name: 'routeChanged',
    hostTimeNs: '9007199254740993',
    data: { from: 'speaker', reason: 'newDeviceAvailable', to: 'bluetoothHFP' },
  },
  trialDone: {
    type: 'trialDone',
    id: 11,
    version: 1,
    inReplyTo: 4,
    trialId: 'speaker-voiceChat.t001',
    ok: true,
    error: null,
    frames: { play: 264000, mic: 264000, gated: 264000 },
  },
  teardown: { type: 'teardown', id: 5, version: 1 },
  teardownDone: { type: 'teardownDone', id: 12, version: 1, inReplyTo: 5, ok: true, errors: [] },
  error: { type: 'error', id: 13, version: 1, inReplyTo: null, code: 'E_PROTO_TOKEN', message: 'wrong run token', fatal: true },
};
for (const [name, msg] of Object.entries(messages)) writeFileSync(`${dir}${name}.json`, encodeMessage(msg));

// Audio: short ramps so every byte of the payload is meaningful.
const ramp = (n: number, scale: number) => Float32Array.from({ length: n }, (_, i) => ((((i * 37) % 200) - 100) / 100) * scale);
const frames = {
  'audio-mic-f32': encodeAudioFrame({
    kind: 'mic',
    format: 'f32',
    channels: 1,
    streamId: 8,
    sequence: 0,
    hostTimeNs: 184467440737095516n,
    sampleRate: 48000,
    samples: ramp(480, 0.5),
  }),
  'audio-play-s16-stereo': encodeAudioFrame({
    kind: 'play',
    format: 's16',
    channels: 2,
    streamId: 8,
    sequence: 41,
    hostTimeNs: 1234567890123n,
    sampleRate: 16000,
    samples: ramp(320, 0.25),
  }),
  'audio-fixture-f32': encodeAudioFrame({
    kind: 'fixture',
    format: 'f32',
    channels: 1,
    streamId: 7,
    sequence: 3,
    hostTimeNs: 0n,
    sampleRate: 48000,
    samples: ramp(64, 0.9),
  }),
};
for (const [name, bytes] of Object.entries(frames)) writeFileSync(`${dir}${name}.bin`, bytes);

// Invalid inputs and the error code each must produce.
const good = frames['audio-mic-f32'];
const withByte = (offset: number, value: number) => {
  const b = Uint8Array.from(good);
  b[offset] = value;
  return b;
};
const invalid: Array<{ file: string; code: string; bytes: Uint8Array | string }> = [
  { file: 'not-json.json', code: 'E_PROTO_MALFORMED', bytes: '{"type":"hello",' },
  { file: 'no-type.json', code: 'E_PROTO_MALFORMED', bytes: '{"id":1,"version":1}' },
  { file: 'unknown-type.json', code: 'E_PROTO_UNKNOWN_TYPE', bytes: '{"id":1,"type":"selfDestruct","version":1}' },
  { file: 'wrong-version.json', code: 'E_PROTO_VERSION', bytes: encodeMessage(messages.teardown!).replace('"version":1', '"version":2') },
  { file: 'unknown-field.json', code: 'E_PROTO_FIELD', bytes: encodeMessage(messages.teardown!).replace('{', '{"extra":true,') },
  { file: 'bad-trial-id.json', code: 'E_PROTO_FIELD', bytes: encodeMessage(messages.trial!).replace('speaker-voiceChat.t001', '../../etc/passwd') },
  { file: 'host-time-number.json', code: 'E_PROTO_FIELD', bytes: encodeMessage(messages.event!).replace('"184467440737095516"', '184467440737095516') },
  { file: 'bad-magic.bin', code: 'E_PROTO_AUDIO_HEADER', bytes: withByte(0, 0x58) },
  { file: 'bad-kind.bin', code: 'E_PROTO_AUDIO_HEADER', bytes: withByte(5, 9) },
  { file: 'truncated.bin', code: 'E_PROTO_AUDIO_HEADER', bytes: good.subarray(0, good.length - 3) },
  { file: 'short-header.bin', code: 'E_PROTO_AUDIO_HEADER', bytes: good.subarray(0, 20) },
  { file: 'zero-channels.bin', code: 'E_PROTO_AUDIO_HEADER', bytes: withByte(7, 0) },
  {
    file: 'nan-sample.bin',
    code: 'E_PROTO_AUDIO_PCM',
    bytes: (() => {
      const b = Uint8Array.from(good);
      new DataView(b.buffer).setFloat32(32, NaN, true);
      return b;
    })(),
  },
];
for (const v of invalid) writeFileSync(`${dir}invalid/${v.file}`, v.bytes);
writeFileSync(`${dir}invalid/index.json`, JSON.stringify(Object.fromEntries(invalid.map((v) => [v.file, v.code])), null, 2) + '\n');
console.log(`wrote ${Object.keys(messages).length} messages, ${Object.keys(frames).length} frames, ${invalid.length} invalid vectors to ${dir}`);

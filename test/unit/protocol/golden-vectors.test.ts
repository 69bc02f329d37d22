/**
 * The golden vectors of fixtures/protocol/ (shared with the Swift harness tests): every
 * valid message and frame decodes and re-encodes byte for byte; every invalid one fails
 * with the code index.json names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeAudioFrame, encodeAudioFrame } from '../../../src/protocol/audio-frame.js';
import { decodeMessage, encodeMessage } from '../../../src/protocol/codec.js';
import { isVoiceAecError } from '../../../src/core/errors.js';

const dir = fileURLToPath(new URL('../../../fixtures/protocol/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.json') || f.endsWith('.bin'));
const invalidIndex = JSON.parse(readFileSync(`${dir}invalid/index.json`, 'utf8')) as Record<string, string>;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isVoiceAecError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('protocol golden vectors', () => {
  it('covers every message type and both sample formats', () => {
    const types = new Set(files.filter((f) => f.endsWith('.json')).map((f) => (JSON.parse(readFileSync(dir + f, 'utf8')) as { type: string }).type));
    expect([...types].sort()).toEqual([
      'audioLoaded',
      'configure',
      'configured',
      'error',
      'event',
      'hello',
      'loadAudio',
      'ready',
      'teardown',
      'teardownDone',
      'trial',
      'trialDone',
    ]);
    expect(files.filter((f) => f.endsWith('.bin')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(files.filter((f) => f.endsWith('.json')))('%s re-encodes byte for byte', (f) => {
    const text = readFileSync(dir + f, 'utf8');
    expect(encodeMessage(decodeMessage(text))).toBe(text);
  });

  it.each(files.filter((f) => f.endsWith('.bin')))('%s re-encodes byte for byte', (f) => {
    const bytes = new Uint8Array(readFileSync(dir + f));
    const frame = decodeAudioFrame(bytes);
    expect(frame.samples.length).toBe(frame.frameCount * frame.channels);
    expect(Buffer.from(encodeAudioFrame(frame)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads the header fields at their documented offsets', () => {
    const f = decodeAudioFrame(new Uint8Array(readFileSync(`${dir}audio-play-s16-stereo.bin`)));
    expect(f).toMatchObject({
      kind: 'play',
      format: 's16',
      channels: 2,
      streamId: 8,
      sequence: 41,
      hostTimeNs: 1234567890123n,
      sampleRate: 16000,
      frameCount: 160,
    });
  });

  it.each(Object.entries(invalidIndex))('invalid/%s fails with %s', (file, code) => {
    const bytes = readFileSync(`${dir}invalid/${file}`);
    const got = file.endsWith('.bin') ? codeOf(() => decodeAudioFrame(new Uint8Array(bytes))) : codeOf(() => decodeMessage(bytes.toString('utf8')));
    expect(got).toBe(code);
  });

  it('rejects a message sent by the wrong role', () => {
    expect(codeOf(() => decodeMessage(readFileSync(`${dir}hello.json`, 'utf8'), 'device'))).toBe('E_PROTO_UNEXPECTED');
    expect(codeOf(() => decodeMessage(readFileSync(`${dir}ready.json`, 'utf8'), 'cli'))).toBe('E_PROTO_UNEXPECTED');
  });
});

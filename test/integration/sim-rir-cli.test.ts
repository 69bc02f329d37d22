import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav } from '../../src/io/wav.js';
import { roomResponse } from '../../src/sim/room.js';
import { ROOM_PRESETS } from '../../src/sim/room-presets.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'voiceaec-sim-rir-'));

describe('voiceaec sim rir', () => {
  it('writes exactly the response the virtual iPhone uses, and reports its T20 beside the targets', async () => {
    const out = join(dir, 'office.wav');
    const r = await runCli(['sim', 'rir', '--room', 'office', '--rate', '16000', '--seed', '4', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/simulated office echo response, 16000 Hz/);
    expect(r.stdout).toMatch(/1000 Hz 0\.\d\d \(target 0\.50\)/);
    const wav = decodeWav(new Uint8Array(readFileSync(out)));
    expect(wav.sampleRate).toBe(16_000);
    expect(wav.channels[0]).toEqual(roomResponse(ROOM_PRESETS.office!, 16_000, 4, { kind: 'echo', sourceDistanceM: 0.1 }));
  });

  it('the talker path includes the direct sound', async () => {
    const out = join(dir, 'talker.wav');
    expect((await runCli(['sim', 'rir', '--room', 'car', '--path', 'talker', '--out', out])).code).toBe(0);
    const h = decodeWav(new Uint8Array(readFileSync(out))).channels[0]!;
    expect(h).toEqual(roomResponse(ROOM_PRESETS.car!, 48_000, 1, { kind: 'talker' }));
  });

  it('an unknown room or a bad option is a usage error on one line', async () => {
    const bad = await runCli(['sim', 'rir', '--room', 'attic', '--out', join(dir, 'x.wav')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^E_SIM_ROOM: .*quiet-room/);
    expect((await runCli(['sim', 'rir', '--room', 'office', '--rate', 'fast', '--out', join(dir, 'x.wav')])).code).toBe(2);
  });
});

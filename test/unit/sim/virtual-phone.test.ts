import { describe, expect, it } from 'vitest';
import { bandLimit } from '../../../src/dsp/band-filter.js';
import { documentedEchoDelayMs, grantedIoBufferMs } from '../../../src/sim/audio-session.js';
import { DEVICE_PROFILES } from '../../../src/sim/device-profiles.js';
import { SimCrash, VirtualPhone } from '../../../src/sim/virtual-phone.js';
import { pseudoSpeech } from '../../helpers/synth.js';
import { analyse, FS, simConfig, speechTrial } from '../../helpers/virtual-phone.js';

const phone = (profile = 'iphone15-ios17', seed = 1) => new VirtualPhone({ profile, seed });
const rmsDb = (x: Float32Array, a = 0, b = x.length) => {
  let e = 0;
  for (let i = a; i < b; i++) e += x[i]! ** 2;
  return 10 * Math.log10(e / (b - a));
};

describe('VirtualPhone: identity and configuration', () => {
  it('reports a simulated device and everything the protocol can ask for', () => {
    const p = phone('iphone16-ios18');
    expect(p.info).toMatchObject({ model: 'iPhone17,3', osVersion: '18.3', simulated: true });
    expect(p.capabilities()).toEqual({
      routes: ['speaker', 'receiver', 'wired', 'bluetoothHFP', 'bluetoothA2DP'],
      modes: ['voiceChat', 'videoChat', 'default', 'measurement', 'spokenAudio'],
      engines: ['avaudioengine', 'audiounit'],
      gates: ['none', 'hard', 'rms2'],
      groundTruth: true,
    });
    expect(() => phone('pixel-9')).toThrow(/no device profile/);
  });

  it("reports effective latencies: the profile's plus the IO buffer iOS grants (power-of-two frames)", () => {
    const r = phone().configure(simConfig({ ioBufferMs: 5 }));
    expect(r.ok).toBe(true);
    const io = grantedIoBufferMs(5, FS);
    expect(io).toBeCloseTo((256 / FS) * 1000, 9);
    const route = DEVICE_PROFILES['iphone15-ios17']!.routes.speaker;
    expect(r.effective).toMatchObject({ route: 'speaker', ioBufferMs: 5.333, voiceProcessingEnabled: true });
    expect(r.effective!.outputLatencyMs).toBeCloseTo(route.outputLatencyMs + io, 3);
    expect(r.effective!.inputLatencyMs).toBeCloseTo(route.inputLatencyMs + io, 3);
  });

  it.each([
    ['bluetoothA2DP without allowBluetoothA2DP falls back to the receiver', { route: 'bluetoothA2DP' as const, options: [] }, 'receiver'],
    ['…or to the speaker with defaultToSpeaker', { route: 'bluetoothA2DP' as const, options: ['defaultToSpeaker' as const] }, 'speaker'],
    ['bluetoothHFP is implied by voiceChat', { route: 'bluetoothHFP' as const, options: [] }, 'bluetoothHFP'],
    ['bluetoothHFP in default mode needs allowBluetooth', { route: 'bluetoothHFP' as const, options: [], mode: 'default' as const }, 'receiver'],
    [
      'the receiver is out of reach in videoChat (it implies defaultToSpeaker)',
      { route: 'receiver' as const, options: [], mode: 'videoChat' as const },
      'speaker',
    ],
    ['wired headphones are always plugged in the virtual lab', { route: 'wired' as const, options: [] }, 'wired'],
  ])('route: %s', (_name, over, effective) => {
    const p = phone();
    const r = p.configure(simConfig(over));
    expect(r.effective!.route).toBe(effective);
    const { result } = speechTrial(p, { speechSeed: 1, speechS: 0.5 });
    const changed = result.events.find((e) => e.name === 'routeChanged');
    if (effective === over.route) expect(changed).toBeUndefined();
    else expect(changed!.data).toEqual({ requested: over.route, route: effective });
  });

  it('manual rendering rules out voice processing on AVAudioEngine, not on the raw VPIO unit', () => {
    const refused = phone().configure(simConfig({ renderMode: 'manual' }));
    expect(refused).toEqual({ ok: false, effective: null, errors: [expect.objectContaining({ code: 'E_VP_UNAVAILABLE_MANUAL_RENDERING' })] });
    // Twilio's pattern (AVAudioEngine in manual mode inside a VPIO unit's callbacks) cancels like the correct engine.
    const mic = (over: Parameters<typeof simConfig>[0]) => {
      const p = phone();
      expect(p.configure(simConfig(over)).ok).toBe(true);
      return speechTrial(p, { speechSeed: 2 }).result.streams.mic;
    };
    expect(mic({ renderMode: 'manual', engine: 'audiounit' })).toEqual(mic({}));
  });

  it('refuses unknown rooms, another device profile and unloaded measured RIRs', () => {
    expect(phone().configure(simConfig({ room: 'cathedral' })).errors[0]!.code).toBe('E_SIM_UNKNOWN_ROOM');
    expect(phone().configure(simConfig({ profile: 'iphone16-ios18' })).errors[0]!.code).toBe('E_SIM_PROFILE_MISMATCH');
    expect(phone().configure(simConfig({ rirAudioId: 'lab-rir' })).errors[0]!.code).toBe('E_SIM_RIR_NOT_LOADED');
  });

  it('a trial needs a configuration and loaded audio', () => {
    const p = phone();
    const r = speechTrial(p, { speechSeed: 1 }).result;
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('E_NOT_CONFIGURED');
    p.configure(simConfig());
    const t = speechTrial(p, { speechSeed: 1 }).trial;
    expect(p.runTrial({ ...t, audioId: 'never-loaded' }).error!.code).toBe('E_AUDIO_UNKNOWN');
    expect(p.runTrial({ ...t, schedule: [{ atMs: 0, startFrame: 0, frameCount: 10 ** 7 }] }).error!.code).toBe('E_SCHEDULE_RANGE');
  });
});

describe('VirtualPhone: trials', () => {
  it('streams are equal-length, play is the schedule on the trial timeline, events follow it', () => {
    const p = phone();
    p.configure(simConfig({ gate: { kind: 'hard', ms: 300, thresholdDbfs: -50 } }));
    const speech = pseudoSpeech(1, FS, 4);
    p.loadAudio('tts', FS, speech);
    const half = Math.floor(speech.length / 2);
    const late = (half / FS) * 1000 + 200; // the second half arrives 200 ms after the first has drained
    const r = p.runTrial({
      type: 'trial',
      id: 1,
      version: 1,
      trialId: 'x',
      streamId: 1,
      audioId: 'tts',
      preRollMs: 400,
      postRollMs: 1000,
      bypassVoiceProcessing: false,
      nearEnd: null,
      groundTruth: true,
      schedule: [
        { atMs: 0, startFrame: 0, frameCount: half },
        { atMs: late, startFrame: half, frameCount: speech.length - half },
      ],
    });
    const pre = 0.4 * FS;
    const resume = pre + Math.round((late * FS) / 1000);
    const end = resume + speech.length - half;
    const { play, mic, gated, echoTruth, nearTruth } = r.streams;
    for (const s of [mic, gated!, echoTruth!, nearTruth!]) expect(s.length).toBe(play.length);
    expect(play.length).toBe(end + FS);
    expect(Array.from(play.subarray(pre, pre + half))).toEqual(Array.from(speech.subarray(0, half)));
    expect(play.subarray(pre + half, resume).every((v) => v === 0)).toBe(true);
    expect(Array.from(play.subarray(resume, end))).toEqual(Array.from(speech.subarray(half)));

    const ms = (s: number) => (s * 1000) / FS;
    expect(r.events.map((e) => [e.name, e.tMs])).toEqual([
      ['micStarted', 0],
      ['engineStarted', 0],
      ['playbackStarted', 400],
      ['chunkAppended', 400],
      ['bufferDrained', ms(pre + half)],
      ['gateArmed', ms(pre + half)],
      ['chunkAppended', ms(resume)],
      ['gateDisarmed', ms(resume)],
      ['bufferDrained', ms(end)],
      ['gateArmed', ms(end)],
    ]);
    // The hard gate mutes from each drain for 300 ms, or until the next chunk.
    expect(gated!.subarray(pre + half, resume).every((v) => v === 0)).toBe(true);
    expect(gated!.subarray(end, end + 0.3 * FS).every((v) => v === 0)).toBe(true);
    expect(Array.from(gated!.subarray(end + 0.3 * FS))).toEqual(Array.from(mic.subarray(end + 0.3 * FS)));
    // engineStarted only on the first trial after configure.
    expect(speechTrial(p, { speechSeed: 5, speechS: 0.5 }).result.events.some((e) => e.name === 'engineStarted')).toBe(false);
  });

  it('is bit-identical for the same profile, seed and calls, and differs for another seed', () => {
    const run = (seed: number) => {
      const p = phone('iphone15-ios17', seed);
      p.configure(simConfig());
      return [1, 2].map((s) => speechTrial(p, { speechSeed: s, speechS: 1.5, groundTruth: true }).result.streams);
    };
    const [a, b, c] = [run(9), run(9), run(10)];
    expect(b).toEqual(a);
    expect(c[1]!.mic).not.toEqual(a[1]!.mic);
    expect(c[1]!.play).toEqual(a[1]!.play);
  });

  it("ground truth: mic = echoTruth + nearTruth + noise, the near end at its level, the floor at the preset's", () => {
    const p = phone();
    p.configure(simConfig());
    const near = pseudoSpeech(1.5, FS, 77);
    p.loadAudio('user', FS, near);
    const nearEnd = { audioId: 'user', atMs: 1000, levelDbfs: -30 };
    // Bypassed: the raw near end as it reaches the mic has the level asked for.
    const raw = speechTrial(p, { speechSeed: 6, bypass: true, groundTruth: true, nearEnd }).result;
    const inLat = p.configure(simConfig()).effective!.inputLatencyMs;
    const at = Math.round(((500 + 1000 + inLat) * FS) / 1000);
    expect(Math.abs(rmsDb(raw.streams.nearTruth!, at, at + near.length) - -30)).toBeLessThan(0.5);
    // Processed: what is neither echo nor near end is the noise floor (room, self-noise, comfort noise).
    const { result, trial } = speechTrial(p, { speechSeed: 7, groundTruth: true, nearEnd });
    const { mic, echoTruth, nearTruth } = result.streams;
    const rest = new Float32Array(mic.length);
    for (let i = 0; i < mic.length; i++) rest[i] = mic[i]! - echoTruth![i]! - nearTruth![i]!;
    const band = (x: Float32Array) => bandLimit(x, FS, [300, 6700]);
    const floor = analyse(result, trial).levels.noiseFloorDbfs;
    expect(Math.abs(floor - -70)).toBeLessThan(1); // quiet-room preset, plus −85 dBFS self-noise
    expect(Math.abs(rmsDb(band(rest), 0.5 * FS) - floor)).toBeLessThan(1);
    // Double talk: the near end survives the suppressor (the Wiener gain lets it through).
    expect(rmsDb(nearTruth!, at, at + near.length)).toBeGreaterThan(-36);
  });

  it("reads schedule frames in the fixture's own rate and plays it at the configured rate", () => {
    const p = phone();
    p.configure(simConfig());
    const at24 = pseudoSpeech(1, 24_000, 8);
    p.loadAudio('tts24', 24_000, at24);
    const r = p.runTrial({
      type: 'trial',
      id: 1,
      version: 1,
      trialId: 'x',
      streamId: 1,
      audioId: 'tts24',
      preRollMs: 100,
      postRollMs: 100,
      bypassVoiceProcessing: true,
      nearEnd: null,
      groundTruth: false,
      schedule: [{ atMs: 0, startFrame: 0, frameCount: at24.length }],
    });
    expect(r.events.find((e) => e.name === 'bufferDrained')!.tMs).toBeCloseTo(100 + (at24.length / 24_000) * 1000, 1);
    const at48 = pseudoSpeech(1, FS, 8); // the same syllables rendered at 48 kHz
    const played = r.streams.play.subarray(0.1 * FS, 0.1 * FS + at48.length);
    expect(Math.abs(rmsDb(played) - rmsDb(at48))).toBeLessThan(0.5);
  });

  it('a measured RIR replaces the room: its peak lands at the documented echo delay', () => {
    const p = phone();
    const rir = new Float32Array(4800);
    rir[300] = 0.5; // a single reflection-free arrival
    rir[1300] = -0.05;
    p.loadAudio('lab-rir', FS, rir);
    expect(p.configure(simConfig({ rirAudioId: 'lab-rir' })).ok).toBe(true);
    const { result, trial } = speechTrial(p, { speechSeed: 9, bypass: true });
    const a = analyse(result, trial);
    const io = grantedIoBufferMs(10, FS);
    expect(Math.abs(a.delay.ms! - documentedEchoDelayMs(DEVICE_PROFILES['iphone15-ios17']!, 'speaker', io))).toBeLessThan(0.1);
  });
});

describe('VirtualPhone: failure modes', () => {
  it('CallKit plus the app activating the session: an error, the route stuck on the receiver, a dead mic', () => {
    const p = phone();
    const c = p.configure(simConfig({ activation: 'callkitAppActivates' }));
    expect(c.ok).toBe(true);
    expect(c.errors[0]!.code).toBe('E_SESSION_ACTIVATION');
    expect(c.effective!.route).toBe('receiver');
    const { result, trial } = speechTrial(p, { speechSeed: 3 });
    expect(result.events.filter((e) => e.name === 'error').map((e) => e.data.code)).toEqual(['E_SESSION_ACTIVATION']);
    expect(result.streams.mic.every((v) => v === 0)).toBe(true);
    const a = analyse(result, trial);
    expect(a.flags.deadMic.flag).toBe(true);
    expect(a.gates.every((g) => g.leak === null)).toBe(true);
  });

  it('disabling voice processing on a running engine crashes the app on iOS 18 …', () => {
    const p = phone('iphone16-ios18');
    p.configure(simConfig({ profile: 'iphone16-ios18', teardownOrder: 'disableVpWhileRunning' }));
    expect(() => p.teardown()).toThrow(SimCrash);
    expect(() => p.configure(simConfig({ profile: 'iphone16-ios18' }))).toThrow(SimCrash);
  });

  it('… and is an error the app survives on iOS 17; the correct order tears down cleanly', () => {
    const p = phone('iphone15-ios17');
    p.configure(simConfig({ teardownOrder: 'disableVpWhileRunning' }));
    expect(p.teardown()).toEqual({ ok: true, errors: [expect.objectContaining({ code: 'E_VP_DISABLE_WHILE_RUNNING' })] });
    const q = phone('iphone16-ios18');
    q.configure(simConfig({ profile: 'iphone16-ios18' }));
    expect(q.teardown()).toEqual({ ok: true, errors: [] });
    expect(speechTrial(q, { speechSeed: 1 }).result.error!.code).toBe('E_NOT_CONFIGURED');
  });

  it('output level: voiceChat without voice processing is 10 dB quieter, default mode 6 dB louder', () => {
    const echoLevel = (over: Parameters<typeof simConfig>[0]) => {
      const p = phone();
      p.configure(simConfig(over));
      const { result, trial } = speechTrial(p, { speechSeed: 4, bypass: true });
      return analyse(result, trial).levels.micDuringPlaybackDbfs!;
    };
    // At 40 % volume the loudspeaker stays linear, so level differences are the mode's alone.
    const chat = echoLevel({ volume: 0.4 });
    expect(echoLevel({ volume: 0.4, voiceProcessing: { enabled: false, agc: false, ducking: 'default' } }) - chat).toBeCloseTo(-10, 0);
    expect(echoLevel({ volume: 0.4, mode: 'default' }) - chat).toBeCloseTo(6, 0);
  });
});

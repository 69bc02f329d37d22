/**
 * Room presets of the virtual iPhone: shoebox geometry, target reverberation time per
 * octave band, where the phone and the talker are, and the room's noise at the phone's
 * mic. Every number is a model choice typical of its room type, not a measurement; the
 * reasoning is in docs/virtual-iphone.md §Rooms.
 */
import type { NoiseComponent } from './coloured-noise.js';

export type Vec3 = readonly [number, number, number];

export interface RoomPreset {
  id: string;
  description: string;
  /** Inner dimensions (x, y, z), m. */
  dimsM: Vec3;
  /** The phone's microphone. */
  micM: Vec3;
  /** The near-end talker's mouth, relative to the mic, m. */
  talkerOffsetM: Vec3;
  /** Target reverberation time (T60, s) per octave band of OCTAVE_CENTRES_HZ (125 Hz … 4 kHz). */
  rt60S: readonly number[];
  /** Image sources model the response up to this time; a decaying-noise tail follows. */
  earlyMs: number;
  /** Room noise at the phone's mic, before the mic's own self-noise is added. */
  noise: NoiseComponent;
}

export const ROOM_PRESETS: Readonly<Record<string, RoomPreset>> = {
  'quiet-room': {
    id: 'quiet-room',
    description: 'bedroom or study, furnished, door closed: floor ≈ −70 dBFS, pink, T60 ≈ 0.7 s',
    dimsM: [4.2, 3.6, 2.5],
    micM: [2.4, 1.5, 0.76],
    talkerOffsetM: [-0.35, -0.45, 0.4],
    rt60S: [0.8, 0.75, 0.7, 0.65, 0.6, 0.55],
    earlyMs: 30,
    noise: { bandDbfs: -70, slopeDbPerOctave: -3 },
  },
  office: {
    id: 'office',
    description: 'open-plan office with ventilation and distant chatter: floor ≈ −55 dBFS, pink, T60 ≈ 0.5 s',
    dimsM: [7.0, 6.0, 2.8],
    micM: [3.2, 2.6, 0.75],
    talkerOffsetM: [-0.4, -0.5, 0.45],
    rt60S: [0.6, 0.55, 0.5, 0.5, 0.45, 0.4],
    earlyMs: 40,
    noise: { bandDbfs: -55, slopeDbPerOctave: -3 },
  },
  'reflective-room': {
    id: 'reflective-room',
    description: 'tiled bathroom or bare kitchen: floor ≈ −68 dBFS (extractor hiss), T60 ≈ 1.2 s',
    dimsM: [3.0, 2.4, 2.5],
    micM: [1.3, 0.9, 0.95],
    talkerOffsetM: [0.3, -0.35, 0.45],
    rt60S: [1.3, 1.25, 1.2, 1.15, 1.05, 0.9],
    earlyMs: 30,
    noise: { bandDbfs: -68, slopeDbPerOctave: -1 },
  },
  car: {
    id: 'car',
    description: 'car cabin at ≈ 80 km/h, phone on the dashboard mount: floor ≈ −52 dBFS, brown (road and engine), T60 ≈ 0.11 s',
    dimsM: [2.2, 1.5, 1.15],
    micM: [0.5, 0.45, 0.8],
    talkerOffsetM: [0.45, 0.3, 0.1],
    rt60S: [0.2, 0.15, 0.12, 0.11, 0.1, 0.09],
    earlyMs: 5,
    noise: { bandDbfs: -52, slopeDbPerOctave: -6 },
  },
};

export function roomPreset(id: string): RoomPreset | null {
  return Object.hasOwn(ROOM_PRESETS, id) ? ROOM_PRESETS[id]! : null;
}

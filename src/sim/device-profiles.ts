/**
 * Device profiles of the virtual iPhone: per route, the latencies, the loudspeaker-to-mic
 * coupling and the loudspeaker; per device, the mic's self-noise and the voice-processing
 * model's parameters. Apple publishes none of these: the numbers are model choices inside
 * ranges justified, with their sources, in docs/virtual-iphone.md
 * §Device profiles.
 */
import type { z } from 'zod';
import {
  type Engine as EngineSchema,
  type GateKind as GateKindSchema,
  Route as RouteSchema,
  type SessionMode as SessionModeSchema,
} from '../protocol/messages.js';

export type Route = z.infer<typeof RouteSchema>;
export type SessionMode = z.infer<typeof SessionModeSchema>;
export type Engine = z.infer<typeof EngineSchema>;
export type GateKind = z.infer<typeof GateKindSchema>;

/** Every route of the protocol: each profile models them all (`routes` below). */
export const ROUTES: readonly Route[] = RouteSchema.options;

export interface RouteAcoustics {
  /** Output latency without the IO buffer (what AVAudioSession.outputLatency reports), ms. */
  outputLatencyMs: number;
  /** Input latency without the IO buffer, ms. */
  inputLatencyMs: number;
  /** Loudspeaker-to-mic distance of the direct sound, m (speed of sound 343 m/s). */
  directPathM: number;
  /** Gain of the direct sound from the digital output at full volume to the mic, dB. */
  couplingDb: number;
  /**
   * The room's response relative to a point source whose direct sound has that gain, dB.
   * Positive: the mic hears the phone's own loudspeaker less directly than the room (the
   * model's stand-in for voice processing's mic array favouring the talker); negative:
   * headphones keep most of the sound at the ear.
   */
  roomDb: number;
  /** Loudspeaker pass band (−3 dB points of a 2nd-order high-pass and 4th-order low-pass), Hz. */
  bandHz: readonly [number, number];
  /** Drive level (digital, after volume) where the driver's soft clipping compresses by 3 dB; Infinity: linear. */
  clipLevel: number;
}

export interface CancellerParams {
  /** Length of the adaptive filter, ms: echo arriving later than this after the bulk delay is not cancelled. */
  filterMs: number;
  /** Block (frame) length, ms. */
  blockMs: number;
  /** The reference is aligned this much earlier than the reported latency, ms. */
  delayHeadroomMs: number;
}

export interface SuppressorParams {
  /** Attenuation while the reference is active, dB. */
  maxAttenuationDb: number;
  /** Attenuation is held this long after the reference goes quiet, ms. */
  holdMs: number;
  /** Then it releases at this rate, dB/s. */
  releaseDbPerS: number;
  /** Residual echo estimate is multiplied by this before the gain is computed (over-subtraction). */
  overSubtraction: number;
  /** Decay the residual echo estimate assumes for the room, T60 in s. */
  assumedT60S: number;
  /** Aligned reference frames quieter than this (dBFS) count as inactive. */
  activityDbfs: number;
}

export interface DeviceProfile {
  id: string;
  model: string;
  osVersion: string;
  appVersion: string;
  name: string;
  routes: Readonly<Record<Route, RouteAcoustics>>;
  /** Mic self-noise (white) in the analysis band, dBFS. */
  micSelfNoiseDbfs: number;
  canceller: CancellerParams;
  suppressor: SuppressorParams;
  /** Disabling voice processing on a running engine kills the app (modelled on iOS 18). */
  crashesOnVpDisableWhileRunning: boolean;
}

const CANCELLER: CancellerParams = { filterMs: 512, blockMs: 128, delayHeadroomMs: 4 };
const SUPPRESSOR: SuppressorParams = { maxAttenuationDb: 40, holdMs: 150, releaseDbPerS: 250, overSubtraction: 2, assumedT60S: 0.6, activityDbfs: -65 };

export const DEVICE_PROFILES: Readonly<Record<string, DeviceProfile>> = {
  'iphone15-ios17': {
    id: 'iphone15-ios17',
    model: 'iPhone15,4',
    osVersion: '17.6.1',
    appVersion: '0.1.0-sim',
    name: 'Virtual iPhone 15 (iOS 17)',
    routes: {
      speaker: { outputLatencyMs: 6.5, inputLatencyMs: 4.0, directPathM: 0.1, couplingDb: 6, roomDb: 15, bandHz: [350, 12_000], clipLevel: 0.7 },
      receiver: { outputLatencyMs: 5.5, inputLatencyMs: 4.0, directPathM: 0.14, couplingDb: -22, roomDb: 0, bandHz: [400, 8000], clipLevel: Infinity },
      wired: { outputLatencyMs: 2.5, inputLatencyMs: 2.0, directPathM: 0.15, couplingDb: -50, roomDb: -25, bandHz: [20, 16_000], clipLevel: Infinity },
      bluetoothHFP: { outputLatencyMs: 88, inputLatencyMs: 62, directPathM: 0.12, couplingDb: -38, roomDb: -25, bandHz: [100, 7000], clipLevel: Infinity },
      bluetoothA2DP: { outputLatencyMs: 172, inputLatencyMs: 4.0, directPathM: 1.0, couplingDb: 0, roomDb: 0, bandHz: [70, 15_000], clipLevel: 0.8 },
    },
    micSelfNoiseDbfs: -85,
    canceller: CANCELLER,
    suppressor: SUPPRESSOR,
    crashesOnVpDisableWhileRunning: false,
  },
  'iphone16-ios18': {
    id: 'iphone16-ios18',
    model: 'iPhone17,3',
    osVersion: '18.3',
    appVersion: '0.1.0-sim',
    name: 'Virtual iPhone 16 (iOS 18)',
    routes: {
      speaker: { outputLatencyMs: 5.5, inputLatencyMs: 3.5, directPathM: 0.1, couplingDb: 6, roomDb: 15, bandHz: [320, 12_000], clipLevel: 0.75 },
      receiver: { outputLatencyMs: 5.0, inputLatencyMs: 3.5, directPathM: 0.14, couplingDb: -22, roomDb: 0, bandHz: [400, 8000], clipLevel: Infinity },
      wired: { outputLatencyMs: 2.5, inputLatencyMs: 2.0, directPathM: 0.15, couplingDb: -50, roomDb: -25, bandHz: [20, 16_000], clipLevel: Infinity },
      bluetoothHFP: { outputLatencyMs: 84, inputLatencyMs: 58, directPathM: 0.12, couplingDb: -38, roomDb: -25, bandHz: [100, 7000], clipLevel: Infinity },
      bluetoothA2DP: { outputLatencyMs: 160, inputLatencyMs: 3.5, directPathM: 1.0, couplingDb: 0, roomDb: 0, bandHz: [70, 15_000], clipLevel: 0.8 },
    },
    micSelfNoiseDbfs: -85,
    canceller: CANCELLER,
    suppressor: SUPPRESSOR,
    crashesOnVpDisableWhileRunning: true,
  },
};

export function deviceProfile(id: string): DeviceProfile | null {
  return Object.hasOwn(DEVICE_PROFILES, id) ? DEVICE_PROFILES[id]! : null;
}

/**
 * What a configure request turns into on the modelled phone: the effective route and
 * latencies the session reports, and how the engine will behave — including the failure
 * modes the harness exists to expose (docs/virtual-iphone.md §Failure modes). Pure: a
 * config and a device profile in, a verdict out.
 */
import { round } from '../core/units.js';
import type { DeviceConfig, DeviceError, EffectiveConfig } from '../protocol/messages.js';
import type { DeviceProfile, Route, RouteAcoustics } from './device-profiles.js';
import { SPEED_OF_SOUND_M_S } from './room.js';

/** How the configured engine behaves in a trial. */
export interface EngineBehaviour {
  route: Route;
  acoustics: RouteAcoustics;
  /** Playback level change from the session mode and voice processing, dB. */
  outputGainDb: number;
  /** The voice-processing unit sits in the mic path (false: the raw mic is delivered). */
  voiceProcessing: boolean;
  /** The canceller and suppressor see the played audio (false: VP enabled before the playback graph existed). */
  referenceConnected: boolean;
  /** Echo control is loaded (false: a non-chat session mode on the speaker). */
  echoControl: boolean;
  /** The mic delivers digital silence (CallKit and the app both activated the session). */
  micSilent: boolean;
  /** Errors the app reports as events on the first trial after configure. */
  startErrors: DeviceError[];
  ioBufferMs: number;
  outputLatencyMs: number;
  inputLatencyMs: number;
}

export interface SessionVerdict {
  ok: boolean;
  effective: EffectiveConfig | null;
  errors: DeviceError[];
  behaviour: EngineBehaviour | null;
}

const CHAT_MODES = new Set(['voiceChat', 'videoChat']);
/** Apple: voiceChat/videoChat without voice processing, and measurement mode, play at a "lower output level". */
const QUIET_OUTPUT_DB = -10;
/** Media (non-chat) modes play louder than the call-tuned voice-processing output (LiveKit's note). */
const MEDIA_OUTPUT_DB = 6;

/** IO buffer the session grants: the requested duration rounded to a power-of-two frame count, 32 … 4096 frames. */
export function grantedIoBufferMs(requestedMs: number, sampleRate: number): number {
  const frames = 2 ** Math.round(Math.log2((requestedMs * sampleRate) / 1000));
  return (Math.min(4096, Math.max(32, frames)) * 1000) / sampleRate;
}

/**
 * Echo delay the analysis should measure on a route, ms: what the render thread played
 * reaches the mic stream after output latency + input latency (each including one IO
 * buffer) + the loudspeaker-to-mic direct path.
 */
export function documentedEchoDelayMs(profile: DeviceProfile, route: Route, ioBufferMs: number): number {
  const a = profile.routes[route];
  return a.outputLatencyMs + a.inputLatencyMs + 2 * ioBufferMs + (a.directPathM / SPEED_OF_SOUND_M_S) * 1000;
}

/**
 * The route iOS grants. Speaker: overrideOutputAudioPort(.speaker) always works with
 * playAndRecord. Receiver: not with defaultToSpeaker or videoChat (which implies it).
 * Bluetooth HFP needs allowBluetooth, or voiceChat/videoChat (which imply it). A2DP needs
 * allowBluetoothA2DP (the lab's A2DP device is a speaker without a mic, so HFP never
 * outranks it). Otherwise the default route: speaker with defaultToSpeaker/videoChat, else
 * the receiver. Wired headphones are always plugged in the virtual lab.
 */
function resolveRoute(config: DeviceConfig): Route {
  const opts = new Set(config.options);
  const speakerDefault = opts.has('defaultToSpeaker') || config.mode === 'videoChat';
  const fallback: Route = speakerDefault ? 'speaker' : 'receiver';
  switch (config.route) {
    case 'speaker':
    case 'wired':
      return config.route;
    case 'receiver':
      return speakerDefault ? 'speaker' : 'receiver';
    case 'bluetoothHFP':
      return opts.has('allowBluetooth') || CHAT_MODES.has(config.mode) ? 'bluetoothHFP' : fallback;
    case 'bluetoothA2DP':
      return opts.has('allowBluetoothA2DP') ? 'bluetoothA2DP' : fallback;
  }
}

export function resolveSession(config: DeviceConfig, profile: DeviceProfile): SessionVerdict {
  const errors: DeviceError[] = [];
  const vpRequested = config.voiceProcessing.enabled;
  if (config.renderMode === 'manual' && config.engine === 'avaudioengine') {
    // AVAudioIONode.h: "Voice processing is only available when rendering to an audio device, not a manual rendering mode."
    errors.push(
      vpRequested
        ? {
            code: 'E_VP_UNAVAILABLE_MANUAL_RENDERING',
            message:
              'setVoiceProcessingEnabled(true) failed: voice processing is only available when rendering to an audio device, not in manual rendering mode',
          }
        : { code: 'E_MANUAL_RENDERING_NO_INPUT', message: 'an engine in manual rendering mode has no device input to record the mic from' },
    );
    return { ok: false, effective: null, errors, behaviour: null };
  }

  let route = resolveRoute(config);
  const startErrors: DeviceError[] = [];
  const micSilent = config.activation === 'callkitAppActivates';
  if (micSilent) {
    // CallKit activated the session; the app's own setActive(true) fails and the route stays on the call's.
    const e = {
      code: 'E_SESSION_ACTIVATION',
      message:
        'AVAudioSession.setActive(true) failed (561017449, insufficient priority): CallKit already activated the session; the route is stuck and the mic delivers silence',
    };
    errors.push(e);
    startErrors.push(e);
    route = 'receiver';
  }

  const chat = CHAT_MODES.has(config.mode);
  let outputGainDb = 0;
  if (chat && !vpRequested) outputGainDb = QUIET_OUTPUT_DB;
  else if (config.mode === 'measurement') outputGainDb = QUIET_OUTPUT_DB;
  else if (!chat) outputGainDb = MEDIA_OUTPUT_DB;

  const ioBufferMs = grantedIoBufferMs(config.ioBufferMs, config.sampleRate);
  const acoustics = profile.routes[route];
  const behaviour: EngineBehaviour = {
    route,
    acoustics,
    outputGainDb,
    voiceProcessing: vpRequested,
    // The raw VPIO unit always renders its own output bus: init order only matters for AVAudioEngine.
    referenceConnected: !(config.initOrder === 'vpFirst' && config.engine === 'avaudioengine'),
    echoControl: chat || route !== 'speaker',
    micSilent,
    startErrors,
    ioBufferMs,
    outputLatencyMs: acoustics.outputLatencyMs + ioBufferMs,
    inputLatencyMs: acoustics.inputLatencyMs + ioBufferMs,
  };
  const effective: EffectiveConfig = {
    route,
    mode: config.mode,
    engine: config.engine,
    renderMode: config.renderMode,
    sampleRate: config.sampleRate,
    ioBufferMs: round(ioBufferMs, 3),
    outputLatencyMs: round(behaviour.outputLatencyMs, 3),
    inputLatencyMs: round(behaviour.inputLatencyMs, 3),
    voiceProcessingEnabled: vpRequested,
    gate: config.gate,
    volume: config.volume,
  };
  return { ok: true, effective, errors, behaviour };
}

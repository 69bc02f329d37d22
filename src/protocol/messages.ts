/**
 * Harness wire protocol v1: every JSON control message, as zod schemas. docs/protocol.md
 * is the prose version of this file; the golden vectors in fixtures/protocol/ are its
 * examples, shared with the Swift harness. Fields are strict: a message with a field this
 * version does not know is rejected (versioning rules in docs/protocol.md).
 */
import { DEVICE_CLASSES } from '../core/device-class.js';
import { z } from 'zod';

export const PROTOCOL_VERSION = 1;

/** Identifiers that may become file names on the CLI side: no separators, no dots first. */
export const SafeId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (1–64, not starting with . _ -)');

/** Device host time in ns (mach_absolute_time converted), as a decimal string: it outgrows 2^53. */
export const HostTimeNs = z.string().regex(/^\d{1,20}$/, 'decimal nanoseconds');

export const Route = z.enum(['speaker', 'receiver', 'wired', 'bluetoothHFP', 'bluetoothA2DP']);
export const SessionMode = z.enum(['voiceChat', 'videoChat', 'default', 'measurement', 'spokenAudio']);
export const SessionOption = z.enum(['defaultToSpeaker', 'allowBluetooth', 'allowBluetoothA2DP', 'duckOthers', 'mixWithOthers']);
/** AVAudioEngine with setVoiceProcessingEnabled, or the raw kAudioUnitSubType_VoiceProcessingIO unit. */
export const Engine = z.enum(['avaudioengine', 'audiounit']);
/** correct: playback graph built and connected before voice processing is enabled. */
export const InitOrder = z.enum(['correct', 'vpFirst']);
export const RenderMode = z.enum(['realtime', 'manual']);
/** correct: stop the engine, then disable voice processing. */
export const TeardownOrder = z.enum(['correct', 'disableVpWhileRunning']);
/** callkitAppActivates: CallKit activates the session and the app activates it as well (a common bug). */
export const Activation = z.enum(['app', 'callkit', 'callkitAppActivates']);
export const GateKind = z.enum(['none', 'hard', 'rms2']);
/** ready.device.class: a real iPhone, the virtual iPhone (src/sim/), HarnessKit's loopback test double, or the app in the iOS Simulator. */
export const DeviceClass = z.enum(DEVICE_CLASSES);

export const GateConfig = z
  .object({
    kind: GateKind,
    /** hard: mic muted for ms after each drain. rms2: cooldown during which only loud frames pass. */
    ms: z.number().min(0).max(10_000),
    /** rms2 only: frame RMS (dBFS) a frame must exceed to pass during the cooldown. */
    thresholdDbfs: z.number().min(-120).max(0),
  })
  .strict();

export const VoiceProcessingConfig = z
  .object({
    enabled: z.boolean(),
    agc: z.boolean(),
    /** AVAudioVoiceProcessingOtherAudioDuckingConfiguration.duckingLevel */
    ducking: z.enum(['default', 'min', 'mid', 'max']),
  })
  .strict();

/** Knobs only the virtual iPhone reads; a real device ignores the block (and says so). */
export const SimulationConfig = z
  .object({
    room: SafeId,
    deviceProfile: SafeId,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    /** A measured RIR uploaded with loadAudio, used instead of the room preset's model. */
    rirAudioId: SafeId.nullable(),
  })
  .strict();

export const DeviceConfig = z
  .object({
    category: z.literal('playAndRecord'),
    mode: SessionMode,
    options: z.array(SessionOption).max(8),
    route: Route,
    engine: Engine,
    initOrder: InitOrder,
    renderMode: RenderMode,
    teardownOrder: TeardownOrder,
    activation: Activation,
    ioBufferMs: z.number().min(1).max(100),
    sampleRate: z.number().int().min(8000).max(96_000),
    /** Output volume, 0…1 of the device's range. */
    volume: z.number().min(0).max(1),
    voiceProcessing: VoiceProcessingConfig,
    gate: GateConfig,
    simulation: SimulationConfig.nullable(),
  })
  .strict();

export const DeviceError = z.object({ code: z.string().regex(/^E_[A-Z0-9_]+$/), message: z.string().max(2000) }).strict();

export const EffectiveConfig = z
  .object({
    route: Route.nullable().describe('null when no output route came up'),
    mode: SessionMode,
    engine: Engine,
    renderMode: RenderMode,
    sampleRate: z.number().int(),
    ioBufferMs: z.number(),
    outputLatencyMs: z.number().min(0),
    inputLatencyMs: z.number().min(0),
    voiceProcessingEnabled: z.boolean(),
    gate: GateConfig,
    volume: z.number().min(0).max(1),
  })
  .strict();

export const ScheduleEntry = z
  .object({
    /** When the chunk is appended to the player, ms after the trial's playback start. */
    atMs: z.number().min(0).max(600_000),
    startFrame: z.number().int().min(0),
    frameCount: z.number().int().min(1),
  })
  .strict();

export const EventName = z.enum([
  'micStarted',
  'engineStarted',
  'playbackStarted',
  'chunkAppended',
  'bufferDrained',
  'gateArmed',
  'gateDisarmed',
  'routeChanged',
  'interruption',
  'mediaServicesReset',
  'error',
]);

const envelope = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z
    .object({
      type: z.literal(type),
      id: z
        .number()
        .int()
        .min(0)
        .max(2 ** 32 - 1),
      version: z.literal(PROTOCOL_VERSION),
      ...shape,
    })
    .strict();

/* CLI → device */
export const Hello = envelope('hello', {
  token: z.string().min(16).max(128),
  client: z.object({ name: z.string().max(64), version: z.string().max(32) }).strict(),
});
export const Configure = envelope('configure', { config: DeviceConfig });
/** Announces an upload: `frames` samples follow as binary `fixture` frames on `streamId`. */
export const LoadAudio = envelope('loadAudio', {
  audioId: SafeId,
  streamId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 1),
  sampleRate: z.number().int().min(8000).max(96_000),
  frames: z
    .number()
    .int()
    .min(1)
    .max(96_000 * 600),
});
export const Trial = envelope('trial', {
  trialId: SafeId,
  /** Binary frames of this trial carry this stream id. */
  streamId: z
    .number()
    .int()
    .min(1)
    .max(2 ** 32 - 1),
  audioId: SafeId,
  schedule: z.array(ScheduleEntry).min(1).max(10_000),
  preRollMs: z.number().min(0).max(60_000),
  postRollMs: z.number().min(0).max(60_000),
  /** Calibration trials: voice processing bypassed (isVoiceProcessingBypassed). */
  bypassVoiceProcessing: z.boolean(),
  /** Near-end talker (barge-in): audio played into the room at atMs after playback start. */
  nearEnd: z
    .object({ audioId: SafeId, atMs: z.number().min(0).max(600_000), levelDbfs: z.number().min(-100).max(0) })
    .strict()
    .nullable(),
  /** Ask for echo-only and near-end-only streams (virtual iPhone only). */
  groundTruth: z.boolean(),
});
export const Teardown = envelope('teardown', {});

/* device → CLI */
export const Ready = envelope('ready', {
  device: z
    .object({
      model: z.string().max(64),
      osVersion: z.string().max(32),
      appVersion: z.string().max(32),
      name: z.string().max(128),
      simulated: z.boolean(),
      /**
       * What kind of device this is; absent: derived from `simulated` (false → iphone, true →
       * virtual-iphone). `loopback` is HarnessKit's LoopbackEngine test double, which must
       * never be presented as an iPhone nor as the virtual iPhone; `ios-simulator` is the
       * harness app running in Apple's iOS Simulator (simulated: true).
       */
      class: DeviceClass.optional(),
    })
    .strict(),
  capabilities: z
    .object({
      routes: z.array(Route),
      modes: z.array(SessionMode),
      engines: z.array(Engine),
      gates: z.array(GateKind),
      groundTruth: z.boolean(),
      maxFrameBytes: z.number().int().min(1024),
    })
    .strict(),
});
export const Configured = envelope('configured', {
  inReplyTo: z.number().int().min(0),
  ok: z.boolean(),
  requested: DeviceConfig,
  effective: EffectiveConfig.nullable(),
  errors: z.array(DeviceError).max(32),
});
export const AudioLoaded = envelope('audioLoaded', { inReplyTo: z.number().int().min(0), audioId: SafeId, frames: z.number().int().min(1) });
export const Event = envelope('event', {
  trialId: SafeId.nullable(),
  name: EventName,
  hostTimeNs: HostTimeNs,
  /** Event details: route names, error code and message, chunk index… */
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export const StreamKind = z.enum(['fixture', 'play', 'mic', 'gated', 'echoTruth', 'nearTruth']);
export const TrialDone = envelope('trialDone', {
  inReplyTo: z.number().int().min(0),
  trialId: SafeId,
  ok: z.boolean(),
  error: DeviceError.nullable(),
  /** Frames sent per stream kind: the CLI checks it received exactly these. */
  frames: z.partialRecord(StreamKind, z.number().int().min(0)),
});
export const TeardownDone = envelope('teardownDone', { inReplyTo: z.number().int().min(0), ok: z.boolean(), errors: z.array(DeviceError).max(32) });

/* either direction */
export const ErrorMessage = envelope('error', {
  inReplyTo: z.number().int().min(0).nullable(),
  code: z.string().regex(/^E_[A-Z0-9_]+$/),
  message: z.string().max(2000),
  /** The sender closes the connection after a fatal error. */
  fatal: z.boolean(),
});

export const CliMessage = z.discriminatedUnion('type', [Hello, Configure, LoadAudio, Trial, Teardown, ErrorMessage]);
export const DeviceMessage = z.discriminatedUnion('type', [Ready, Configured, AudioLoaded, Event, TrialDone, TeardownDone, ErrorMessage]);
export const AnyMessage = z.discriminatedUnion('type', [
  Hello,
  Configure,
  LoadAudio,
  Trial,
  Teardown,
  Ready,
  Configured,
  AudioLoaded,
  Event,
  TrialDone,
  TeardownDone,
  ErrorMessage,
]);

export type DeviceConfig = z.infer<typeof DeviceConfig>;
export type EffectiveConfig = z.infer<typeof EffectiveConfig>;
export type GateConfig = z.infer<typeof GateConfig>;
export type ScheduleEntry = z.infer<typeof ScheduleEntry>;
export type DeviceError = z.infer<typeof DeviceError>;
export type EventName = z.infer<typeof EventName>;
export type StreamKind = z.infer<typeof StreamKind>;
export type CliMessage = z.infer<typeof CliMessage>;
export type DeviceMessage = z.infer<typeof DeviceMessage>;
export type AnyMessage = z.infer<typeof AnyMessage>;
export type MessageOf<T extends AnyMessage['type']> = Extract<AnyMessage, { type: T }>;
export type HelloMessage = MessageOf<'hello'>;
export type ReadyMessage = MessageOf<'ready'>;
export type TrialMessage = MessageOf<'trial'>;
export type ConfiguredMessage = MessageOf<'configured'>;
export type TrialDoneMessage = MessageOf<'trialDone'>;

/** Limits both peers enforce (docs/protocol.md §Limits). */
export const LIMITS = {
  /** Largest WebSocket message (text or binary) either side accepts, bytes. */
  maxFrameBytes: 1 << 20,
  helloTimeoutMs: 10_000,
  replyTimeoutMs: 30_000,
  heartbeatIntervalMs: 5_000,
  missedHeartbeats: 3,
} as const;

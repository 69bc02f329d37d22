// The audio-engine abstraction the app's engines implement (AVAudioEngine with voice
// processing, the raw VoiceProcessingIO unit — next issue — and LoopbackEngine here).
// The engine owns the IO thread; the harness gives it two callbacks:
// - render: fill the output buffer from the playback ring buffer (which reports drains);
// - capture: take the voice-processed mic samples.
// Both carry the trial-independent sample index of the IO cycle's first frame and its host
// time, so streams and events share one clock.

/// Fills `frames` output samples for IO-cycle sample `firstSample` at `hostTimeNs`.
public typealias RenderCallback = (_ out: UnsafeMutablePointer<Float>, _ frames: Int, _ firstSample: Int, _ hostTimeNs: UInt64) -> Void
/// Delivers `frames` mic samples captured for IO-cycle sample `firstSample` at `hostTimeNs`.
public typealias CaptureCallback = (_ mic: UnsafePointer<Float>, _ frames: Int, _ firstSample: Int, _ hostTimeNs: UInt64) -> Void

/// What `configure` built: the configured reply's payload.
public struct EngineConfiguration: Equatable, Sendable {
    public var ok: Bool
    public var effective: EffectiveConfig?
    public var errors: [DeviceError]
    /// The build steps in the order they ran.
    public var steps: [EngineStep]
    public init(ok: Bool, effective: EffectiveConfig?, errors: [DeviceError], steps: [EngineStep]) {
        self.ok = ok
        self.effective = effective
        self.errors = errors
        self.steps = steps
    }
}

public protocol AudioEngine: AnyObject {
    /// Builds the engine for `config` in `config.initOrder` (a cold start), reporting what it
    /// actually got; it does not start IO.
    func configure(_ config: DeviceConfig) -> EngineConfiguration
    /// Starts IO with the callbacks.
    func start(render: @escaping RenderCallback, capture: @escaping CaptureCallback) throws
    /// Stops IO and takes the engine down in `order`; the steps it ran and any errors.
    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError])
    /// Frames per IO cycle.
    var ioBufferFrames: Int { get }
    /// A virtual-clock engine runs one IO cycle per call and returns true; a real-time engine
    /// ticks on its own thread and returns false (the caller then waits).
    func runCycle() -> Bool
}

/// Static description of the device, for `ready`.
public protocol DeviceDescribing {
    var deviceInfo: DeviceInfo { get }
    var capabilities: Capabilities { get }
}

/// An engine that can bypass voice processing per trial (calibration trials:
/// `trial.bypassVoiceProcessing`). The session sets it before each trial starts.
public protocol BypassSwitchable: AnyObject {
    func setVoiceProcessingBypassed(_ bypassed: Bool)
}

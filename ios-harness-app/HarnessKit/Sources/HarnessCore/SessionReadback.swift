// What the audio session and the engine report after activation, and the configured reply's
// `effective` built from it. The app reads the values (AVAudioSession, the I/O nodes or the
// unit); the conversions and the rounding are here.

public struct SessionReadback: Equatable, Sendable {
    public var mode: SessionMode? // nil: a mode the protocol has no name for
    public var sampleRate: Double // AVAudioSession.sampleRate
    public var ioBufferDuration: Double // seconds
    public var outputLatency: Double // seconds
    public var inputLatency: Double // seconds
    public var outputs: [RoutePort]
    public var inputs: [RoutePort]
    public var inputChannels: Int
    public var outputVolume: Double // AVAudioSession.outputVolume, 0…1
    /// The engine's own rate (the I/O node's or the unit's stream format); 0: unknown.
    public var engineSampleRate: Double
    public var voiceProcessingEnabled: Bool

    public init(mode: SessionMode?, sampleRate: Double, ioBufferDuration: Double, outputLatency: Double, inputLatency: Double,
                outputs: [RoutePort], inputs: [RoutePort], inputChannels: Int, outputVolume: Double, engineSampleRate: Double,
                voiceProcessingEnabled: Bool) {
        self.mode = mode
        self.sampleRate = sampleRate
        self.ioBufferDuration = ioBufferDuration
        self.outputLatency = outputLatency
        self.inputLatency = inputLatency
        self.outputs = outputs
        self.inputs = inputs
        self.inputChannels = inputChannels
        self.outputVolume = outputVolume
        self.engineSampleRate = engineSampleRate
        self.voiceProcessingEnabled = voiceProcessingEnabled
    }

    /// The streams' rate: the engine's when it has one, else the session's, as an integer.
    public var streamRate: Int { Int((engineSampleRate > 0 ? engineSampleRate : sampleRate).rounded()) }

    /// IO buffer in frames at the stream rate (at least 1).
    public var ioBufferFrames: Int { max(1, Int((ioBufferDuration * Double(streamRate)).rounded())) }

    /// The configured reply's `effective`. Latencies are clamped at 0 (the protocol's range);
    /// a mode iOS switched to that the protocol cannot name is reported as requested, with a
    /// note from `notes(for:)`.
    public func effective(for c: DeviceConfig, engine: EngineKind, renderMode: RenderMode) -> EffectiveConfig {
        EffectiveConfig(route: RouteClassification.route(outputs: outputs, inputs: inputs), mode: mode ?? c.mode, engine: engine,
                        renderMode: renderMode, sampleRate: streamRate, ioBufferMs: roundMs(ioBufferDuration),
                        outputLatencyMs: roundMs(max(0, outputLatency)), inputLatencyMs: roundMs(max(0, inputLatency)),
                        voiceProcessingEnabled: voiceProcessingEnabled, gate: c.gate, volume: min(1, max(0, outputVolume)))
    }

    /// Differences worth a line in the log (the CLI compares requested and effective itself).
    public func notes(for c: DeviceConfig) -> [String] {
        var out: [String] = []
        if mode == nil { out.append("the session reports a mode the protocol cannot name (requested \(c.mode.rawValue))") }
        if !RouteClassification.hasUsableInput(inputs: inputs, inputChannels: inputChannels) {
            out.append("the route has no usable input (\(inputChannels) channels): the mic stream will be silent")
        }
        if streamRate != c.sampleRate { out.append("sample rate \(streamRate) Hz instead of the \(c.sampleRate) Hz asked for") }
        return out
    }

    /// Seconds → ms, to the µs (keeps the JSON short and stable).
    private func roundMs(_ s: Double) -> Double { (s * 1_000_000).rounded() / 1000 }
}

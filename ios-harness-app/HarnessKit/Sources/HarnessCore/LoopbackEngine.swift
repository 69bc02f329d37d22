// LoopbackEngine: the harness's own test double, in pure Swift and deterministic. A virtual
// clock ticks in IO buffers; what the render callback plays comes back into the mic after a
// fixed latency, scaled by a gain, plus seeded Gaussian noise. It is not a room model (the
// virtual iPhone in src/sim/ is the simulator): it exists so the harness, the protocol and
// the CLI's analysis can be tested end to end with known answers (delay = latency exactly,
// echo loss = −gain exactly, up to the noise).
import Foundation

public struct LoopbackSettings: Equatable, Sendable {
    /// Playback → mic delay, ms (rounded to whole samples at the configured rate).
    public var latencyMs: Double = 12.5
    /// Playback → mic gain, dB.
    public var gainDb: Double = -20
    /// RMS of the mic noise, dBFS; nil for none.
    public var noiseDbfs: Double? = -80
    public var seed: UInt32 = 1
    /// Virtual host time of the first IO cycle, ns (a plausible uptime, as the sim uses).
    public var hostOriginNs: UInt64 = 10_800_000_000_000
    public init() {}
}

public final class LoopbackEngine: AudioEngine, DeviceDescribing {
    public let settings: LoopbackSettings
    private var config: DeviceConfig?
    private var rate = 48_000
    public private(set) var ioBufferFrames = 480
    private var latency = 0
    private var gain: Float = 0.1
    private var noiseRms: Double = 0
    private var noise: SeededUniform
    private var render: RenderCallback?
    private var capture: CaptureCallback?
    private var sample = 0 // IO-cycle sample clock since start
    // Preallocated per configure: output, mic and the delay line of played samples.
    private var out: UnsafeMutablePointer<Float>?
    private var mic: UnsafeMutablePointer<Float>?
    private var history: UnsafeMutablePointer<Float>?
    private var historyLength = 0
    public private(set) var stepLog: [EngineStep] = []

    public init(settings: LoopbackSettings = LoopbackSettings()) {
        self.settings = settings
        noise = SeededUniform(seed: settings.seed)
    }

    deinit { release() }

    private func release() {
        out?.deallocate()
        mic?.deallocate()
        history?.deallocate()
        out = nil
        mic = nil
        history = nil
    }

    public var deviceInfo: DeviceInfo {
        DeviceInfo(model: "LoopbackEngine", osVersion: LoopbackEngine.osDescription, appVersion: HarnessVersion.app,
                   name: "voiceaec-harness LoopbackEngine (test double)", simulated: true, deviceClass: .loopback)
    }

    public var capabilities: Capabilities {
        Capabilities(routes: Route.allCases, modes: SessionMode.allCases, engines: EngineKind.allCases, gates: GateKind.allCases,
                     groundTruth: false, maxFrameBytes: ProtocolLimits.maxFrameBytes)
    }

    /// "Linux 6.1.0-…" or "Darwin …": where the double ran, never an iOS version.
    static var osDescription: String {
        var u = utsname()
        uname(&u)
        func field<T>(_ t: T) -> String { withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } }
        return String("\(field(u.sysname)) \(field(u.release))".prefix(32))
    }

    public func configure(_ c: DeviceConfig) -> EngineConfiguration {
        release()
        config = c
        rate = c.sampleRate
        ioBufferFrames = max(1, Int(jsRound(c.ioBufferMs * Double(rate) / 1000)))
        latency = Int(jsRound(settings.latencyMs * Double(rate) / 1000))
        gain = Float(pow(10, settings.gainDb / 20))
        noiseRms = settings.noiseDbfs.map { pow(10, $0 / 20) } ?? 0
        noise = SeededUniform(seed: settings.seed)
        historyLength = latency + ioBufferFrames
        out = .allocate(capacity: ioBufferFrames)
        out!.initialize(repeating: 0, count: ioBufferFrames)
        mic = .allocate(capacity: ioBufferFrames)
        mic!.initialize(repeating: 0, count: ioBufferFrames)
        history = .allocate(capacity: historyLength)
        history!.initialize(repeating: 0, count: historyLength)
        sample = 0
        // The loopback honours every setting trivially (it models none of them): voice
        // processing, route and mode are reported as requested.
        let steps = EngineConstructionOrder.build(c.initOrder, voiceProcessing: c.voiceProcessing.enabled)
        stepLog = steps
        let effective = EffectiveConfig(route: c.route, mode: c.mode, engine: c.engine, renderMode: c.renderMode, sampleRate: rate,
                                        ioBufferMs: Double(ioBufferFrames) * 1000 / Double(rate), outputLatencyMs: Double(latency) * 1000 / Double(rate),
                                        inputLatencyMs: 0, voiceProcessingEnabled: c.voiceProcessing.enabled, gate: c.gate, volume: c.volume)
        return EngineConfiguration(ok: true, effective: effective, errors: [], steps: steps)
    }

    public func start(render: @escaping RenderCallback, capture: @escaping CaptureCallback) throws {
        precondition(config != nil, "configure before start")
        self.render = render
        self.capture = capture
    }

    public func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError]) {
        render = nil
        capture = nil
        let steps = EngineConstructionOrder.teardown(order, voiceProcessing: config?.voiceProcessing.enabled ?? false)
        stepLog += steps
        return (steps, [])
    }

    /// Host time of IO-cycle sample `n`.
    public func hostTime(ofSample n: Int) -> UInt64 { HostTime.at(sample: n, origin: settings.hostOriginNs, rate: rate) }

    /// One IO cycle: render, then the mic hears what was played `latency` samples ago.
    public func runCycle() -> Bool {
        guard let render, let capture, let out, let mic, let history else { return true }
        let n = ioBufferFrames
        let host = hostTime(ofSample: sample)
        render(out, n, sample, host)
        for i in 0..<n {
            let s = sample + i
            history[s % historyLength] = out[i]
            let echo: Float = s >= latency ? history[(s - latency) % historyLength] : 0
            mic[i] = gain * echo + Float(noiseRms * gaussian())
        }
        capture(mic, n, sample, host)
        sample += n
        return true
    }

    /// Box–Muller on the seeded uniform: deterministic Gaussian noise.
    private func gaussian() -> Double {
        guard noiseRms > 0 else { return 0 }
        let u1 = max(noise.next(), 1e-300)
        let u2 = noise.next()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

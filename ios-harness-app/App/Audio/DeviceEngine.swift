// What HarnessEngine needs from either device engine once it is built. Both run their IO
// through HarnessKit's RealtimeIOBridge, which the session's trial reads from.
import HarnessCore

protocol DeviceEngine: AnyObject {
    /// The rate the engine's playback and capture run at (the streams' rate).
    var engineSampleRate: Double { get }
    /// Voice processing as the engine reports it after the build (not as requested).
    var voiceProcessingEnabled: Bool { get }
    /// Starts IO; the steps it ran.
    func start() throws -> [EngineStep]
    /// Stops IO and takes the engine down in `order`.
    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError])
    /// Calibration trials: bypass voice processing (no-op when VP is off).
    func setBypass(_ bypassed: Bool)
}

/// What a build came to: the steps run in order, errors, and whether IO can start.
struct EngineBuild {
    var steps: [EngineStep] = []
    var errors: [DeviceError] = []
    var ok = true

    mutating func fail(_ code: String, _ message: String) {
        errors.append(DeviceError(code: code, message: String(message.prefix(2000))))
        ok = false
    }
}

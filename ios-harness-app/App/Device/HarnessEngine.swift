// The AudioEngine the session drives on a phone: each configure runs the activation steps
// HarnessKit's ActivationPlan gives (session, CallKit), builds the variant EngineVariantPlan
// picks (CallAudioEngine, the raw unit, the manual-rendering probe, or a refusal with
// E_UNSUPPORTED), and reports the read-back values as `effective`. IO reaches the trial
// through a RealtimeIOBridge; runCycle hands the trial thread what the IO thread captured.
import AVFoundation
import HarnessCore

final class HarnessEngine: AudioEngine, DeviceDescribing, BypassSwitchable {
    let deviceInfo: DeviceInfo
    let capabilities: Capabilities
    private let clock = HostClock()
    private let audioSession: AudioSessionController
    private let calls = CallActivation()
    private var current: DeviceEngine?
    private var bridge: RealtimeIOBridge?
    private var config: DeviceConfig?
    private var streamRate = 48_000
    private var reportedLost = 0
    /// Media services were reset since the last configure: the engine is dead (QA1749).
    private var servicesReset = false
    private let resetLock = Lock()
    private(set) var ioBufferFrames = 480
    /// Events the engine and the audio session report on their own; the transport points it
    /// at the session's `deviceEvent`.
    var onEvent: (EventName, UInt64, [String: JSONValue]) -> Void = { _, _, _ in }
    /// Lines for the on-screen log.
    var onLog: (String) -> Void = { _ in }

    init(deviceInfo: DeviceInfo, capabilities: Capabilities) {
        self.deviceInfo = deviceInfo
        self.capabilities = capabilities
        audioSession = AudioSessionController(clock: clock)
        audioSession.onEvent = { [weak self] name, host, data in self?.onEvent(name, host, data) }
        calls.onNote = { [weak self] in self?.onLog($0) }
        // QA1749: after a reset every audio object is dead and the session must be set up
        // again. A new configure does both (new session settings, new engine); until then
        // start refuses instead of running a trial on the dead engine.
        audioSession.onMediaServicesReset = { [weak self] in
            guard let self else { return }
            self.resetLock.withLock { self.servicesReset = true }
            self.onLog("media services were reset: configure again")
        }
    }

    func configure(_ c: DeviceConfig) -> EngineConfiguration {
        current = nil
        resetLock.withLock { servicesReset = false }
        config = c
        let variant = EngineVariantPlan.plan(c)
        if case .refused(let e) = variant { return EngineConfiguration(ok: false, effective: nil, errors: [e], steps: []) }
        let plan = AudioSessionPlan(c)
        plan.notes.forEach { onLog("configure: \($0)") }
        var errors: [DeviceError] = []
        func failed(_ code: String, _ message: String) -> EngineConfiguration {
            EngineConfiguration(ok: false, effective: nil, errors: errors + [DeviceError(code: code, message: String(message.prefix(2000)))], steps: [])
        }
        for step in ActivationPlan.steps(c.activation) where step != .buildAndStartEngine {
            switch step {
            case .configureSession:
                do { try audioSession.configure(plan) } catch { return failed("E_SESSION_CONFIGURE", "setCategory/preferences: \(error)") }
            case .activateSession:
                do { try audioSession.activate() } catch {
                    // Under CallKit this is the wrong variant's expected failure: recorded, not fatal.
                    if c.activation == .app { return failed("E_SESSION_ACTIVATE", "setActive(true): \(error)") }
                    errors.append(DeviceError(code: "E_SESSION_ACTIVATE", message: String("setActive(true) before CallKit: \(error)".prefix(2000))))
                }
            case .reportIncomingCall:
                if let e = calls.reportIncomingCall() { return EngineConfiguration(ok: false, effective: nil, errors: errors + [e], steps: []) }
            case .answerCall:
                if let e = calls.answerCall() { return EngineConfiguration(ok: false, effective: nil, errors: errors + [e], steps: []) }
            case .awaitDidActivate:
                guard calls.awaitActivation(timeout: ActivationPlan.didActivateTimeout) else {
                    _ = calls.endCall()
                    return failed("E_CALLKIT_NO_ACTIVATION", "provider(_:didActivate:) did not come within \(ActivationPlan.didActivateTimeout) s")
                }
            case .buildAndStartEngine: break
            }
        }
        errors += audioSession.applyRoute(plan)
        // Without the microphone permission the capture is silence: refuse rather than measure it.
        guard AudioSessionController.recordPermissionGranted() == true else {
            if c.activation != .app { _ = calls.endCall() }
            return failed("E_MIC_PERMISSION", "microphone permission not granted: allow it in Settings ▸ Privacy ▸ Microphone and configure again")
        }

        // The bridge is sized from the session's IO buffer before the engine exists.
        let before = audioSession.readback(engineSampleRate: 0, voiceProcessingEnabled: false)
        ioBufferFrames = before.ioBufferFrames
        let bridge = RealtimeIOBridge(maxBlock: ioBufferFrames, capacity: 2 * max(before.streamRate, 8_000))
        self.bridge = bridge

        let built: EngineBuild
        let engine: DeviceEngine
        switch variant {
        case .avEngine(let steps):
            let e = CallAudioEngine(bridge: bridge, clock: clock)
            e.onConfigurationChange = { [weak self] in
                guard let self else { return }
                self.onEvent(.error, self.clock.nowNs(), ["code": .string("E_ENGINE_CONFIGURATION_CHANGE"), "message": .string("AVAudioEngine stopped itself (AVAudioEngineConfigurationChange)")])
            }
            built = e.build(c, steps: steps)
            engine = e
        case .avEngineManualProbe:
            let e = CallAudioEngine(bridge: bridge, clock: clock)
            built = e.probeManualVoiceProcessing()
            engine = e
        case .voiceProcessingIO(let manual), .remoteIO(let manual):
            let vp: Bool
            if case .voiceProcessingIO = variant { vp = true } else { vp = false }
            let e = VoiceProcessingIOEngine(bridge: bridge, clock: clock, voiceProcessing: vp, manualMixing: manual)
            built = e.build(c)
            engine = e
        case .refused:
            return EngineConfiguration(ok: false, effective: nil, errors: errors, steps: [])
        }
        errors += built.errors
        let after = audioSession.readback(engineSampleRate: engine.engineSampleRate, voiceProcessingEnabled: engine.voiceProcessingEnabled)
        after.notes(for: c).forEach { onLog("configure: \($0)") }
        streamRate = after.streamRate
        let effective = after.effective(for: c, engine: c.engine, renderMode: c.renderMode)
        if built.ok {
            current = engine
        } else {
            _ = engine.stop(order: .correct)
            if c.activation != .app, let e = calls.endCall() { errors.append(e) } // nothing runs: hang up
        }
        return EngineConfiguration(ok: built.ok, effective: effective, errors: Array(errors.prefix(32)), steps: built.steps)
    }

    func start(render: @escaping RenderCallback, capture: @escaping CaptureCallback) throws {
        guard let current, let bridge else { throw HarnessAppError("configure before start") }
        if resetLock.withLock({ servicesReset }) { throw HarnessAppError("media services were reset since configure: configure again") }
        bridge.install(render: render, capture: capture, sampleRate: streamRate)
        reportedLost = 0
        _ = try current.start()
    }

    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError]) {
        var result: (steps: [EngineStep], errors: [DeviceError]) = ([], [])
        if let current { result = current.stop(order: order) }
        bridge?.uninstall()
        current = nil
        if let c = config {
            for step in ActivationPlan.teardown(c.activation) {
                switch step {
                case .stopEngine: break // done above
                case .deactivateSessionAfterDelay: audioSession.deactivateLater()
                case .endCall: if let e = calls.endCall() { result.errors.append(e) }
                }
            }
        }
        return result
    }

    func runCycle() -> Bool {
        guard let bridge else { return false }
        let delivered = bridge.deliver()
        let lost = bridge.lostSamples
        if lost > reportedLost {
            onEvent(.error, clock.nowNs(), ["code": .string("E_CAPTURE_OVERRUN"), "message": .string("\(lost - reportedLost) mic samples lost: the trial thread fell behind")])
            reportedLost = lost
        }
        return delivered > 0
    }

    func setVoiceProcessingBypassed(_ bypassed: Bool) { current?.setBypass(bypassed) }
}

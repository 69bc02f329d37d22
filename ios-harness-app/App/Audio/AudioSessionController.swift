// AVAudioSession for one configure, in AudioSessionPlan's order: category, mode and options
// and the preferences while inactive (QA1631), activation by the app (or not: CallKit),
// then the route, then the values read back. Route changes, interruptions and media-services
// resets are reported as protocol events. Teardown deactivates after a delay so the last
// buffers play out; a new configure cancels a pending deactivation.
import AVFoundation
import HarnessCore

final class AudioSessionController {
    private let session = AVAudioSession.sharedInstance()
    private let clock: HostClock
    private let queue = DispatchQueue(label: "voiceaec.audiosession")
    private var pendingDeactivation: DispatchWorkItem?
    private var observers: [NSObjectProtocol] = []
    /// (event, host time ns, data) for the session's notifications.
    var onEvent: (EventName, UInt64, [String: JSONValue]) -> Void = { _, _, _ in }
    /// Media services were reset: every audio object is dead (QA1749); HarnessEngine then refuses start until a new configure.
    var onMediaServicesReset: () -> Void = {}

    init(clock: HostClock) {
        self.clock = clock
        let nc = NotificationCenter.default
        observers.append(nc.addObserver(forName: AVAudioSession.routeChangeNotification, object: session, queue: nil) { [weak self] n in
            self?.routeChanged(n)
        })
        observers.append(nc.addObserver(forName: AVAudioSession.interruptionNotification, object: session, queue: nil) { [weak self] n in
            guard let self else { return }
            let raw = (n.userInfo?[AVAudioSessionInterruptionTypeKey] as? NSNumber)?.uintValue ?? UInt.max
            var data: [String: JSONValue] = ["phase": .string(RouteClassification.interruptionPhase(raw))]
            if let opts = (n.userInfo?[AVAudioSessionInterruptionOptionKey] as? NSNumber)?.uintValue {
                data["shouldResume"] = .bool(AVAudioSession.InterruptionOptions(rawValue: opts).contains(.shouldResume))
            }
            self.onEvent(.interruption, self.clock.nowNs(), data)
        })
        observers.append(nc.addObserver(forName: AVAudioSession.mediaServicesWereResetNotification, object: session, queue: nil) { [weak self] _ in
            guard let self else { return }
            self.onMediaServicesReset()
            self.onEvent(.mediaServicesReset, self.clock.nowNs(), [:])
        })
    }

    deinit { observers.forEach { NotificationCenter.default.removeObserver($0) } }

    private func routeChanged(_ n: Notification) {
        let raw = (n.userInfo?[AVAudioSessionRouteChangeReasonKey] as? NSNumber)?.uintValue ?? 0
        let now = PortMapping.ports(session.currentRoute)
        var from = "none"
        if let previous = n.userInfo?[AVAudioSessionRouteChangePreviousRouteKey] as? AVAudioSessionRouteDescription {
            let p = PortMapping.ports(previous)
            from = RouteClassification.describe(outputs: p.outputs, inputs: p.inputs)
        }
        onEvent(.routeChanged, clock.nowNs(), ["from": .string(from), "to": .string(RouteClassification.describe(outputs: now.outputs, inputs: now.inputs)),
                                                "reason": .string(RouteClassification.reasonName(raw))])
    }

    /// Category, mode, options and preferences, while the session is inactive.
    func configure(_ plan: AudioSessionPlan) throws {
        cancelPendingDeactivation()
        try session.setCategory(.playAndRecord, mode: PortMapping.mode(plan.mode), options: PortMapping.options(plan.options))
        try session.setPreferredSampleRate(plan.preferredSampleRate)
        try session.setPreferredIOBufferDuration(plan.preferredIOBufferDuration)
    }

    func activate() throws { try session.setActive(true) }

    /// Microphone permission. Without it iOS records silence (Audio Session Programming Guide,
    /// "Protecting User Privacy"), which would read as perfect echo cancellation; nil: not asked yet.
    static func recordPermissionGranted() -> Bool? {
        if #available(iOS 17.0, *) {
            switch AVAudioApplication.shared.recordPermission {
            case .granted: return true
            case .denied: return false
            default: return nil
            }
        }
        switch AVAudioSession.sharedInstance().recordPermission {
        case .granted: return true
        case .denied: return false
        default: return nil
        }
    }

    /// Asks once, at launch, so the prompt does not come in the middle of the first trial.
    static func requestRecordPermission(_ done: @escaping (Bool) -> Void) {
        if #available(iOS 17.0, *) {
            AVAudioApplication.requestRecordPermission { done($0) }
        } else {
            AVAudioSession.sharedInstance().requestRecordPermission { done($0) }
        }
    }

    /// The route after activation: the output override, then the preferred input. Failures
    /// are returned, not thrown: the effective route then shows what the device did.
    func applyRoute(_ plan: AudioSessionPlan) -> [DeviceError] {
        var errors: [DeviceError] = []
        do {
            try session.overrideOutputAudioPort(plan.outputOverride == .speaker ? .speaker : .none)
        } catch {
            errors.append(DeviceError(code: "E_ROUTE_OVERRIDE", message: String("overrideOutputAudioPort(\(plan.outputOverride.rawValue)): \(error)".prefix(2000))))
        }
        if let want = plan.preferredInput {
            if let input = session.availableInputs?.first(where: { PortMapping.port($0.portType) == want }) {
                do { try session.setPreferredInput(input) } catch {
                    errors.append(DeviceError(code: "E_ROUTE_INPUT", message: String("setPreferredInput(\(want.rawValue)): \(error)".prefix(2000))))
                }
            } else {
                errors.append(DeviceError(code: "E_ROUTE_INPUT", message: "no available input of kind \(want.rawValue)"))
            }
        }
        return errors
    }

    /// The values the session reports now (after activation).
    func readback(engineSampleRate: Double, voiceProcessingEnabled: Bool) -> SessionReadback {
        let p = PortMapping.ports(session.currentRoute)
        return SessionReadback(mode: PortMapping.mode(session.mode), sampleRate: session.sampleRate, ioBufferDuration: session.ioBufferDuration,
                               outputLatency: session.outputLatency, inputLatency: session.inputLatency, outputs: p.outputs, inputs: p.inputs,
                               inputChannels: session.inputNumberOfChannels, outputVolume: Double(session.outputVolume),
                               engineSampleRate: engineSampleRate, voiceProcessingEnabled: voiceProcessingEnabled)
    }

    /// setActive(false) after ActivationPlan.deactivationDelay, unless a configure comes first.
    func deactivateLater() {
        cancelPendingDeactivation()
        let item = DispatchWorkItem { [session] in try? session.setActive(false, options: .notifyOthersOnDeactivation) }
        pendingDeactivation = item
        queue.asyncAfter(deadline: .now() + ActivationPlan.deactivationDelay, execute: item)
    }

    func cancelPendingDeactivation() {
        pendingDeactivation?.cancel()
        pendingDeactivation = nil
    }
}

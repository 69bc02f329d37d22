// CallKit activation (configure.activation callkit / callkitAppActivates): the app reports
// an incoming call locally (no VoIP push), answers it itself through CXCallController, and
// the system activates the audio session, which provider(_:didActivate:) reports; only then
// does the engine start. The provider's delegate runs on a private queue, so a configure can
// wait for the activation without blocking it. ActivationPlan (HarnessKit) says which steps
// run; `callkitAppActivates` differs only in the app calling setActive(true) first.
import AVFoundation
import CallKit
import HarnessCore

final class CallActivation: NSObject, CXProviderDelegate {
    private let provider: CXProvider
    private let controller = CXCallController()
    private let queue = DispatchQueue(label: "voiceaec.callkit")
    private var call: UUID?
    private var activated = DispatchSemaphore(value: 0)
    /// provider(_:didDeactivate:) and providerDidReset, for the log.
    var onNote: (String) -> Void = { _ in }

    override init() {
        // init(localizedName:) is deprecated since iOS 14; init() shows the bundle's display name.
        let config = CXProviderConfiguration()
        config.maximumCallGroups = 1
        config.maximumCallsPerCallGroup = 1
        config.supportedHandleTypes = [.generic]
        config.includesCallsInRecents = false // a lab phone's Recents stays clean (default true)
        provider = CXProvider(configuration: config)
        super.init()
        provider.setDelegate(self, queue: queue)
    }

    // CXProvider leaks unless invalidated.
    deinit { provider.invalidate() }

    /// Reports a new incoming call and waits for CallKit's answer to the report.
    func reportIncomingCall() -> DeviceError? {
        activated = DispatchSemaphore(value: 0)
        let id = UUID()
        let update = CXCallUpdate()
        update.remoteHandle = CXHandle(type: .generic, value: "voiceaec")
        update.hasVideo = false
        update.supportsHolding = false
        let done = DispatchSemaphore(value: 0)
        let failure = ErrorSlot()
        provider.reportNewIncomingCall(with: id, update: update) { error in
            failure.error = error
            done.signal()
        }
        guard done.wait(timeout: .now() + 10) == .success else { return DeviceError(code: "E_CALLKIT_REPORT", message: "reportNewIncomingCall did not complete within 10 s") }
        if let e = failure.error { return DeviceError(code: "E_CALLKIT_REPORT", message: String("reportNewIncomingCall: \(e)".prefix(2000))) }
        call = id
        return nil
    }

    /// Answers the reported call (CXAnswerCallAction); CallKit then activates the session.
    func answerCall() -> DeviceError? {
        guard let id = call else { return DeviceError(code: "E_CALLKIT_ANSWER", message: "no reported call to answer") }
        return request(CXAnswerCallAction(call: id), "E_CALLKIT_ANSWER")
    }

    /// Waits for provider(_:didActivate:); false when it never came (forum 783870).
    func awaitActivation(timeout: Double) -> Bool { activated.wait(timeout: .now() + timeout) == .success }

    /// Ends the call; CallKit deactivates the session (provider(_:didDeactivate:)).
    func endCall() -> DeviceError? {
        guard let id = call else { return nil }
        call = nil
        return request(CXEndCallAction(call: id), "E_CALLKIT_END")
    }

    private func request(_ action: CXAction, _ code: String) -> DeviceError? {
        let done = DispatchSemaphore(value: 0)
        let failure = ErrorSlot()
        controller.request(CXTransaction(action: action)) { error in
            failure.error = error
            done.signal()
        }
        guard done.wait(timeout: .now() + 10) == .success else { return DeviceError(code: code, message: "\(type(of: action)) did not complete within 10 s") }
        return failure.error.map { DeviceError(code: code, message: String("\(type(of: action)): \($0)".prefix(2000))) }
    }

    // MARK: CXProviderDelegate

    func providerDidReset(_ provider: CXProvider) {
        call = nil
        onNote("CallKit provider reset")
    }

    func provider(_ provider: CXProvider, perform action: CXAnswerCallAction) { action.fulfill() }

    func provider(_ provider: CXProvider, perform action: CXEndCallAction) { action.fulfill() }

    func provider(_ provider: CXProvider, didActivate audioSession: AVAudioSession) { activated.signal() }

    func provider(_ provider: CXProvider, didDeactivate audioSession: AVAudioSession) { onNote("CallKit deactivated the audio session") }
}

/// The error a CallKit completion handler reports: the handlers are @Sendable in current SDKs,
/// so they cannot assign a captured `var`; the semaphore orders the write before the read.
private final class ErrorSlot: @unchecked Sendable {
    var error: Error?
}

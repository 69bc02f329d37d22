// Who activates the audio session (configure.activation), as data the app executes:
// - app: the app calls setActive(true) and builds the engine.
// - callkit: the app reports an incoming call and answers it itself; CallKit activates the
//   session and the engine starts in provider(_:didActivate:) (the documented pattern,
//   ../shared/notes/ios-vpio-engine.md §5).
// - callkitAppActivates: as callkit, but the app also calls setActive(true) before
//   reporting the call (the "pre-heat" seen in Speakerbox-derived code): the wrong variant.
// Teardown mirrors it: the app deactivates (after a delay, so the last buffers play out) or
// ends the call and CallKit deactivates.

public enum ActivationStep: String, CaseIterable, Sendable {
    case configureSession // category, mode, options, preferences
    case activateSession // setActive(true) by the app
    case reportIncomingCall // CXProvider.reportNewIncomingCall
    case answerCall // CXAnswerCallAction through CXCallController
    case awaitDidActivate // provider(_:didActivate:)
    case buildAndStartEngine
}

public enum TeardownActivationStep: String, CaseIterable, Sendable {
    case stopEngine
    case endCall // CXEndCallAction; CallKit deactivates (provider(_:didDeactivate:))
    case deactivateSessionAfterDelay // setActive(false, .notifyOthersOnDeactivation)
}

public enum ActivationPlan {
    /// Seconds a configure waits for provider(_:didActivate:) before it reports the call's
    /// audio as never activated (it sometimes never fires: forum 783870).
    public static let didActivateTimeout = 10.0
    /// Delay before setActive(false) at teardown, so the IO thread's last buffers drain.
    public static let deactivationDelay = 0.5

    public static func steps(_ a: Activation) -> [ActivationStep] {
        switch a {
        case .app: return [.configureSession, .activateSession, .buildAndStartEngine]
        case .callkit: return [.configureSession, .reportIncomingCall, .answerCall, .awaitDidActivate, .buildAndStartEngine]
        case .callkitAppActivates: return [.configureSession, .activateSession, .reportIncomingCall, .answerCall, .awaitDidActivate, .buildAndStartEngine]
        }
    }

    public static func teardown(_ a: Activation) -> [TeardownActivationStep] {
        switch a {
        case .app: return [.stopEngine, .deactivateSessionAfterDelay]
        case .callkit, .callkitAppActivates: return [.stopEngine, .endCall]
        }
    }
}

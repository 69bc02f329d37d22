// Which engine a configure asks for and whether it can be built, decided before any Apple
// call. Every variant of the scenario matrix is either built or refused with a reason, never
// approximated silently:
//   avaudioengine, realtime      AVAudioEngine rendering to the device; VP by
//                                setVoiceProcessingEnabled in `initOrder`
//   avaudioengine, manual, VP    the documented failure (AVAudioIONode.h: voice processing
//                                only when rendering to a device): the app enables manual
//                                rendering, tries to enable VP, reports
//                                E_VP_UNAVAILABLE_MANUAL_RENDERING with what the call said
//   avaudioengine, manual, no VP E_UNSUPPORTED: an offline-rendering engine sends nothing to
//                                the speaker and takes nothing from the mic
//   audiounit, realtime          the raw VoiceProcessingIO unit, render callback from the ring
//   audiounit, manual            the raw unit whose render callback pulls an AVAudioEngine in
//                                manual rendering mode (Twilio's way to mix with VP)
//   audiounit, VP off            the RemoteIO unit instead (the same buses, no processing)
//   audiounit, vpFirst           E_UNSUPPORTED: the unit has no separate "enable VP" step
//   audiounit, disableVpWhileRunning  the closest analogue: bypass set on the running unit,
//                                then stop

public enum EngineVariant: Equatable, Sendable {
    case avEngine(steps: [EngineStep])
    /// Manual rendering with VP requested: run the probe, report the documented error.
    case avEngineManualProbe
    case voiceProcessingIO(manualMixing: Bool)
    case remoteIO(manualMixing: Bool)
    case refused(DeviceError)
}

public enum EngineVariantPlan {
    public static let unsupported = "E_UNSUPPORTED"

    public static func plan(_ c: DeviceConfig) -> EngineVariant {
        let vp = c.voiceProcessing.enabled
        switch c.engine {
        case .avaudioengine:
            switch (c.renderMode, vp) {
            case (.realtime, _): return .avEngine(steps: EngineConstructionOrder.build(c.initOrder, voiceProcessing: vp))
            case (.manual, true): return .avEngineManualProbe
            case (.manual, false):
                return .refused(DeviceError(code: unsupported, message: "avaudioengine in manual rendering without voice processing renders offline: nothing reaches the speaker or comes from the mic, so there is no echo to measure"))
            }
        case .audiounit:
            if c.initOrder == .vpFirst && vp {
                return .refused(DeviceError(code: unsupported, message: "initOrder vpFirst: the raw VoiceProcessingIO unit is voice-processed from creation; it has no separate enable step to reorder"))
            }
            let manual = c.renderMode == .manual
            return vp ? .voiceProcessingIO(manualMixing: manual) : .remoteIO(manualMixing: manual)
        }
    }
}

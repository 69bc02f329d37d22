// Audio routes in protocol terms. The app maps AVAudioSession.Port values to `RoutePort`
// (a switch on Apple's constants, no strings guessed) and everything after that is decided
// here: which protocol Route a session route is, and the names the routeChanged and
// interruption events carry. Raw values of the reason and interruption enums are Apple's
// (AVAudioSession.h: AVAudioSessionRouteChangeReason, AVAudioSessionInterruptionType).

public enum RoutePort: String, CaseIterable, Sendable {
    case builtInSpeaker, builtInReceiver, builtInMic, headphones, headsetMic, lineOut, lineIn
    case bluetoothA2DP, bluetoothHFP, bluetoothLE, airPlay, usbAudio, carAudio, hdmi, other
}

public enum RouteClassification {
    /// The protocol Route of a session route: by its first output, with the input deciding
    /// wired vs Bluetooth HFP where the output alone does not. Nil: a route the protocol has
    /// no name for (AirPlay, USB, car, HDMI, LE hearing aids) or no output at all.
    public static func route(outputs: [RoutePort], inputs: [RoutePort]) -> Route? {
        guard let out = outputs.first else { return nil }
        switch out {
        case .builtInSpeaker: return .speaker
        case .builtInReceiver: return .receiver
        case .headphones, .lineOut: return .wired
        case .bluetoothHFP: return .bluetoothHFP
        case .bluetoothA2DP: return .bluetoothA2DP
        default: return nil
        }
    }

    /// "speaker", "receiver"…, or "none" / "other:<port>" for what the protocol cannot name:
    /// the `from` / `to` of a routeChanged event.
    public static func describe(outputs: [RoutePort], inputs: [RoutePort]) -> String {
        if let r = route(outputs: outputs, inputs: inputs) { return r.rawValue }
        guard let out = outputs.first else { return "none" }
        return "other:\(out.rawValue)"
    }

    /// AVAudioSession.RouteChangeReason by raw value.
    public static func reasonName(_ raw: UInt) -> String {
        switch raw {
        case 0: return "unknown"
        case 1: return "newDeviceAvailable"
        case 2: return "oldDeviceUnavailable"
        case 3: return "categoryChange"
        case 4: return "override"
        case 6: return "wakeFromSleep"
        case 7: return "noSuitableRouteForCategory"
        case 8: return "routeConfigurationChange"
        default: return "reason\(raw)"
        }
    }

    /// AVAudioSession.InterruptionType by raw value: the interruption event's `phase`.
    public static func interruptionPhase(_ raw: UInt) -> String {
        switch raw {
        case 1: return "began"
        case 0: return "ended"
        default: return "type\(raw)"
        }
    }

    /// Input ports with no usable input: a route whose input channel count is 0 (AirPods
    /// after a switch, ../shared/notes/ios-vpio-engine.md §4) gives the capture nothing.
    public static func hasUsableInput(inputs: [RoutePort], inputChannels: Int) -> Bool {
        !inputs.isEmpty && inputChannels > 0
    }
}

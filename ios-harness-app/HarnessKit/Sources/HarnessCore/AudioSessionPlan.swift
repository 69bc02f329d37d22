// configure → what the app does to AVAudioSession, decided here and executed by the app in
// this order (QA1631: preferences are set while the session is inactive, values are read
// after activation):
//   setCategory(.playAndRecord, mode:, options:) → setPreferredSampleRate →
//   setPreferredIOBufferDuration → [activate: by the app, or by CallKit] →
//   overrideOutputAudioPort → setPreferredInput → read back the effective values.
// Route requests the session cannot honour as asked are noted, not refused: the configured
// reply's effective route then differs and the CLI reports the difference on the cell.

public struct AudioSessionPlan: Equatable, Sendable {
    public enum OutputOverride: String, Sendable { case speaker, none }

    public var mode: SessionMode
    /// Category options, deduplicated, in the protocol's order.
    public var options: [SessionOption]
    public var preferredSampleRate: Double
    public var preferredIOBufferDuration: Double // seconds
    /// `overrideOutputAudioPort` after activation; it lasts until the next route change.
    public var outputOverride: OutputOverride
    /// `setPreferredInput` with the first available input of this kind; nil: leave it.
    public var preferredInput: RoutePort?
    /// The volume asked for cannot be set by an app (only read): it is reported as measured.
    public var requestedVolume: Double
    /// Why the route or processing may not come out as requested (logged, and sent as a
    /// non-fatal `error` event after configured).
    public var notes: [String]

    public init(_ c: DeviceConfig) {
        mode = c.mode
        options = SessionOption.allCases.filter(c.options.contains)
        preferredSampleRate = Double(c.sampleRate)
        preferredIOBufferDuration = c.ioBufferMs / 1000
        requestedVolume = c.volume
        var notes: [String] = []
        switch c.route {
        case .speaker:
            outputOverride = .speaker
            preferredInput = .builtInMic
        case .receiver:
            outputOverride = .none
            preferredInput = .builtInMic
            if c.options.contains(.defaultToSpeaker) {
                notes.append("route receiver with option defaultToSpeaker: the category option sends output to the speaker")
            }
        case .wired:
            outputOverride = .none
            preferredInput = .headsetMic
        case .bluetoothHFP:
            outputOverride = .none
            preferredInput = .bluetoothHFP
            if !c.options.contains(.allowBluetooth) && c.mode != .voiceChat && c.mode != .videoChat {
                notes.append("route bluetoothHFP without option allowBluetooth in mode \(c.mode.rawValue): HFP is not offered")
            }
        case .bluetoothA2DP:
            outputOverride = .none
            // A2DP is output only: the mic stays the built-in one.
            preferredInput = .builtInMic
            if !c.options.contains(.allowBluetoothA2DP) {
                notes.append("route bluetoothA2DP without option allowBluetoothA2DP: A2DP is not offered")
            }
        }
        // Apple's header: voiceChat/videoChat without voice processing load no echo
        // cancellation and lower the playback level; other modes with VP are untested ground.
        let chatMode = c.mode == .voiceChat || c.mode == .videoChat
        if chatMode && !c.voiceProcessing.enabled {
            notes.append("mode \(c.mode.rawValue) without voice processing: no echo cancellation, lower output level (AVAudioSession.h)")
        }
        if !chatMode && c.voiceProcessing.enabled {
            notes.append("voice processing in mode \(c.mode.rawValue): iOS may switch the mode to voiceChat")
        }
        self.notes = notes
    }
}

extension Ducking {
    /// AVAudioVoiceProcessingOtherAudioDuckingConfiguration.Level raw values (iOS 17
    /// AVAudioIONode.h): default 0, min 10, mid 20, max 30.
    public var levelRawValue: Int {
        switch self {
        case .default: return 0
        case .min: return 10
        case .mid: return 20
        case .max: return 30
        }
    }

    /// Advanced ducking is off at `default` (Apple's default configuration) and on otherwise.
    public var enableAdvancedDucking: Bool { self != .default }
}

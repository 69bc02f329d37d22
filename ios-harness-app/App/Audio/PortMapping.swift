// AVAudioSession's values in HarnessKit's terms, and back: a switch on Apple's constants per
// type, nothing decided here (the decisions are AudioSessionPlan and RouteClassification).
import AVFoundation
import HarnessCore

enum PortMapping {
    static func port(_ p: AVAudioSession.Port) -> RoutePort {
        switch p {
        case .builtInSpeaker: return .builtInSpeaker
        case .builtInReceiver: return .builtInReceiver
        case .builtInMic: return .builtInMic
        case .headphones: return .headphones
        case .headsetMic: return .headsetMic
        case .lineOut: return .lineOut
        case .lineIn: return .lineIn
        case .bluetoothA2DP: return .bluetoothA2DP
        case .bluetoothHFP: return .bluetoothHFP
        case .bluetoothLE: return .bluetoothLE
        case .airPlay: return .airPlay
        case .usbAudio: return .usbAudio
        case .carAudio: return .carAudio
        case .HDMI: return .hdmi
        default: return .other
        }
    }

    static func ports(_ route: AVAudioSessionRouteDescription) -> (outputs: [RoutePort], inputs: [RoutePort]) {
        (route.outputs.map { port($0.portType) }, route.inputs.map { port($0.portType) })
    }

    static func mode(_ m: SessionMode) -> AVAudioSession.Mode {
        switch m {
        case .voiceChat: return .voiceChat
        case .videoChat: return .videoChat
        case .default: return .default
        case .measurement: return .measurement
        case .spokenAudio: return .spokenAudio
        }
    }

    /// The mode the session reports; nil for one the protocol cannot name.
    static func mode(_ m: AVAudioSession.Mode) -> SessionMode? {
        switch m {
        case .voiceChat: return .voiceChat
        case .videoChat: return .videoChat
        case .default: return .default
        case .measurement: return .measurement
        case .spokenAudio: return .spokenAudio
        default: return nil
        }
    }

    static func options(_ o: [SessionOption]) -> AVAudioSession.CategoryOptions {
        var out: AVAudioSession.CategoryOptions = []
        for x in o {
            switch x {
            case .defaultToSpeaker: out.insert(.defaultToSpeaker)
            // The iOS 26 SDK marks allowBluetooth deprecated in favour of allowBluetoothHFP (same
            // behaviour, DTS in forum thread 797379); older SDKs lack the new name: a warning, not an error.
            case .allowBluetooth: out.insert(.allowBluetooth)
            case .allowBluetoothA2DP: out.insert(.allowBluetoothA2DP)
            case .duckOthers: out.insert(.duckOthers)
            case .mixWithOthers: out.insert(.mixWithOthers)
            }
        }
        return out
    }
}

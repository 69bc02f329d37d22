// The order in which an engine is built and torn down, as data. The iOS engines execute
// these steps with AVFoundation / AudioToolbox calls; here the order itself is decided and
// checked, so the logic is tested on Linux even though the Apple calls are not.
// Correct build: attach the playback graph → enable voice processing → install the capture
// tap → prepare → start (practitioner lore, not Apple documentation: see
// ../shared/notes/ios-vpio-engine.md §0.2; both orders are harness variables).
// Correct teardown: stop → remove tap → disable voice processing (Apple's header: VP can be
// toggled only on a stopped engine, §0.1); `disableVpWhileRunning` is the wrong variant.

public enum EngineStep: String, CaseIterable, Sendable {
    case attachPlaybackGraph
    case enableVoiceProcessing
    case installCaptureTap
    case prepare
    case start
    case stop
    case removeCaptureTap
    case disableVoiceProcessing
}

public enum EngineConstructionOrder {
    /// Build steps for `initOrder`. Voice processing off: the VP step is left out.
    public static func build(_ order: InitOrder, voiceProcessing: Bool) -> [EngineStep] {
        switch (order, voiceProcessing) {
        case (_, false): return [.attachPlaybackGraph, .installCaptureTap, .prepare, .start]
        case (.correct, true): return [.attachPlaybackGraph, .enableVoiceProcessing, .installCaptureTap, .prepare, .start]
        case (.vpFirst, true): return [.enableVoiceProcessing, .attachPlaybackGraph, .installCaptureTap, .prepare, .start]
        }
    }

    /// Teardown steps for `teardownOrder`.
    public static func teardown(_ order: TeardownOrder, voiceProcessing: Bool) -> [EngineStep] {
        switch (order, voiceProcessing) {
        case (_, false): return [.stop, .removeCaptureTap]
        case (.correct, true): return [.stop, .removeCaptureTap, .disableVoiceProcessing]
        case (.disableVpWhileRunning, true): return [.disableVoiceProcessing, .stop, .removeCaptureTap]
        }
    }

    /// What is wrong with a sequence of steps, in words; empty when it follows the rules.
    /// Used to check a log of the steps an engine actually executed.
    public static func violations(_ steps: [EngineStep]) -> [String] {
        var out: [String] = []
        var attached = false, vp = false, tap = false, prepared = false, running = false
        for (i, s) in steps.enumerated() {
            switch s {
            case .attachPlaybackGraph:
                if running { out.append("step \(i): graph attached to a running engine") }
                attached = true
            case .enableVoiceProcessing:
                if running { out.append("step \(i): voice processing enabled on a running engine") }
                if !attached { out.append("step \(i): voice processing enabled before the playback graph was attached (vpFirst)") }
                vp = true
            case .installCaptureTap:
                tap = true
            case .prepare:
                if !attached { out.append("step \(i): prepare without a playback graph") }
                prepared = true
            case .start:
                if !prepared { out.append("step \(i): start without prepare") }
                if !tap { out.append("step \(i): start without a capture tap (no mic frames)") }
                running = true
            case .stop:
                if !running { out.append("step \(i): stop on an engine that is not running") }
                running = false
            case .removeCaptureTap:
                // Removing a tap from a running engine can crash (isSink || tap != nullptr);
                // ../shared/notes/ios-vpio-engine.md §1.3.
                if running { out.append("step \(i): capture tap removed from a running engine") }
                tap = false
            case .disableVoiceProcessing:
                if running { out.append("step \(i): voice processing disabled on a running engine (crashes on iOS 18)") }
                if !vp { out.append("step \(i): voice processing disabled but never enabled") }
                vp = false
            }
        }
        return out
    }
}

// The engine's build and teardown order as data: the correct order, the wrong variants
// (VP enabled first, VP disabled on a running engine), and the checker that finds them in a
// log of executed steps.
import XCTest
@testable import HarnessCore

final class EngineConstructionOrderTests: XCTestCase {
    func testTheCorrectOrderBuildsThePlaybackGraphBeforeVoiceProcessing() {
        XCTAssertEqual(EngineConstructionOrder.build(.correct, voiceProcessing: true), [.attachPlaybackGraph, .enableVoiceProcessing, .installCaptureTap, .prepare, .start])
        XCTAssertEqual(EngineConstructionOrder.teardown(.correct, voiceProcessing: true), [.stop, .removeCaptureTap, .disableVoiceProcessing])
        let log = EngineConstructionOrder.build(.correct, voiceProcessing: true) + EngineConstructionOrder.teardown(.correct, voiceProcessing: true)
        XCTAssertEqual(EngineConstructionOrder.violations(log), [])
    }

    func testWithoutVoiceProcessingThereIsNoVPStep() {
        XCTAssertEqual(EngineConstructionOrder.build(.vpFirst, voiceProcessing: false), [.attachPlaybackGraph, .installCaptureTap, .prepare, .start])
        XCTAssertEqual(EngineConstructionOrder.teardown(.disableVpWhileRunning, voiceProcessing: false), [.stop, .removeCaptureTap])
        XCTAssertEqual(EngineConstructionOrder.violations(EngineConstructionOrder.build(.vpFirst, voiceProcessing: false)), [])
    }

    func testVPFirstIsTheWrongBuildVariant() {
        let steps = EngineConstructionOrder.build(.vpFirst, voiceProcessing: true)
        XCTAssertEqual(steps, [.enableVoiceProcessing, .attachPlaybackGraph, .installCaptureTap, .prepare, .start])
        XCTAssertEqual(EngineConstructionOrder.violations(steps), ["step 0: voice processing enabled before the playback graph was attached (vpFirst)"])
    }

    func testDisablingVPOnARunningEngineIsTheWrongTeardownVariant() {
        let log = EngineConstructionOrder.build(.correct, voiceProcessing: true) + EngineConstructionOrder.teardown(.disableVpWhileRunning, voiceProcessing: true)
        XCTAssertEqual(EngineConstructionOrder.violations(log), ["step 5: voice processing disabled on a running engine (crashes on iOS 18)"])
    }

    func testTheCheckerFindsOtherMisorderings() {
        let v = EngineConstructionOrder.violations
        XCTAssertEqual(v([.attachPlaybackGraph, .installCaptureTap, .start]), ["step 2: start without prepare"])
        XCTAssertEqual(v([.attachPlaybackGraph, .prepare, .start]), ["step 2: start without a capture tap (no mic frames)"])
        XCTAssertEqual(v([.installCaptureTap, .prepare]), ["step 1: prepare without a playback graph"])
        XCTAssertEqual(v([.attachPlaybackGraph, .installCaptureTap, .prepare, .start, .enableVoiceProcessing]), ["step 4: voice processing enabled on a running engine"])
        XCTAssertEqual(v([.attachPlaybackGraph, .installCaptureTap, .prepare, .start, .removeCaptureTap, .stop]), ["step 4: capture tap removed from a running engine"])
        XCTAssertEqual(v([.disableVoiceProcessing]), ["step 0: voice processing disabled but never enabled"])
        XCTAssertEqual(v([.stop]), ["step 0: stop on an engine that is not running"])
    }

    func testTheLoopbackLogsTheOrderItWasAskedFor() {
        let engine = LoopbackEngine()
        var config = TrialStateMachineTests.config(gate: GateConfig(kind: .none, ms: 0, thresholdDbfs: -40))
        config.initOrder = .vpFirst
        config.teardownOrder = .disableVpWhileRunning
        XCTAssertEqual(engine.configure(config).steps, EngineConstructionOrder.build(.vpFirst, voiceProcessing: true))
        XCTAssertEqual(engine.stop(order: config.teardownOrder).steps, EngineConstructionOrder.teardown(.disableVpWhileRunning, voiceProcessing: true))
        XCTAssertEqual(EngineConstructionOrder.violations(engine.stepLog).count, 2)
    }
}

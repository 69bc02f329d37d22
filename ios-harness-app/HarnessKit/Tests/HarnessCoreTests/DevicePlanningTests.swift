// The platform-independent decisions the iOS app executes: session plan, activation, engine
// variant, route names, read-back → effective, host-clock conversion, retries.
import XCTest
@testable import HarnessCore

final class DevicePlanningTests: XCTestCase {
    func config(_ change: (inout DeviceConfig) -> Void = { _ in }) -> DeviceConfig {
        var c = TrialStateMachineTests.config(gate: GateConfig(kind: .hard, ms: 300, thresholdDbfs: -40))
        change(&c)
        return c
    }

    // MARK: session plan

    func testTheDefaultConfigurePlansVoiceChatOnTheSpeakerWithNoNotes() {
        let p = AudioSessionPlan(config { $0.options = [.allowBluetoothA2DP, .defaultToSpeaker, .allowBluetooth, .defaultToSpeaker] })
        XCTAssertEqual(p.mode, .voiceChat)
        XCTAssertEqual(p.options, [.defaultToSpeaker, .allowBluetooth, .allowBluetoothA2DP], "deduplicated, protocol order")
        XCTAssertEqual(p.outputOverride, .speaker)
        XCTAssertEqual(p.preferredInput, .builtInMic)
        XCTAssertEqual(p.preferredIOBufferDuration, 0.01, accuracy: 1e-12)
        XCTAssertEqual(p.preferredSampleRate, 48_000)
        XCTAssertEqual(p.notes, [])
    }

    func testRouteRequestsTheSessionCannotHonourAreNoted() {
        XCTAssertEqual(AudioSessionPlan(config { $0.route = .receiver }).notes.count, 1, "receiver with defaultToSpeaker")
        let a2dp = AudioSessionPlan(config { $0.route = .bluetoothA2DP; $0.options = [] })
        XCTAssertEqual(a2dp.preferredInput, .builtInMic, "A2DP has no mic")
        XCTAssertTrue(a2dp.notes.contains { $0.contains("allowBluetoothA2DP") })
        let hfp = AudioSessionPlan(config { $0.route = .bluetoothHFP; $0.options = []; $0.mode = .default })
        XCTAssertEqual(hfp.preferredInput, .bluetoothHFP)
        XCTAssertTrue(hfp.notes.contains { $0.contains("allowBluetooth") })
        XCTAssertFalse(AudioSessionPlan(config { $0.route = .bluetoothHFP; $0.options = [] }).notes.contains { $0.contains("allowBluetooth") },
                       "voiceChat implies HFP")
        XCTAssertEqual(AudioSessionPlan(config { $0.route = .wired }).preferredInput, .headsetMic)
    }

    func testModeAndVoiceProcessingMismatchesAreNoted() {
        XCTAssertTrue(AudioSessionPlan(config { $0.voiceProcessing.enabled = false }).notes.contains { $0.contains("lower output level") })
        XCTAssertTrue(AudioSessionPlan(config { $0.mode = .default }).notes.contains { $0.contains("switch the mode") })
        XCTAssertEqual(AudioSessionPlan(config { $0.mode = .default; $0.voiceProcessing.enabled = false }).notes, [])
    }

    func testDuckingLevelsAreApplesRawValues() {
        XCTAssertEqual(Ducking.allCases.map(\.levelRawValue), [0, 10, 20, 30])
        XCTAssertEqual(Ducking.allCases.map(\.enableAdvancedDucking), [false, true, true, true])
    }

    // MARK: activation

    func testCallKitStartsAudioInDidActivateAndOnlyTheWrongVariantActivatesItself() {
        XCTAssertEqual(ActivationPlan.steps(.app), [.configureSession, .activateSession, .buildAndStartEngine])
        let ck = ActivationPlan.steps(.callkit)
        XCTAssertFalse(ck.contains(.activateSession))
        XCTAssertLessThan(ck.firstIndex(of: .awaitDidActivate)!, ck.firstIndex(of: .buildAndStartEngine)!)
        let wrong = ActivationPlan.steps(.callkitAppActivates)
        XCTAssertLessThan(wrong.firstIndex(of: .activateSession)!, wrong.firstIndex(of: .reportIncomingCall)!)
        XCTAssertEqual(ActivationPlan.teardown(.app).last, .deactivateSessionAfterDelay)
        XCTAssertEqual(ActivationPlan.teardown(.callkit), [.stopEngine, .endCall])
    }

    // MARK: engine variants

    func testEveryVariantIsBuiltOrRefusedWithAReason() {
        XCTAssertEqual(EngineVariantPlan.plan(config()), .avEngine(steps: [.attachPlaybackGraph, .enableVoiceProcessing, .installCaptureTap, .prepare, .start]))
        XCTAssertEqual(EngineVariantPlan.plan(config { $0.initOrder = .vpFirst }),
                       .avEngine(steps: [.enableVoiceProcessing, .attachPlaybackGraph, .installCaptureTap, .prepare, .start]))
        XCTAssertEqual(EngineVariantPlan.plan(config { $0.renderMode = .manual }), .avEngineManualProbe)
        guard case .refused(let e) = EngineVariantPlan.plan(config { $0.renderMode = .manual; $0.voiceProcessing.enabled = false }) else { return XCTFail() }
        XCTAssertEqual(e.code, "E_UNSUPPORTED")
        XCTAssertEqual(EngineVariantPlan.plan(config { $0.engine = .audiounit }), .voiceProcessingIO(manualMixing: false))
        XCTAssertEqual(EngineVariantPlan.plan(config { $0.engine = .audiounit; $0.renderMode = .manual }), .voiceProcessingIO(manualMixing: true))
        XCTAssertEqual(EngineVariantPlan.plan(config { $0.engine = .audiounit; $0.voiceProcessing.enabled = false }), .remoteIO(manualMixing: false))
        guard case .refused(let v) = EngineVariantPlan.plan(config { $0.engine = .audiounit; $0.initOrder = .vpFirst }) else { return XCTFail() }
        XCTAssertEqual(v.code, "E_UNSUPPORTED")
        XCTAssertTrue(v.message.contains("vpFirst"))
    }

    // MARK: routes

    func testRoutesAreNamedByTheirOutputAndUnnamedOnesSaySo() {
        XCTAssertEqual(RouteClassification.route(outputs: [.builtInSpeaker], inputs: [.builtInMic]), .speaker)
        XCTAssertEqual(RouteClassification.route(outputs: [.builtInReceiver], inputs: [.builtInMic]), .receiver)
        XCTAssertEqual(RouteClassification.route(outputs: [.headphones], inputs: [.headsetMic]), .wired)
        XCTAssertEqual(RouteClassification.route(outputs: [.bluetoothHFP], inputs: [.bluetoothHFP]), .bluetoothHFP)
        XCTAssertEqual(RouteClassification.route(outputs: [.bluetoothA2DP], inputs: [.builtInMic]), .bluetoothA2DP)
        XCTAssertNil(RouteClassification.route(outputs: [.airPlay], inputs: []))
        XCTAssertNil(RouteClassification.route(outputs: [], inputs: [.builtInMic]))
        XCTAssertEqual(RouteClassification.describe(outputs: [.bluetoothLE], inputs: []), "other:bluetoothLE")
        XCTAssertEqual(RouteClassification.describe(outputs: [], inputs: []), "none")
        XCTAssertEqual((0...8).map(RouteClassification.reasonName),
                       ["unknown", "newDeviceAvailable", "oldDeviceUnavailable", "categoryChange", "override", "reason5", "wakeFromSleep",
                        "noSuitableRouteForCategory", "routeConfigurationChange"])
        XCTAssertEqual([1, 0, 7].map(RouteClassification.interruptionPhase), ["began", "ended", "type7"])
        XCTAssertFalse(RouteClassification.hasUsableInput(inputs: [.bluetoothHFP], inputChannels: 0))
    }

    // MARK: read-back

    func testEffectiveComesFromTheReadBackValues() {
        let r = SessionReadback(mode: nil, sampleRate: 24_000, ioBufferDuration: 0.021333333, outputLatency: 0.0123456, inputLatency: -0.001,
                                outputs: [.builtInReceiver], inputs: [.builtInMic], inputChannels: 1, outputVolume: 0.5, engineSampleRate: 0,
                                voiceProcessingEnabled: true)
        let c = config()
        let e = r.effective(for: c, engine: .avaudioengine, renderMode: .realtime)
        XCTAssertEqual(e.route, .receiver)
        XCTAssertEqual(e.mode, .voiceChat, "an unnamed mode is reported as requested")
        XCTAssertEqual(e.sampleRate, 24_000)
        XCTAssertEqual(e.ioBufferMs, 21.333)
        XCTAssertEqual(e.outputLatencyMs, 12.346)
        XCTAssertEqual(e.inputLatencyMs, 0, "clamped to the protocol's range")
        XCTAssertEqual(e.volume, 0.5)
        XCTAssertEqual(r.ioBufferFrames, 512)
        XCTAssertEqual(r.notes(for: c).count, 2, "the unnamed mode and the rate")
        var engineRate = r
        engineRate.engineSampleRate = 48_000
        XCTAssertEqual(engineRate.streamRate, 48_000, "the engine's rate wins")
    }

    // MARK: host clock

    func testHostTicksConvertWithTheTimebaseWithoutOverflow() {
        let iphone = MachTimebase(numer: 125, denom: 3) // 24 MHz ticks
        XCTAssertEqual(iphone.nanoseconds(ticks: 24_000_000), 1_000_000_000)
        XCTAssertEqual(iphone.ticks(nanoseconds: 1_000_000_000), 24_000_000)
        let year: UInt64 = 365 * 24 * 3600 * 24_000_000
        XCTAssertEqual(iphone.nanoseconds(ticks: 10 * year), 10 * 365 * 24 * 3600 * 1_000_000_000, "ten years of uptime")
        XCTAssertEqual(MachTimebase(numer: 1, denom: 1).nanoseconds(ticks: 123), 123)
        XCTAssertEqual(iphone.nanoseconds(ticks: 1), 41, "rounded down")
        XCTAssertEqual(MachTimebase.nanoseconds(seconds: 0.0053), 5_300_000)
        XCTAssertEqual(MachTimebase.nanoseconds(seconds: -1), 0)
        XCTAssertEqual(MachTimebase.nanoseconds(seconds: .nan), 0)
    }

    // MARK: retries

    func testRetriesStopAtTheFirstSuccessAndSleepBetweenAttemptsOnly() {
        var sleeps: [Int] = []
        var results: [Int32] = [-66635, -66635, 0, 0]
        let ok = RetryPolicy.audioUnitInitialize.run(sleep: { sleeps.append($0) }) { results.removeFirst() }
        XCTAssertTrue(ok.succeeded)
        XCTAssertEqual(ok.statuses, [-66635, -66635, 0])
        XCTAssertEqual(sleeps, [100, 100])
        sleeps = []
        let failed = RetryPolicy(attempts: 3, delayMs: 7).run(sleep: { sleeps.append($0) }) { Int32(-50) }
        XCTAssertFalse(failed.succeeded)
        XCTAssertEqual(failed.summary, "-50, -50, -50")
        XCTAssertEqual(sleeps, [7, 7])
        struct Boom: Error {}
        var calls = 0
        let r = try? RetryPolicy.engineStart.run(sleep: { _ in }) { () throws -> String in
            calls += 1
            if calls < 4 { throw Boom() }
            return "started"
        }
        XCTAssertEqual(r?.value, "started")
        XCTAssertEqual(r?.attempts, 4)
        XCTAssertThrowsError(try RetryPolicy(attempts: 2, delayMs: 0).run(sleep: { _ in }) { () throws -> Int in throw Boom() })
    }

    // MARK: ring buffer history

    func testTheRingKeepsWhatItPlayedAndItsOriginForTheCaptureSide() {
        let ring = PlaybackRingBuffer(capacity: 8, maxSegments: 2)
        XCTAssertNil(ring.origin())
        _ = ring.announce(frames: 4, due: 0)
        _ = [Float](arrayLiteral: 1, 2, 3, 4).withUnsafeBufferPointer { ring.write($0) }
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 6)
        let got = UnsafeMutablePointer<Float>.allocate(capacity: 6)
        defer { out.deallocate(); got.deallocate() }
        ring.render(into: out, count: 6, ioSample: 100, hostTimeNs: 5_000)
        XCTAssertEqual(ring.origin()?.sample, 100)
        XCTAssertEqual(ring.origin()?.hostTimeNs, 5_000)
        XCTAssertTrue(ring.copyPlayed(from: 1, count: 5, into: got))
        XCTAssertEqual(Array(UnsafeBufferPointer(start: got, count: 5)), [2, 3, 4, 0, 0])
        XCTAssertFalse(ring.copyPlayed(from: 4, count: 3, into: got), "not rendered yet")
        ring.render(into: out, count: 6, ioSample: 106, hostTimeNs: 0)
        XCTAssertFalse(ring.copyPlayed(from: 0, count: 2, into: got), "overwritten: older than the ring")
        XCTAssertEqual(ring.origin()?.sample, 100, "the origin is fixed by the first render")
    }
}

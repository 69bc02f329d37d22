// A trial on an engine whose IO runs on its own thread (through RealtimeIOBridge) gives
// exactly what the lockstep LoopbackEngine gives: the same events at the same host times and
// the same play / mic / gated frames, whatever the capture block size.
import Foundation
import XCTest
@testable import HarnessCore

final class RealtimeIOBridgeTests: XCTestCase {
    static func runTrial(on engine: AudioEngine, gate: GateConfig) -> (outputs: [TrialOutput], outcome: TrialOutcome) {
        let config = TrialStateMachineTests.config(gate: gate, ioBufferMs: 10)
        XCTAssertTrue(engine.configure(config).ok)
        let audio = (0..<48_000).map { Float(sin(Double($0) * 0.05) * 0.5) }
        let schedule = [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 20_000), ScheduleEntry(atMs: 700, startFrame: 20_000, frameCount: 28_000)]
        let trial = TrialRequest(id: 5, trialId: "t1", streamId: 9, audioId: "a", schedule: schedule, preRollMs: 200, postRollMs: 300,
                                 bypassVoiceProcessing: false, nearEnd: nil, groundTruth: false)
        var outputs: [TrialOutput] = []
        let runner = TrialRunner(trial: trial, config: config, audio: audio, schedule: schedule, ioBufferFrames: engine.ioBufferFrames,
                                 engineStarted: true, framesPerMessage: 1000) { outputs.append($0) }
        try? engine.start(render: runner.render, capture: runner.capture)
        let outcome = runner.run(on: engine)
        _ = engine.stop(order: .correct)
        return (outputs, outcome)
    }

    static func events(_ o: [TrialOutput]) -> [TrialOutput] { o.filter { if case .event = $0 { return true } else { return false } } }
    static func frames(_ o: [TrialOutput], _ kind: StreamKind) -> [AudioFrame] {
        o.compactMap { if case .frame(let f) = $0, f.kind == kind { return f } else { return nil } }
    }

    func testAThreadedEngineThroughTheBridgeMatchesTheLockstepLoopback() {
        var s = LoopbackSettings()
        s.noiseDbfs = nil
        let gate = GateConfig(kind: .rms2, ms: 300, thresholdDbfs: -40)
        let reference = RealtimeIOBridgeTests.runTrial(on: LoopbackEngine(settings: s), gate: gate)
        XCTAssertTrue(reference.outcome.ok)
        for chunk in [0, 4_800, 1_001] {
            let engine = ThreadedEchoEngine(settings: s)
            engine.captureChunk = chunk
            let threaded = RealtimeIOBridgeTests.runTrial(on: engine, gate: gate)
            XCTAssertTrue(threaded.outcome.ok, "capture chunk \(chunk): \(String(describing: threaded.outcome.error))")
            XCTAssertEqual(threaded.outcome.drains, reference.outcome.drains, "capture chunk \(chunk)")
            XCTAssertEqual(threaded.outcome.frames, reference.outcome.frames, "capture chunk \(chunk)")
            // How events and frames interleave depends on when the trial thread flushes; each
            // sequence on its own must be identical.
            XCTAssertEqual(RealtimeIOBridgeTests.events(threaded.outputs), RealtimeIOBridgeTests.events(reference.outputs), "capture chunk \(chunk)")
            for kind in [StreamKind.play, .mic, .gated] {
                XCTAssertTrue(RealtimeIOBridgeTests.frames(threaded.outputs, kind) == RealtimeIOBridgeTests.frames(reference.outputs, kind), "capture chunk \(chunk): \(kind) frames differ")
            }
        }
    }

    func testDeliveryWaitsForTheRenderAndBlocksAreAtMostMaxBlock() {
        let bridge = RealtimeIOBridge(maxBlock: 100, capacity: 1_000)
        var got: [(Int, Int, UInt64)] = []
        bridge.install(render: { o, n, _, _ in o.update(repeating: 0.5, count: n) }, capture: { _, n, first, host in got.append((n, first, host)) }, sampleRate: 1_000)
        let mic = [Float](repeating: 0.1, count: 250)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 250)
        defer { out.deallocate() }
        mic.withUnsafeBufferPointer { bridge.capture($0.baseAddress!, frames: 250, hostTimeNs: 5_000_000_000) }
        XCTAssertEqual(bridge.deliver(), 0, "nothing rendered yet: the play stream would have a hole")
        bridge.render(out, frames: 150, hostTimeNs: 0)
        XCTAssertEqual(bridge.deliver(), 150)
        XCTAssertEqual(got.map(\.0), [100, 50])
        XCTAssertEqual(got.map(\.1), [0, 100])
        XCTAssertEqual(got[1].2, 5_100_000_000, "host time of sample 100 at 1 kHz, from the capture's anchor")
    }

    func testAStalledTrialThreadGetsZerosForTheLostSamplesAndTheyAreCounted() {
        let bridge = RealtimeIOBridge(maxBlock: 10, capacity: 20)
        var got: [Float] = []
        bridge.install(render: { _, _, _, _ in }, capture: { p, n, first, _ in
            XCTAssertEqual(first, got.count, "contiguous")
            got += UnsafeBufferPointer(start: p, count: n)
        }, sampleRate: 1_000)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 30)
        defer { out.deallocate() }
        bridge.render(out, frames: 30, hostTimeNs: 0)
        let mic = (0..<30).map { Float($0) }
        mic.withUnsafeBufferPointer { bridge.capture($0.baseAddress!, frames: 30, hostTimeNs: 0) }
        XCTAssertEqual(bridge.deliver(), 30)
        XCTAssertEqual(got, [Float](repeating: 0, count: 10) + (10..<30).map { Float($0) })
        XCTAssertEqual(bridge.lostSamples, 10)
    }

    func testInterleavedChannelZeroIsTaken() {
        let bridge = RealtimeIOBridge(maxBlock: 8, capacity: 8)
        var got: [Float] = []
        bridge.install(render: { _, _, _, _ in }, capture: { p, n, _, _ in got += UnsafeBufferPointer(start: p, count: n) }, sampleRate: 1_000)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: 3)
        defer { out.deallocate() }
        bridge.render(out, frames: 3, hostTimeNs: 0)
        let stereo: [Float] = [1, -1, 2, -2, 3, -3]
        stereo.withUnsafeBufferPointer { bridge.capture($0.baseAddress!, frames: 3, stride: 2, hostTimeNs: 0) }
        bridge.deliver()
        XCTAssertEqual(got, [1, 2, 3])
    }

    func testTheSessionRunsATrialOnTheThreadedEngineAndNamesItInDeviceEvents() throws {
        var s = LoopbackSettings()
        s.noiseDbfs = nil
        let engine = ThreadedEchoEngine(settings: s)
        var outputs: [SessionOutput] = []
        let outLock = Lock()
        let session = HarnessSession(token: SessionHarness.token, engine: engine) { o in outLock.withLock { outputs.append(o) } }
        func send(_ m: Message) { session.receive(text: MessageCodec.encode(m)) }
        session.deviceEvent(.routeChanged, hostTimeNs: 1, data: [:]) // before hello: dropped
        send(.hello(Hello(id: 1, token: SessionHarness.token, clientName: "tests", clientVersion: "0")))
        send(.configure(Configure(id: 2, config: TrialStateMachineTests.config(gate: GateConfig(kind: .hard, ms: 300, thresholdDbfs: -40)))))
        let samples = [Float](repeating: 0.25, count: 9_600)
        send(.loadAudio(LoadAudio(id: 3, audioId: "a", streamId: 7, sampleRate: 48_000, frames: samples.count)))
        session.receive(binary: AudioFrame(kind: .fixture, format: .float32, channels: 1, streamId: 7, sequence: 0, hostTimeNs: 0, sampleRate: 48_000, samples: samples).encode())
        let reporter = Thread { session.deviceEvent(.interruption, hostTimeNs: 42, data: ["phase": .string("began")]) }
        send(.trial(TrialRequest(id: 4, trialId: "cal", streamId: 8, audioId: "a", schedule: [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 9_600)],
                                 preRollMs: 100, postRollMs: 200, bypassVoiceProcessing: true, nearEnd: nil, groundTruth: false)))
        reporter.start()
        while !reporter.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        send(.teardown(id: 5))
        let messages = SessionHarness.messages(outLock.withLock { outputs })
        guard case .trialDone(let done)? = messages.first(where: { if case .trialDone = $0 { return true } else { return false } }) else { return XCTFail("no trialDone") }
        XCTAssertTrue(done.ok)
        XCTAssertEqual(engine.bypassCalls, [true], "the calibration trial's bypass reached the engine")
        let deviceEvents = messages.compactMap { m -> EventMessage? in if case .event(let e) = m, e.name == .interruption || e.name == .routeChanged { return e } else { return nil } }
        XCTAssertEqual(deviceEvents.count, 1, "the event before hello is dropped")
        XCTAssertEqual(deviceEvents.first?.hostTimeNs, "42")
        let ids = messages.map(\.id)
        XCTAssertEqual(ids, Array(1...ids.count), "ids stay consecutive with events from another thread")
        if case .teardownDone(let t)? = messages.last { XCTAssertTrue(t.ok) } else { XCTFail("no teardownDone") }
    }
}

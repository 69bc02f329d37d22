// `files` mode: a plan in a folder, the session run from it, the results left beside it.
import Foundation
import XCTest
@testable import HarnessCore
@testable import HarnessTransport

final class FilesExchangeTests: XCTestCase {
    let token = "files-token-0123456789"
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("harnesskit-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func config() -> DeviceConfig {
        DeviceConfig(category: "playAndRecord", mode: .voiceChat, options: [], route: .speaker, engine: .avaudioengine, initOrder: .correct, renderMode: .realtime,
                     teardownOrder: .correct, activation: .app, ioBufferMs: 10, sampleRate: 48_000, volume: 1,
                     voiceProcessing: VoiceProcessingConfig(enabled: true, agc: true, ducking: .default), gate: GateConfig(kind: .hard, ms: 100, thresholdDbfs: -40), simulation: nil)
    }

    func testAPlanRunsToTeardownAndLeavesItsResults() throws {
        let audio = AudioFrame(kind: .fixture, format: .float32, channels: 1, streamId: 2, sequence: 0, hostTimeNs: 0, sampleRate: 48_000,
                               samples: [Float](repeating: 0.2, count: 4_800))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("plan"), withIntermediateDirectories: true)
        try audio.encode().write(to: dir.appendingPathComponent("plan/000001.bin"))
        let plan: [String] = [
            MessageCodec.encode(.hello(Hello(id: 1, token: token, clientName: "t", clientVersion: "0"))),
            MessageCodec.encode(.configure(Configure(id: 2, config: config()))),
            MessageCodec.encode(.loadAudio(LoadAudio(id: 3, audioId: "a", streamId: 2, sampleRate: 48_000, frames: 4_800))),
            "@plan/000001.bin",
            MessageCodec.encode(.trial(TrialRequest(id: 4, trialId: "t1", streamId: 5, audioId: "a", schedule: [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 4_800)],
                                                    preRollMs: 50, postRollMs: 50, bypassVoiceProcessing: false, nearEnd: nil, groundTruth: false))),
            MessageCodec.encode(.teardown(id: 5)),
        ]
        try plan.joined(separator: "\n").write(to: dir.appendingPathComponent("plan.ndjson"), atomically: true, encoding: .utf8)
        XCTAssertNil(try FilesExchange.run(dir: dir, token: token, engine: LoopbackEngine()))
        let lines = try String(contentsOf: dir.appendingPathComponent("results.ndjson"), encoding: .utf8).split(separator: "\n").map(String.init)
        let types = lines.filter { !$0.hasPrefix("@") }.map { (try? MessageCodec.decode($0, from: .device))?.type ?? "?" }
        XCTAssertEqual(types.first, "ready")
        XCTAssertEqual(Array(types.suffix(2)), ["trialDone", "teardownDone"])
        XCTAssertTrue(types.contains("configured") && types.contains("audioLoaded") && types.contains("event"))
        let binaries = lines.filter { $0.hasPrefix("@") }
        XCTAssertFalse(binaries.isEmpty)
        for b in binaries { XCTAssertNoThrow(try AudioFrame.decode(try Data(contentsOf: dir.appendingPathComponent(String(b.dropFirst()))))) }
    }

    // What the CLI's warm-up puts in a trial's plan (src/device/files/files-link.ts): a copy of the trial with its own
    // message id, stream id and trial id, then the trial. Both run whole, in order, in the one launch, each answered by its id.
    func testAWarmUpTrialAndTheMeasuredOneRunInOneLaunch() throws {
        let audio = AudioFrame(kind: .fixture, format: .float32, channels: 1, streamId: 2, sequence: 0, hostTimeNs: 0, sampleRate: 48_000,
                               samples: [Float](repeating: 0.2, count: 4_800))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("plan"), withIntermediateDirectories: true)
        try audio.encode().write(to: dir.appendingPathComponent("plan/000001.bin"))
        let top = 4_294_967_295
        func trial(_ id: Int, _ trialId: String, _ streamId: Int) -> String {
            MessageCodec.encode(.trial(TrialRequest(id: id, trialId: trialId, streamId: streamId, audioId: "a", schedule: [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 4_800)],
                                                    preRollMs: 50, postRollMs: 50, bypassVoiceProcessing: false, nearEnd: nil, groundTruth: false)))
        }
        let plan: [String] = [
            MessageCodec.encode(.hello(Hello(id: 1, token: token, clientName: "t", clientVersion: "0"))),
            MessageCodec.encode(.configure(Configure(id: 2, config: config()))),
            MessageCodec.encode(.loadAudio(LoadAudio(id: 3, audioId: "a", streamId: 2, sampleRate: 48_000, frames: 4_800))),
            "@plan/000001.bin",
            trial(top, "t1.warmup1", top),
            trial(4, "t1", 5),
        ]
        try plan.joined(separator: "\n").write(to: dir.appendingPathComponent("plan.ndjson"), atomically: true, encoding: .utf8)
        XCTAssertNil(try FilesExchange.run(dir: dir, token: token, engine: LoopbackEngine()))
        let lines = try String(contentsOf: dir.appendingPathComponent("results.ndjson"), encoding: .utf8).split(separator: "\n").map(String.init)
        let messages = lines.filter { !$0.hasPrefix("@") }.compactMap { try? MessageCodec.decode($0, from: .device) }
        let done = messages.compactMap { m -> TrialDone? in if case .trialDone(let d) = m { return d } else { return nil } }
        XCTAssertEqual(done.map(\.inReplyTo), [top, 4])
        XCTAssertEqual(done.map(\.trialId), ["t1.warmup1", "t1"])
        XCTAssertEqual(done.map(\.ok), [true, true])
        XCTAssertEqual(done[0].frames, done[1].frames)
        // Every frame of the launch belongs to one of the two streams, the warm-up's first.
        let streams = try lines.filter { $0.hasPrefix("@") }.map { try AudioFrame.decode(try Data(contentsOf: dir.appendingPathComponent(String($0.dropFirst())))).streamId }
        XCTAssertEqual(Set(streams), [UInt32(top), 5])
        XCTAssertEqual(streams.first, UInt32(top))
        XCTAssertEqual(streams.last, 5)
    }

    func testAPlanCannotNameFilesOutsideItsFolder() throws {
        try "@../secret.bin\n".write(to: dir.appendingPathComponent("plan.ndjson"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FilesExchange.run(dir: dir, token: token, engine: LoopbackEngine()))
        try "@/etc/passwd\n".write(to: dir.appendingPathComponent("plan.ndjson"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try FilesExchange.run(dir: dir, token: token, engine: LoopbackEngine()))
    }

    func testAMissingPlanIsAClearError() {
        XCTAssertThrowsError(try FilesExchange.run(dir: dir.appendingPathComponent("nope"), token: token, engine: LoopbackEngine())) {
            XCTAssertTrue("\($0)".hasPrefix("E_HARNESS_FILES"))
        }
    }
}

// The device-side session state machine: hello → ready → configure → loadAudio → trial …
// → teardown, the protocol errors with their documented codes and close codes, and the
// heartbeat.
import Foundation
import XCTest
@testable import HarnessCore

final class HarnessSessionTests: XCTestCase {
    func testHelloGetsReadyFromALoopbackDevice() {
        let h = SessionHarness()
        let out = SessionHarness.messages(h.hello())
        guard case .ready(let r)? = out.first else { return XCTFail("no ready: \(out)") }
        XCTAssertEqual(r.id, 1, "the device counts its ids from 1")
        XCTAssertEqual(r.device.deviceClass, .loopback)
        XCTAssertTrue(r.device.simulated)
        XCTAssertEqual(r.capabilities.maxFrameBytes, ProtocolLimits.maxFrameBytes)
        XCTAssertEqual(h.session.state, .ready)
        // The encoded ready carries "class":"loopback" on the wire.
        guard case .text(let s)? = h.outputs.first else { return XCTFail("no text") }
        XCTAssertTrue(s.contains(#""class":"loopback""#))
    }

    func testAWholeSessionFromHelloToTeardown() throws {
        let h = SessionHarness()
        _ = h.hello()
        let configured = SessionHarness.messages(h.send(SessionHarness.configure()))
        guard case .configured(let c)? = configured.first else { return XCTFail("no configured") }
        XCTAssertTrue(c.ok)
        XCTAssertEqual(c.inReplyTo, 2)
        XCTAssertEqual(c.effective?.sampleRate, 48_000)
        XCTAssertEqual(h.session.state, .configured)

        let audio = (0..<24_000).map { Float(sin(Double($0) * 0.03) * 0.4) }
        let loaded = SessionHarness.messages(h.upload("speech-1", streamId: 3, samples: audio))
        guard case .audioLoaded(let l)? = loaded.first else { return XCTFail("no audioLoaded: \(loaded)") }
        XCTAssertEqual(l.inReplyTo, 3)
        XCTAssertEqual(l.frames, 24_000)
        XCTAssertEqual(loaded.count, 1, "one reply, after the last frame")

        var frames: [StreamKind: Int] = [:]
        var sequences: [StreamKind: [UInt32]] = [:]
        let out = h.send { .trial(TrialRequest(id: $0, trialId: "trial-001", streamId: 11, audioId: "speech-1",
                                                schedule: [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 24_000)], preRollMs: 100, postRollMs: 200,
                                                bypassVoiceProcessing: false, nearEnd: nil, groundTruth: false)) }
        for case .binary(let d) in out {
            let f = try AudioFrame.decode(d)
            XCTAssertEqual(f.streamId, 11)
            frames[f.kind, default: 0] += f.frameCount
            sequences[f.kind, default: []].append(f.sequence)
        }
        let replies = SessionHarness.messages(out)
        guard case .trialDone(let done)? = replies.last else { return XCTFail("no trialDone") }
        XCTAssertTrue(done.ok)
        XCTAssertEqual(done.inReplyTo, 4)
        XCTAssertEqual(done.frames, frames, "trialDone counts exactly the frames sent")
        XCTAssertEqual(frames[.mic], 4_800 + 24_000 + 9_600)
        XCTAssertEqual(Set(frames.keys), [.play, .mic, .gated])
        for (kind, seq) in sequences { XCTAssertEqual(seq, Array(0..<UInt32(seq.count)), "\(kind) sequence") }
        let names = replies.compactMap { if case .event(let e) = $0 { return e.name } else { return nil } }
        XCTAssertEqual(names, [.micStarted, .engineStarted, .playbackStarted, .chunkAppended, .bufferDrained, .gateArmed])
        let ids = replies.map(\.id)
        XCTAssertEqual(ids, Array(ids[0]..<(ids[0] + ids.count)), "ids count up without gaps")

        // A second trial: no engineStarted (the engine was started by configure, once).
        let second = SessionHarness.messages(h.send { .trial(TrialRequest(id: $0, trialId: "trial-002", streamId: 12, audioId: "speech-1",
                                                                          schedule: [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 1_000)], preRollMs: 0, postRollMs: 0,
                                                                          bypassVoiceProcessing: true, nearEnd: nil, groundTruth: false)) })
        XCTAssertFalse(second.contains { if case .event(let e) = $0 { return e.name == .engineStarted } else { return false } })

        let td = SessionHarness.messages(h.send { .teardown(id: $0) })
        guard case .teardownDone(let t)? = td.first else { return XCTFail("no teardownDone") }
        XCTAssertTrue(t.ok)
        XCTAssertEqual(h.session.state, .ready)
        XCTAssertEqual(h.session.engineSteps, EngineConstructionOrder.build(.correct, voiceProcessing: true) + EngineConstructionOrder.teardown(.correct, voiceProcessing: true))
        XCTAssertEqual(EngineConstructionOrder.violations(h.session.engineSteps), [])
    }

    func testConfiguringAgainRebuildsTheEngine() {
        let h = SessionHarness()
        _ = h.hello()
        _ = h.send(SessionHarness.configure())
        _ = h.send(SessionHarness.configure(gate: GateConfig(kind: .rms2, ms: 100, thresholdDbfs: -30)))
        let build = EngineConstructionOrder.build(.correct, voiceProcessing: true), down = EngineConstructionOrder.teardown(.correct, voiceProcessing: true)
        XCTAssertEqual(h.session.engineSteps, build + down + build)
    }

    func expectEnding(_ out: [SessionOutput], _ code: ErrorCode, close: CloseCode = .protocolError, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = SessionHarness.ending(out) else { return XCTFail("the session did not end: \(out)", file: file, line: line) }
        XCTAssertEqual(e.code, code.rawValue, file: file, line: line)
        XCTAssertEqual(e.close, close.rawValue, file: file, line: line)
    }

    func testProtocolErrorsEndTheSessionWithTheDocumentedCodes() throws {
        let configure = try RepoFixtures.text("fixtures/protocol/configure.json")
        var h = SessionHarness()
        expectEnding(h.text(configure), .unexpected) // before hello
        h = SessionHarness()
        expectEnding(h.hello(token: "wrong-token-0123456789"), .token, close: .policy)
        h = SessionHarness()
        _ = h.hello()
        expectEnding(h.hello(), .unexpected) // a second hello
        h = SessionHarness()
        _ = h.hello()
        expectEnding(h.text(try RepoFixtures.text("fixtures/protocol/trial.json")), .unexpected) // trial before configure
        h = SessionHarness()
        _ = h.hello()
        _ = h.send(SessionHarness.configure())
        expectEnding(h.text(try RepoFixtures.text("fixtures/protocol/trial.json")), .audioUnknown)
        h = SessionHarness()
        expectEnding(h.binary(try RepoFixtures.data("fixtures/protocol/audio-fixture-f32.bin")), .unexpected) // audio before hello
        h = SessionHarness()
        _ = h.hello()
        expectEnding(h.binary(try RepoFixtures.data("fixtures/protocol/audio-fixture-f32.bin")), .unexpected) // no loadAudio announced it
        h = SessionHarness()
        _ = h.hello()
        expectEnding(h.text(String(repeating: " ", count: ProtocolLimits.maxFrameBytes + 1)), .tooLarge, close: .tooBig)
        h = SessionHarness()
        _ = h.hello()
        expectEnding(h.binary(Data(count: 2 << 20)), .tooLarge, close: .tooBig)
        h = SessionHarness()
        _ = h.hello()
        expectEnding(h.text(try RepoFixtures.text("fixtures/protocol/ready.json")), .unexpected) // a device-only message
        h = SessionHarness()
        h.session.helloTimedOut()
        expectEnding(h.outputs, .timeout)
    }

    func testUploadErrors() {
        let frame = { (seq: UInt32, n: Int) in
            AudioFrame(kind: .fixture, format: .float32, channels: 1, streamId: 3, sequence: seq, hostTimeNs: 0, sampleRate: 48_000, samples: [Float](repeating: 0.1, count: n)).encode()
        }
        var h = SessionHarness()
        _ = h.hello()
        _ = h.send { .loadAudio(LoadAudio(id: $0, audioId: "a", streamId: 3, sampleRate: 48_000, frames: 100)) }
        expectEnding(h.binary(frame(1, 10)), .sequence)
        h = SessionHarness()
        _ = h.hello()
        _ = h.send { .loadAudio(LoadAudio(id: $0, audioId: "a", streamId: 3, sampleRate: 48_000, frames: 100)) }
        XCTAssertTrue(h.binary(frame(0, 60)).isEmpty)
        expectEnding(h.binary(frame(1, 60)), .overrun)
        h = SessionHarness()
        _ = h.hello()
        _ = h.send { .loadAudio(LoadAudio(id: $0, audioId: "a", streamId: 3, sampleRate: 16_000, frames: 100)) }
        expectEnding(h.binary(frame(0, 10)), .unexpected) // rate differs from loadAudio
    }

    func testAfterTheEndNothingMoreComesOut() {
        let h = SessionHarness()
        _ = h.hello(token: "wrong-token-0123456789")
        XCTAssertEqual(h.session.state, .closed)
        XCTAssertTrue(h.hello().isEmpty)
        XCTAssertTrue(h.binary(Data([1, 2, 3])).isEmpty)
    }

    func testAFatalErrorFromTheCLIClosesNormally() {
        let h = SessionHarness()
        _ = h.hello()
        let out = h.send { .error(ErrorMessage(id: $0, inReplyTo: nil, code: "E_RUN_ABORTED", message: "bye", fatal: true)) }
        guard case .close(let code, _)? = out.last else { return XCTFail("no close") }
        XCTAssertEqual(code, CloseCode.normal.rawValue)
        let h2 = SessionHarness()
        _ = h2.hello()
        XCTAssertTrue(h2.send { .error(ErrorMessage(id: $0, inReplyTo: nil, code: "E_X", message: "", fatal: false)) }.isEmpty, "a non-fatal error needs no answer")
        XCTAssertEqual(h2.session.state, .ready)
    }

    func testHeartbeatsDropTheConnectionAfterThreeMissedPongs() {
        let h = SessionHarness()
        _ = h.hello()
        XCTAssertEqual(h.session.heartbeatInterval(), .ping)
        XCTAssertEqual(h.session.heartbeatInterval(), .ping)
        h.session.pongReceived()
        for _ in 0..<3 { XCTAssertEqual(h.session.heartbeatInterval(), .ping) }
        XCTAssertTrue(h.outputs.count == 1, "pings are the transport's; the session only counts")
        XCTAssertEqual(h.session.heartbeatInterval(), .drop)
        XCTAssertEqual(h.session.state, .closed)
        guard case .drop(let reason)? = h.outputs.last else { return XCTFail("no drop") }
        XCTAssertTrue(reason.hasPrefix("E_PROTO_HEARTBEAT"))
        var m = HeartbeatMonitor(allowed: 1)
        XCTAssertEqual([m.interval(), m.interval()], [.ping, .drop])
    }

    func testTokensCompareInConstantTimeOverTheLongerString() {
        XCTAssertTrue(constantTimeEqual("abc", "abc"))
        XCTAssertFalse(constantTimeEqual("abc", "abd"))
        XCTAssertFalse(constantTimeEqual("abc", "abc\u{0}"))
        XCTAssertFalse(constantTimeEqual("", "a"))
    }
}

/// An engine that builds but will not start.
private final class UnstartableEngine: AudioEngine, DeviceDescribing {
    struct Refused: Error {}
    let loopback = LoopbackEngine()
    var ioBufferFrames: Int { loopback.ioBufferFrames }
    var deviceInfo: DeviceInfo { loopback.deviceInfo }
    var capabilities: Capabilities { loopback.capabilities }
    func configure(_ config: DeviceConfig) -> EngineConfiguration { loopback.configure(config) }
    func start(render: @escaping RenderCallback, capture: @escaping CaptureCallback) throws { throw Refused() }
    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError]) { loopback.stop(order: order) }
    func runCycle() -> Bool { true }
}

final class EngineStartFailureTests: XCTestCase {
    func testAnEngineThatWillNotStartIsAFailedConfigureNotAProtocolError() {
        var outputs: [SessionOutput] = []
        let session = HarnessSession(token: SessionHarness.token, engine: UnstartableEngine()) { outputs.append($0) }
        session.receive(text: MessageCodec.encode(.hello(Hello(id: 1, token: SessionHarness.token, clientName: "t", clientVersion: "0"))))
        session.receive(text: MessageCodec.encode(SessionHarness.configure()(2)))
        guard case .configured(let c)? = SessionHarness.messages(outputs).last else { return XCTFail("no configured: \(outputs)") }
        XCTAssertFalse(c.ok)
        XCTAssertEqual(c.errors.map(\.code), ["E_ENGINE_START"])
        XCTAssertEqual(session.state, .ready, "the session goes on; a trial now is out of order")
    }
}

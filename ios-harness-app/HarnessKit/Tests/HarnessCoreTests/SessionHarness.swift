// A HarnessSession on a LoopbackEngine with its output captured: what the session and fuzz
// tests drive instead of a socket.
import Foundation
import XCTest
@testable import HarnessCore

final class SessionHarness {
    static let token = "session-token-0123456789"
    var outputs: [SessionOutput] = []
    let engine: LoopbackEngine
    lazy var session: HarnessSession = HarnessSession(token: SessionHarness.token, engine: engine) { [unowned self] in self.outputs.append($0) }
    private var nextId = 1

    init(settings: LoopbackSettings = LoopbackSettings()) { engine = LoopbackEngine(settings: settings) }

    /// Sends a CLI message (its id assigned here) and returns what the session produced.
    @discardableResult
    func send(_ make: (Int) -> Message) -> [SessionOutput] {
        let id = nextId
        nextId += 1
        return text(MessageCodec.encode(make(id)))
    }

    @discardableResult
    func text(_ s: String) -> [SessionOutput] {
        let from = outputs.count
        session.receive(text: s)
        return Array(outputs[from...])
    }

    @discardableResult
    func binary(_ d: Data) -> [SessionOutput] {
        let from = outputs.count
        session.receive(binary: d)
        return Array(outputs[from...])
    }

    func hello(token: String = SessionHarness.token) -> [SessionOutput] {
        send { .hello(Hello(id: $0, token: token, clientName: "tests", clientVersion: "0")) }
    }

    static func messages(_ out: [SessionOutput]) -> [Message] {
        out.compactMap { if case .text(let s) = $0 { return try? MessageCodec.decode(s, from: .device) } else { return nil } }
    }

    /// The fatal error and close code a session ended with, if it did.
    static func ending(_ out: [SessionOutput]) -> (code: String, close: Int)? {
        guard case .close(let close, _)? = out.last, case .error(let e)? = messages(out).last else { return nil }
        XCTAssertTrue(e.fatal, "a closing error is fatal")
        return (e.code, close)
    }

    static func configure(gate: GateConfig = GateConfig(kind: .hard, ms: 300, thresholdDbfs: -40)) -> (Int) -> Message {
        { .configure(Configure(id: $0, config: TrialStateMachineTests.config(gate: gate))) }
    }

    /// loadAudio plus its fixture frames, `perFrame` samples each.
    func upload(_ id: String, streamId: UInt32, samples: [Float], rate: Int = 48_000, perFrame: Int = 4_000) -> [SessionOutput] {
        var out = send { .loadAudio(LoadAudio(id: $0, audioId: id, streamId: Int(streamId), sampleRate: rate, frames: samples.count)) }
        var seq: UInt32 = 0
        for at in stride(from: 0, to: samples.count, by: perFrame) {
            let chunk = Array(samples[at..<min(samples.count, at + perFrame)])
            out += binary(AudioFrame(kind: .fixture, format: .float32, channels: 1, streamId: streamId, sequence: seq, hostTimeNs: 0, sampleRate: rate, samples: chunk).encode())
            seq += 1
        }
        return out
    }
}


// The shared gate table (fixtures/harness/gate-cases.json), also run by the TypeScript gate
// (test/unit/sim/gate-cases.test.ts): every case through MicGate.apply (whole stream) and
// through the live StreamingMicGate, fed in blocks of several sizes with the windows
// appearing in its log as a render thread would log them.
import XCTest
@testable import HarnessCore

final class GateCaseTests: XCTestCase {
    struct GateCase {
        var name: String
        var rate: Int
        var gate: GateConfig
        var mic: [Float]
        var silences: [Silence]
        var zeroed: [(Int, Int)]?
    }

    static func load() throws -> [GateCase] {
        let table = try RepoFixtures.json("fixtures/harness/gate-cases.json")
        XCTAssertEqual(table["schema"].string, "voiceaec.harness-gate-cases/1")
        return try table["cases"].array.map { c in
            var mic: [Float] = []
            for seg in c["mic"].array {
                let a = Float(seg.array[1].double) // float32, as the TypeScript side stores it
                for i in 0..<seg.array[0].int { mic.append(i % 2 == 0 ? a : -a) }
            }
            return GateCase(
                name: c["name"].string, rate: c["rate"].int, gate: try GateConfig.read(c["gate"], "gate"), mic: mic,
                silences: c["silences"].array.map { Silence(drainAt: $0["drainAt"].int, resumeAt: $0["resumeAt"].isNull ? nil : $0["resumeAt"].int) },
                zeroed: c["zeroed"].isNull ? nil : c["zeroed"].array.map { ($0.array[0].int, $0.array[1].int) })
        }
    }

    /// The first sample that differs from the expectation, or nil.
    static func firstMismatch(_ out: [Float], _ c: GateCase) -> String? {
        guard let zeroed = c.zeroed else { return "expected no gated stream" }
        guard out.count == c.mic.count else { return "\(out.count) samples out, \(c.mic.count) in" }
        for i in 0..<out.count {
            let want: Float = zeroed.contains { i >= $0.0 && i < $0.1 } ? 0 : c.mic[i]
            if out[i] != want { return "sample \(i): got \(out[i]), want \(want)" }
        }
        return nil
    }

    func testTheTableCoversEveryKind() throws {
        let cases = try GateCaseTests.load()
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        XCTAssertEqual(Set(cases.map(\.gate.kind)), Set(GateKind.allCases))
    }

    func testEveryCaseThroughTheWholeStreamGate() throws {
        for c in try GateCaseTests.load() {
            let out = MicGate.apply(mic: c.mic, gate: c.gate, silences: c.silences, rate: c.rate)
            if c.zeroed == nil {
                XCTAssertNil(out, c.name)
                continue
            }
            guard let out else { XCTFail("\(c.name): no gated stream"); continue }
            XCTAssertNil(GateCaseTests.firstMismatch(out, c), c.name)
        }
    }

    func testEveryCaseThroughTheLiveGateInBlocksOfEverySize() throws {
        for c in try GateCaseTests.load() where c.zeroed != nil {
            let frame = MicGate.frameSamples(rate: c.rate)
            for block in Set([1, 7, frame, frame + 3, 480, c.mic.count]) {
                let out = GateCaseTests.live(c, block: block)
                XCTAssertNil(GateCaseTests.firstMismatch(out, c), "\(c.name), blocks of \(block)")
            }
        }
    }

    /// Runs the live gate: before each mic block, the drains and appends rendered up to the
    /// block's end enter the window log, as the render thread logs them.
    static func live(_ c: GateCase, block: Int) -> [Float] {
        let log = GateWindowLog(capacity: c.silences.count + 1)
        let gate = StreamingMicGate(gate: c.gate, rate: c.rate, maxBlock: block)
        var marks: [(sample: Int, arm: Bool)] = []
        for s in c.silences {
            marks.append((s.drainAt, true))
            if let r = s.resumeAt { marks.append((r, false)) }
        }
        var next = 0
        var out: [Float] = []
        var at = 0
        c.mic.withUnsafeBufferPointer { mic in
            while at < mic.count {
                let n = min(block, mic.count - at)
                log.lock.withLock {
                    while next < marks.count, marks[next].sample < at + n {
                        if marks[next].arm { log.arm(at: marks[next].sample) } else { log.disarm(at: marks[next].sample) }
                        next += 1
                    }
                    log.rendered(upTo: at + n)
                }
                gate.process(mic.baseAddress! + at, count: n, windows: log) { p, k in out.append(contentsOf: UnsafeBufferPointer(start: p, count: k)) }
                XCTAssertLessThanOrEqual(at + n - gate.emittedUpTo, 2 * MicGate.frameSamples(rate: c.rate) + block, "the live gate holds back at most a frame")
                at += n
            }
        }
        gate.finish(windows: log) { p, k in out.append(contentsOf: UnsafeBufferPointer(start: p, count: k)) }
        return out
    }
}

// Malformed input sent to the Swift side, as test/integration/protocol-fuzz.test.ts does to
// the virtual iPhone: each invalid golden vector after a good hello ends the session with its
// documented code and close code; seeded mutations of valid messages and frames either
// happen to be valid or draw an E_PROTO_/E_AUDIO_ error, and never crash the harness.
import Foundation
import XCTest
@testable import HarnessCore

final class SessionFuzzTests: XCTestCase {
    func testEveryInvalidVectorAfterHelloEndsTheSessionWithItsCode() throws {
        guard case .object(let index) = try RepoFixtures.json("fixtures/protocol/invalid/index.json") else { return XCTFail("no index") }
        for (file, code) in index.sorted(by: { $0.key < $1.key }) {
            let h = SessionHarness()
            _ = h.hello()
            let bytes = try RepoFixtures.data("fixtures/protocol/invalid/\(file)")
            let out = file.hasSuffix(".bin") ? h.binary(bytes) : h.text(String(decoding: bytes, as: UTF8.self))
            guard let end = SessionHarness.ending(out) else { XCTFail("\(file): the session went on"); continue }
            XCTAssertEqual(end.code, code.string, file)
            XCTAssertEqual(end.close, CloseCode.protocolError.rawValue, file)
        }
    }

    func testMalformedTextGetsTheCodecsCodes() {
        let cases: [(String, ErrorCode)] = [
            ("{\"type\":", .malformed), ("[1,2]", .malformed), ("{\"id\":1}", .malformed), ("{\"type\":5}", .malformed),
            ("{\"id\":2,\"type\":\"format\",\"version\":1}", .unknownType),
            ("{\"id\":2,\"type\":\"teardown\",\"version\":2}", .version), ("{\"id\":2,\"type\":\"teardown\"}", .version),
            ("{\"id\":-1,\"type\":\"teardown\",\"version\":1}", .field), ("{\"id\":1.5,\"type\":\"teardown\",\"version\":1}", .field),
            ("{\"id\":2,\"type\":\"teardown\",\"version\":1,\"x\":null}", .field),
        ]
        for (text, code) in cases {
            let h = SessionHarness()
            _ = h.hello()
            XCTAssertEqual(SessionHarness.ending(h.text(text))?.code, code.rawValue, text)
        }
    }

    /// Flipped bytes, truncation or appended junk, seeded: the mutations of the TypeScript fuzz test.
    static func mutate(_ input: [UInt8], _ r: inout SeededUniform) -> [UInt8] {
        var b = input
        switch Int(r.next() * 3) {
        case 0:
            for _ in 0..<(1 + Int(r.next() * 4)) { b[Int(r.next() * Double(b.count))] = UInt8(Int(r.next() * 256)) }
            return b
        case 1:
            return Array(b[0..<Int(r.next() * Double(b.count))])
        default:
            return b + (0..<(1 + Int(r.next() * 8))).map { _ in UInt8(Int(r.next() * 256)) }
        }
    }

    func testSeededMutationsDrawProtocolErrorsAndNeverCrash() throws {
        let inputs = try ["configure.json", "trial.json", "loadAudio.json", "audio-fixture-f32.bin"].map { Array(try RepoFixtures.data("fixtures/protocol/\($0)")) }
        var r = SeededUniform(seed: 7)
        var errors = 0
        for k in 0..<400 {
            let m = SessionFuzzTests.mutate(inputs[k % inputs.count], &r)
            let h = SessionHarness()
            _ = h.hello()
            _ = h.send(SessionHarness.configure())
            // Text as latin1 (every byte one character), as the TypeScript test sends it.
            let out = k % 4 != 3 ? h.text(String(String.UnicodeScalarView(m.map { Unicode.Scalar($0) }))) : h.binary(Data(m))
            if let end = SessionHarness.ending(out) {
                errors += 1
                XCTAssertTrue(end.code.hasPrefix("E_PROTO_") || end.code.hasPrefix("E_AUDIO_"), "mutation \(k): \(end.code)")
                XCTAssertTrue([1002, 1008, 1009].contains(end.close), "mutation \(k): close \(end.close)")
            } else {
                XCTAssertNotEqual(h.session.state, .closed, "mutation \(k): closed without an error")
            }
        }
        XCTAssertGreaterThan(errors, 200, "most mutations are invalid")
    }
}

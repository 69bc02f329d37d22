// The protocol golden vectors of fixtures/protocol/, shared with the TypeScript tests
// (test/unit/protocol/golden-vectors.test.ts): every valid message and frame decodes and
// re-encodes byte for byte; every invalid one fails with the code invalid/index.json names.
import Foundation
import XCTest
@testable import HarnessCore

final class GoldenVectorTests: XCTestCase {
    let dir = "fixtures/protocol"

    func testEveryMessageVectorReencodesByteForByte() throws {
        let files = try RepoFixtures.files(in: dir, ending: ".json")
        XCTAssertGreaterThanOrEqual(files.count, 15)
        var types = Set<String>()
        for f in files {
            let text = try RepoFixtures.text("\(dir)/\(f)")
            let m = try MessageCodec.decode(text)
            types.insert(m.type)
            XCTAssertEqual(Array(MessageCodec.encode(m).utf8), Array(text.utf8), f)
        }
        XCTAssertEqual(types, Message.allTypes, "the vectors cover every message type")
    }

    func testEveryFrameVectorReencodesByteForByte() throws {
        let files = try RepoFixtures.files(in: dir, ending: ".bin")
        XCTAssertGreaterThanOrEqual(files.count, 3)
        var formats = Set<UInt8>()
        for f in files {
            let bytes = try RepoFixtures.data("\(dir)/\(f)")
            let frame = try AudioFrame.decode(bytes)
            formats.insert(frame.format.rawValue)
            XCTAssertEqual(frame.samples.count, frame.frameCount * frame.channels, f)
            XCTAssertEqual(frame.encode(), bytes, f)
        }
        XCTAssertEqual(formats, [SampleFormat.float32.rawValue, SampleFormat.int16.rawValue])
    }

    func testHeaderFieldsAtTheirDocumentedOffsets() throws {
        let f = try AudioFrame.decode(try RepoFixtures.data("\(dir)/audio-play-s16-stereo.bin"))
        XCTAssertEqual(f.kind, .play)
        XCTAssertEqual(f.format, .int16)
        XCTAssertEqual(f.channels, 2)
        XCTAssertEqual(f.streamId, 8)
        XCTAssertEqual(f.sequence, 41)
        XCTAssertEqual(f.hostTimeNs, 1_234_567_890_123)
        XCTAssertEqual(f.sampleRate, 16_000)
        XCTAssertEqual(f.frameCount, 160)
    }

    func testEveryInvalidVectorGivesItsDocumentedCode() throws {
        guard case .object(let index) = try RepoFixtures.json("\(dir)/invalid/index.json") else { return XCTFail("index.json is not an object") }
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: RepoFixtures.url("\(dir)/invalid").path).filter { $0 != "index.json" }
        XCTAssertEqual(Set(index.keys), Set(onDisk), "index.json names every invalid vector")
        for (file, expected) in index.sorted(by: { $0.key < $1.key }) {
            let bytes = try RepoFixtures.data("\(dir)/invalid/\(file)")
            let code: String
            do {
                if file.hasSuffix(".bin") { _ = try AudioFrame.decode(bytes) } else { _ = try MessageCodec.decode(String(decoding: bytes, as: UTF8.self)) }
                code = "no error"
            } catch let e as ProtocolError {
                code = e.code.rawValue
            }
            XCTAssertEqual(code, expected.string, file)
        }
    }

    func testAMessageFromTheWrongRoleIsUnexpected() throws {
        XCTAssertThrowsError(try MessageCodec.decode(try RepoFixtures.text("\(dir)/hello.json"), from: .device)) {
            XCTAssertEqual(($0 as? ProtocolError)?.code, .unexpected)
        }
        XCTAssertThrowsError(try MessageCodec.decode(try RepoFixtures.text("\(dir)/ready.json"), from: .cli)) {
            XCTAssertEqual(($0 as? ProtocolError)?.code, .unexpected)
        }
        // A broken message from the wrong role is a field error, as in the TypeScript codec.
        let broken = try RepoFixtures.text("\(dir)/ready.json").replacingOccurrences(of: "\"simulated\":false", with: "\"simulated\":0")
        XCTAssertThrowsError(try MessageCodec.decode(broken, from: .cli)) { XCTAssertEqual(($0 as? ProtocolError)?.code, .field) }
    }

    func testTheLoopbackReadyVectorIsALoopbackDevice() throws {
        guard case .ready(let r) = try MessageCodec.decode(try RepoFixtures.text("\(dir)/ready-loopback.json")) else { return XCTFail("not a ready") }
        XCTAssertEqual(r.device.deviceClass, .loopback)
        XCTAssertTrue(r.device.simulated)
    }

    func testTheIOSSimulatorReadyVectorIsNotAPhone() throws {
        let text = try RepoFixtures.text("\(dir)/ready-ios-simulator.json")
        guard case .ready(let r) = try MessageCodec.decode(text) else { return XCTFail("not a ready") }
        XCTAssertEqual(r.device.deviceClass, .iosSimulator)
        XCTAssertTrue(r.device.simulated)
    }
}

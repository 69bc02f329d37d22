// Putting Linux Foundation's split WebSocket messages back together.
import Foundation
import XCTest
@testable import HarnessCore
@testable import HarnessTransport

final class WebSocketReassemblerTests: XCTestCase {
    let frame = AudioFrame(kind: .fixture, format: .float32, channels: 1, streamId: 3, sequence: 0, hostTimeNs: 0, sampleRate: 48_000,
                           samples: (0..<4_800).map { Float($0) / 4_800 }).encode()

    func testABinaryFrameSplitIntoPiecesComesOutWhole() {
        var r = WebSocketReassembler()
        var out: [WebSocketReassembler.Piece] = []
        for at in stride(from: 0, to: frame.count, by: 4_086) { out += r.add(.binary(frame.subdata(in: at..<min(frame.count, at + 4_086)))) }
        XCTAssertEqual(out, [.binary(frame)])
        XCTAssertFalse(r.isHolding)
    }

    func testATextMessageSplitIntoPiecesComesOutWhole() {
        var r = WebSocketReassembler()
        let text = #"{"type":"hello","client":{"name":"a}\"b","version":"0"},"id":1,"version":1}"#
        let cut = text.index(text.startIndex, offsetBy: 30)
        XCTAssertEqual(r.add(.text(String(text[..<cut]))), [])
        XCTAssertTrue(r.isHolding)
        XCTAssertEqual(r.add(.text(String(text[cut...]))), [.text(text)])
    }

    func testWholeMessagesPassStraightThrough() {
        var r = WebSocketReassembler()
        XCTAssertEqual(r.add(.text("{\"a\":1}")), [.text("{\"a\":1}")])
        XCTAssertEqual(r.add(.text("not json")), [.text("not json")], "not an object: complete as far as reassembly goes")
        XCTAssertEqual(r.add(.binary(Data([1, 2, 3]))), [.binary(Data([1, 2, 3]))], "not a frame header: passed on for the codec to refuse")
    }

    func testATruncatedMessageIsDeliveredOnFlushOrWhenTheOtherKindArrives() {
        var r = WebSocketReassembler()
        XCTAssertEqual(r.add(.binary(frame.prefix(100))), [])
        XCTAssertEqual(r.flush(), [.binary(frame.prefix(100))])
        XCTAssertEqual(r.add(.text("{\"type\":")), [])
        XCTAssertEqual(r.add(.binary(frame)), [.text("{\"type\":"), .binary(frame)])
    }
}

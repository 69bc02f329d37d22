// The hand-written JSON codec: JavaScript's number forms, code-unit key order, JSON.stringify's
// escapes, and a strict parser, so the canonical encoding matches the TypeScript side.
import XCTest
@testable import HarnessCore

final class JSONValueTests: XCTestCase {
    func testNumbersAreWrittenAsJavaScriptWritesThem() {
        // Expected strings are node's JSON.stringify output for the same doubles.
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"), (0.000001, "0.000001"), (1e-7, "1e-7"),
            (123.456, "123.456"), (-1.5, "-1.5"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.1 + 0.2, "0.30000000000000004"), (9_007_199_254_740_992, "9007199254740992"), (4_294_967_295, "4294967295"),
            (1.5e-10, "1.5e-10"), (-2.5e25, "-2.5e+25"), (100, "100"), (0.5, "0.5"),
        ]
        for (d, s) in cases { XCTAssertEqual(jsNumber(d), s, "\(d)") }
    }

    func testJsRoundSendsTiesTowardPlusInfinity() {
        XCTAssertEqual(jsRound(2.5), 3)
        XCTAssertEqual(jsRound(-2.5), -2)
        XCTAssertEqual(jsRound(-2.6), -3)
        XCTAssertEqual(jsRound(1102.5), 1103)
    }

    func testKeysSortByUTF16CodeUnitAndStringsEscapeLikeJSONStringify() throws {
        let v = JSONValue.object(["a": .number(1), "B": .number(2), "é": .number(3), "z": .string("/\u{1}\"\\\n\u{2028}")])
        XCTAssertEqual(v.canonical, #"{"B":2,"a":1,"z":"/\u0001\"\\\n"# + "\u{2028}" + #"","é":3}"#)
    }

    func testParserIsStrict() {
        for bad in ["{\"a\":1,}", "[01]", "NaN", "\"open", "{\"a\" 1}", "[1] x", "{'a':1}", "\"\u{1}\"", "-", "1.", "1e"] {
            XCTAssertThrowsError(try JSONValue.parse(bad), bad)
        }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        XCTAssertThrowsError(try JSONValue.parse(deep), "nesting beyond 64 levels")
    }

    func testParserReadsWhatJSONParseReads() throws {
        XCTAssertEqual(try JSONValue.parse(#" {"a":[1,-2.5e3,true,false,null,"\u00e9\ud83d\ude00"],"a":2} "#), .object(["a": .number(2)]), "a duplicate key keeps the last value")
        XCTAssertEqual(try JSONValue.parse(#""\u00e9\ud83d\ude00""#), .string("é😀"))
        XCTAssertEqual(try JSONValue.parse("1e400"), .number(.infinity), "out of range becomes infinity, which every field rejects")
    }
}

// The launch arguments the iOS app and voiceaec-harness share (docs/harnesskit.md).
import XCTest
@testable import HarnessCore

final class LaunchArgumentsTests: XCTestCase {
    let token = "0123456789abcdef"

    func testLanModeWithEveryLoopbackKnob() throws {
        let a = try LaunchArguments(["-voiceaecMode", "lan", "-voiceaecURL", "ws://127.0.0.1:9/harness", "-voiceaecToken", token,
                                     "-loopbackLatencyMs", "20", "-loopbackGainDb", "-6", "-loopbackNoiseDbfs", "off", "-loopbackSeed", "7",
                                     "-voiceaecFramesPerMessage", "960", "-NSDocumentRevisionsDebugMode", "YES"])
        XCTAssertEqual(a.mode, .lan)
        XCTAssertEqual(a.url, "ws://127.0.0.1:9/harness")
        XCTAssertEqual(a.token, token)
        XCTAssertEqual(a.loopback.latencyMs, 20)
        XCTAssertEqual(a.loopback.gainDb, -6)
        XCTAssertNil(a.loopback.noiseDbfs)
        XCTAssertEqual(a.loopback.seed, 7)
        XCTAssertEqual(a.framesPerMessage, 960)
    }

    func testFilesAndServerModes() throws {
        XCTAssertEqual(try LaunchArguments(["-voiceaecMode", "files", "-voiceaecFilesDir", "/tmp/x", "-voiceaecToken", token]).filesDir, "/tmp/x")
        XCTAssertEqual(try LaunchArguments(["-voiceaecMode", "server", "-port", "8765", "-voiceaecToken", token]).port, 8765)
    }

    func testBadArgumentsAreRefusedWithAReason() {
        let bad: [[String]] = [
            ["-voiceaecURL", "ws://h/harness"], // no token
            ["-voiceaecURL", "ws://h/harness", "-voiceaecToken", "short"],
            ["-voiceaecToken", token], // lan without a URL
            ["-voiceaecMode", "usb", "-voiceaecToken", token],
            ["-voiceaecMode", "files", "-voiceaecToken", token],
            ["-voiceaecMode", "server", "-port", "70000", "-voiceaecToken", token],
            ["-voiceaecURL", "ws://h/harness", "-voiceaecToken", token, "-loopbackLatencyMs", "x"],
            ["-voiceaecURL", "ws://h/harness", "-voiceaecToken", token, "-loopbackNoiseDbfs", "3"],
            ["-voiceaecURL", "ws://h/harness", "-voiceaecToken", token, "-unknown", "1"],
            ["-voiceaecURL", "ws://h/harness", "-voiceaecToken"],
        ]
        for args in bad { XCTAssertThrowsError(try LaunchArguments(args), args.joined(separator: " ")) }
    }
}

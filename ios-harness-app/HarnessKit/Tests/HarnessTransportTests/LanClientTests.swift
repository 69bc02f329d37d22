// The lan client's URL handling and its failure without a listener. The connected path is
// exercised end to end against the real CLI by test/integration/harnesskit-lan.test.ts.
import Foundation
import XCTest
@testable import HarnessCore
@testable import HarnessTransport

final class LanClientTests: XCTestCase {
    let token = "lan-token-0123456789"

    func testOnlyWebSocketURLsAreAccepted() {
        for bad in ["http://127.0.0.1:1/harness", "127.0.0.1:1", "ws://", "not a url"] {
            XCTAssertThrowsError(try LanClient(url: bad, token: token, engine: LoopbackEngine()), bad)
        }
        XCTAssertNoThrow(try LanClient(url: "ws://127.0.0.1:1/harness?token=old", token: token, engine: LoopbackEngine()))
    }

    func testNoListenerEndsTheRunAsAFailure() async throws {
        // Port 1 on the loopback interface: nothing listens, the connection is refused at once.
        let client = try LanClient(url: "ws://127.0.0.1:1/harness", token: token, engine: LoopbackEngine())
        let ok = await client.run()
        XCTAssertFalse(ok)
        XCTAssertNil(client.closeCodeSent)
    }
}

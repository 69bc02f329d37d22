// The device server's per-connection driver: hello deadline, token, heartbeat, and the
// one-client slot, with a fake outlet in place of NWConnection.
import Foundation
import XCTest
@testable import HarnessCore
@testable import HarnessTransport

final class ConnectionDriverTests: XCTestCase {
    final class FakeOutlet {
        let lock = Lock()
        var texts: [String] = []
        var closes: [Int] = []
        var drops: [String] = []
        var pings = 0
        var answerPings = true
        var outlet: ConnectionDriver.Outlet {
            ConnectionDriver.Outlet(sendText: { s in self.lock.withLock { self.texts.append(s) } }, sendBinary: { _ in },
                                    close: { c, _ in self.lock.withLock { self.closes.append(c) } }, drop: { r in self.lock.withLock { self.drops.append(r) } },
                                    ping: { done in
                                        let answer = self.lock.withLock { () -> Bool in self.pings += 1; return self.answerPings }
                                        done(answer)
                                    })
        }
        func errorCodes() -> [String] {
            lock.withLock { texts }.compactMap { if case .error(let e)? = try? MessageCodec.decode($0, from: .device) { return e.code } else { return nil } }
        }
    }

    static let token = "driver-token-0123456789"

    func wait(_ what: String, _ cond: () -> Bool) {
        let until = Date().addingTimeInterval(5)
        while !cond() && Date() < until { Thread.sleep(forTimeInterval: 0.005) }
        XCTAssertTrue(cond(), what)
    }

    func testAGoodHelloGetsReadyAndTheHeartbeatPingsWhilePongsCome() {
        let fake = FakeOutlet()
        let driver = ConnectionDriver(token: ConnectionDriverTests.token, engine: LoopbackEngine(), outlet: fake.outlet, helloTimeoutMs: 200, heartbeatMs: 20)
        driver.start()
        driver.receive(text: MessageCodec.encode(.hello(Hello(id: 1, token: ConnectionDriverTests.token, clientName: "t", clientVersion: "0"))))
        XCTAssertTrue(fake.lock.withLock { fake.texts.first?.contains("\"type\":\"ready\"") ?? false })
        wait("pings go out") { fake.lock.withLock { fake.pings >= 5 } }
        Thread.sleep(forTimeInterval: 0.3) // past the hello deadline: a session that said hello is not timed out
        XCTAssertEqual(fake.errorCodes(), [])
        XCTAssertEqual(fake.lock.withLock { fake.drops }, [])
        driver.connectionEnded()
    }

    func testNoHelloTimesOutAndAWrongTokenCloses1008() {
        let fake = FakeOutlet()
        var ended = 0
        let driver = ConnectionDriver(token: ConnectionDriverTests.token, engine: LoopbackEngine(), outlet: fake.outlet, helloTimeoutMs: 30, heartbeatMs: 10_000)
        driver.onEnd = { ended += 1 }
        driver.start()
        wait("hello deadline") { fake.lock.withLock { !fake.closes.isEmpty } }
        XCTAssertEqual(fake.errorCodes(), ["E_PROTO_TIMEOUT"])
        XCTAssertEqual(fake.lock.withLock { fake.closes }, [1002])
        driver.connectionEnded()
        XCTAssertEqual(ended, 1, "ends once")

        let fake2 = FakeOutlet()
        let d2 = ConnectionDriver(token: ConnectionDriverTests.token, engine: LoopbackEngine(), outlet: fake2.outlet)
        d2.start()
        d2.receive(text: MessageCodec.encode(.hello(Hello(id: 1, token: "wrong-token-0123456789", clientName: "t", clientVersion: "0"))))
        XCTAssertEqual(fake2.errorCodes(), ["E_PROTO_TOKEN"])
        XCTAssertEqual(fake2.lock.withLock { fake2.closes }, [1008])
    }

    func testMissedPongsDropTheConnection() {
        let fake = FakeOutlet()
        fake.answerPings = false
        let driver = ConnectionDriver(token: ConnectionDriverTests.token, engine: LoopbackEngine(), outlet: fake.outlet, helloTimeoutMs: 10_000, heartbeatMs: 10)
        driver.start()
        driver.receive(text: MessageCodec.encode(.hello(Hello(id: 1, token: ConnectionDriverTests.token, clientName: "t", clientVersion: "0"))))
        wait("dropped") { fake.lock.withLock { !fake.drops.isEmpty } }
        XCTAssertTrue(fake.lock.withLock { fake.drops.first?.contains("E_PROTO_HEARTBEAT") ?? false })
    }

    func testOneClientAtATime() {
        let slot = ClientSlot()
        let a = NSObject(), b = NSObject()
        XCTAssertTrue(slot.take(a))
        XCTAssertFalse(slot.take(b))
        slot.release(b)
        XCTAssertTrue(slot.isTaken, "only the holder frees it")
        slot.release(a)
        XCTAssertTrue(slot.take(b))
        XCTAssertEqual(ClientSlot.busyCloseCode, 1013)
    }
}

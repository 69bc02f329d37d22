// Host-time arithmetic (ns as decimal strings) and the seeded uniform shared with TypeScript.
import XCTest
@testable import HarnessCore

final class HostTimeTests: XCTestCase {
    func testDecimalNanosecondsOnTheWire() {
        XCTAssertTrue(HostTime.isDecimalNs("0"))
        XCTAssertTrue(HostTime.isDecimalNs("18446744073709551615"))
        XCTAssertFalse(HostTime.isDecimalNs(""))
        XCTAssertFalse(HostTime.isDecimalNs("123456789012345678901"), "21 digits")
        XCTAssertFalse(HostTime.isDecimalNs("-1"))
        XCTAssertFalse(HostTime.isDecimalNs("1e9"))
        XCTAssertEqual(HostTime.parse("18446744073709551615"), UInt64.max)
        XCTAssertNil(HostTime.parse("18446744073709551616"), "20 digits but beyond 64 bits")
        XCTAssertEqual(HostTime.format(10_800_000_000_000), "10800000000000")
    }

    func testSamplesAndNanosecondsConvertExactly() {
        XCTAssertEqual(HostTime.nanoseconds(samples: 48_000, rate: 48_000), 1_000_000_000)
        XCTAssertEqual(HostTime.nanoseconds(samples: 1, rate: 44_100), 22_676) // 22675.7 rounded
        XCTAssertEqual(HostTime.nanoseconds(samples: 57_600_000, rate: 96_000), 600_000_000_000)
        let origin: UInt64 = 10_800_000_000_000
        for n in [0, 1, 479, 480, 100_800, 2_880_000] {
            XCTAssertEqual(HostTime.sample(at: HostTime.at(sample: n, origin: origin, rate: 48_000), origin: origin, rate: 48_000), n)
            XCTAssertEqual(HostTime.sample(at: HostTime.at(sample: n, origin: origin, rate: 44_100), origin: origin, rate: 44_100), n)
        }
        XCTAssertEqual(HostTime.milliseconds(from: origin, to: origin + 2_100_000_000), 2100)
        XCTAssertEqual(HostTime.milliseconds(from: origin + 1_000_000, to: origin), -1)
    }

    func testSeededUniformIsMulberry32AsInTypeScript() {
        // uniform(seed) of src/core/random.ts, first three draws, printed by node.
        let expected: [(UInt32, [Double])] = [
            (0, [0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]),
            (1, [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]),
            (4_294_967_295, [0.8964226141106337, 0.189478256739676, 0.7156526781618595]),
        ]
        for (seed, draws) in expected {
            var u = SeededUniform(seed: seed)
            XCTAssertEqual([u.next(), u.next(), u.next()], draws, "seed \(seed)")
        }
    }
}

// The playback ring buffer between the app's appends and the render thread: wraparound,
// underrun (a glitch, not a drain), the drain sample it reports, and the gate windows it arms.
import XCTest
@testable import HarnessCore

final class PlaybackRingBufferTests: XCTestCase {
    /// Renders `count` samples from `first` in blocks of `block`.
    func render(_ ring: PlaybackRingBuffer, from first: Int, count: Int, block: Int) -> [Float] {
        var out = [Float](repeating: -1, count: count)
        out.withUnsafeMutableBufferPointer { p in
            var at = 0
            while at < count {
                let n = min(block, count - at)
                ring.render(into: p.baseAddress! + at, count: n, firstSample: first + at)
                at += n
            }
        }
        return out
    }

    func write(_ ring: PlaybackRingBuffer, _ samples: [Float]) -> Int {
        samples.withUnsafeBufferPointer { ring.write($0) }
    }

    func testWrapsAroundASmallRing() {
        let ring = PlaybackRingBuffer(capacity: 8, maxSegments: 4)
        let audio = (1...20).map(Float.init)
        XCTAssertTrue(ring.announce(frames: 20, due: 0))
        var written = 0
        var played: [Float] = []
        while played.count < 24 {
            written += write(ring, Array(audio[written...]))
            XCTAssertLessThanOrEqual(written - played.filter { $0 != 0 }.count, 8, "never more than the capacity buffered")
            played += render(ring, from: played.count, count: 3, block: 3)
        }
        XCTAssertEqual(Array(played[0..<20]), audio)
        XCTAssertEqual(Array(played[20...]), [0, 0, 0, 0])
        XCTAssertEqual(ring.finalDrain(), 20)
        XCTAssertEqual(ring.underflowCount, 0)
    }

    func testWriteTakesOnlyAnnouncedSamplesAndWhatFits() {
        let ring = PlaybackRingBuffer(capacity: 4, maxSegments: 2)
        XCTAssertEqual(write(ring, [1, 2]), 0, "nothing announced yet")
        XCTAssertTrue(ring.announce(frames: 6, due: 0))
        XCTAssertEqual(write(ring, [1, 2, 3, 4, 5, 6]), 4, "the ring holds 4")
        XCTAssertEqual(ring.space, 0)
        _ = render(ring, from: 0, count: 2, block: 2)
        XCTAssertEqual(ring.space, 2)
        XCTAssertEqual(write(ring, [5, 6, 7]), 2, "only the announced 6 frames")
        XCTAssertTrue(ring.announce(frames: 1, due: 10))
        XCTAssertFalse(ring.announce(frames: 1, due: 11), "more chunks than maxSegments")
        XCTAssertFalse(ring.announce(frames: 0, due: 11))
    }

    func testAnUnderrunIsAGlitchNotADrain() {
        // The chunk is due at 0 but its samples arrive late: the render thread plays zeros,
        // counts the underflow and goes on; the drain comes when the announced audio ends.
        let ring = PlaybackRingBuffer(capacity: 64, maxSegments: 1)
        XCTAssertTrue(ring.announce(frames: 10, due: 0))
        XCTAssertEqual(write(ring, [1, 2, 3, 4]), 4)
        let first = render(ring, from: 0, count: 6, block: 6)
        XCTAssertEqual(first, [1, 2, 3, 4, 0, 0])
        XCTAssertEqual(ring.underflowCount, 2)
        XCTAssertNil(ring.finalDrain(), "starved, not drained")
        XCTAssertEqual(ring.windows.snapshot().windows.count, 0, "no gate armed by a glitch")
        XCTAssertEqual(write(ring, [5, 6, 7, 8, 9, 10]), 6)
        XCTAssertEqual(render(ring, from: 6, count: 8, block: 3), [5, 6, 7, 8, 9, 10, 0, 0])
        XCTAssertEqual(ring.finalDrain(), 12, "drained where the last sample was consumed")
    }

    func testReportsTheDrainSampleAndArmsAndDisarmsTheGate() {
        let ring = PlaybackRingBuffer(capacity: 100, maxSegments: 3)
        XCTAssertTrue(ring.announce(frames: 5, due: 2))
        XCTAssertTrue(ring.announce(frames: 3, due: 7)) // due exactly at the end: no drain
        XCTAssertTrue(ring.announce(frames: 2, due: 15)) // after a drain at 10
        XCTAssertEqual(write(ring, (1...10).map(Float.init)), 10)
        let out = render(ring, from: 0, count: 20, block: 4)
        XCTAssertEqual(out, [0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 9, 10, 0, 0, 0])
        let log = ring.windows.snapshot()
        XCTAssertEqual(log.windows, [GateWindowLog.Window(drainAt: 10, resumeAt: 15), GateWindowLog.Window(drainAt: 17, resumeAt: .max)])
        XCTAssertEqual(log.renderedUpTo, 20)
        XCTAssertEqual(ring.finalDrain(), 17)
    }

    func testFinalDrainWaitsForEveryAnnouncedChunk() {
        let ring = PlaybackRingBuffer(capacity: 100, maxSegments: 2)
        XCTAssertTrue(ring.announce(frames: 2, due: 0))
        XCTAssertTrue(ring.announce(frames: 2, due: 50))
        XCTAssertEqual(write(ring, [1, 2, 3, 4]), 4)
        _ = render(ring, from: 0, count: 10, block: 10)
        XCTAssertNil(ring.finalDrain(), "a drain at 2, but a chunk is still to come")
        _ = render(ring, from: 10, count: 50, block: 10)
        XCTAssertEqual(ring.finalDrain(), 52)
    }

    #if DEBUG
    func testRenderTakesTheLockExactlyOncePerCall() {
        let ring = PlaybackRingBuffer(capacity: 1000, maxSegments: 8)
        for k in 0..<4 { XCTAssertTrue(ring.announce(frames: 50, due: k * 120)) }
        XCTAssertEqual(write(ring, [Float](repeating: 0.5, count: 200)), 200)
        var out = [Float](repeating: 0, count: 64)
        for call in 0..<20 {
            let before = ring.windows.lock.acquisitions
            out.withUnsafeMutableBufferPointer { ring.render(into: $0.baseAddress!, count: 64, firstSample: call * 64) }
            XCTAssertEqual(ring.windows.lock.acquisitions - before, 1, "call \(call), with drains and appends inside")
        }
        XCTAssertEqual(ring.windows.snapshot().windows.count, 4)
    }
    #endif
}

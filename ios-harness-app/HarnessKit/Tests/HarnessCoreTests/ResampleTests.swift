// Fixture audio at another rate than the engine's: resampled, and the schedule's frames
// mapped the way the virtual iPhone maps them.
import XCTest
@testable import HarnessCore

final class ResampleTests: XCTestCase {
    func testTheSameRateIsLeftAlone() {
        let s = [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 3)]
        let (out, mapped) = Resample.toDeviceRate(samples: [1, 2, 3], from: 48_000, to: 48_000, schedule: s)
        XCTAssertEqual(out, [1, 2, 3])
        XCTAssertEqual(mapped, s)
    }

    func testDoublingTheRateInterpolatesAndScalesTheSchedule() {
        let (out, mapped) = Resample.toDeviceRate(samples: [0, 1, 0, -1], from: 24_000, to: 48_000,
                                                  schedule: [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 2), ScheduleEntry(atMs: 5, startFrame: 2, frameCount: 2)])
        XCTAssertEqual(out, [0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5])
        XCTAssertEqual(mapped, [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 4), ScheduleEntry(atMs: 5, startFrame: 4, frameCount: 4)])
    }

    func testAChunkNeverShrinksToNothingNorLeavesTheAudio() {
        let (out, mapped) = Resample.toDeviceRate(samples: [Float](repeating: 0.1, count: 96), from: 96_000, to: 8_000,
                                                  schedule: [ScheduleEntry(atMs: 0, startFrame: 95, frameCount: 1)])
        XCTAssertEqual(out.count, 8)
        XCTAssertEqual(mapped, [ScheduleEntry(atMs: 0, startFrame: 7, frameCount: 1)], "round(95 / 12) = 8 is past the audio: clamped to its last frame")
    }
}

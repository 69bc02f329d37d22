// The shared schedule table (fixtures/harness/schedule-cases.json), also run by the
// TypeScript schedule (test/unit/sim/schedule-cases.test.ts): patterns to schedules and
// predicted playback, compared exactly; schedules to timelines; and the render thread of
// PlaybackRingBuffer, which must drain and resume at exactly the timeline's samples.
import XCTest
@testable import HarnessCore

final class ScheduleCaseTests: XCTestCase {
    static func table() throws -> JSONValue {
        let t = try RepoFixtures.json("fixtures/harness/schedule-cases.json")
        XCTAssertEqual(t["schema"].string, "voiceaec.harness-schedule-cases/1")
        return t
    }

    static func schedule(_ v: JSONValue) -> [ScheduleEntry] {
        v.array.map { ScheduleEntry(atMs: $0["atMs"].double, startFrame: $0["startFrame"].int, frameCount: $0["frameCount"].int) }
    }

    func testEveryPatternCase() throws {
        let cases = try ScheduleCaseTests.table()["patternCases"].array
        XCTAssertGreaterThanOrEqual(cases.count, 10)
        for c in cases {
            let name = c["name"].string
            let pattern = try StreamingPattern(json: c["pattern"])
            let build = { try pattern.buildSchedule(frames: c["frames"].int, sampleRate: c["sampleRate"].double, seed: UInt32(c["seed"].double)) }
            if !c["expected"]["error"].isNull {
                XCTAssertThrowsError(try build(), name) { XCTAssertTrue($0 is StreamingPattern.TooShort, name) }
                continue
            }
            let got = try build()
            XCTAssertEqual(got, ScheduleCaseTests.schedule(c["expected"]["schedule"]), name)
            let playback = PlaybackSummary(schedule: got, sampleRate: c["sampleRate"].double)
            let expected = c["expected"]["playback"]
            XCTAssertEqual(playback.endMs, expected["endMs"].double, name)
            XCTAssertEqual(playback.underruns.map(\.atMs), expected["underruns"].array.map { $0["atMs"].double }, name)
            XCTAssertEqual(playback.underruns.map(\.durationMs), expected["underruns"].array.map { $0["durationMs"].double }, name)
        }
    }

    func testPatternsAreReadAsStrictlyAsTheTypeScriptSchema() throws {
        let good: JSONValue = .object(["id": .string("u"), "kind": .string("underrun"), "description": .string("x"), "chunkMs": .number(200),
                                       "deliveryRate": .number(2), "atFraction": .number(0.5), "starveMs": .number(600)])
        XCTAssertNoThrow(try StreamingPattern(json: good))
        guard case .object(var o) = good else { return }
        for (key, bad) in [("atFraction", JSONValue.number(1)), ("starveMs", .number(0)), ("extra", .bool(true)), ("chunkMs", .number(4))] {
            var p = o
            p[key] = bad
            XCTAssertThrowsError(try StreamingPattern(json: .object(p)), key)
        }
        o["description"] = nil
        XCTAssertThrowsError(try StreamingPattern(json: .object(o)), "description is required")
    }

    struct TimelineCase {
        var name: String
        var schedule: [ScheduleEntry]
        var preRollMs: Double
        var postRollMs: Double
        var rate: Int
        var expected: JSONValue
    }

    static func timelineCases() throws -> [TimelineCase] {
        try table()["timelineCases"].array.map {
            TimelineCase(name: $0["name"].string, schedule: schedule($0["schedule"]), preRollMs: $0["preRollMs"].double, postRollMs: $0["postRollMs"].double,
                         rate: $0["rate"].int, expected: $0["expected"])
        }
    }

    static func silences(_ v: JSONValue) -> [Silence] {
        v.array.map { Silence(drainAt: $0["drainAt"].int, resumeAt: $0["resumeAt"].isNull ? nil : $0["resumeAt"].int) }
    }

    func testEveryTimelineCase() throws {
        let cases = try ScheduleCaseTests.timelineCases()
        XCTAssertGreaterThanOrEqual(cases.count, 7)
        for c in cases {
            let t = ScheduleTimeline(schedule: c.schedule, preRollMs: c.preRollMs, postRollMs: c.postRollMs, rate: c.rate)
            XCTAssertEqual(t.playbackStartAt, c.expected["playbackStartAt"].int, c.name)
            XCTAssertEqual(t.appendAt, c.expected["appendAt"].array.map(\.int), c.name)
            XCTAssertEqual(t.placedAt, c.expected["placedAt"].array.map(\.int), c.name)
            XCTAssertEqual(t.silences, ScheduleCaseTests.silences(c.expected["silences"]), c.name)
            XCTAssertEqual(t.length, c.expected["length"].int, c.name)
        }
    }

    /// The render thread on every timeline case: chunks announced at their append samples,
    /// audio written as the ring has room (so small rings wrap many times), rendered in IO
    /// blocks. Output, drains and disarms must match the timeline sample for sample.
    func testTheRenderThreadFollowsEveryTimelineCase() throws {
        for c in try ScheduleCaseTests.timelineCases() {
            for (capacity, block) in [(1 << 20, 480), (1000, 7), (512, 512)] {
                let r = ScheduleCaseTests.render(c, capacity: capacity, block: block)
                let what = "\(c.name), ring \(capacity), blocks of \(block)"
                XCTAssertEqual(r.underflows, 0, what)
                XCTAssertEqual(r.windows.map(\.drainAt), ScheduleCaseTests.silences(c.expected["silences"]).map(\.drainAt), what)
                XCTAssertEqual(r.windows.map { $0.resumeAt == .max ? nil : $0.resumeAt }, ScheduleCaseTests.silences(c.expected["silences"]).map(\.resumeAt), what)
                XCTAssertEqual(r.finalDrain, ScheduleCaseTests.silences(c.expected["silences"]).last?.drainAt, what)
                var want = [Float](repeating: 0, count: r.play.count)
                for (i, e) in c.schedule.enumerated() {
                    let at = c.expected["placedAt"].array[i].int
                    for k in 0..<e.frameCount { want[at + k] = r.audio[e.startFrame + k] }
                }
                let bad = zip(r.play, want).enumerated().first { $0.element.0 != $0.element.1 }
                XCTAssertNil(bad.map { "sample \($0.offset): \($0.element.0) != \($0.element.1)" }, what)
            }
        }
    }

    struct Rendered {
        var audio: [Float]
        var play: [Float]
        var windows: [GateWindowLog.Window]
        var finalDrain: Int?
        var underflows: Int
    }

    static func render(_ c: TimelineCase, capacity: Int, block: Int) -> Rendered {
        let frames = c.schedule.map { $0.startFrame + $0.frameCount }.max()!
        let audio = (0..<frames).map { Float($0 + 1) / Float(frames) }
        let t = ScheduleTimeline(schedule: c.schedule, preRollMs: c.preRollMs, postRollMs: c.postRollMs, rate: c.rate)
        let ring = PlaybackRingBuffer(capacity: capacity, maxSegments: c.schedule.count)
        let order = c.schedule.indices.sorted { t.appendAt[$0] != t.appendAt[$1] ? t.appendAt[$0] < t.appendAt[$1] : $0 < $1 }
        for i in order { XCTAssertTrue(ring.announce(frames: c.schedule[i].frameCount, due: t.appendAt[i])) }
        var segment = 0, offset = 0
        func topUp() {
            while segment < order.count {
                let e = c.schedule[order[segment]]
                let n = audio.withUnsafeBufferPointer { ring.write(UnsafeBufferPointer(rebasing: $0[(e.startFrame + offset)..<(e.startFrame + e.frameCount)])) }
                offset += n
                if offset < e.frameCount { return }
                segment += 1
                offset = 0
            }
        }
        // One block past the trial's end: the render thread notices a drain when it first has
        // nothing to play, so a drain at the very last sample (post-roll 0) needs that sample.
        let total = t.length + block
        var play = [Float](repeating: 0, count: total)
        var at = 0
        play.withUnsafeMutableBufferPointer { out in
            while at < total {
                topUp()
                let n = min(block, total - at)
                ring.render(into: out.baseAddress! + at, count: n, firstSample: at)
                at += n
            }
        }
        return Rendered(audio: audio, play: play, windows: ring.windows.snapshot().windows, finalDrain: ring.finalDrain(), underflows: ring.underflowCount)
    }
}

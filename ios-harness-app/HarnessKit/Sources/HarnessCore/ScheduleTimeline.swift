// Where each schedule chunk lands on the trial's sample axis and where the player drains
// (src/sim/playback-timeline.ts): the rule PlaybackRingBuffer's render follows frame-exactly.

/// A stretch between a drain and the next append (or the trial's end), in samples.
public struct Silence: Equatable, Sendable {
    public var drainAt: Int
    /// The sample of the next append, nil after the final drain.
    public var resumeAt: Int?
    public init(drainAt: Int, resumeAt: Int?) {
        self.drainAt = drainAt
        self.resumeAt = resumeAt
    }
}

/// The player on the trial's sample axis (t = 0 is the first mic sample).
public struct ScheduleTimeline: Equatable, Sendable {
    public var playbackStartAt: Int
    /// Append sample of each schedule entry, indexed like the schedule.
    public var appendAt: [Int]
    /// Where each entry starts playing, indexed like the schedule.
    public var placedAt: [Int]
    /// Every drain in time order; the last one has resumeAt nil.
    public var silences: [Silence]
    public var length: Int

    public static func toSample(_ ms: Double, _ rate: Int) -> Int { Int(jsRound((ms * Double(rate)) / 1000)) }

    /// Chunk i is appended at preRoll + atMs; the player plays continuously while it has audio;
    /// it drains at the sample where the last buffered sample was consumed; a later chunk
    /// resumes it. The trial ends postRoll after the final drain.
    public init(schedule: [ScheduleEntry], preRollMs: Double, postRollMs: Double, rate: Int) {
        playbackStartAt = ScheduleTimeline.toSample(preRollMs, rate)
        appendAt = schedule.map { ScheduleTimeline.toSample(preRollMs + $0.atMs, rate) }
        let times = appendAt
        // Appends in time order; equal times keep schedule order (a stable sort).
        let order = schedule.indices.sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
        placedAt = [Int](repeating: 0, count: schedule.count)
        silences = []
        var end = -1
        for i in order {
            let a = appendAt[i]
            let start: Int
            if end < 0 { start = a } else if a > end {
                silences.append(Silence(drainAt: end, resumeAt: a))
                start = a
            } else { start = end }
            placedAt[i] = start
            end = start + schedule[i].frameCount
        }
        silences.append(Silence(drainAt: end, resumeAt: nil))
        length = end + ScheduleTimeline.toSample(postRollMs, rate)
    }
}

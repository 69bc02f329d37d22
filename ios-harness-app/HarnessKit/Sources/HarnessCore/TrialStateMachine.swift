// The trial's phases on its own sample axis (t = 0: the first mic sample):
// preRoll → playing (scheduled appends, drains, resumes) → postRoll (after the final drain)
// → done, with the samples sent per stream kind for trialDone. Pure: the runner feeds it
// the render progress and the final drain; it answers where the trial is and when it ends.

public struct TrialStateMachine: Equatable, Sendable {
    public enum Phase: String, Equatable, Sendable { case preRoll, playing, postRoll, done }

    public let playbackStartAt: Int
    public let postRollSamples: Int
    public private(set) var phase: Phase = .preRoll
    /// Set once the final drain is known; the trial then ends postRoll later.
    public private(set) var finalDrainAt: Int?
    public private(set) var frames: [StreamKind: Int] = [:]

    public init(preRollMs: Double, postRollMs: Double, rate: Int) {
        playbackStartAt = ScheduleTimeline.toSample(preRollMs, rate)
        postRollSamples = ScheduleTimeline.toSample(postRollMs, rate)
    }

    /// Trial length in samples, once known.
    public var length: Int? { finalDrainAt.map { $0 + postRollSamples } }

    /// Moves to the phase of sample `s` (samples before `s` have been rendered and captured).
    public mutating func advance(to s: Int, finalDrainAt drain: Int?) {
        precondition(phase != .done, "a finished trial does not advance")
        if finalDrainAt == nil, let drain {
            precondition(drain >= playbackStartAt, "the final drain comes after playback starts")
            finalDrainAt = drain
        }
        if let end = length, s >= end { phase = .done } else if let d = finalDrainAt, s > d { phase = .postRoll } else if s > playbackStartAt { phase = .playing }
    }

    public mutating func sent(_ kind: StreamKind, _ n: Int) {
        precondition(phase != .done || frames[kind, default: 0] + n <= length!, "more samples than the trial holds")
        frames[kind, default: 0] += n
    }

    /// trialDone's frame counts: every stream has exactly `length` samples.
    public var isComplete: Bool {
        guard phase == .done, let n = length else { return false }
        return frames.values.allSatisfy { $0 == n }
    }
}

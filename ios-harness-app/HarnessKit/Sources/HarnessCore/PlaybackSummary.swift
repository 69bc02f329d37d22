// Underruns and the final drain of a schedule in ms (playbackTimeline in
// src/config/streaming-pattern.ts): what the CLI predicts a device will report.

/// Underruns and the final drain in ms after playback start (playbackTimeline in TypeScript).
public struct PlaybackSummary: Equatable, Sendable {
    public var underruns: [(atMs: Double, durationMs: Double)]
    public var endMs: Double

    public init(schedule: [ScheduleEntry], sampleRate: Double) {
        var under: [(atMs: Double, durationMs: Double)] = []
        var playhead = 0.0
        for (i, c) in schedule.enumerated() {
            if i > 0 && c.atMs > playhead + 1e-9 {
                under.append((playhead, c.atMs - playhead))
                playhead = c.atMs
            }
            playhead = max(playhead, c.atMs) + (Double(c.frameCount) * 1000) / sampleRate
        }
        underruns = under
        endMs = playhead
    }

    public static func == (a: PlaybackSummary, b: PlaybackSummary) -> Bool {
        a.endMs == b.endMs && a.underruns.count == b.underruns.count
            && zip(a.underruns, b.underruns).allSatisfy { $0.atMs == $1.atMs && $0.durationMs == $1.durationMs }
    }
}

// Fixture audio at the device's rate: the uploaded fixture's rate may differ from the rate
// the engine runs at, and the schedule's frame numbers follow.

public enum Resample {
    /// Linear-interpolation resampling of a fixture to the device rate, and the schedule's
    /// frames mapped the way the virtual iPhone maps them (round, clamp, at least one frame).
    /// `samples` is not empty (loadAudio announces at least one frame).
    public static func toDeviceRate(samples: [Float], from: Int, to: Int, schedule: [ScheduleEntry]) -> ([Float], [ScheduleEntry]) {
        guard from != to else { return (samples, schedule) }
        let ratio = Double(to) / Double(from)
        let n = Int(jsRound(Double(samples.count) * ratio))
        var out = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let x = Double(i) / ratio
            let k = Int(x)
            let f = Float(x - Double(k))
            let a = k < samples.count ? samples[k] : 0
            let b = k + 1 < samples.count ? samples[k + 1] : 0
            out[i] = a + (b - a) * f
        }
        let mapped = schedule.map { c -> ScheduleEntry in
            // Clamped inside the audio as well: a chunk at the very end of a fixture can round
            // to the resampled length, and the player must never read past the audio.
            let start = min(n - 1, Int(jsRound(Double(c.startFrame) * ratio)))
            let end = min(n, Int(jsRound(Double(c.startFrame + c.frameCount) * ratio)))
            return ScheduleEntry(atMs: c.atMs, startFrame: start, frameCount: max(1, end - start))
        }
        return (out, mapped)
    }
}

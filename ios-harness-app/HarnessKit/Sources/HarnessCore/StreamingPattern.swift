// A streaming pattern (steady, realtime, bursty, underrun) turned into the chunk schedule a
// trial carries: the Swift twin of buildSchedule in src/config/streaming-pattern.ts. The CLI
// builds schedules; the harness has the same code so the shared table
// (fixtures/harness/schedule-cases.json) pins both implementations to the same numbers.
// Floating-point steps are written in the TypeScript order of operations so the results are
// bit-identical, not merely close.

public enum StreamingPatternKind: Equatable, Sendable {
    case steady(deliveryRate: Double)
    case realtime(leadMs: Double)
    case bursty(burstChunks: Int, deliveryRate: Double, minBufferedMs: Double, jitterMs: Double)
    case underrun(deliveryRate: Double, atFraction: Double, starveMs: Double)
}

public struct StreamingPattern: Equatable, Sendable {
    public var id: String
    public var chunkMs: Double
    public var kind: StreamingPatternKind

    public init(id: String, chunkMs: Double, kind: StreamingPatternKind) {
        self.id = id
        self.chunkMs = chunkMs
        self.kind = kind
    }

    /// Reads a pattern object as fixtures/streaming-patterns.json writes it.
    public init(json: JSONValue) throws {
        var r = try FieldReader(json, path: "pattern")
        id = try r.string("id")
        _ = try r.string("description", min: 1)
        chunkMs = try r.number("chunkMs", min: 5, max: 5000)
        switch try r.string("kind") {
        case "steady": kind = .steady(deliveryRate: try r.number("deliveryRate", min: 1, max: 1000))
        case "realtime": kind = .realtime(leadMs: try r.number("leadMs", min: 0, max: 10_000))
        case "bursty":
            kind = .bursty(burstChunks: try r.int("burstChunks", min: 1, max: 1000), deliveryRate: try r.number("deliveryRate", min: 1, max: 1000),
                           minBufferedMs: try positive(r.number("minBufferedMs", max: 10_000), "minBufferedMs"),
                           jitterMs: try r.optional("jitterMs") { try checkNumber($0, $1, min: 0, max: 10_000) } ?? 0)
        case "underrun":
            let fraction = try r.number("atFraction", min: 0, max: 1)
            guard fraction > 0, fraction < 1 else { throw fieldError("pattern.atFraction", "strictly between 0 and 1") }
            kind = .underrun(deliveryRate: try r.number("deliveryRate", min: 1, max: 1000), atFraction: fraction,
                             starveMs: try positive(r.number("starveMs", max: 60_000), "starveMs"))
        default: throw fieldError("pattern.kind", "unknown pattern kind")
        }
        try r.finish()
    }

    public struct TooShort: Error {}

    /// Chunks cover the fixture exactly once, in order; `atMs` never decreases.
    public func buildSchedule(frames: Int, sampleRate: Double, seed: UInt32 = 0) throws -> [ScheduleEntry] {
        precondition(frames >= 1 && sampleRate > 0)
        let chunkFrames = max(1, Int(jsRound((chunkMs * sampleRate) / 1000)))
        let n = (frames + chunkFrames - 1) / chunkFrames
        func startOf(_ i: Int) -> Int { i * chunkFrames }
        func msOf(_ frame: Int) -> Double { (Double(frame) * 1000) / sampleRate }
        var at = [Double](repeating: 0, count: n)
        switch kind {
        case .steady(let rate):
            for i in 0..<n { at[i] = msOf(startOf(i)) / rate }
        case .realtime(let lead):
            for i in 0..<n { at[i] = max(0, msOf(startOf(i)) - lead) }
        case .bursty(let burst, let rate, let minBuffered, let jitterMs):
            var jitter = SeededUniform(seed: seed)
            var t = 0.0
            var b = 0
            while b * burst < n {
                let first = b * burst
                if b > 0 {
                    let due = msOf(startOf(first)) - minBuffered - jitter.next() * jitterMs
                    t = max(t, due)
                }
                var k = 0
                while k < burst && first + k < n {
                    at[first + k] = t + msOf(startOf(k)) / rate
                    k += 1
                }
                t = at[min(n, first + burst) - 1]
                b += 1
            }
        case .underrun(let rate, let atFraction, let starveMs):
            guard n >= 2 else { throw TooShort() }
            let stall = min(n - 1, max(1, Int(((atFraction * Double(frames)) / Double(chunkFrames)).rounded(.down))))
            for i in 0..<stall { at[i] = msOf(startOf(i)) / rate }
            let resume = msOf(startOf(stall)) + starveMs
            for i in stall..<n { at[i] = resume + (msOf(startOf(i)) - msOf(startOf(stall))) / rate }
        }
        var out: [ScheduleEntry] = []
        var last = 0.0
        for i in 0..<n {
            // Floored to the microsecond, never later than the exact time.
            last = max(last, (at[i] * 1000 + 1e-6).rounded(.down) / 1000)
            out.append(ScheduleEntry(atMs: last, startFrame: startOf(i), frameCount: min(chunkFrames, frames - startOf(i))))
        }
        return out
    }
}

/// zod's `.positive()`: strictly above zero.
private func positive(_ v: Double, _ name: String) throws -> Double {
    guard v > 0 else { throw fieldError("pattern.\(name)", "must be positive") }
    return v
}

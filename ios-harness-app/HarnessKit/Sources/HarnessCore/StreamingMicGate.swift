// The app's mic gate as it runs live on the capture path (MicGate.apply is the whole-stream
// reference it is tested against).

/// The gate as it runs live, on the capture path: mic samples arrive in blocks; the gate
/// windows come from the playback ring buffer (armed by the render thread at each drain,
/// disarmed at each append after a drain). A sample leaves once its fate is known: outside a
/// window at once, in a hard window at once, in an rms2 window when its whole frame has been
/// captured (so the gated stream lags the mic by at most one frame; the caller time-stamps it
/// on the mic's axis). `finish` flushes at the trial's end, cutting the last frame short.
///
/// Allocation: all storage is allocated in `init`; `process` and `finish` only move samples
/// between preallocated buffers, and take the ring buffer's lock once per call.
public final class StreamingMicGate {
    public let gate: GateConfig
    public let rate: Int
    private let g: Int
    private let frame: Int
    private let capacity: Int
    private let pending: UnsafeMutablePointer<Float>
    private var pendingStart = 0 // trial sample index of pending[0]
    private var pendingCount = 0
    private let output: UnsafeMutablePointer<Float>
    private var windowCursor = 0

    /// `maxBlock`: the largest block `process` is given.
    public init(gate: GateConfig, rate: Int, maxBlock: Int) {
        self.gate = gate
        self.rate = rate
        g = MicGate.windowSamples(ms: gate.ms, rate: rate)
        frame = MicGate.frameSamples(rate: rate)
        capacity = maxBlock + 2 * frame
        pending = .allocate(capacity: capacity)
        pending.initialize(repeating: 0, count: capacity)
        output = .allocate(capacity: capacity)
        output.initialize(repeating: 0, count: capacity)
    }

    deinit {
        pending.deallocate()
        output.deallocate()
    }

    /// First trial sample not yet emitted.
    public var emittedUpTo: Int { pendingStart }

    /// Adds `count` mic samples (trial samples `pendingStart + pendingCount` onwards) and
    /// returns how many gated samples are ready in `output` (they start at the previous
    /// `emittedUpTo`). `windows` is read under its lock.
    public func process(_ samples: UnsafePointer<Float>, count: Int, windows: GateWindowLog, readOutput: (UnsafePointer<Float>, Int) -> Void) {
        precondition(pendingCount + count <= capacity, "block larger than maxBlock")
        (pending + pendingCount).update(from: samples, count: count)
        pendingCount += count
        let n = windows.read { log, renderedUpTo in decide(log: log, knownUpTo: min(renderedUpTo, pendingStart + pendingCount), atEnd: false) }
        if n > 0 { readOutput(output, n) }
        consume(n)
    }

    /// The trial ended at `pendingStart + pendingCount`: decide everything left.
    public func finish(windows: GateWindowLog, readOutput: (UnsafePointer<Float>, Int) -> Void) {
        let n = windows.read { log, _ in decide(log: log, knownUpTo: pendingStart + pendingCount, atEnd: true) }
        if n > 0 { readOutput(output, n) }
        consume(n)
    }

    private func consume(_ n: Int) {
        guard n > 0 else { return }
        let left = pendingCount - n
        if left > 0 { pending.update(from: pending + n, count: left) }
        pendingStart += n
        pendingCount = left
    }

    /// Moves decided samples from `pending` to `output`; returns how many. Samples up to
    /// `knownUpTo` (exclusive) have been both captured and rendered, so every drain and append
    /// before them is in the log.
    private func decide(log: UnsafeBufferPointer<GateWindowLog.Window>, knownUpTo: Int, atEnd: Bool) -> Int {
        let end = pendingStart + pendingCount // the trial's end when atEnd
        var i = 0
        while i < pendingCount {
            let s = pendingStart + i
            if s >= knownUpTo { break }
            while windowCursor + 1 < log.count && log[windowCursor + 1].drainAt <= s { windowCursor += 1 }
            var inWindow = false
            var d = 0, to = 0
            if windowCursor < log.count, log[windowCursor].drainAt <= s {
                d = log[windowCursor].drainAt
                to = min(d + g, log[windowCursor].resumeAt)
                if atEnd { to = min(to, end) }
                inWindow = s < to
            }
            if !inWindow || gate.kind == .none {
                output[i] = pending[i]
                i += 1
                continue
            }
            if gate.kind == .hard {
                output[i] = 0
                i += 1
                continue
            }
            // rms2: the frame containing s, cut short by the window's end.
            let a = d + ((s - d) / frame) * frame
            let b = min(a + frame, to)
            // The frame's end must be known: captured and rendered (an append inside the frame
            // would cut it), unless the trial has ended.
            if b > knownUpTo && !atEnd { break }
            if b > end { break }
            precondition(a == s, "rms2 frames are decided whole")
            var e = 0.0
            for k in i..<(i + b - a) { e += Double(pending[k]) * Double(pending[k]) }
            let pass = MicGate.passes(energy: e, count: b - a, thresholdDbfs: gate.thresholdDbfs)
            for k in i..<(i + b - a) { output[k] = pass ? pending[k] : 0 }
            i += b - a
        }
        return i
    }
}

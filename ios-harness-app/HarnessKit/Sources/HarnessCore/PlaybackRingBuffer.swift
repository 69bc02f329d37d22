// The lock-protected playback ring buffer between the app (which appends TTS chunks) and
// the render thread (which drains it), plus the gate windows the render thread arms.
//
// Render-thread rules (../shared/notes/ios-vpio-engine.md): the render callback allocates
// nothing and takes exactly one lock. Every buffer here (samples, segments, gate windows) is
// allocated in `init`; `render` touches only those and the `Lock`, a pthread mutex (no
// allocation on lock/unlock). How that was checked, on Linux: RenderAllocationTests runs
// render (with drains arming and appends disarming the gate) and the capture-side
// StreamingMicGate.process for a trial's worth of IO cycles between glibc's mtrace() and
// muntrace() in a child process with libc_malloc_debug.so.0 preloaded, and finds no
// allocation in the trace (a control run that allocates on purpose shows up);
// PlaybackRingBufferTests counts the lock's acquisitions: one per render call. Not checked
// on iOS (Instruments' Allocations would be the tool there).
//
// Timing rule: a chunk carries its due sample (when the app appended it on the trial's
// axis). The render thread starts a chunk at its due sample, or right behind the audio still
// playing; when it runs out it reports the drain at the sample where it consumed the last
// buffered sample. That is the rule of src/sim/playback-timeline.ts, frame-exact.

public final class PlaybackRingBuffer: @unchecked Sendable {
    struct Segment {
        var end: Int // stream position one past the segment's last sample
        var due: Int // trial sample at which it was appended
    }

    public let capacity: Int
    public let windows: GateWindowLog
    private let storage: UnsafeMutablePointer<Float>
    private let segments: UnsafeMutablePointer<Segment>
    private let segmentCapacity: Int
    // Stream positions count samples ever written / consumed.
    private var written = 0
    private var consumed = 0
    private var announced = 0 // stream length of every segment announced
    private var segmentCount = 0
    private var nextSegment = 0
    private var playing = false
    private var segmentEnd = 0
    /// Samples the render thread needed but the app had not written yet (a glitch, not a drain).
    private var underflows = 0
    // What the render thread played, by trial sample, so the capture side can record the
    // play stream from another thread (a real-time engine's render and capture are not in
    // lockstep with the trial thread). Holds the last `capacity` rendered samples.
    private let played: UnsafeMutablePointer<Float>
    // The engine's IO sample and host time of the trial's first rendered sample (t = 0),
    // set by the render thread, read by the trial thread.
    private var originSample: Int?
    private var originHost: UInt64 = 0

    /// `capacity`: samples buffered ahead; `maxSegments`: schedule entries per trial.
    public init(capacity: Int, maxSegments: Int = ProtocolLimits.maxScheduleEntries) {
        self.capacity = capacity
        segmentCapacity = maxSegments
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: 0, count: capacity)
        played = .allocate(capacity: capacity)
        played.initialize(repeating: 0, count: capacity)
        segments = .allocate(capacity: maxSegments)
        segments.initialize(repeating: Segment(end: 0, due: 0), count: maxSegments)
        windows = GateWindowLog(capacity: maxSegments + 1)
    }

    deinit {
        storage.deallocate()
        played.deallocate()
        segments.deallocate()
    }

    /// The app appends a chunk of `frames` samples due at trial sample `due`; its samples
    /// follow through `write`. Chunks must be announced in due order.
    public func announce(frames: Int, due: Int) -> Bool {
        windows.lock.withLock {
            guard segmentCount < segmentCapacity, frames > 0 else { return false }
            if segmentCount > 0 { precondition(segments[segmentCount - 1].due <= due, "chunks are announced in time order") }
            announced += frames
            segments[segmentCount] = Segment(end: announced, due: due)
            segmentCount += 1
            return true
        }
    }

    /// Free space for `write`.
    public var space: Int { windows.lock.withLock { capacity - (written - consumed) } }

    /// Writes announced samples; returns how many fit.
    @discardableResult
    public func write(_ samples: UnsafeBufferPointer<Float>) -> Int {
        windows.lock.withLock {
            let n = min(samples.count, capacity - (written - consumed), announced - written)
            for k in 0..<n { storage[(written + k) % capacity] = samples[k] }
            written += n
            return n
        }
    }

    /// The final drain: every announced chunk has played out. Nil before.
    public func finalDrain() -> Int? {
        windows.lock.withLock {
            guard segmentCount > 0, nextSegment == segmentCount, !playing, windows.count > 0 else { return nil }
            return windows.lastDrain
        }
    }

    public var underflowCount: Int { windows.lock.withLock { underflows } }

    /// Copies the played samples of trial samples `first..<first+count` into `into`; false
    /// when part of that range is not rendered yet or has been overwritten (older than
    /// `capacity` samples behind the render position).
    public func copyPlayed(from first: Int, count: Int, into: UnsafeMutablePointer<Float>) -> Bool {
        windows.lock.withLock {
            let rendered = windows.renderedUpTo
            guard first >= 0, first + count <= rendered, first >= rendered - capacity else { return false }
            for k in 0..<count { into[k] = played[(first + k) % capacity] }
            return true
        }
    }

    /// The trial's origin: the engine's IO-cycle sample and host time of its first rendered
    /// sample; nil before the first render.
    public func origin() -> (sample: Int, hostTimeNs: UInt64)? {
        windows.lock.withLock { originSample.map { ($0, originHost) } }
    }

    /// The render callback in engine terms: the first call fixes the trial's origin at
    /// `ioSample` / `hostTimeNs`; then as `render(into:count:firstSample:)`. One lock.
    public func render(into out: UnsafeMutablePointer<Float>, count: Int, ioSample: Int, hostTimeNs: UInt64) {
        windows.lock.lock()
        if originSample == nil {
            originSample = ioSample
            originHost = hostTimeNs
        }
        renderLocked(into: out, count: count, firstSample: ioSample - originSample!)
        windows.lock.unlock()
    }

    /// The render callback: fills `count` samples for trial samples `first…` and arms or
    /// disarms the gate. One lock, no allocation.
    public func render(into out: UnsafeMutablePointer<Float>, count: Int, firstSample first: Int) {
        windows.lock.lock()
        renderLocked(into: out, count: count, firstSample: first)
        windows.lock.unlock()
    }

    @inline(__always) private func renderLocked(into out: UnsafeMutablePointer<Float>, count: Int, firstSample first: Int) {
        for j in 0..<count {
            let s = first + j
            if playing && consumed == segmentEnd {
                if nextSegment < segmentCount && segments[nextSegment].due <= s {
                    segmentEnd = segments[nextSegment].end // queued behind: no gap
                    nextSegment += 1
                } else {
                    playing = false
                    windows.arm(at: s) // bufferDrained: the gate arms here
                }
            }
            if !playing && nextSegment < segmentCount && segments[nextSegment].due <= s {
                windows.disarm(at: s) // new TTS after a drain disarms the gate
                segmentEnd = segments[nextSegment].end
                nextSegment += 1
                playing = true
            }
            if playing && consumed < written {
                out[j] = storage[consumed % capacity]
                consumed += 1
            } else {
                if playing { underflows += 1 }
                out[j] = 0
            }
            if s >= 0 { played[s % capacity] = out[j] }
        }
        windows.rendered(upTo: first + count)
    }
}

// What a real-time engine (AVAudioEngine, the raw VoiceProcessingIO unit) puts between its
// IO thread and the trial: HarnessSession's callbacks assume the LoopbackEngine's lockstep
// (render, then capture, on the trial's thread), a device's IO thread does not give it.
// - render (IO thread): numbers the cycle's samples and calls the session's render callback
//   there and then (the ring buffer fills the output, detects the drain and arms the gate in
//   the render call itself); then advances the rendered count.
// - capture (IO thread or the tap's thread): copies the mic into a preallocated FIFO.
// - deliver (the trial's thread, from the engine's runCycle): hands captured samples to the
//   capture callback in blocks of at most `maxBlock`, and only samples whose IO cycle has
//   been rendered, so the play stream recorded beside them exists.
// IO-side calls allocate nothing and take this bridge's lock once (RenderAllocationTests).
// A trial thread that falls behind by more than the FIFO loses the oldest samples: they are
// delivered as zeros (contiguity is kept) and counted in `lostSamples`.

public final class RealtimeIOBridge: @unchecked Sendable {
    public let maxBlock: Int
    public let capacity: Int
    private let lock = Lock()
    // Set only while IO is stopped (install/uninstall), read by the IO thread without the lock.
    private var renderCallback: RenderCallback?
    private var captureCallback: CaptureCallback?
    private var ioRendered = 0 // the IO thread's own copy of `rendered`
    // Under `lock`.
    private var rendered = 0
    private var captured = 0 // IO samples ever captured
    private var oldest = 0 // first IO sample still in the FIFO
    private var delivered = 0 // next IO sample to deliver
    private var anchorSample = 0 // a captured sample and its host time: host times of the rest
    private var anchorHost: UInt64 = 0
    private var rate = 48_000
    private var lost = 0
    private let fifo: UnsafeMutablePointer<Float>
    private let scratch: UnsafeMutablePointer<Float>

    /// `maxBlock`: the largest block `deliver` hands over (the gate's limit: the engine's IO
    /// buffer); `capacity`: mic samples held for the trial thread.
    public init(maxBlock: Int, capacity: Int) {
        precondition(maxBlock > 0 && capacity >= maxBlock)
        self.maxBlock = maxBlock
        self.capacity = capacity
        fifo = .allocate(capacity: capacity)
        fifo.initialize(repeating: 0, count: capacity)
        scratch = .allocate(capacity: maxBlock)
        scratch.initialize(repeating: 0, count: maxBlock)
    }

    deinit {
        fifo.deallocate()
        scratch.deallocate()
    }

    /// Before IO starts: the session's callbacks, counters from zero.
    public func install(render: @escaping RenderCallback, capture: @escaping CaptureCallback, sampleRate: Int) {
        renderCallback = render
        captureCallback = capture
        ioRendered = 0
        lock.withLock {
            rendered = 0
            captured = 0
            oldest = 0
            delivered = 0
            lost = 0
            rate = sampleRate
        }
    }

    /// After IO stopped.
    public func uninstall() {
        renderCallback = nil
        captureCallback = nil
    }

    // MARK: IO side

    /// The output callback: fills `out` with `frames` samples presented at `hostTimeNs`.
    @inline(__always) public func render(_ out: UnsafeMutablePointer<Float>, frames: Int, hostTimeNs: UInt64) {
        if let r = renderCallback { r(out, frames, ioRendered, hostTimeNs) } else { out.update(repeating: 0, count: frames) }
        ioRendered += frames
        lock.lock()
        rendered = ioRendered
        lock.unlock()
    }

    /// The input callback: `frames` mic samples, every `stride`-th float from `mic` (channel 0
    /// of interleaved input), captured at `hostTimeNs`.
    @inline(__always) public func capture(_ mic: UnsafePointer<Float>, frames: Int, stride: Int = 1, hostTimeNs: UInt64) {
        lock.lock()
        anchorSample = captured
        anchorHost = hostTimeNs
        for k in 0..<frames { fifo[(captured + k) % capacity] = mic[k * stride] }
        captured += frames
        if captured - oldest > capacity { oldest = captured - capacity }
        lock.unlock()
    }

    // MARK: Trial side

    /// Samples lost because the trial thread fell more than `capacity` behind.
    public var lostSamples: Int { lock.withLock { lost } }

    /// Delivers what is ready to the capture callback; returns the samples delivered.
    @discardableResult
    public func deliver() -> Int {
        guard let capture = captureCallback else { return 0 }
        var total = 0
        while true {
            var first = 0, n = 0
            var host: UInt64 = 0
            lock.withLock {
                let ready = min(captured, rendered)
                n = min(maxBlock, ready - delivered)
                guard n > 0 else { return }
                first = delivered
                for k in 0..<n {
                    let s = first + k
                    if s < oldest {
                        scratch[k] = 0
                        lost += 1
                    } else {
                        scratch[k] = fifo[s % capacity]
                    }
                }
                delivered += n
                host = RealtimeIOBridge.host(of: first, anchorSample: anchorSample, anchorHost: anchorHost, rate: rate)
            }
            guard n > 0 else { return total }
            capture(scratch, n, first, host)
            total += n
        }
    }

    /// Host time of IO sample `s`, extrapolated from the latest capture's anchor.
    static func host(of s: Int, anchorSample: Int, anchorHost: UInt64, rate: Int) -> UInt64 {
        if s >= anchorSample { return anchorHost &+ HostTime.nanoseconds(samples: s - anchorSample, rate: rate) }
        let back = HostTime.nanoseconds(samples: anchorSample - s, rate: rate)
        return anchorHost > back ? anchorHost - back : 0
    }
}

// The gate windows the render thread logs (armed at each drain, disarmed by the next
// append) and how far it has rendered, read by the capture path's gate. It owns the one
// lock the ring buffer and the gate share, so the render callback takes exactly one lock.

/// Gate windows and render progress, written by the render thread and read by the capture
/// path, under one lock shared with the ring buffer.
public final class GateWindowLog: @unchecked Sendable {
    public struct Window: Equatable, Sendable {
        public var drainAt: Int
        /// Sample of the append that disarmed the gate; Int.max while armed.
        public var resumeAt: Int
    }

    let lock = Lock()
    private let windows: UnsafeMutablePointer<Window>
    public let capacity: Int
    private(set) var count = 0
    /// Samples before this have been rendered: drains and appends before it are all logged.
    private(set) var renderedUpTo = 0

    public init(capacity: Int) {
        self.capacity = capacity
        windows = .allocate(capacity: capacity)
        windows.initialize(repeating: Window(drainAt: 0, resumeAt: .max), count: capacity)
    }

    deinit { windows.deallocate() }

    // Called with the lock held (by the render thread).
    @inline(__always) func arm(at sample: Int) {
        guard count < capacity else { return } // more drains than the log holds: later windows are not gated
        windows[count] = Window(drainAt: sample, resumeAt: .max)
        count += 1
    }

    @inline(__always) func disarm(at sample: Int) {
        guard count > 0, windows[count - 1].resumeAt == .max else { return }
        windows[count - 1].resumeAt = sample
    }

    var lastDrain: Int { windows[count - 1].drainAt }

    @inline(__always) func rendered(upTo sample: Int) { renderedUpTo = sample }

    /// Reads the log under the lock.
    public func read<T>(_ body: (UnsafeBufferPointer<Window>, Int) -> T) -> T {
        lock.withLock { body(UnsafeBufferPointer(start: windows, count: count), renderedUpTo) }
    }

    /// A copy, for the non-real-time side (events) and tests.
    public func snapshot() -> (windows: [Window], renderedUpTo: Int) {
        read { (Array($0), $1) }
    }
}

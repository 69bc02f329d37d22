// The device server serves one CLI at a time (a second runner on the same phone would
// interleave trials on one audio engine). A connection that finds the slot taken is closed
// with 1013 "try again later" (RFC 6455 §7.4.1 registry) before any session starts.
import HarnessCore

public final class ClientSlot: @unchecked Sendable {
    public static let busyCloseCode = 1013
    private let lock = Lock()
    private var holder: ObjectIdentifier?

    public init() {}

    /// Takes the slot for `owner`; false when another connection holds it.
    public func take(_ owner: AnyObject) -> Bool {
        lock.withLock {
            guard holder == nil else { return false }
            holder = ObjectIdentifier(owner)
            return true
        }
    }

    /// Frees the slot if `owner` holds it.
    public func release(_ owner: AnyObject) {
        lock.withLock { if holder == ObjectIdentifier(owner) { holder = nil } }
    }

    public var isTaken: Bool { lock.withLock { holder != nil } }
}

// A mutex that works on Linux and Darwin alike (os_unfair_lock does not exist on Linux;
// NSLock allocates an Objective-C object per lock on Darwin, which is fine, but its
// lock/unlock are not guaranteed allocation-free there). pthread_mutex_lock/unlock on an
// already-initialised mutex allocate nothing. The storage is a manually allocated pointer,
// so Swift never moves or copies the mutex.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class Lock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    #if DEBUG
    /// Acquisitions so far, counted while holding the mutex: how the tests check that the
    /// render callback takes the lock exactly once per call. Debug builds only.
    public private(set) var acquisitions = 0
    #endif

    @inline(__always) public func lock() {
        pthread_mutex_lock(mutex)
        #if DEBUG
        acquisitions &+= 1
        #endif
    }

    @inline(__always) public func unlock() { pthread_mutex_unlock(mutex) }

    @inline(__always) public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

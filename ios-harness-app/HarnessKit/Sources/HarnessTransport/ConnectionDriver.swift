// One accepted connection of the device server (default mode), transport-independent: the
// app's Network.framework listener moves bytes, this runs the session over them with the
// protocol's hello deadline and device-side heartbeat. What LanClient does around its
// URLSessionWebSocketTask, for a connection someone else accepted.
// Threads: frames arrive on the connection's queue, timers fire on `timerQueue`; both reach
// the session only under `lock` (a trial holds it for its length, as in LanClient).
// Outputs go straight to the outlet in the order the session produced them.
import Foundation
import HarnessCore

public final class ConnectionDriver: @unchecked Sendable {
    /// What the connection can do; the app implements it with NWConnection.
    public struct Outlet {
        public var sendText: (String) -> Void
        public var sendBinary: (Data) -> Void
        /// A close frame with this code and reason, then cancel.
        public var close: (Int, String) -> Void
        /// Cancel without a close frame.
        public var drop: (String) -> Void
        /// A WebSocket ping; the handler gets true when its pong came back.
        public var ping: (@escaping (Bool) -> Void) -> Void
        public init(sendText: @escaping (String) -> Void, sendBinary: @escaping (Data) -> Void, close: @escaping (Int, String) -> Void,
                    drop: @escaping (String) -> Void, ping: @escaping (@escaping (Bool) -> Void) -> Void) {
            self.sendText = sendText
            self.sendBinary = sendBinary
            self.close = close
            self.drop = drop
            self.ping = ping
        }
    }

    private let lock = Lock()
    public let session: HarnessSession
    private let timerQueue = DispatchQueue(label: "voiceaec.connection.timers")
    // Timers and `ended`, under their own lock (timer handlers run on timerQueue and may end
    // the session, so nothing here may sync onto that queue).
    private let timerLock = Lock()
    private var timers: [DispatchSourceTimer] = []
    private let helloTimeoutMs: Int
    private let heartbeatMs: Int
    private var ended = false
    /// Called once when the session ended (closed, dropped, or the peer went away).
    public var onEnd: () -> Void = {}

    public init(token: String, engine: AudioEngine & DeviceDescribing, outlet: Outlet, framesPerMessage: Int = 4800,
                helloTimeoutMs: Int = ProtocolLimits.helloTimeoutMs, heartbeatMs: Int = ProtocolLimits.heartbeatIntervalMs) {
        self.helloTimeoutMs = helloTimeoutMs
        self.heartbeatMs = heartbeatMs
        var endHook: () -> Void = {}
        session = HarnessSession(token: token, engine: engine) { out in
            switch out {
            case .text(let s): outlet.sendText(s)
            case .binary(let d): outlet.sendBinary(d)
            case .close(let code, let reason):
                outlet.close(code, reason)
                endHook()
            case .drop(let reason):
                outlet.drop(reason)
                endHook()
            }
        }
        session.framesPerMessage = framesPerMessage
        endHook = { [weak self] in self?.end() }
        let ping = outlet.ping
        // The heartbeat's ping goes out through the outlet; its pong is reported under the lock.
        self.ping = { [weak self] in ping { ok in if ok { self?.lock.withLock { self?.session.pongReceived() } } } }
    }

    private var ping: () -> Void = {}

    /// Starts the hello deadline and the heartbeat.
    public func start() {
        let hello = DispatchSource.makeTimerSource(queue: timerQueue)
        hello.schedule(deadline: .now() + .milliseconds(helloTimeoutMs))
        hello.setEventHandler { [weak self] in self?.lock.withLock { self?.session.helloTimedOut() } }
        let beat = DispatchSource.makeTimerSource(queue: timerQueue)
        beat.schedule(deadline: .now() + .milliseconds(heartbeatMs), repeating: .milliseconds(heartbeatMs))
        beat.setEventHandler { [weak self] in
            guard let self else { return }
            if self.lock.withLock({ self.session.heartbeatInterval() }) == .ping { self.ping() }
        }
        timerLock.withLock { timers = [hello, beat] }
        hello.resume()
        beat.resume()
    }

    public func receive(text: String) { lock.withLock { session.receive(text: text) } }
    public func receive(binary: Data) { lock.withLock { session.receive(binary: binary) } }

    /// The peer went away (the connection failed or was closed from the other side).
    public func connectionEnded() {
        lock.withLock { session.disconnected() }
        end()
    }

    private func end() {
        let first: Bool = timerLock.withLock {
            guard !ended else { return false }
            ended = true
            timers.forEach { $0.cancel() }
            timers = []
            return true
        }
        if first { onEnd() }
    }
}

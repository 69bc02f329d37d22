// `lan` mode, device side: dial the CLI's WebSocket server with the run token and serve the
// session over it. URLSessionWebSocketTask works on iOS and, through FoundationNetworking,
// on Linux, with two Linux differences (../shared/notes/swift-on-linux.md): only the async
// send/receive exist, and the upgrade request must carry `Connection: Upgrade` (Linux
// Foundation sends keep-alive, which the CLI's `ws` server refuses with HTTP 426).
//
// Threads: the receive loop, the hello deadline, the heartbeat and the reassembly flush each
// run as a task; all of them touch the session and the reassembler only under `lock`. What
// the session sends goes through one queue to one sender task, so frames leave in the order
// the session produced them whichever task produced them.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HarnessCore

public final class LanClient: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private let url: URL
    private let token: String
    private let engine: AudioEngine & DeviceDescribing
    private let framesPerMessage: Int
    private let heartbeatIntervalNs: UInt64
    // Guarded by `lock`.
    private let lock = Lock()
    private var session: HarnessSession!
    private var reassembler = WebSocketReassembler()
    private var flushGeneration = 0
    private var sentClose: Int?
    private var dropped = false
    public var log: (String) -> Void = { _ in }
    /// Told about the session when it is created (the app routes its audio-session events
    /// there with `deviceEvent`).
    public var sessionCreated: (HarnessSession) -> Void = { _ in }

    /// `heartbeatIntervalMs`: the protocol's 5 s; tests may shorten it.
    public init(url: String, token: String, engine: AudioEngine & DeviceDescribing, framesPerMessage: Int = 4800,
                heartbeatIntervalMs: Int = ProtocolLimits.heartbeatIntervalMs) throws {
        guard var c = URLComponents(string: url), c.scheme == "ws" || c.scheme == "wss", let host = c.host, !host.isEmpty else {
            throw Failure(description: "E_HARNESS_URL: \(url) is not a ws:// URL — pass -voiceaecURL ws://HOST:PORT/harness")
        }
        c.queryItems = (c.queryItems ?? []).filter { $0.name != "token" } + [URLQueryItem(name: "token", value: token)]
        guard let u = c.url else { throw Failure(description: "E_HARNESS_URL: \(url) is not a ws:// URL") }
        self.url = u
        self.token = token
        self.engine = engine
        self.framesPerMessage = framesPerMessage
        heartbeatIntervalNs = UInt64(heartbeatIntervalMs) * 1_000_000
    }

    /// The close code this side sent, if it closed the connection.
    public var closeCodeSent: Int? { lock.withLock { sentClose } }

    /// Connects and serves the session until either side closes; true when it ended
    /// normally (the CLI closed with 1000/1001, or this side with 1000).
    public func run() async -> Bool {
        var request = URLRequest(url: url)
        request.setValue("Upgrade", forHTTPHeaderField: "Connection")
        let urlSession = URLSession(configuration: .ephemeral)
        let task = urlSession.webSocketTask(with: request)
        task.maximumMessageSize = ProtocolLimits.maxFrameBytes

        let (outputs, sink) = AsyncStream<SessionOutput>.makeStream()
        lock.withLock {
            session = HarnessSession(token: token, engine: engine) { sink.yield($0) }
            session.framesPerMessage = framesPerMessage
            session.onFatal = { [log] e in log("fatal: \(e)") }
        }
        sessionCreated(lock.withLock { session })
        task.resume()

        let sender = Task { await self.send(outputs, over: task) }
        let deadline = Task {
            try await Task.sleep(nanoseconds: UInt64(ProtocolLimits.helloTimeoutMs) * 1_000_000)
            self.lock.withLock { self.session.helloTimedOut() }
        }
        let heartbeat = Task { try await self.beat(task) }

        var peerClosed = false
        while true {
            let message: URLSessionWebSocketTask.Message
            do {
                message = try await task.receive()
            } catch {
                peerClosed = lock.withLock { sentClose == nil && !dropped }
                if peerClosed { log("connection ended: \(task.closeCode.rawValue == 0 ? "\(error)" : "close \(task.closeCode.rawValue)")") }
                break
            }
            let pieces: [WebSocketReassembler.Piece]
            switch message {
            case .string(let s): pieces = lock.withLock { reassembler.add(.text(s)) }
            case .data(let d): pieces = lock.withLock { reassembler.add(.binary(d)) }
            @unknown default: pieces = []
            }
            deliver(pieces)
            if lock.withLock({ reassembler.isHolding }) { scheduleFlush() }
        }
        lock.withLock { session.disconnected() }
        deadline.cancel()
        heartbeat.cancel()
        sink.finish()
        await sender.value
        task.cancel()
        urlSession.invalidateAndCancel()
        if peerClosed { return task.closeCode == .normalClosure || task.closeCode == .goingAway }
        return closeCodeSent == CloseCode.normal.rawValue
    }

    private func deliver(_ pieces: [WebSocketReassembler.Piece]) {
        lock.withLock {
            for p in pieces {
                switch p {
                case .text(let s): session.receive(text: s)
                case .binary(let d): session.receive(binary: d)
                }
            }
        }
    }

    /// A piece that no continuation completes within 500 ms is delivered as it is (a
    /// truncated or malformed message then gets its error code instead of waiting forever).
    private func scheduleFlush() {
        let generation: Int = lock.withLock {
            flushGeneration += 1
            return flushGeneration
        }
        Task {
            try await Task.sleep(nanoseconds: 500_000_000)
            let pieces: [WebSocketReassembler.Piece] = self.lock.withLock {
                self.flushGeneration == generation ? self.reassembler.flush() : []
            }
            self.deliver(pieces)
        }
    }

    /// Device-side heartbeat: a ping every interval; the session drops the connection after
    /// three without a pong (the CLI pings too, and URLSessionWebSocketTask answers those).
    private func beat(_ task: URLSessionWebSocketTask) async throws {
        while true {
            try await Task.sleep(nanoseconds: heartbeatIntervalNs)
            let action = lock.withLock { session.heartbeatInterval() }
            guard action == .ping else { return }
            task.sendPing { [weak self] error in
                guard let self, error == nil else { return }
                self.lock.withLock { self.session.pongReceived() }
            }
        }
    }

    /// The one sender: frames in the order the session produced them.
    private func send(_ outputs: AsyncStream<SessionOutput>, over task: URLSessionWebSocketTask) async {
        for await o in outputs {
            do {
                switch o {
                case .text(let s): try await task.send(.string(s))
                case .binary(let d): try await task.send(.data(d))
                case .close(let code, let reason):
                    lock.withLock { sentClose = code }
                    log("closing with \(code) \(reason)")
                    task.cancel(with: URLSessionWebSocketTask.CloseCode(rawValue: code) ?? .protocolError, reason: reason.data(using: .utf8))
                    return
                case .drop(let reason):
                    lock.withLock { dropped = true }
                    log("dropping the connection: \(reason)")
                    task.cancel()
                    return
                }
            } catch {
                log("send failed: \(error)")
                return
            }
        }
    }
}

// One connection's session on the device side, transport-independent: text and binary
// frames in, frames and a close out (docs/protocol.md §Session):
// awaitingHello → ready (after a good hello) → configured ⇄ trials → teardown → ready …
// Protocol violations end the session with a fatal `error` and the documented close code;
// the transport (lan client, device server, tests) only moves bytes.
import Foundation

public enum SessionOutput: Equatable {
    case text(String)
    case binary(Data)
    case close(code: Int, reason: String)
    /// Drop the connection without a close handshake (heartbeat lost: the peer is gone).
    case drop(reason: String)
}

public final class HarnessSession {
    public enum State: Equatable { case awaitingHello, ready, configured, closed }

    private struct Upload {
        var audioId: String
        var requestId: Int
        var sampleRate: Int
        var samples: [Float]
        var filled = 0
        var nextSequence: UInt32 = 0
    }

    public let token: String
    public let engine: AudioEngine & DeviceDescribing
    private let send: (SessionOutput) -> Void
    public private(set) var state: State = .awaitingHello {
        didSet { sendLock.withLock { stateMirror = state } }
    }
    private var stateMirror: State = .awaitingHello // `state` as other threads see it, under sendLock
    private var eventsOpen: Bool { stateMirror == .ready || stateMirror == .configured }

    /// The state and the running trial, safe to read from any thread (the app's status screen).
    public var status: (state: State, trialId: String?) { sendLock.withLock { (stateMirror, currentTrialId) } }
    private var nextId = 1
    private var config: DeviceConfig?
    private var audio: [String: (rate: Int, samples: [Float])] = [:]
    private var uploads: [UInt32: Upload] = [:]
    // Read by the engine's IO thread (render) while the session thread swaps it.
    private var trial: TrialRunner?
    private let trialLock = Lock()
    /// The rate the streams run at: the engine's effective rate (the configure's rate is only
    /// a preference a real device may not honour).
    private var streamRate = 48_000
    // Message ids and sends, shared with `deviceEvent` from other threads.
    private let sendLock = Lock()
    private var currentTrialId: String?
    private var trialsSinceConfigure = 0
    private var heartbeat = HeartbeatMonitor()
    public var framesPerMessage = 4800
    /// Told about every fatal error this side sends (the harness logs them).
    public var onFatal: (ProtocolError) -> Void = { _ in }
    /// Engine build and teardown steps, in order (for tests and the log).
    public private(set) var engineSteps: [EngineStep] = []

    public init(token: String, engine: AudioEngine & DeviceDescribing, send: @escaping (SessionOutput) -> Void) {
        self.token = token
        self.engine = engine
        self.send = send
    }

    // MARK: Input

    public func receive(text: String) {
        guard state != .closed else { return }
        do {
            try handle(try MessageCodec.decode(text, from: .cli))
        } catch let e as ProtocolError {
            fail(e, inReplyTo: nil)
        } catch {
            fail(ProtocolError(.unexpected, "\(error)"), inReplyTo: nil)
        }
    }

    public func receive(binary: Data) {
        guard state != .closed else { return }
        do {
            let f = try AudioFrame.decode(binary)
            guard state != .awaitingHello else { throw ProtocolError(.unexpected, "audio before \"hello\"") }
            try upload(f)
        } catch let e as ProtocolError {
            fail(e, inReplyTo: nil)
        } catch {
            fail(ProtocolError(.unexpected, "\(error)"), inReplyTo: nil)
        }
    }

    /// The hello deadline passed (the transport's timer, 10 s after connecting).
    public func helloTimedOut() {
        if state == .awaitingHello { fail(ProtocolError(.timeout, "no \"hello\" within \(ProtocolLimits.helloTimeoutMs) ms"), inReplyTo: nil) }
    }

    /// The transport calls this every heartbeat interval (docs/protocol.md §Limits): `.ping`
    /// asks it to send a WebSocket ping and report the pong with `pongReceived`; `.drop`
    /// means three intervals passed without a pong, so the session has ended
    /// (E_PROTO_HEARTBEAT) and a `.drop` output tells the transport to cut the connection.
    public func heartbeatInterval() -> HeartbeatMonitor.Action {
        guard state != .closed else { return .drop }
        let action = heartbeat.interval()
        if action == .drop {
            let e = ProtocolError(.heartbeat, "no pong for \(heartbeat.allowed) heartbeat intervals of \(ProtocolLimits.heartbeatIntervalMs) ms")
            onFatal(e)
            disconnected()
            send(.drop(reason: e.description))
        }
        return action
    }

    public func pongReceived() { heartbeat.pong() }

    /// The connection went away: stop the engine without a reply.
    public func disconnected() {
        if state == .configured, let c = config { engineSteps += engine.stop(order: c.teardownOrder).steps }
        state = .closed
    }

    // MARK: Output

    @discardableResult
    private func reply(_ make: (Int) -> Message) -> Int {
        sendLock.withLock {
            let id = nextId
            nextId += 1
            send(.text(MessageCodec.encode(make(id))))
            return id
        }
    }

    /// An event the engine or the audio session reports on its own (routeChanged,
    /// interruption, mediaServicesReset, error), from any thread: it names the running trial,
    /// if any, and is dropped before `hello` and after the session closed.
    public func deviceEvent(_ name: EventName, hostTimeNs: UInt64, data: [String: JSONValue]) {
        sendLock.withLock {
            guard eventsOpen else { return }
            let id = nextId
            nextId += 1
            send(.text(MessageCodec.encode(.event(EventMessage(id: id, trialId: currentTrialId, name: name, hostTimeNs: HostTime.format(hostTimeNs), data: data)))))
        }
    }

    /// Sends a fatal error and closes with the code docs/protocol.md assigns.
    public func fail(_ e: ProtocolError, inReplyTo: Int?) {
        guard state != .closed else { return }
        onFatal(e)
        reply { .error(ErrorMessage(id: $0, inReplyTo: inReplyTo, code: e.code.rawValue, message: String(e.message.prefix(2000)), fatal: true)) }
        disconnected()
        send(.close(code: e.closeCode.rawValue, reason: e.code.rawValue))
    }

    // MARK: Messages

    private func handle(_ m: Message) throws {
        if state == .awaitingHello {
            guard case .hello(let h) = m else { return fail(ProtocolError(.unexpected, "expected \"hello\" first, got \"\(m.type)\""), inReplyTo: m.id) }
            guard constantTimeEqual(h.token, token) else { return fail(ProtocolError(.token, "wrong run token"), inReplyTo: m.id) }
            state = .ready
            reply { .ready(Ready(id: $0, device: engine.deviceInfo, capabilities: engine.capabilities)) }
            return
        }
        switch m {
        case .hello:
            throw ProtocolError(.unexpected, "unexpected a second \"hello\"")
        case .configure(let c):
            if state == .configured, let old = config { engineSteps += engine.stop(order: old.teardownOrder).steps }
            var built = engine.configure(c.config)
            engineSteps += built.steps
            config = c.config
            trialsSinceConfigure = 0
            if built.ok {
                do {
                    // Unowned: the session outlives the engine's IO (it stops the engine before it goes).
                    try engine.start(render: { [unowned self] o, n, s, h in
                        self.trialLock.lock()
                        if let t = self.trial { t.render(o, n, s, h) } else { o.update(repeating: 0, count: n) }
                        self.trialLock.unlock()
                    }, capture: { [unowned self] p, n, s, h in
                        self.trialLock.lock()
                        let t = self.trial
                        self.trialLock.unlock()
                        t?.capture(p, n, s, h)
                    })
                } catch {
                    // An engine that was built but would not start is a failed configure, not a
                    // protocol error: nothing runs, and the CLI reports the cell.
                    built.ok = false
                    built.errors.append(DeviceError(code: "E_ENGINE_START", message: String("\(error)".prefix(2000))))
                }
            }
            streamRate = built.effective?.sampleRate ?? c.config.sampleRate
            state = built.ok ? .configured : .ready
            reply { .configured(Configured(id: $0, inReplyTo: c.id, ok: built.ok, requested: c.config, effective: built.effective, errors: built.errors)) }
        case .loadAudio(let l):
            let sid = UInt32(l.streamId)
            guard uploads[sid] == nil else { throw ProtocolError(.unexpected, "unexpected loadAudio on stream \(l.streamId), which is still uploading") }
            uploads[sid] = Upload(audioId: l.audioId, requestId: l.id, sampleRate: l.sampleRate, samples: [Float](repeating: 0, count: l.frames))
        case .trial(let t):
            try runTrial(t)
        case .teardown(let id):
            var errors: [DeviceError] = []
            if state == .configured, let c = config {
                let r = engine.stop(order: c.teardownOrder)
                engineSteps += r.steps
                errors = r.errors
            }
            state = .ready
            reply { .teardownDone(TeardownDone(id: $0, inReplyTo: id, ok: errors.isEmpty, errors: errors)) }
        case .error(let e):
            // A fatal error from the CLI ends the session; a non-fatal one needs no answer.
            if e.fatal {
                disconnected()
                send(.close(code: CloseCode.normal.rawValue, reason: ""))
            }
        default:
            throw ProtocolError(.unexpected, "\"\(m.type)\" is not a message a cli sends")
        }
    }

    private func upload(_ f: AudioFrame) throws {
        guard var up = uploads[f.streamId], f.kind == .fixture else {
            throw ProtocolError(.unexpected, "unexpected \(f.kind.name) audio on stream \(f.streamId), which no loadAudio announced")
        }
        guard f.sequence == up.nextSequence else { throw ProtocolError(.sequence, "upload \(up.audioId): frame \(f.sequence) arrived, \(up.nextSequence) expected") }
        guard f.channels == 1, f.sampleRate == up.sampleRate else { throw ProtocolError(.unexpected, "unexpected upload \(up.audioId): frame format differs from loadAudio") }
        guard up.filled + f.samples.count <= up.samples.count else { throw ProtocolError(.overrun, "upload \(up.audioId): more frames than announced") }
        up.samples.replaceSubrange(up.filled..<(up.filled + f.samples.count), with: f.samples)
        up.filled += f.samples.count
        up.nextSequence += 1
        if up.filled == up.samples.count {
            uploads[f.streamId] = nil
            audio[up.audioId] = (up.sampleRate, up.samples)
            let done = up
            reply { .audioLoaded(AudioLoaded(id: $0, inReplyTo: done.requestId, audioId: done.audioId, frames: done.samples.count)) }
        } else {
            uploads[f.streamId] = up
        }
    }

    private func runTrial(_ t: TrialRequest) throws {
        guard state == .configured, let c = config else { throw ProtocolError(.unexpected, "unexpected \"trial\" before a successful \"configure\"") }
        for id in [t.audioId] + (t.nearEnd.map { [$0.audioId] } ?? []) where audio[id] == nil {
            throw ProtocolError(.audioUnknown, "trial \(t.trialId) plays audio \"\(id)\", which was never loaded")
        }
        let fixture = audio[t.audioId]!
        func done(_ ok: Bool, _ error: DeviceError?, _ frames: [StreamKind: Int]) {
            reply { .trialDone(TrialDone(id: $0, inReplyTo: t.id, trialId: t.trialId, ok: ok, error: error, frames: frames)) }
        }
        if let bad = t.schedule.firstIndex(where: { $0.startFrame + $0.frameCount > fixture.samples.count }) {
            return done(false, DeviceError(code: "E_SCHEDULE_RANGE", message: "schedule entry \(bad) reads past the end of \"\(t.audioId)\" (\(fixture.samples.count) frames)"), [:])
        }
        // Schedule frames count in the fixture's rate; the player converts to the device rate.
        var running = c
        running.sampleRate = streamRate
        let (samples, schedule) = Resample.toDeviceRate(samples: fixture.samples, from: fixture.rate, to: streamRate, schedule: t.schedule)
        let runner = TrialRunner(trial: t, config: running, audio: samples, schedule: schedule, ioBufferFrames: engine.ioBufferFrames,
                                 engineStarted: trialsSinceConfigure == 0, framesPerMessage: framesPerMessage) { [weak self] out in
            guard let self else { return }
            switch out {
            case .event(let name, let host, let data):
                self.reply { .event(EventMessage(id: $0, trialId: t.trialId, name: name, hostTimeNs: HostTime.format(host), data: data)) }
            case .frame(let f):
                self.send(.binary(f.encode()))
            }
        }
        trialsSinceConfigure += 1
        sendLock.withLock { currentTrialId = t.trialId }
        trialLock.withLock { trial = runner }
        if let b = engine as? BypassSwitchable { b.setVoiceProcessingBypassed(t.bypassVoiceProcessing) }
        let outcome = runner.run(on: engine)
        trialLock.withLock { trial = nil }
        sendLock.withLock { currentTrialId = nil }
        done(outcome.ok, outcome.error, outcome.frames)
    }
}

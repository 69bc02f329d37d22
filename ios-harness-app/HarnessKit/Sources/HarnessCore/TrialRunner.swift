// Runs one trial on an engine: appends the schedule's chunks to the playback ring buffer at
// their due samples, records play / mic / gated, emits events in time order interleaved
// with the audio, and ends postRoll after the final drain with per-stream frame counts.
// Every stream has exactly `length` samples on the mic's axis (t = 0: first mic sample).
import Foundation

public enum TrialOutput: Equatable {
    case event(name: EventName, hostTimeNs: UInt64, data: [String: JSONValue])
    case frame(AudioFrame)
}

public struct TrialOutcome: Equatable {
    public var ok: Bool
    public var error: DeviceError?
    public var frames: [StreamKind: Int]
    /// The drains the render thread reported, trial samples (for tests and logs).
    public var drains: [Int]
    public var length: Int
}

public final class TrialRunner {
    private struct PendingEvent {
        var sample: Int
        var rank: Int
        var seq: Int
        var name: EventName
        var data: [String: JSONValue]
    }

    private struct Stream {
        let kind: StreamKind
        var samples: [Float] = []
        var start = 0 // trial sample of samples[0]
        var sequence: UInt32 = 0
        var sent = 0
    }

    let trial: TrialRequest
    let config: DeviceConfig
    let rate: Int
    let audio: [Float]
    let schedule: [ScheduleEntry]
    let timeline: ScheduleTimeline
    let ring: PlaybackRingBuffer
    let gate: StreamingMicGate?
    let framesPerMessage: Int
    let emit: (TrialOutput) -> Void
    private var machine: TrialStateMachine
    private var events: [PendingEvent] = []
    private var eventSeq = 0
    private var reportedWindows = 0
    private var reportedResume = -1 // index of the window whose resume was reported
    private var writeOrder: [Int] = []
    private var writeSegment = 0
    private var writeOffset = 0
    private var originHost: UInt64 = 0
    private var captured = 0
    /// Capture samples whose played counterpart was no longer in the ring's history.
    private var playGaps = 0
    private var fedToGate = 0
    private var streams: [StreamKind: Stream] = [:]
    // The played samples matching a capture block, copied from the ring's history.
    private let playBlock: UnsafeMutablePointer<Float>
    private let playBlockCapacity: Int

    /// `audio` is already at the device rate; `schedule` in device-rate frames.
    public init(trial: TrialRequest, config: DeviceConfig, audio: [Float], schedule: [ScheduleEntry], ioBufferFrames: Int,
                engineStarted: Bool, framesPerMessage: Int = 4800, emit: @escaping (TrialOutput) -> Void) {
        self.trial = trial
        self.config = config
        rate = config.sampleRate
        self.audio = audio
        self.schedule = schedule
        self.framesPerMessage = framesPerMessage
        self.emit = emit
        timeline = ScheduleTimeline(schedule: schedule, preRollMs: trial.preRollMs, postRollMs: trial.postRollMs, rate: rate)
        machine = TrialStateMachine(preRollMs: trial.preRollMs, postRollMs: trial.postRollMs, rate: rate)
        ring = PlaybackRingBuffer(capacity: max(rate, 8 * ioBufferFrames), maxSegments: max(1, schedule.count))
        gate = config.gate.kind == .none ? nil : StreamingMicGate(gate: config.gate, rate: rate, maxBlock: ioBufferFrames)
        playBlockCapacity = ioBufferFrames
        playBlock = .allocate(capacity: ioBufferFrames)
        playBlock.initialize(repeating: 0, count: ioBufferFrames)
        for k in [StreamKind.play, .mic] + (gate == nil ? [] : [.gated]) { streams[k] = Stream(kind: k) }

        // Appends in time order (equal times keep schedule order), announced with their due samples.
        let at = timeline.appendAt
        writeOrder = schedule.indices.sorted { at[$0] != at[$1] ? at[$0] < at[$1] : $0 < $1 }
        for i in writeOrder { _ = ring.announce(frames: schedule[i].frameCount, due: at[i]) }

        addEvent(0, 0, .micStarted, [:])
        if engineStarted { addEvent(0, 1, .engineStarted, ["route": .string(config.route.rawValue), "voiceProcessing": .bool(config.voiceProcessing.enabled)]) }
        addEvent(timeline.playbackStartAt, 2, .playbackStarted, [:])
        for (i, a) in at.enumerated() { addEvent(a, 3, .chunkAppended, ["index": .number(Double(i))]) }
    }

    deinit { playBlock.deallocate() }

    private func addEvent(_ sample: Int, _ rank: Int, _ name: EventName, _ data: [String: JSONValue]) {
        events.append(PendingEvent(sample: sample, rank: rank, seq: eventSeq, name: name, data: data))
        eventSeq += 1
    }

    // MARK: IO callbacks (the session routes the engine's callbacks here during the trial)

    /// Render side (the engine's IO thread): the ring buffer fixes the trial's origin on the
    /// first call and fills the output, keeping what it played (one lock, no allocation).
    public func render(_ out: UnsafeMutablePointer<Float>, _ n: Int, _ firstSample: Int, _ host: UInt64) {
        ring.render(into: out, count: n, ioSample: firstSample, hostTimeNs: host)
    }

    /// Capture side (the trial's thread: a virtual-clock engine calls it from `runCycle`, a
    /// real-time one through `RealtimeIOBridge.deliver`): records play and mic, runs the
    /// gate; limited to the trial's length once the final drain is known. Blocks from before
    /// the trial's first render are skipped, a block straddling it is trimmed.
    public func capture(_ mic: UnsafePointer<Float>, _ n: Int, _ firstSample: Int, _ host: UInt64) {
        guard let origin = ring.origin() else { return }
        var t0 = firstSample - origin.sample
        var p = mic, count = n
        if t0 < 0 {
            guard t0 + count > 0 else { return }
            p += -t0
            count += t0
            t0 = 0
        }
        let limit = ring.finalDrain().map { $0 + machine.postRollSamples } ?? Int.max
        if captured >= limit { return } // the trial is over; the engine may still tick
        precondition(t0 == captured, "capture blocks are contiguous")
        var done = 0
        let take = max(0, min(count, limit - t0))
        while done < take {
            let k = min(take - done, playBlockCapacity)
            streams[.mic]!.samples.append(contentsOf: UnsafeBufferPointer(start: p + done, count: k))
            if !ring.copyPlayed(from: t0 + done, count: k, into: playBlock) {
                playBlock.update(repeating: 0, count: k)
                playGaps += k
            }
            streams[.play]!.samples.append(contentsOf: UnsafeBufferPointer(start: playBlock, count: k))
            if let gate {
                gate.process(p + done, count: k, windows: ring.windows) { q, m in streams[.gated]!.samples.append(contentsOf: UnsafeBufferPointer(start: q, count: m)) }
                fedToGate += k
            }
            done += k
        }
        captured += take
    }

    // MARK: Driving

    /// Tops the ring buffer up with announced audio (the app's TTS appends).
    private func topUp() {
        while writeSegment < writeOrder.count {
            let e = schedule[writeOrder[writeSegment]]
            let left = e.frameCount - writeOffset
            let from = e.startFrame + writeOffset
            let n = audio.withUnsafeBufferPointer { ring.write(UnsafeBufferPointer(rebasing: $0[from..<(from + left)])) }
            writeOffset += n
            if writeOffset < e.frameCount { return }
            writeSegment += 1
            writeOffset = 0
        }
    }

    /// Runs the trial to its end on `engine` (a virtual-clock engine runs cycle by cycle; a
    /// real-time one would call render/capture from its IO thread while this waits).
    public func run(on engine: AudioEngine) -> TrialOutcome {
        while true {
            topUp()
            if !engine.runCycle() { Thread.sleep(forTimeInterval: 0.002) }
            if let o = ring.origin() { originHost = o.hostTimeNs }
            let (windows, renderedUpTo) = ring.windows.snapshot()
            collectEvents(windows: windows)
            machine.advance(to: min(renderedUpTo, captured), finalDrainAt: ring.finalDrain())
            if let length = machine.length, captured >= length {
                if let gate { gate.finish(windows: ring.windows) { p, k in streams[.gated]!.samples.append(contentsOf: UnsafeBufferPointer(start: p, count: k)) } }
                flush(upTo: length, final: true)
                if machine.phase != .done { machine.advance(to: length, finalDrainAt: nil) }
                break
            }
            flush(upTo: min(renderedUpTo, captured), final: false)
        }
        let drains = ring.windows.snapshot().windows.map(\.drainAt)
        // Played samples lost from the ring's history (the trial thread fell more than the
        // ring's length behind the IO thread): the play stream has zeros there.
        let error = playGaps == 0 ? nil : DeviceError(code: "E_PLAY_HISTORY_LOST", message: "\(playGaps) played samples were overwritten before the trial thread recorded them")
        return TrialOutcome(ok: playGaps == 0, error: error, frames: machine.frames, drains: drains, length: machine.length!)
    }

    private func collectEvents(windows: [GateWindowLog.Window]) {
        let gated = config.gate.kind != .none
        while reportedWindows < windows.count {
            let w = windows[reportedWindows]
            addEvent(w.drainAt, 4, .bufferDrained, [:])
            if gated { addEvent(w.drainAt, 5, .gateArmed, ["kind": .string(config.gate.kind.rawValue), "ms": .number(config.gate.ms)]) }
            reportedWindows += 1
        }
        for i in max(0, reportedResume + 1)..<windows.count where windows[i].resumeAt != .max {
            if gated { addEvent(windows[i].resumeAt, 6, .gateDisarmed, [:]) }
            reportedResume = i
        }
    }

    /// Emits the events before `upTo` and the audio messages that are complete.
    private func flush(upTo: Int, final: Bool) {
        events.sort { ($0.sample, $0.rank, $0.seq) < ($1.sample, $1.rank, $1.seq) }
        var k = 0
        while k < events.count, events[k].sample < upTo || final {
            let e = events[k]
            emit(.event(name: e.name, hostTimeNs: HostTime.at(sample: e.sample, origin: originHost, rate: rate), data: e.data))
            k += 1
        }
        events.removeFirst(k)
        for kind in [StreamKind.play, .mic, .gated] {
            guard var s = streams[kind] else { continue }
            if final, let length = machine.length, s.start + s.samples.count > length { s.samples.removeLast(s.start + s.samples.count - length) }
            while s.samples.count >= framesPerMessage || (final && !s.samples.isEmpty) {
                let n = min(framesPerMessage, s.samples.count)
                emit(.frame(AudioFrame(kind: kind, format: .float32, channels: 1, streamId: UInt32(trial.streamId), sequence: s.sequence,
                                       hostTimeNs: HostTime.at(sample: s.start, origin: originHost, rate: rate), sampleRate: rate,
                                       samples: Array(s.samples[0..<n]))))
                s.samples.removeFirst(n)
                s.start += n
                s.sequence += 1
                s.sent += n
                machine.sent(kind, n)
            }
            streams[kind] = s
        }
    }
}

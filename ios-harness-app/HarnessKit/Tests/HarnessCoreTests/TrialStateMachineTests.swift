// The trial's phases (pre-roll → playing → post-roll → done with per-stream frame counts),
// alone and driven by a TrialRunner on the LoopbackEngine.
import XCTest
@testable import HarnessCore

final class TrialStateMachineTests: XCTestCase {
    func testPhasesFollowTheSampleAxis() {
        var m = TrialStateMachine(preRollMs: 10, postRollMs: 5, rate: 1000)
        XCTAssertEqual(m.phase, .preRoll)
        XCTAssertNil(m.length, "unknown until the final drain")
        m.advance(to: 10, finalDrainAt: nil)
        XCTAssertEqual(m.phase, .preRoll, "sample 10 is the first of playback, not yet rendered")
        m.advance(to: 11, finalDrainAt: nil)
        XCTAssertEqual(m.phase, .playing)
        m.advance(to: 40, finalDrainAt: 40)
        XCTAssertEqual(m.phase, .playing)
        XCTAssertEqual(m.length, 45)
        m.advance(to: 41, finalDrainAt: 99)
        XCTAssertEqual(m.phase, .postRoll)
        XCTAssertEqual(m.finalDrainAt, 40, "the first final drain reported stands")
        m.sent(.mic, 30)
        m.advance(to: 45, finalDrainAt: nil)
        XCTAssertEqual(m.phase, .done)
        XCTAssertFalse(m.isComplete, "mic short of the length")
        m.sent(.mic, 15)
        m.sent(.play, 45)
        XCTAssertTrue(m.isComplete)
        XCTAssertEqual(m.frames, [.mic: 45, .play: 45])
    }

    static func config(gate: GateConfig, ioBufferMs: Double = 10) -> DeviceConfig {
        DeviceConfig(category: "playAndRecord", mode: .voiceChat, options: [.defaultToSpeaker], route: .speaker, engine: .avaudioengine, initOrder: .correct,
                     renderMode: .realtime, teardownOrder: .correct, activation: .app, ioBufferMs: ioBufferMs, sampleRate: 48_000, volume: 1,
                     voiceProcessing: VoiceProcessingConfig(enabled: true, agc: true, ducking: .default), gate: gate, simulation: nil)
    }

    func testATrialOnTheLoopbackRunsToTrialDoneWithEveryStreamComplete() {
        var settings = LoopbackSettings()
        settings.noiseDbfs = -70
        let engine = LoopbackEngine(settings: settings)
        let gate = GateConfig(kind: .rms2, ms: 300, thresholdDbfs: -40)
        let config = TrialStateMachineTests.config(gate: gate, ioBufferMs: 7) // 336-frame buffers: nothing lines up with chunks
        XCTAssertTrue(engine.configure(config).ok)
        let audio = (0..<48_000).map { Float(sin(Double($0) * 0.05) * 0.5) }
        let schedule = [ScheduleEntry(atMs: 0, startFrame: 0, frameCount: 20_000), ScheduleEntry(atMs: 600, startFrame: 20_000, frameCount: 28_000)]
        let trial = TrialRequest(id: 5, trialId: "t1", streamId: 9, audioId: "a", schedule: schedule, preRollMs: 250, postRollMs: 400,
                                 bypassVoiceProcessing: false, nearEnd: nil, groundTruth: false)
        var outputs: [TrialOutput] = []
        let runner = TrialRunner(trial: trial, config: config, audio: audio, schedule: schedule, ioBufferFrames: engine.ioBufferFrames,
                                 engineStarted: true, framesPerMessage: 1000) { outputs.append($0) }
        try? engine.start(render: runner.render, capture: runner.capture)
        let outcome = runner.run(on: engine)

        let timeline = ScheduleTimeline(schedule: schedule, preRollMs: 250, postRollMs: 400, rate: 48_000)
        XCTAssertTrue(outcome.ok)
        XCTAssertEqual(outcome.drains, timeline.silences.map(\.drainAt))
        XCTAssertEqual(outcome.length, timeline.length)
        XCTAssertEqual(outcome.frames, [.play: timeline.length, .mic: timeline.length, .gated: timeline.length])

        // Streams: contiguous sequences from 0 on one axis; the gated stream is the whole-stream
        // gate applied to the mic with the drains the render thread reported.
        var streams: [StreamKind: [Float]] = [:]
        var origin: UInt64?
        for case .frame(let f) in outputs {
            XCTAssertEqual(Int(f.sequence), (streams[f.kind]?.count ?? 0) / 1000, "\(f.kind) sequence")
            if f.kind == .mic && f.sequence == 0 { origin = f.hostTimeNs }
            XCTAssertEqual(f.hostTimeNs, HostTime.at(sample: streams[f.kind]?.count ?? 0, origin: origin ?? f.hostTimeNs, rate: 48_000))
            streams[f.kind, default: []] += f.samples
        }
        let expectedGated = MicGate.apply(mic: streams[.mic]!, gate: gate, silences: timeline.silences, rate: 48_000)
        XCTAssertEqual(streams[.gated], expectedGated)
        for (i, e) in schedule.enumerated() {
            let at = timeline.placedAt[i]
            XCTAssertEqual(Array(streams[.play]![at..<(at + e.frameCount)]), Array(audio[e.startFrame..<(e.startFrame + e.frameCount)]))
        }

        // Events in time order, on the streams' clock.
        let events: [(EventName, Int)] = outputs.compactMap {
            guard case .event(let name, let host, _) = $0 else { return nil }
            return (name, HostTime.sample(at: host, origin: origin!, rate: 48_000))
        }
        XCTAssertEqual(events.map(\.1), events.map(\.1).sorted())
        let expected: [(EventName, Int)] = [(.micStarted, 0), (.engineStarted, 0), (.playbackStarted, 12_000), (.chunkAppended, 12_000),
                                            (.bufferDrained, 32_000), (.gateArmed, 32_000), (.chunkAppended, 40_800), (.gateDisarmed, 40_800),
                                            (.bufferDrained, 68_800), (.gateArmed, 68_800)]
        XCTAssertEqual(events.map(\.0), expected.map(\.0))
        XCTAssertEqual(events.map(\.1), expected.map(\.1))
    }
}

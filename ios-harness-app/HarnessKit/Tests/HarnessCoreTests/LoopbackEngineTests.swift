// LoopbackEngine: deterministic, and the echo path is exactly the configured delay and gain.
import XCTest
@testable import HarnessCore

final class LoopbackEngineTests: XCTestCase {
    /// Plays `input` through the engine; returns the mic.
    func loop(_ settings: LoopbackSettings, _ input: [Float]) -> (mic: [Float], hosts: [UInt64], engine: LoopbackEngine) {
        let engine = LoopbackEngine(settings: settings)
        _ = engine.configure(TrialStateMachineTests.config(gate: GateConfig(kind: .none, ms: 0, thresholdDbfs: -40)))
        var mic: [Float] = []
        var hosts: [UInt64] = []
        var played = 0
        try? engine.start(render: { out, n, first, _ in
            for i in 0..<n { out[i] = first + i < input.count ? input[first + i] : 0 }
            played += n
        }, capture: { p, n, _, host in
            mic += UnsafeBufferPointer(start: p, count: n)
            hosts.append(host)
        })
        while mic.count < input.count { XCTAssertTrue(engine.runCycle()) }
        return (mic, hosts, engine)
    }

    func testTheEchoIsThePlaybackDelayedAndScaled() {
        var s = LoopbackSettings()
        s.latencyMs = 12.5
        s.gainDb = -20
        s.noiseDbfs = nil
        let input = (0..<4_800).map { Float(($0 * 7919) % 1000) / 1000 - 0.5 }
        let (mic, hosts, engine) = loop(s, input)
        let gain = Float(pow(10, -20.0 / 20))
        for i in 0..<input.count { XCTAssertEqual(mic[i], i >= 600 ? gain * input[i - 600] : 0, "sample \(i)") }
        XCTAssertEqual(hosts.first, s.hostOriginNs)
        XCTAssertEqual(hosts[1] - hosts[0], 10_000_000, "480-sample IO buffers at 48 kHz")
        XCTAssertEqual(engine.ioBufferFrames, 480)
    }

    func testTheSameSeedGivesTheSameMicAndAnotherSeedAnother() {
        var s = LoopbackSettings()
        s.noiseDbfs = -60
        let input = [Float](repeating: 0, count: 9_600)
        let a = loop(s, input).mic, b = loop(s, input).mic
        XCTAssertEqual(a, b)
        s.seed = 2
        XCTAssertNotEqual(loop(s, input).mic, a)
        // The noise has the level asked for (within 0.5 dB over 9600 samples).
        let rms = (a.reduce(0) { $0 + Double($1) * Double($1) } / Double(a.count)).squareRoot()
        XCTAssertEqual(20 * log10(rms), -60, accuracy: 0.5)
    }

    func testItDescribesItselfAsALoopbackTestDouble() {
        let e = LoopbackEngine()
        XCTAssertEqual(e.deviceInfo.deviceClass, .loopback)
        XCTAssertTrue(e.deviceInfo.simulated)
        XCTAssertFalse(e.deviceInfo.model.lowercased().contains("iphone"))
        XCTAssertFalse(e.deviceInfo.name.lowercased().contains("iphone"))
        XCTAssertFalse(e.deviceInfo.osVersion.hasPrefix("iOS"))
        let effective = e.configure(TrialStateMachineTests.config(gate: GateConfig(kind: .hard, ms: 300, thresholdDbfs: -40))).effective!
        XCTAssertEqual(effective.outputLatencyMs, 12.5)
        XCTAssertEqual(effective.sampleRate, 48_000)
    }
}

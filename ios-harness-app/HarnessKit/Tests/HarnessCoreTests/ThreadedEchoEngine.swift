// A test double shaped like the device engines: its IO runs on a thread of its own, at ten
// times real time, and reaches the session only through RealtimeIOBridge, as
// CallAudioEngine and VoiceProcessingIOEngine do. The echo path is LoopbackEngine's without
// noise (the played samples back after `latency`, scaled by `gain`), so a trial on it must
// give exactly what the lockstep LoopbackEngine gives.
import Foundation
@testable import HarnessCore

final class ThreadedEchoEngine: AudioEngine, DeviceDescribing, BypassSwitchable {
    let settings: LoopbackSettings
    private(set) var ioBufferFrames = 480
    private var rate = 48_000
    private var bridge: RealtimeIOBridge?
    private var thread: Thread?
    private let stopFlag = Lock()
    private var stopping = false
    /// Samples the capture callback is handed per call by the IO thread (a tap's buffers are
    /// larger than the IO cycle; 0: one IO cycle).
    var captureChunk = 0
    private(set) var bypassCalls: [Bool] = []

    init(settings: LoopbackSettings) { self.settings = settings }

    var deviceInfo: DeviceInfo { LoopbackEngine(settings: settings).deviceInfo }
    var capabilities: Capabilities { LoopbackEngine(settings: settings).capabilities }

    func configure(_ c: DeviceConfig) -> EngineConfiguration {
        let lockstep = LoopbackEngine(settings: settings).configure(c)
        rate = c.sampleRate
        ioBufferFrames = max(1, Int(jsRound(c.ioBufferMs * Double(rate) / 1000)))
        bridge = RealtimeIOBridge(maxBlock: ioBufferFrames, capacity: 2 * rate)
        return lockstep
    }

    func start(render: @escaping RenderCallback, capture: @escaping CaptureCallback) throws {
        guard let bridge else { throw LaunchArguments.Invalid(description: "configure first") }
        bridge.install(render: render, capture: capture, sampleRate: rate)
        stopFlag.withLock { stopping = false }
        let n = ioBufferFrames, rate = rate
        let latency = Int(jsRound(settings.latencyMs * Double(rate) / 1000))
        let gain = Float(pow(10, settings.gainDb / 20))
        let origin = settings.hostOriginNs
        let chunk = captureChunk > 0 ? captureChunk : n
        let t = Thread { [stopFlag] in
            var history = [Float](repeating: 0, count: latency + n)
            let out = UnsafeMutablePointer<Float>.allocate(capacity: n)
            var pending: [Float] = []
            var pendingStart = 0
            var sample = 0
            while !stopFlag.withLock({ self.stopping }) {
                let host = HostTime.at(sample: sample, origin: origin, rate: rate)
                bridge.render(out, frames: n, hostTimeNs: host)
                for i in 0..<n {
                    let s = sample + i
                    history[s % history.count] = out[i]
                    pending.append(s >= latency ? gain * history[(s - latency) % history.count] : 0)
                }
                sample += n
                while pending.count >= chunk {
                    pending.withUnsafeBufferPointer { bridge.capture($0.baseAddress!, frames: chunk, hostTimeNs: HostTime.at(sample: pendingStart, origin: origin, rate: rate)) }
                    pending.removeFirst(chunk)
                    pendingStart += chunk
                }
                Thread.sleep(forTimeInterval: Double(n) / Double(rate) / 10)
            }
            out.deallocate()
        }
        thread = t
        t.start()
    }

    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError]) {
        stopFlag.withLock { stopping = true }
        while thread?.isFinished == false { Thread.sleep(forTimeInterval: 0.001) }
        bridge?.uninstall()
        return (EngineConstructionOrder.teardown(order, voiceProcessing: true), [])
    }

    func runCycle() -> Bool { (bridge?.deliver() ?? 0) > 0 }

    func setVoiceProcessingBypassed(_ bypassed: Bool) { bypassCalls.append(bypassed) }
}

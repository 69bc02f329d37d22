// AVAudioEngine with voice processing, built in the order HarnessKit's
// EngineConstructionOrder gives for configure.initOrder (correct: playback graph attached,
// then setVoiceProcessingEnabled(true), then the capture tap, then prepare; vpFirst: VP on
// the bare engine first) and taken down in configure.teardownOrder (correct: stop, remove the
// tap, disable VP on the stopped engine; disableVpWhileRunning: VP off first, the wrong
// variant, which can crash on iOS 18: the CLI then sees the connection drop).
// Playback: an AVAudioSourceNode whose render block hands the output buffer to the bridge,
// where the ring buffer fills it, detects the drain and arms the gate (no allocation, see
// RenderAllocationTests). Capture: a tap on the voice-processed input node, host time from
// AVAudioTime.hostTime. Manual rendering with VP runs the documented failure on purpose and
// reports it (probeManualVoiceProcessing).
import AVFoundation
import HarnessCore

final class CallAudioEngine: DeviceEngine {
    private let engine = AVAudioEngine()
    private let bridge: RealtimeIOBridge
    private let clock: HostClock
    private var source: AVAudioSourceNode?
    private var tapInstalled = false
    private var configObserver: NSObjectProtocol?
    private(set) var engineSampleRate: Double = 0
    /// Tap buffer size asked for, frames (AVFoundation may choose another; the bridge copes).
    static let tapFrames: AVAudioFrameCount = 4_800
    /// The engine stopped itself (AVAudioEngineConfigurationChange): reported as an error event.
    var onConfigurationChange: () -> Void = {}

    init(bridge: RealtimeIOBridge, clock: HostClock) {
        self.bridge = bridge
        self.clock = clock
    }

    deinit { if let o = configObserver { NotificationCenter.default.removeObserver(o) } }

    var voiceProcessingEnabled: Bool { engine.inputNode.isVoiceProcessingEnabled }

    /// Runs the build steps in the order given, up to prepare (start is `start()`).
    func build(_ c: DeviceConfig, steps: [EngineStep]) -> EngineBuild {
        var b = EngineBuild()
        // The output hardware rate: the source node renders at it, so render and capture
        // count the same samples (VP requires the input and output formats to match).
        // UNVERIFIED: read before VP is enabled (correct order); if enabling VP changes the hardware rate, installTap refuses with E_ENGINE_FORMAT.
        let hwRate = engine.outputNode.outputFormat(forBus: 0).sampleRate
        engineSampleRate = hwRate > 0 ? hwRate : AVAudioSession.sharedInstance().sampleRate
        for step in steps where step != .start {
            switch step {
            case .attachPlaybackGraph: attachPlayback(&b)
            case .enableVoiceProcessing: enableVoiceProcessing(c, &b)
            case .installCaptureTap: installTap(&b)
            case .prepare: engine.prepare()
            default: break
            }
            b.steps.append(step)
            if !b.ok { break }
        }
        configObserver = NotificationCenter.default.addObserver(forName: .AVAudioEngineConfigurationChange, object: engine, queue: nil) { [weak self] _ in
            self?.onConfigurationChange()
        }
        return b
    }

    private func attachPlayback(_ b: inout EngineBuild) {
        guard let format = AVAudioFormat(standardFormatWithSampleRate: engineSampleRate, channels: 1) else {
            return b.fail("E_ENGINE_FORMAT", "no mono float format at \(engineSampleRate) Hz")
        }
        let bridge = bridge, clock = clock
        // The render block runs on the IO thread: no allocation, no Objective-C messaging;
        // the bridge takes the ring's lock and its own, once each.
        let node = AVAudioSourceNode(format: format) { _, timestamp, frameCount, audioBufferList -> OSStatus in
            let buffers = UnsafeMutableAudioBufferListPointer(audioBufferList)
            guard let first = buffers.first?.mData else { return noErr }
            let out = first.assumingMemoryBound(to: Float.self)
            let frames = Int(frameCount)
            let ts = timestamp.pointee
            let host = ts.mFlags.contains(.hostTimeValid) ? clock.nanoseconds(ticks: ts.mHostTime) : clock.nowNs()
            bridge.render(out, frames: frames, hostTimeNs: host)
            for k in 1..<max(1, buffers.count) {
                buffers[k].mData?.assumingMemoryBound(to: Float.self).update(from: out, count: frames)
            }
            return noErr
        }
        engine.attach(node)
        engine.connect(node, to: engine.mainMixerNode, format: format)
        source = node
    }

    private func enableVoiceProcessing(_ c: DeviceConfig, _ b: inout EngineBuild) {
        do {
            try engine.inputNode.setVoiceProcessingEnabled(true)
        } catch {
            return b.fail("E_VP_ENABLE", "setVoiceProcessingEnabled(true): \(error)")
        }
        // After VP is on (the properties read false while it is off, AVAudioIONode.h).
        engine.inputNode.isVoiceProcessingAGCEnabled = c.voiceProcessing.agc
        engine.inputNode.isVoiceProcessingBypassed = false
        if #available(iOS 17.0, *) {
            let d = c.voiceProcessing.ducking
            if let level = AVAudioVoiceProcessingOtherAudioDuckingConfiguration.Level(rawValue: d.levelRawValue) {
                engine.inputNode.voiceProcessingOtherAudioDuckingConfiguration =
                    AVAudioVoiceProcessingOtherAudioDuckingConfiguration(enableAdvancedDucking: ObjCBool(d.enableAdvancedDucking), duckingLevel: level)
            }
        } else if c.voiceProcessing.ducking != .default {
            b.errors.append(DeviceError(code: "E_UNSUPPORTED", message: "voiceProcessing.ducking \(c.voiceProcessing.ducking.rawValue) needs iOS 17; left at the system default"))
        }
    }

    private func installTap(_ b: inout EngineBuild) {
        let input = engine.inputNode
        let format = input.outputFormat(forBus: 0)
        // A 0 Hz / 0-channel format (no input route) makes installTap raise an Objective-C
        // exception Swift cannot catch: check first.
        guard format.sampleRate > 0, format.channelCount > 0 else {
            return b.fail("E_NO_INPUT", "the input node has no format (\(format.sampleRate) Hz, \(format.channelCount) ch): no usable input route")
        }
        if abs(format.sampleRate - engineSampleRate) > 0.5 {
            b.fail("E_ENGINE_FORMAT", "input at \(format.sampleRate) Hz, output at \(engineSampleRate) Hz: the streams would not share one rate")
            return
        }
        let bridge = bridge, clock = clock
        // The tap runs off the IO thread; channel 0 of whatever the VP input delivers.
        input.installTap(onBus: 0, bufferSize: CallAudioEngine.tapFrames, format: format) { buffer, when in
            guard let data = buffer.floatChannelData else { return }
            let host = when.isHostTimeValid ? clock.nanoseconds(ticks: when.hostTime) : clock.nowNs()
            bridge.capture(data[0], frames: Int(buffer.frameLength), stride: buffer.stride, hostTimeNs: host)
        }
        tapInstalled = true
    }

    /// Manual rendering with VP: enable manual rendering, then try to enable VP, and report
    /// what happened as E_VP_UNAVAILABLE_MANUAL_RENDERING (AVAudioIONode.h: VP only when
    /// rendering to a device). Nothing runs afterwards.
    func probeManualVoiceProcessing() -> EngineBuild {
        var b = EngineBuild()
        guard let format = AVAudioFormat(standardFormatWithSampleRate: AVAudioSession.sharedInstance().sampleRate, channels: 1) else {
            b.fail("E_ENGINE_FORMAT", "no mono float format at the session rate")
            return b
        }
        do {
            try engine.enableManualRenderingMode(.realtime, format: format, maximumFrameCount: 4_096)
        } catch {
            b.fail("E_ENGINE_MANUAL", "enableManualRenderingMode(.realtime): \(error)")
            return b
        }
        var outcome: String
        do {
            try engine.inputNode.setVoiceProcessingEnabled(true)
            outcome = "setVoiceProcessingEnabled(true) returned without error in manual rendering mode; isVoiceProcessingEnabled = \(engine.inputNode.isVoiceProcessingEnabled)"
        } catch {
            outcome = "setVoiceProcessingEnabled(true) in manual rendering mode failed: \(error)"
        }
        b.steps = [.enableVoiceProcessing]
        b.fail(ErrorCode.vpUnavailableManualRendering.rawValue, "voice processing is only available when rendering to a device (AVAudioIONode.h); " + outcome)
        engine.disableManualRenderingMode()
        return b
    }

    func start() throws -> [EngineStep] {
        _ = try RetryPolicy.engineStart.run(sleep: { usleep(UInt32($0) * 1_000) }) { try engine.start() }
        return [.start]
    }

    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError]) {
        var errors: [DeviceError] = []
        let steps = EngineConstructionOrder.teardown(order, voiceProcessing: engine.inputNode.isVoiceProcessingEnabled)
        for step in steps {
            switch step {
            case .stop: engine.stop()
            case .removeCaptureTap:
                if tapInstalled { engine.inputNode.removeTap(onBus: 0) }
                tapInstalled = false
            case .disableVoiceProcessing:
                do { try engine.inputNode.setVoiceProcessingEnabled(false) } catch {
                    errors.append(DeviceError(code: "E_VP_DISABLE", message: String("setVoiceProcessingEnabled(false): \(error)".prefix(2000))))
                }
            default: break
            }
        }
        if let s = source {
            engine.detach(s)
            source = nil
        }
        return (steps, errors)
    }

    func setBypass(_ bypassed: Bool) {
        guard engine.inputNode.isVoiceProcessingEnabled else { return }
        engine.inputNode.isVoiceProcessingBypassed = bypassed
    }
}

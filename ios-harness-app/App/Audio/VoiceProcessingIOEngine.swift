// The raw kAudioUnitSubType_VoiceProcessingIO unit (or RemoteIO when voice processing is
// off: the same buses, no processing, the variant some SDKs ship by mistake). Bus 0 is the
// speaker (we render into its input scope), bus 1 the mic (we pull its output scope with
// AudioUnitRender from the input callback). Set-up in the order WebRTC's
// VoiceProcessingAudioUnit uses (../shared/notes/ios-vpio-engine.md §2.3): enable IO on
// both buses, Int16 mono at the hardware rate on both, our own record buffer, callbacks,
// AudioUnitInitialize with retries (-66635 when inits come back to back), then the VP
// properties (bypass, AGC, mute). Teardown: stop, uninitialize, dispose.
// manualMixing: the render callback pulls an AVAudioEngine in manual rendering mode (a
// source node from the ring buffer through its main mixer), Twilio's way to mix with VP.
import AVFoundation
import AudioToolbox
import HarnessCore

final class VoiceProcessingIOEngine: DeviceEngine {
    private let bridge: RealtimeIOBridge
    private let clock: HostClock
    private var unit: AudioUnit?
    private let subtype: OSType
    private let manualMixing: Bool
    private var initialized = false
    private var running = false
    private(set) var engineSampleRate: Double = 0
    // Preallocated for the IO thread: float scratch, the Int16 mic buffer and its list.
    static let maxFrames = 4_096
    private let floats = UnsafeMutablePointer<Float>.allocate(capacity: VoiceProcessingIOEngine.maxFrames)
    private let int16s = UnsafeMutablePointer<Int16>.allocate(capacity: VoiceProcessingIOEngine.maxFrames)
    private var micList = AudioBufferList.allocate(maximumBuffers: 1)
    private var floatList = AudioBufferList.allocate(maximumBuffers: 1)
    // Manual mixing: the engine rendered from the unit's render callback.
    private var mixEngine: AVAudioEngine?
    private var mixBlock: AVAudioEngineManualRenderingBlock?
    fileprivate var renderHostNs: UInt64 = 0 // the unit's render host time, for the mix engine's source node

    init(bridge: RealtimeIOBridge, clock: HostClock, voiceProcessing: Bool, manualMixing: Bool) {
        self.bridge = bridge
        self.clock = clock
        subtype = voiceProcessing ? kAudioUnitSubType_VoiceProcessingIO : kAudioUnitSubType_RemoteIO
        self.manualMixing = manualMixing
        floats.initialize(repeating: 0, count: VoiceProcessingIOEngine.maxFrames)
        int16s.initialize(repeating: 0, count: VoiceProcessingIOEngine.maxFrames)
    }

    deinit {
        dispose()
        floats.deallocate()
        int16s.deallocate()
        // AudioBufferList.allocate(maximumBuffers:) calloc()s the list: free(), not deallocate().
        free(micList.unsafeMutablePointer)
        free(floatList.unsafeMutablePointer)
    }

    var voiceProcessingEnabled: Bool {
        guard subtype == kAudioUnitSubType_VoiceProcessingIO, let unit else { return false }
        return getUInt32(unit, kAUVoiceIOProperty_BypassVoiceProcessing, kAudioUnitScope_Global, 0) == 0
    }

    func build(_ c: DeviceConfig) -> EngineBuild {
        var b = EngineBuild()
        engineSampleRate = AVAudioSession.sharedInstance().sampleRate
        var desc = AudioComponentDescription(componentType: kAudioUnitType_Output, componentSubType: subtype,
                                             componentManufacturer: kAudioUnitManufacturer_Apple, componentFlags: 0, componentFlagsMask: 0)
        guard let component = AudioComponentFindNext(nil, &desc) else {
            b.fail("E_AU_CREATE", "AudioComponentFindNext found no \(subtype == kAudioUnitSubType_VoiceProcessingIO ? "VoiceProcessingIO" : "RemoteIO") unit")
            return b
        }
        var created: AudioUnit?
        guard check(AudioComponentInstanceNew(component, &created), "AudioComponentInstanceNew", &b), let unit = created else { return b }
        self.unit = unit

        // Playback graph: output on bus 0, Int16 mono at the hardware rate, render callback.
        var one: UInt32 = 1
        var format = AudioStreamBasicDescription(mSampleRate: engineSampleRate, mFormatID: kAudioFormatLinearPCM,
                                                 mFormatFlags: kAudioFormatFlagIsSignedInteger | kAudioFormatFlagIsPacked,
                                                 mBytesPerPacket: 2, mFramesPerPacket: 1, mBytesPerFrame: 2, mChannelsPerFrame: 1,
                                                 mBitsPerChannel: 16, mReserved: 0)
        let asbdSize = UInt32(MemoryLayout<AudioStreamBasicDescription>.size)
        let u32 = UInt32(MemoryLayout<UInt32>.size)
        guard check(AudioUnitSetProperty(unit, kAudioOutputUnitProperty_EnableIO, kAudioUnitScope_Output, 0, &one, u32), "EnableIO output bus 0", &b),
              check(AudioUnitSetProperty(unit, kAudioUnitProperty_StreamFormat, kAudioUnitScope_Input, 0, &format, asbdSize), "StreamFormat bus 0", &b) else { return b }
        var renderCallback = AURenderCallbackStruct(inputProc: vpioRender, inputProcRefCon: Unmanaged.passUnretained(self).toOpaque())
        guard check(AudioUnitSetProperty(unit, kAudioUnitProperty_SetRenderCallback, kAudioUnitScope_Input, 0, &renderCallback,
                                         UInt32(MemoryLayout<AURenderCallbackStruct>.size)), "SetRenderCallback", &b) else { return b }
        b.steps.append(.attachPlaybackGraph)
        if subtype == kAudioUnitSubType_VoiceProcessingIO { b.steps.append(.enableVoiceProcessing) } // VP from creation

        // Capture: input on bus 1, the same format, our buffer, the input callback.
        var zero: UInt32 = 0
        var maxFrames = UInt32(VoiceProcessingIOEngine.maxFrames)
        var inputCallback = AURenderCallbackStruct(inputProc: vpioInput, inputProcRefCon: Unmanaged.passUnretained(self).toOpaque())
        guard check(AudioUnitSetProperty(unit, kAudioOutputUnitProperty_EnableIO, kAudioUnitScope_Input, 1, &one, u32), "EnableIO input bus 1", &b),
              check(AudioUnitSetProperty(unit, kAudioUnitProperty_StreamFormat, kAudioUnitScope_Output, 1, &format, asbdSize), "StreamFormat bus 1", &b),
              check(AudioUnitSetProperty(unit, kAudioUnitProperty_ShouldAllocateBuffer, kAudioUnitScope_Output, 1, &zero, u32), "ShouldAllocateBuffer", &b),
              check(AudioUnitSetProperty(unit, kAudioUnitProperty_MaximumFramesPerSlice, kAudioUnitScope_Global, 0, &maxFrames, u32), "MaximumFramesPerSlice", &b),
              check(AudioUnitSetProperty(unit, kAudioOutputUnitProperty_SetInputCallback, kAudioUnitScope_Global, 1, &inputCallback,
                                         UInt32(MemoryLayout<AURenderCallbackStruct>.size)), "SetInputCallback", &b) else { return b }
        b.steps.append(.installCaptureTap)

        if manualMixing { buildMixEngine(&b) }
        guard b.ok else { return b }

        let outcome = RetryPolicy.audioUnitInitialize.run(sleep: { usleep(UInt32($0) * 1_000) }) { AudioUnitInitialize(unit) }
        guard outcome.succeeded else {
            b.fail("E_AU_INITIALIZE", "AudioUnitInitialize: \(outcome.summary) (\(outcome.statuses.count) attempts)")
            return b
        }
        initialized = true
        b.steps.append(.prepare)

        // VP properties after initialization (WebRTC's order); a RemoteIO unit has none.
        if subtype == kAudioUnitSubType_VoiceProcessingIO {
            setUInt32(unit, kAUVoiceIOProperty_BypassVoiceProcessing, 0, "BypassVoiceProcessing", &b)
            setUInt32(unit, kAUVoiceIOProperty_VoiceProcessingEnableAGC, c.voiceProcessing.agc ? 1 : 0, "VoiceProcessingEnableAGC", &b)
            setUInt32(unit, kAUVoiceIOProperty_MuteOutput, 0, "MuteOutput", &b)
            setDucking(unit, c.voiceProcessing.ducking, &b)
        }
        return b
    }

    /// kAUVoiceIOProperty_OtherAudioDuckingConfiguration (iOS 17, global scope; WWDC23 10235):
    /// the raw unit's twin of AVAudioInputNode.voiceProcessingOtherAudioDuckingConfiguration,
    /// with the same level values (HarnessKit's Ducking.levelRawValue).
    private func setDucking(_ unit: AudioUnit, _ d: Ducking, _ b: inout EngineBuild) {
        guard #available(iOS 17.0, *) else {
            if d != .default { b.errors.append(DeviceError(code: "E_UNSUPPORTED", message: "voiceProcessing.ducking \(d.rawValue) needs iOS 17; left at the system default")) }
            return
        }
        guard let level = AUVoiceIOOtherAudioDuckingLevel(rawValue: UInt32(d.levelRawValue)) else {
            b.errors.append(DeviceError(code: "E_AU_PROPERTY", message: "OtherAudioDuckingConfiguration: level \(d.levelRawValue) unknown to this SDK"))
            return
        }
        var config = AUVoiceIOOtherAudioDuckingConfiguration(mEnableAdvancedDucking: DarwinBoolean(d.enableAdvancedDucking), mDuckingLevel: level)
        let s = AudioUnitSetProperty(unit, kAUVoiceIOProperty_OtherAudioDuckingConfiguration, kAudioUnitScope_Global, 0, &config,
                                     UInt32(MemoryLayout<AUVoiceIOOtherAudioDuckingConfiguration>.size))
        if s != noErr { b.errors.append(DeviceError(code: "E_AU_PROPERTY", message: "OtherAudioDuckingConfiguration = \(d.rawValue): OSStatus \(s)")) }
    }

    private func buildMixEngine(_ b: inout EngineBuild) {
        let engine = AVAudioEngine()
        guard let format = AVAudioFormat(commonFormat: .pcmFormatFloat32, sampleRate: engineSampleRate, channels: 1, interleaved: false) else {
            return b.fail("E_ENGINE_FORMAT", "no mono float format at \(engineSampleRate) Hz")
        }
        do {
            try engine.enableManualRenderingMode(.realtime, format: format, maximumFrameCount: AVAudioFrameCount(VoiceProcessingIOEngine.maxFrames))
        } catch {
            return b.fail("E_ENGINE_MANUAL", "enableManualRenderingMode(.realtime): \(error)")
        }
        let bridge = bridge
        let node = AVAudioSourceNode(format: format) { [unowned self] _, _, frameCount, audioBufferList -> OSStatus in
            let buffers = UnsafeMutableAudioBufferListPointer(audioBufferList)
            guard let data = buffers.first?.mData else { return noErr }
            bridge.render(data.assumingMemoryBound(to: Float.self), frames: Int(frameCount), hostTimeNs: self.renderHostNs)
            return noErr
        }
        engine.attach(node)
        engine.connect(node, to: engine.mainMixerNode, format: format)
        do { try engine.start() } catch { return b.fail("E_ENGINE_START", "manual-rendering engine start: \(error)") }
        mixEngine = engine
        mixBlock = engine.manualRenderingBlock
    }

    // MARK: IO thread

    fileprivate func render(_ flags: UnsafeMutablePointer<AudioUnitRenderActionFlags>, _ timestamp: UnsafePointer<AudioTimeStamp>, _ frames: UInt32,
                            _ ioData: UnsafeMutablePointer<AudioBufferList>?) -> OSStatus {
        guard let ioData else { return noErr }
        let buffers = UnsafeMutableAudioBufferListPointer(ioData)
        guard let out = buffers.first?.mData?.assumingMemoryBound(to: Int16.self) else { return noErr }
        let n = Int(frames)
        guard n <= VoiceProcessingIOEngine.maxFrames else {
            out.update(repeating: 0, count: n)
            flags.pointee.insert(.unitRenderAction_OutputIsSilence)
            return noErr
        }
        let ts = timestamp.pointee
        let host = ts.mFlags.contains(.hostTimeValid) ? clock.nanoseconds(ticks: ts.mHostTime) : clock.nowNs()
        if let mix = mixBlock {
            renderHostNs = host
            floatList[0] = AudioBuffer(mNumberChannels: 1, mDataByteSize: UInt32(n * 4), mData: floats)
            var status: OSStatus = noErr
            if mix(frames, floatList.unsafeMutablePointer, &status) != .success { floats.update(repeating: 0, count: n) }
        } else {
            bridge.render(floats, frames: n, hostTimeNs: host)
        }
        for i in 0..<n { out[i] = Int16(max(-32768, min(32767, (floats[i] * 32768).rounded()))) }
        return noErr
    }

    fileprivate func input(_ flags: UnsafeMutablePointer<AudioUnitRenderActionFlags>, _ timestamp: UnsafePointer<AudioTimeStamp>, _ frames: UInt32) -> OSStatus {
        guard let unit else { return noErr }
        let n = Int(frames)
        guard n <= VoiceProcessingIOEngine.maxFrames else { return noErr }
        micList[0] = AudioBuffer(mNumberChannels: 1, mDataByteSize: UInt32(n * 2), mData: int16s)
        let status = AudioUnitRender(unit, flags, timestamp, 1, frames, micList.unsafeMutablePointer)
        guard status == noErr else { return status }
        // The input callback runs on the same IO thread as render: `floats` is free here.
        for i in 0..<n { floats[i] = Float(int16s[i]) / 32768 }
        let ts = timestamp.pointee
        let host = ts.mFlags.contains(.hostTimeValid) ? clock.nanoseconds(ticks: ts.mHostTime) : clock.nowNs()
        bridge.capture(floats, frames: n, hostTimeNs: host)
        return noErr
    }

    // MARK: Lifecycle

    func start() throws -> [EngineStep] {
        guard let unit else { throw HarnessAppError("the audio unit was not built") }
        let outcome = RetryPolicy.audioUnitStart.run(sleep: { usleep(UInt32($0) * 1_000) }) { AudioOutputUnitStart(unit) }
        guard outcome.succeeded else { throw HarnessAppError("AudioOutputUnitStart: \(outcome.summary)") }
        running = true
        return [.start]
    }

    /// correct: stop, uninitialize, dispose. disableVpWhileRunning has no exact analogue on the
    /// raw unit (VP is its nature); the closest is bypassing VP on the running unit first.
    func stop(order: TeardownOrder) -> (steps: [EngineStep], errors: [DeviceError]) {
        var steps: [EngineStep] = []
        var errors: [DeviceError] = []
        if let unit, order == .disableVpWhileRunning, subtype == kAudioUnitSubType_VoiceProcessingIO {
            var b = EngineBuild()
            setUInt32(unit, kAUVoiceIOProperty_BypassVoiceProcessing, 1, "BypassVoiceProcessing (while running)", &b)
            errors += b.errors
            steps.append(.disableVoiceProcessing)
        }
        if let unit, running {
            let s = AudioOutputUnitStop(unit)
            if s != noErr { errors.append(DeviceError(code: "E_AU_STOP", message: "AudioOutputUnitStop: \(s)")) }
            running = false
        }
        steps += [.stop, .removeCaptureTap]
        dispose()
        return (steps, errors)
    }

    private func dispose() {
        mixEngine?.stop()
        mixEngine = nil
        mixBlock = nil
        guard let unit else { return }
        if running { AudioOutputUnitStop(unit) }
        if initialized { AudioUnitUninitialize(unit) }
        AudioComponentInstanceDispose(unit)
        self.unit = nil
        initialized = false
        running = false
    }

    func setBypass(_ bypassed: Bool) {
        guard let unit, subtype == kAudioUnitSubType_VoiceProcessingIO else { return }
        var b = EngineBuild()
        setUInt32(unit, kAUVoiceIOProperty_BypassVoiceProcessing, bypassed ? 1 : 0, "BypassVoiceProcessing", &b)
    }

    // MARK: Property helpers

    private func check(_ status: OSStatus, _ what: String, _ b: inout EngineBuild) -> Bool {
        if status != noErr { b.fail("E_AU_PROPERTY", "\(what): OSStatus \(status)") }
        return status == noErr
    }

    private func setUInt32(_ unit: AudioUnit, _ id: AudioUnitPropertyID, _ value: UInt32, _ what: String, _ b: inout EngineBuild) {
        var v = value
        let s = AudioUnitSetProperty(unit, id, kAudioUnitScope_Global, 0, &v, UInt32(MemoryLayout<UInt32>.size))
        if s != noErr { b.errors.append(DeviceError(code: "E_AU_PROPERTY", message: "\(what) = \(value): OSStatus \(s)")) }
    }

    private func getUInt32(_ unit: AudioUnit, _ id: AudioUnitPropertyID, _ scope: AudioUnitScope, _ element: AudioUnitElement) -> UInt32? {
        var v: UInt32 = 0
        var size = UInt32(MemoryLayout<UInt32>.size)
        return AudioUnitGetProperty(unit, id, scope, element, &v, &size) == noErr ? v : nil
    }
}

// C callbacks: the refCon is the engine (unretained; the engine disposes of the unit before
// it goes away).
private let vpioRender: AURenderCallback = { refCon, flags, timestamp, _, frames, ioData in
    Unmanaged<VoiceProcessingIOEngine>.fromOpaque(refCon).takeUnretainedValue().render(flags, timestamp, frames, ioData)
}

private let vpioInput: AURenderCallback = { refCon, flags, timestamp, _, frames, _ in
    Unmanaged<VoiceProcessingIOEngine>.fromOpaque(refCon).takeUnretainedValue().input(flags, timestamp, frames)
}

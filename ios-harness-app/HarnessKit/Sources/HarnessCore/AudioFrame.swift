// Binary audio frames of protocol v1: a 32-byte little-endian header, then interleaved PCM
// (docs/protocol.md §Audio frames; src/protocol/audio-frame.ts). Byte layout:
//   0 magic "VAEC"  4 version u8  5 kind u8  6 format u8  7 channels u8
//   8 streamId u32  12 sequence u32  16 hostTimeNs u64  24 sampleRate u32  28 frameCount u32
//   32 PCM (float32 or int16)
import Foundation

public enum StreamKind: UInt8, CaseIterable, Sendable {
    case fixture = 1, play = 2, mic = 3, gated = 4, echoTruth = 5, nearTruth = 6

    public var name: String {
        switch self {
        case .fixture: return "fixture"
        case .play: return "play"
        case .mic: return "mic"
        case .gated: return "gated"
        case .echoTruth: return "echoTruth"
        case .nearTruth: return "nearTruth"
        }
    }

    public init?(name: String) {
        guard let k = StreamKind.allCases.first(where: { $0.name == name }) else { return nil }
        self = k
    }
}

public enum SampleFormat: UInt8, Sendable {
    case float32 = 1, int16 = 2
    var bytesPerSample: Int { self == .float32 ? 4 : 2 }
}

public struct AudioFrame: Equatable, Sendable {
    public static let headerBytes = 32
    static let magic: UInt32 = 0x4345_4156 // "VAEC" read as little-endian u32
    static let frameVersion: UInt8 = 1

    public var kind: StreamKind
    public var format: SampleFormat
    public var channels: Int
    public var streamId: UInt32
    public var sequence: UInt32
    /// Host time of the first sample, ns.
    public var hostTimeNs: UInt64
    public var sampleRate: Int
    /// Interleaved samples in [-1, 1]; int16 is scaled by 1/32768 on decode.
    public var samples: [Float]

    public var frameCount: Int { samples.count / channels }

    public init(kind: StreamKind, format: SampleFormat, channels: Int, streamId: UInt32, sequence: UInt32, hostTimeNs: UInt64, sampleRate: Int, samples: [Float]) {
        self.kind = kind
        self.format = format
        self.channels = channels
        self.streamId = streamId
        self.sequence = sequence
        self.hostTimeNs = hostTimeNs
        self.sampleRate = sampleRate
        self.samples = samples
    }

    public func encode() -> Data {
        precondition(channels >= 1 && samples.count % channels == 0, "samples are not a whole number of frames")
        var out = [UInt8](repeating: 0, count: AudioFrame.headerBytes + samples.count * format.bytesPerSample)
        func put32(_ v: UInt32, _ at: Int) { for b in 0..<4 { out[at + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(b))) } }
        put32(AudioFrame.magic, 0)
        out[4] = AudioFrame.frameVersion
        out[5] = kind.rawValue
        out[6] = format.rawValue
        out[7] = UInt8(channels)
        put32(streamId, 8)
        put32(sequence, 12)
        for b in 0..<8 { out[16 + b] = UInt8(truncatingIfNeeded: hostTimeNs >> (8 * UInt64(b))) }
        put32(UInt32(sampleRate), 24)
        put32(UInt32(frameCount), 28)
        var p = AudioFrame.headerBytes
        switch format {
        case .float32:
            for s in samples { put32(s.bitPattern, p); p += 4 }
        case .int16:
            for s in samples {
                // Math.round(s · 32768) clamped, as the TypeScript encoder does (ties toward +∞).
                let r = jsRound(Double(s) * 32768)
                let v = Int16(max(-32768, min(32767, r)))
                let u = UInt16(bitPattern: v)
                out[p] = UInt8(truncatingIfNeeded: u)
                out[p + 1] = UInt8(truncatingIfNeeded: u >> 8)
                p += 2
            }
        }
        return Data(out)
    }

    /// Validates every header field before touching the payload: E_PROTO_AUDIO_HEADER,
    /// E_PROTO_AUDIO_PCM or E_PROTO_TOO_LARGE, in the TypeScript decoder's order.
    public static func decode(_ data: Data, maxBytes: Int = ProtocolLimits.maxFrameBytes) throws -> AudioFrame {
        if data.count > maxBytes { throw ProtocolError(.tooLarge, "audio frame of \(data.count) bytes exceeds the \(maxBytes)-byte limit") }
        let b = [UInt8](data)
        func bad(_ what: String) -> ProtocolError { ProtocolError(.audioHeader, "bad audio frame: \(what)") }
        guard b.count >= headerBytes else { throw bad("\(b.count) bytes is shorter than the \(headerBytes)-byte header") }
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[at + $1]) << (8 * UInt32($1)) } }
        guard u32(0) == magic else { throw bad("magic is not \"VAEC\"") }
        guard b[4] == frameVersion else { throw bad("frame version \(b[4])") }
        guard let kind = StreamKind(rawValue: b[5]) else { throw bad("unknown stream kind \(b[5])") }
        guard let format = SampleFormat(rawValue: b[6]) else { throw bad("unknown sample format \(b[6])") }
        let channels = Int(b[7])
        guard (1...8).contains(channels) else { throw bad("\(channels) channels (1–8 allowed)") }
        let rate = Int(u32(24))
        guard (8000...96_000).contains(rate) else { throw bad("sample rate \(rate) Hz (8000–96000 allowed)") }
        let frames = Int(u32(28))
        guard frames >= 1 else { throw bad("zero frames") }
        let expected = headerBytes + frames * channels * format.bytesPerSample
        guard b.count == expected else { throw bad("header announces \(frames) frames (\(expected) bytes) but the frame has \(b.count)") }
        let host = (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[16 + $1]) << (8 * UInt64($1)) }
        var samples = [Float](repeating: 0, count: frames * channels)
        switch format {
        case .float32:
            for i in 0..<samples.count {
                let x = Float(bitPattern: u32(headerBytes + 4 * i))
                guard x.isFinite else { throw ProtocolError(.audioPCM, "audio frame sample \(i) is \(x)") }
                samples[i] = x
            }
        case .int16:
            for i in 0..<samples.count {
                let p = headerBytes + 2 * i
                samples[i] = Float(Int16(bitPattern: UInt16(b[p]) | UInt16(b[p + 1]) << 8)) / 32768
            }
        }
        return AudioFrame(kind: kind, format: format, channels: channels, streamId: u32(8), sequence: u32(12), hostTimeNs: host, sampleRate: rate, samples: samples)
    }
}

// The launch arguments of the harness, the same for the iOS app (Xcode scheme / `xcrun
// devicectl … --` / Appium `processArguments`) and for the Linux `voiceaec-harness`:
//   -voiceaecMode lan|files|server   how the session comes up (docs/protocol.md §Transport)
//   -voiceaecURL ws://HOST:PORT/harness  lan: the CLI to dial (the token is added as ?token=)
//   -voiceaecToken TOKEN             the run token (16–128 characters)
//   -voiceaecFilesDir DIR            files: the exchange folder (plan.ndjson in, results.ndjson out)
//   -port N                          server: the port to listen on (iOS only, next issue)
//   -loopbackLatencyMs MS -loopbackGainDb DB -loopbackNoiseDbfs DB|off -loopbackSeed N
//                                    LoopbackEngine knobs (voiceaec-harness only)
//   -voiceaecFramesPerMessage N      samples per binary audio message (default 4800)
// Apple's convention (`-key value`, as UserDefaults reads it) so an app launch and a
// process launch look the same.

public struct LaunchArguments: Equatable, Sendable {
    public enum Mode: String, Sendable { case lan, files, server }
    public var mode: Mode = .lan
    public var url: String?
    public var token: String?
    public var filesDir: String?
    public var port: Int?
    public var loopback = LoopbackSettings()
    public var framesPerMessage = 4800

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init() {}

    public init(_ args: [String]) throws {
        var i = 0
        func value(_ name: String) throws -> String {
            guard i + 1 < args.count else { throw Invalid(description: "\(name) needs a value") }
            i += 1
            return args[i]
        }
        func number(_ name: String) throws -> Double {
            let v = try value(name)
            guard let d = Double(v), d.isFinite else { throw Invalid(description: "\(name): \"\(v)\" is not a number") }
            return d
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "-voiceaecMode":
                let v = try value(a)
                guard let m = Mode(rawValue: v) else { throw Invalid(description: "-voiceaecMode: \"\(v)\" is not lan, files or server") }
                mode = m
            case "-voiceaecURL": url = try value(a)
            case "-voiceaecToken": token = try value(a)
            case "-voiceaecFilesDir": filesDir = try value(a)
            case "-port":
                let p = try number(a)
                guard p >= 0, p <= 65535, p == p.rounded() else { throw Invalid(description: "-port: \(p) is not a port") }
                port = Int(p)
            case "-loopbackLatencyMs":
                let v = try number(a)
                guard v >= 0, v <= 1000 else { throw Invalid(description: "-loopbackLatencyMs: 0…1000") }
                loopback.latencyMs = v
            case "-loopbackGainDb":
                let v = try number(a)
                guard v <= 20 else { throw Invalid(description: "-loopbackGainDb: at most 20") }
                loopback.gainDb = v
            case "-loopbackNoiseDbfs":
                let v = try value(a)
                if v == "off" { loopback.noiseDbfs = nil } else {
                    guard let d = Double(v), d <= 0 else { throw Invalid(description: "-loopbackNoiseDbfs: a level ≤ 0 dBFS or off") }
                    loopback.noiseDbfs = d
                }
            case "-loopbackSeed":
                let v = try number(a)
                guard v >= 0, v <= 4_294_967_295, v == v.rounded() else { throw Invalid(description: "-loopbackSeed: 0…2^32−1") }
                loopback.seed = UInt32(v)
            case "-voiceaecFramesPerMessage":
                let v = try number(a)
                guard v >= 1, v <= 65536, v == v.rounded() else { throw Invalid(description: "-voiceaecFramesPerMessage: 1…65536") }
                framesPerMessage = Int(v)
            default:
                // Xcode and the OS add arguments of their own (-NSDocumentRevisionsDebugMode …): skip unknown `-key value` pairs.
                if a.hasPrefix("-NS") || a.hasPrefix("-Apple") { i += 1 } else { throw Invalid(description: "unknown argument \(a)") }
            }
            i += 1
        }
        guard let t = token, (16...128).contains(t.utf16.count) else { throw Invalid(description: "-voiceaecToken is required (16–128 characters)") }
        switch mode {
        case .lan: guard url != nil else { throw Invalid(description: "-voiceaecMode lan needs -voiceaecURL ws://HOST:PORT/harness") }
        case .files: guard filesDir != nil else { throw Invalid(description: "-voiceaecMode files needs -voiceaecFilesDir DIR") }
        case .server: guard port != nil else { throw Invalid(description: "-voiceaecMode server needs -port N") }
        }
    }
}

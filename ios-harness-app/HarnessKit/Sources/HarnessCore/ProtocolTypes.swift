// The value types protocol v1's messages are made of (src/protocol/messages.ts), each with
// its strict reader and its JSON form. Numbers that the TypeScript schema allows to be
// fractional are Double; integers are Int.

public let protocolVersion = 1

public enum Route: String, CaseIterable, Sendable { case speaker, receiver, wired, bluetoothHFP, bluetoothA2DP }
public enum SessionMode: String, CaseIterable, Sendable { case voiceChat, videoChat, `default`, measurement, spokenAudio }
public enum SessionOption: String, CaseIterable, Sendable { case defaultToSpeaker, allowBluetooth, allowBluetoothA2DP, duckOthers, mixWithOthers }
public enum EngineKind: String, CaseIterable, Sendable { case avaudioengine, audiounit }
public enum InitOrder: String, CaseIterable, Sendable { case correct, vpFirst }
public enum RenderMode: String, CaseIterable, Sendable { case realtime, manual }
public enum TeardownOrder: String, CaseIterable, Sendable { case correct, disableVpWhileRunning }
public enum Activation: String, CaseIterable, Sendable { case app, callkit, callkitAppActivates }
public enum GateKind: String, CaseIterable, Sendable { case none, hard, rms2 }
public enum Ducking: String, CaseIterable, Sendable { case `default`, min, mid, max }
/// `ready.device.class`: a loopback test double or the app in the iOS Simulator is never
/// presented as an iPhone.
public enum DeviceClass: String, CaseIterable, Sendable { case iphone, virtualIphone = "virtual-iphone", loopback, iosSimulator = "ios-simulator" }
public enum EventName: String, CaseIterable, Sendable {
    case micStarted, engineStarted, playbackStarted, chunkAppended, bufferDrained, gateArmed, gateDisarmed
    case routeChanged, interruption, mediaServicesReset, error
}

public struct GateConfig: Equatable, Sendable {
    public var kind: GateKind
    public var ms: Double
    public var thresholdDbfs: Double
    public init(kind: GateKind, ms: Double, thresholdDbfs: Double) {
        self.kind = kind
        self.ms = ms
        self.thresholdDbfs = thresholdDbfs
    }
    static func read(_ v: JSONValue, _ path: String) throws -> GateConfig {
        var r = try FieldReader(v, path: path)
        let g = GateConfig(kind: try r.enumeration("kind", GateKind.self), ms: try r.number("ms", min: 0, max: 10_000),
                           thresholdDbfs: try r.number("thresholdDbfs", min: -120, max: 0))
        try r.finish()
        return g
    }
    var json: JSONValue { .object(["kind": .string(kind.rawValue), "ms": .number(ms), "thresholdDbfs": .number(thresholdDbfs)]) }
}

public struct VoiceProcessingConfig: Equatable, Sendable {
    public var enabled: Bool
    public var agc: Bool
    public var ducking: Ducking
    public init(enabled: Bool, agc: Bool, ducking: Ducking) {
        self.enabled = enabled
        self.agc = agc
        self.ducking = ducking
    }
    var json: JSONValue { .object(["enabled": .bool(enabled), "agc": .bool(agc), "ducking": .string(ducking.rawValue)]) }
}

public struct SimulationConfig: Equatable, Sendable {
    public var room: String
    public var deviceProfile: String
    public var seed: Int
    public var rirAudioId: String?
    var json: JSONValue {
        .object(["room": .string(room), "deviceProfile": .string(deviceProfile), "seed": .number(Double(seed)), "rirAudioId": rirAudioId.map(JSONValue.string) ?? .null])
    }
}

public struct DeviceConfig: Equatable, Sendable {
    public var category: String // always "playAndRecord"
    public var mode: SessionMode
    public var options: [SessionOption]
    public var route: Route
    public var engine: EngineKind
    public var initOrder: InitOrder
    public var renderMode: RenderMode
    public var teardownOrder: TeardownOrder
    public var activation: Activation
    public var ioBufferMs: Double
    public var sampleRate: Int
    public var volume: Double
    public var voiceProcessing: VoiceProcessingConfig
    public var gate: GateConfig
    public var simulation: SimulationConfig?

    static func read(_ v: JSONValue, _ path: String) throws -> DeviceConfig {
        var r = try FieldReader(v, path: path)
        let category = try r.string("category")
        guard category == "playAndRecord" else { throw fieldError("\(path).category", "expected \"playAndRecord\"") }
        let c = DeviceConfig(
            category: category,
            mode: try r.enumeration("mode", SessionMode.self),
            options: try r.array("options", max: 8) { try checkEnum($0, $1) },
            route: try r.enumeration("route", Route.self),
            engine: try r.enumeration("engine", EngineKind.self),
            initOrder: try r.enumeration("initOrder", InitOrder.self),
            renderMode: try r.enumeration("renderMode", RenderMode.self),
            teardownOrder: try r.enumeration("teardownOrder", TeardownOrder.self),
            activation: try r.enumeration("activation", Activation.self),
            ioBufferMs: try r.number("ioBufferMs", min: 1, max: 100),
            sampleRate: try r.int("sampleRate", min: 8000, max: 96_000),
            volume: try r.number("volume", min: 0, max: 1),
            voiceProcessing: try r.object("voiceProcessing") {
                VoiceProcessingConfig(enabled: try $0.bool("enabled"), agc: try $0.bool("agc"), ducking: try $0.enumeration("ducking", Ducking.self))
            },
            gate: try GateConfig.read(try r.value("gate"), "\(path).gate"),
            simulation: try r.nullable("simulation") { v, p in
                var s = try FieldReader(v, path: p)
                let out = SimulationConfig(room: try s.safeId("room"), deviceProfile: try s.safeId("deviceProfile"),
                                           seed: try s.int("seed", min: 0, max: 4_294_967_295),
                                           rirAudioId: try s.nullable("rirAudioId") { try checkSafeId($0, $1) })
                try s.finish()
                return out
            })
        try r.finish()
        return c
    }

    var json: JSONValue {
        .object([
            "category": .string(category), "mode": .string(mode.rawValue), "options": .array(options.map { .string($0.rawValue) }),
            "route": .string(route.rawValue), "engine": .string(engine.rawValue), "initOrder": .string(initOrder.rawValue),
            "renderMode": .string(renderMode.rawValue), "teardownOrder": .string(teardownOrder.rawValue), "activation": .string(activation.rawValue),
            "ioBufferMs": .number(ioBufferMs), "sampleRate": .number(Double(sampleRate)), "volume": .number(volume),
            "voiceProcessing": voiceProcessing.json, "gate": gate.json, "simulation": simulation?.json ?? .null,
        ])
    }
}

public struct DeviceError: Equatable, Sendable {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    static func read(_ v: JSONValue, _ path: String) throws -> DeviceError {
        var r = try FieldReader(v, path: path)
        let code = try r.string("code")
        guard isErrorCodeString(code) else { throw fieldError("\(path).code", "expected E_…") }
        let e = DeviceError(code: code, message: try r.string("message", max: 2000))
        try r.finish()
        return e
    }
    var json: JSONValue { .object(["code": .string(code), "message": .string(message)]) }
}

public struct EffectiveConfig: Equatable, Sendable {
    public var route: Route?
    public var mode: SessionMode
    public var engine: EngineKind
    public var renderMode: RenderMode
    public var sampleRate: Int
    public var ioBufferMs: Double
    public var outputLatencyMs: Double
    public var inputLatencyMs: Double
    public var voiceProcessingEnabled: Bool
    public var gate: GateConfig
    public var volume: Double

    public init(route: Route?, mode: SessionMode, engine: EngineKind, renderMode: RenderMode, sampleRate: Int, ioBufferMs: Double,
                outputLatencyMs: Double, inputLatencyMs: Double, voiceProcessingEnabled: Bool, gate: GateConfig, volume: Double) {
        self.route = route
        self.mode = mode
        self.engine = engine
        self.renderMode = renderMode
        self.sampleRate = sampleRate
        self.ioBufferMs = ioBufferMs
        self.outputLatencyMs = outputLatencyMs
        self.inputLatencyMs = inputLatencyMs
        self.voiceProcessingEnabled = voiceProcessingEnabled
        self.gate = gate
        self.volume = volume
    }

    static func read(_ v: JSONValue, _ path: String) throws -> EffectiveConfig {
        var r = try FieldReader(v, path: path)
        let e = EffectiveConfig(
            route: try r.nullable("route") { try checkEnum($0, $1) },
            mode: try r.enumeration("mode", SessionMode.self),
            engine: try r.enumeration("engine", EngineKind.self),
            renderMode: try r.enumeration("renderMode", RenderMode.self),
            sampleRate: try r.int("sampleRate"),
            ioBufferMs: try r.number("ioBufferMs"),
            outputLatencyMs: try r.number("outputLatencyMs", min: 0),
            inputLatencyMs: try r.number("inputLatencyMs", min: 0),
            voiceProcessingEnabled: try r.bool("voiceProcessingEnabled"),
            gate: try GateConfig.read(try r.value("gate"), "\(path).gate"),
            volume: try r.number("volume", min: 0, max: 1))
        try r.finish()
        return e
    }

    var json: JSONValue {
        .object([
            "route": route.map { .string($0.rawValue) } ?? .null, "mode": .string(mode.rawValue), "engine": .string(engine.rawValue),
            "renderMode": .string(renderMode.rawValue), "sampleRate": .number(Double(sampleRate)), "ioBufferMs": .number(ioBufferMs),
            "outputLatencyMs": .number(outputLatencyMs), "inputLatencyMs": .number(inputLatencyMs),
            "voiceProcessingEnabled": .bool(voiceProcessingEnabled), "gate": gate.json, "volume": .number(volume),
        ])
    }
}

public struct ScheduleEntry: Equatable, Sendable {
    /// When the chunk is appended to the player, ms after the trial's playback start.
    public var atMs: Double
    public var startFrame: Int
    public var frameCount: Int
    public init(atMs: Double, startFrame: Int, frameCount: Int) {
        self.atMs = atMs
        self.startFrame = startFrame
        self.frameCount = frameCount
    }
    static func read(_ v: JSONValue, _ path: String) throws -> ScheduleEntry {
        var r = try FieldReader(v, path: path)
        let e = ScheduleEntry(atMs: try r.number("atMs", min: 0, max: 600_000), startFrame: try r.int("startFrame", min: 0),
                              frameCount: try r.int("frameCount", min: 1))
        try r.finish()
        return e
    }
    var json: JSONValue { .object(["atMs": .number(atMs), "startFrame": .number(Double(startFrame)), "frameCount": .number(Double(frameCount))]) }
}

public struct NearEnd: Equatable, Sendable {
    public var audioId: String
    public var atMs: Double
    public var levelDbfs: Double
    var json: JSONValue { .object(["audioId": .string(audioId), "atMs": .number(atMs), "levelDbfs": .number(levelDbfs)]) }
}

public struct DeviceInfo: Equatable, Sendable {
    public var model: String
    public var osVersion: String
    public var appVersion: String
    public var name: String
    public var simulated: Bool
    /// Absent: derived from `simulated` by the CLI.
    public var deviceClass: DeviceClass?
    public init(model: String, osVersion: String, appVersion: String, name: String, simulated: Bool, deviceClass: DeviceClass?) {
        self.model = model
        self.osVersion = osVersion
        self.appVersion = appVersion
        self.name = name
        self.simulated = simulated
        self.deviceClass = deviceClass
    }
    var json: JSONValue {
        var o: [String: JSONValue] = ["model": .string(model), "osVersion": .string(osVersion), "appVersion": .string(appVersion),
                                      "name": .string(name), "simulated": .bool(simulated)]
        if let c = deviceClass { o["class"] = .string(c.rawValue) }
        return .object(o)
    }
}

public struct Capabilities: Equatable, Sendable {
    public var routes: [Route]
    public var modes: [SessionMode]
    public var engines: [EngineKind]
    public var gates: [GateKind]
    public var groundTruth: Bool
    public var maxFrameBytes: Int
    public init(routes: [Route], modes: [SessionMode], engines: [EngineKind], gates: [GateKind], groundTruth: Bool, maxFrameBytes: Int) {
        self.routes = routes
        self.modes = modes
        self.engines = engines
        self.gates = gates
        self.groundTruth = groundTruth
        self.maxFrameBytes = maxFrameBytes
    }
    var json: JSONValue {
        .object(["routes": .array(routes.map { .string($0.rawValue) }), "modes": .array(modes.map { .string($0.rawValue) }),
                 "engines": .array(engines.map { .string($0.rawValue) }), "gates": .array(gates.map { .string($0.rawValue) }),
                 "groundTruth": .bool(groundTruth), "maxFrameBytes": .number(Double(maxFrameBytes))])
    }
}

// Every control message of protocol v1 (docs/protocol.md §Messages). The envelope's `type`
// and `version` live in `Message`; each payload struct carries its own `id`.

public struct Hello: Equatable, Sendable {
    public var id: Int
    public var token: String
    public var clientName: String
    public var clientVersion: String
}

public struct Configure: Equatable, Sendable {
    public var id: Int
    public var config: DeviceConfig
}

public struct LoadAudio: Equatable, Sendable {
    public var id: Int
    public var audioId: String
    public var streamId: Int
    public var sampleRate: Int
    public var frames: Int
}

public struct TrialRequest: Equatable, Sendable {
    public var id: Int
    public var trialId: String
    public var streamId: Int
    public var audioId: String
    public var schedule: [ScheduleEntry]
    public var preRollMs: Double
    public var postRollMs: Double
    public var bypassVoiceProcessing: Bool
    public var nearEnd: NearEnd?
    public var groundTruth: Bool
}

public struct Ready: Equatable, Sendable {
    public var id: Int
    public var device: DeviceInfo
    public var capabilities: Capabilities
}

public struct Configured: Equatable, Sendable {
    public var id: Int
    public var inReplyTo: Int
    public var ok: Bool
    public var requested: DeviceConfig
    public var effective: EffectiveConfig?
    public var errors: [DeviceError]
}

public struct AudioLoaded: Equatable, Sendable {
    public var id: Int
    public var inReplyTo: Int
    public var audioId: String
    public var frames: Int
}

public struct EventMessage: Equatable, Sendable {
    public var id: Int
    public var trialId: String?
    public var name: EventName
    public var hostTimeNs: String
    /// Values are strings, numbers, booleans or null.
    public var data: [String: JSONValue]
}

public struct TrialDone: Equatable, Sendable {
    public var id: Int
    public var inReplyTo: Int
    public var trialId: String
    public var ok: Bool
    public var error: DeviceError?
    public var frames: [StreamKind: Int]
}

public struct TeardownDone: Equatable, Sendable {
    public var id: Int
    public var inReplyTo: Int
    public var ok: Bool
    public var errors: [DeviceError]
}

public struct ErrorMessage: Equatable, Sendable {
    public var id: Int
    public var inReplyTo: Int?
    public var code: String
    public var message: String
    public var fatal: Bool
}

public enum Message: Equatable, Sendable {
    // CLI → device
    case hello(Hello)
    case configure(Configure)
    case loadAudio(LoadAudio)
    case trial(TrialRequest)
    case teardown(id: Int)
    // device → CLI
    case ready(Ready)
    case configured(Configured)
    case audioLoaded(AudioLoaded)
    case event(EventMessage)
    case trialDone(TrialDone)
    case teardownDone(TeardownDone)
    // either
    case error(ErrorMessage)

    public static let cliTypes: Set<String> = ["hello", "configure", "loadAudio", "trial", "teardown", "error"]
    public static let deviceTypes: Set<String> = ["ready", "configured", "audioLoaded", "event", "trialDone", "teardownDone", "error"]
    public static let allTypes = cliTypes.union(deviceTypes)

    public var type: String {
        switch self {
        case .hello: return "hello"
        case .configure: return "configure"
        case .loadAudio: return "loadAudio"
        case .trial: return "trial"
        case .teardown: return "teardown"
        case .ready: return "ready"
        case .configured: return "configured"
        case .audioLoaded: return "audioLoaded"
        case .event: return "event"
        case .trialDone: return "trialDone"
        case .teardownDone: return "teardownDone"
        case .error: return "error"
        }
    }

    public var id: Int {
        switch self {
        case .hello(let m): return m.id
        case .configure(let m): return m.id
        case .loadAudio(let m): return m.id
        case .trial(let m): return m.id
        case .teardown(let id): return id
        case .ready(let m): return m.id
        case .configured(let m): return m.id
        case .audioLoaded(let m): return m.id
        case .event(let m): return m.id
        case .trialDone(let m): return m.id
        case .teardownDone(let m): return m.id
        case .error(let m): return m.id
        }
    }
}

// MARK: - JSON form

extension Message {
    public var json: JSONValue {
        var o: [String: JSONValue]
        func n(_ i: Int) -> JSONValue { .number(Double(i)) }
        switch self {
        case .hello(let m):
            o = ["token": .string(m.token), "client": .object(["name": .string(m.clientName), "version": .string(m.clientVersion)])]
        case .configure(let m):
            o = ["config": m.config.json]
        case .loadAudio(let m):
            o = ["audioId": .string(m.audioId), "streamId": n(m.streamId), "sampleRate": n(m.sampleRate), "frames": n(m.frames)]
        case .trial(let m):
            o = ["trialId": .string(m.trialId), "streamId": n(m.streamId), "audioId": .string(m.audioId),
                 "schedule": .array(m.schedule.map(\.json)), "preRollMs": .number(m.preRollMs), "postRollMs": .number(m.postRollMs),
                 "bypassVoiceProcessing": .bool(m.bypassVoiceProcessing), "nearEnd": m.nearEnd?.json ?? .null, "groundTruth": .bool(m.groundTruth)]
        case .teardown:
            o = [:]
        case .ready(let m):
            o = ["device": m.device.json, "capabilities": m.capabilities.json]
        case .configured(let m):
            o = ["inReplyTo": n(m.inReplyTo), "ok": .bool(m.ok), "requested": m.requested.json, "effective": m.effective?.json ?? .null,
                 "errors": .array(m.errors.map(\.json))]
        case .audioLoaded(let m):
            o = ["inReplyTo": n(m.inReplyTo), "audioId": .string(m.audioId), "frames": n(m.frames)]
        case .event(let m):
            o = ["trialId": m.trialId.map(JSONValue.string) ?? .null, "name": .string(m.name.rawValue), "hostTimeNs": .string(m.hostTimeNs), "data": .object(m.data)]
        case .trialDone(let m):
            o = ["inReplyTo": n(m.inReplyTo), "trialId": .string(m.trialId), "ok": .bool(m.ok), "error": m.error?.json ?? .null,
                 "frames": .object(Dictionary(uniqueKeysWithValues: m.frames.map { ($0.key.name, n($0.value)) }))]
        case .teardownDone(let m):
            o = ["inReplyTo": n(m.inReplyTo), "ok": .bool(m.ok), "errors": .array(m.errors.map(\.json))]
        case .error(let m):
            o = ["inReplyTo": m.inReplyTo.map(n) ?? .null, "code": .string(m.code), "message": .string(m.message), "fatal": .bool(m.fatal)]
        }
        o["type"] = .string(type)
        o["id"] = n(id)
        o["version"] = n(protocolVersion)
        return .object(o)
    }

    /// Reads a message whose `type` and `version` were already checked. Throws E_PROTO_FIELD.
    static func read(type: String, _ v: JSONValue) throws -> Message {
        var r = try FieldReader(v, path: "")
        _ = try r.value("type")
        _ = try r.value("version")
        let id = try r.int("id", min: 0, max: 4_294_967_295)
        let m: Message
        switch type {
        case "hello":
            let token = try r.string("token", min: 16, max: 128)
            let (name, version) = try r.object("client") { (try $0.string("name", max: 64), try $0.string("version", max: 32)) }
            m = .hello(Hello(id: id, token: token, clientName: name, clientVersion: version))
        case "configure":
            m = .configure(Configure(id: id, config: try DeviceConfig.read(try r.value("config"), "config")))
        case "loadAudio":
            m = .loadAudio(LoadAudio(id: id, audioId: try r.safeId("audioId"), streamId: try r.int("streamId", min: 1, max: 4_294_967_295),
                                     sampleRate: try r.int("sampleRate", min: 8000, max: 96_000),
                                     frames: try r.int("frames", min: 1, max: ProtocolLimits.maxUploadFrames)))
        case "trial":
            m = .trial(TrialRequest(
                id: id, trialId: try r.safeId("trialId"), streamId: try r.int("streamId", min: 1, max: 4_294_967_295), audioId: try r.safeId("audioId"),
                schedule: try r.array("schedule", min: 1, max: ProtocolLimits.maxScheduleEntries) { try ScheduleEntry.read($0, $1) },
                preRollMs: try r.number("preRollMs", min: 0, max: 60_000), postRollMs: try r.number("postRollMs", min: 0, max: 60_000),
                bypassVoiceProcessing: try r.bool("bypassVoiceProcessing"),
                nearEnd: try r.nullable("nearEnd") { v, p in
                    var n = try FieldReader(v, path: p)
                    let out = NearEnd(audioId: try n.safeId("audioId"), atMs: try n.number("atMs", min: 0, max: 600_000), levelDbfs: try n.number("levelDbfs", min: -100, max: 0))
                    try n.finish()
                    return out
                },
                groundTruth: try r.bool("groundTruth")))
        case "teardown":
            m = .teardown(id: id)
        case "ready":
            let device = try r.object("device") {
                DeviceInfo(model: try $0.string("model", max: 64), osVersion: try $0.string("osVersion", max: 32), appVersion: try $0.string("appVersion", max: 32),
                           name: try $0.string("name", max: 128), simulated: try $0.bool("simulated"),
                           deviceClass: try $0.optional("class") { try checkEnum($0, $1) })
            }
            let caps = try r.object("capabilities") {
                Capabilities(routes: try $0.array("routes") { try checkEnum($0, $1) }, modes: try $0.array("modes") { try checkEnum($0, $1) },
                             engines: try $0.array("engines") { try checkEnum($0, $1) }, gates: try $0.array("gates") { try checkEnum($0, $1) },
                             groundTruth: try $0.bool("groundTruth"), maxFrameBytes: try $0.int("maxFrameBytes", min: 1024))
            }
            m = .ready(Ready(id: id, device: device, capabilities: caps))
        case "configured":
            m = .configured(Configured(id: id, inReplyTo: try r.int("inReplyTo", min: 0), ok: try r.bool("ok"),
                                       requested: try DeviceConfig.read(try r.value("requested"), "requested"),
                                       effective: try r.nullable("effective") { try EffectiveConfig.read($0, $1) },
                                       errors: try r.array("errors", max: 32) { try DeviceError.read($0, $1) }))
        case "audioLoaded":
            m = .audioLoaded(AudioLoaded(id: id, inReplyTo: try r.int("inReplyTo", min: 0), audioId: try r.safeId("audioId"), frames: try r.int("frames", min: 1)))
        case "event":
            let trialId = try r.nullable("trialId") { try checkSafeId($0, $1) }
            let name = try r.enumeration("name", EventName.self)
            let host = try r.string("hostTimeNs")
            guard HostTime.isDecimalNs(host) else { throw fieldError("hostTimeNs", "decimal nanoseconds") }
            let data = try r.object("data") { d -> [String: JSONValue] in
                let all = d.allEntries()
                for (k, v) in all {
                    switch v {
                    case .string, .bool, .null: break
                    case .number(let x): guard x.isFinite else { throw fieldError("data.\(k)", "expected a finite number") }
                    default: throw fieldError("data.\(k)", "expected a string, number, boolean or null")
                    }
                }
                return all
            }
            m = .event(EventMessage(id: id, trialId: trialId, name: name, hostTimeNs: host, data: data))
        case "trialDone":
            let inReplyTo = try r.int("inReplyTo", min: 0)
            let trialId = try r.safeId("trialId")
            let ok = try r.bool("ok")
            let error = try r.nullable("error") { try DeviceError.read($0, $1) }
            let frames = try r.object("frames") { f -> [StreamKind: Int] in
                var out: [StreamKind: Int] = [:]
                for (k, v) in f.allEntries() {
                    guard let kind = StreamKind(name: k) else { throw fieldError("frames.\(k)", "not a stream kind") }
                    out[kind] = try checkInt(v, "frames.\(k)", min: 0)
                }
                return out
            }
            m = .trialDone(TrialDone(id: id, inReplyTo: inReplyTo, trialId: trialId, ok: ok, error: error, frames: frames))
        case "teardownDone":
            m = .teardownDone(TeardownDone(id: id, inReplyTo: try r.int("inReplyTo", min: 0), ok: try r.bool("ok"),
                                           errors: try r.array("errors", max: 32) { try DeviceError.read($0, $1) }))
        case "error":
            let inReplyTo = try r.nullable("inReplyTo") { try checkInt($0, $1, min: 0) }
            let code = try r.string("code")
            guard isErrorCodeString(code) else { throw fieldError("code", "expected E_…") }
            m = .error(ErrorMessage(id: id, inReplyTo: inReplyTo, code: code, message: try r.string("message", max: 2000), fatal: try r.bool("fatal")))
        default:
            throw ProtocolError(.unknownType, "unknown message type")
        }
        try r.finish()
        return m
    }
}

// The protocol's error codes and WebSocket close codes (docs/protocol.md §Errors), the same
// strings src/protocol/ uses, so a malformed input gets the same code from either side.

public enum ErrorCode: String, Sendable, CaseIterable {
    case malformed = "E_PROTO_MALFORMED"
    case unknownType = "E_PROTO_UNKNOWN_TYPE"
    case version = "E_PROTO_VERSION"
    case field = "E_PROTO_FIELD"
    case unexpected = "E_PROTO_UNEXPECTED"
    case token = "E_PROTO_TOKEN"
    case tooLarge = "E_PROTO_TOO_LARGE"
    case audioHeader = "E_PROTO_AUDIO_HEADER"
    case audioPCM = "E_PROTO_AUDIO_PCM"
    case sequence = "E_PROTO_SEQUENCE"
    case overrun = "E_PROTO_OVERRUN"
    case timeout = "E_PROTO_TIMEOUT"
    case heartbeat = "E_PROTO_HEARTBEAT"
    case audioUnknown = "E_AUDIO_UNKNOWN"
    case vpUnavailableManualRendering = "E_VP_UNAVAILABLE_MANUAL_RENDERING"
}

/// WebSocket close codes the protocol uses.
public enum CloseCode: Int, Sendable {
    case normal = 1000
    case protocolError = 1002
    case policy = 1008
    case tooBig = 1009
    case internalError = 1011
}

public struct ProtocolError: Error, Equatable, CustomStringConvertible, Sendable {
    public let code: ErrorCode
    public let message: String
    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The close code a peer uses after sending this error as fatal.
    public var closeCode: CloseCode {
        switch code {
        case .token: return .policy
        case .tooLarge: return .tooBig
        default: return .protocolError
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}

/// Limits both peers enforce (docs/protocol.md §Limits; LIMITS in src/protocol/messages.ts).
public enum ProtocolLimits {
    public static let maxFrameBytes = 1 << 20
    public static let helloTimeoutMs = 10_000
    public static let replyTimeoutMs = 30_000
    public static let heartbeatIntervalMs = 5_000
    public static let missedHeartbeats = 3
    public static let maxScheduleEntries = 10_000
    public static let maxUploadFrames = 96_000 * 600
}

// Text frames in and out: canonical encoding, and decoding with the TypeScript side's
// order of checks (src/protocol/codec.ts), so the same bad input gets the same code:
// size → JSON → object with a string `type` → known type → version 1 → the sender's role
// → fields.
import Foundation

public enum PeerRole: Sendable { case cli, device, any }

public enum MessageCodec {
    public static func encode(_ m: Message) -> String { m.json.canonical }

    /// Parses one text frame sent by a peer in role `from`: a device decodes with
    /// `from: .cli`, so a CLI that sends `ready` gets E_PROTO_UNEXPECTED, not obedience.
    public static func decode(_ text: String, from: PeerRole = .any) throws -> Message {
        if text.utf8.count > ProtocolLimits.maxFrameBytes {
            throw ProtocolError(.tooLarge, "message exceeds the \(ProtocolLimits.maxFrameBytes)-byte limit")
        }
        let raw: JSONValue
        do { raw = try JSONValue.parse(text) } catch { throw ProtocolError(.malformed, "message is not JSON (\(error))") }
        guard case .object(let o) = raw, case .string(let type)? = o["type"] else {
            throw ProtocolError(.malformed, "message has no \"type\"")
        }
        guard Message.allTypes.contains(type) else {
            throw ProtocolError(.unknownType, "unknown message type \"\(type.prefix(40))\"")
        }
        guard case .number(let v)? = o["version"], v == Double(protocolVersion) else {
            throw ProtocolError(.version, "message version is not supported (this side speaks \(protocolVersion))")
        }
        let allowed: Set<String> = from == .cli ? Message.cliTypes : from == .device ? Message.deviceTypes : Message.allTypes
        guard allowed.contains(type) else {
            // A valid message from the wrong role is out of order; an invalid one is a field error.
            _ = try Message.read(type: type, raw)
            throw ProtocolError(.unexpected, "\"\(type)\" is not a message a \(from) sends")
        }
        return try Message.read(type: type, raw)
    }
}

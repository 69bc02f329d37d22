// Puts split WebSocket messages back together on Linux. swift-corelibs-foundation's
// URLSessionWebSocketTask (libcurl-backed) hands every TCP read to `receive()` as a message
// of its own, so a 64 KiB audio frame arrives as pieces of ~4 KiB (seen here: "header
// announces 16384 frames (65568 bytes) but the frame has 4086"; upstream fix
// swiftlang/swift-corelibs-foundation#5255, open). Apple's Foundation delivers whole
// messages, where this passes everything straight through.
// Binary: the 32-byte header says how long the frame is. Text: a message is complete when
// its top-level JSON object closes. A piece that cannot be completed (a malformed or
// truncated message) is delivered as it is after `flush()` — the transport calls it when no
// further piece came within a short wait — so the session still answers with its error code.
import Foundation
import HarnessCore

public struct WebSocketReassembler {
    public enum Piece: Equatable { case text(String), binary(Data) }

    private var binary: Data?
    private var text: [UInt8]?
    public init() {}

    public var isHolding: Bool { binary != nil || text != nil }

    /// Adds a received piece; returns the messages it completes.
    public mutating func add(_ p: Piece) -> [Piece] {
        switch p {
        case .binary(let d):
            var out = flushText()
            var buf = (binary ?? Data()) + d
            binary = nil
            if let need = WebSocketReassembler.frameLength(buf), buf.count < need {
                binary = buf
                return out
            }
            out.append(.binary(buf))
            buf = Data()
            return out
        case .text(let s):
            var out = flushBinary()
            let buf = (text ?? []) + Array(s.utf8)
            text = nil
            if WebSocketReassembler.isIncompleteJSON(buf) {
                text = buf
                return out
            }
            out.append(.text(String(decoding: buf, as: UTF8.self)))
            return out
        }
    }

    /// Delivers whatever is held, complete or not.
    public mutating func flush() -> [Piece] { flushBinary() + flushText() }

    private mutating func flushBinary() -> [Piece] {
        defer { binary = nil }
        return binary.map { [.binary($0)] } ?? []
    }

    private mutating func flushText() -> [Piece] {
        defer { text = nil }
        return text.map { [.text(String(decoding: $0, as: UTF8.self))] } ?? []
    }

    /// The full length of a protocol audio frame whose beginning is `d`, when its header is
    /// plausible (magic and format known); nil when it is not a frame we can size.
    static func frameLength(_ d: Data) -> Int? {
        guard d.count >= AudioFrame.headerBytes else { return nil }
        let b = [UInt8](d.prefix(AudioFrame.headerBytes))
        guard b[0] == 0x56, b[1] == 0x41, b[2] == 0x45, b[3] == 0x43, b[6] == 1 || b[6] == 2 else { return nil }
        let frames = Int(b[28]) | Int(b[29]) << 8 | Int(b[30]) << 16 | Int(b[31]) << 24
        let need = AudioFrame.headerBytes + frames * Int(b[7]) * (b[6] == 1 ? 4 : 2)
        return need <= ProtocolLimits.maxFrameBytes ? need : nil
    }

    /// True when `u` starts a JSON object or array that has not closed yet (strings and
    /// escapes respected). Anything else is complete as far as reassembly goes.
    static func isIncompleteJSON(_ u: [UInt8]) -> Bool {
        var depth = 0, inString = false, escaped = false, started = false
        for c in u {
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                continue
            }
            switch c {
            case 0x22: inString = true
            case 0x7B, 0x5B: depth += 1; started = true
            case 0x7D, 0x5D: depth -= 1; if depth <= 0 { return false }
            case 0x20, 0x09, 0x0A, 0x0D: break
            default: if !started { return false }
            }
        }
        return started && depth > 0
    }
}

// Strict reading of one JSON object, the Swift twin of zod's `.strict()` objects in
// src/protocol/messages.ts: every field must be present with the right type and range, and
// a field the schema does not name is an error (E_PROTO_FIELD), never silently ignored.

public struct FieldReader {
    public let path: String
    private let object: [String: JSONValue]
    private var read: Set<String> = []

    public init(_ value: JSONValue, path: String) throws {
        guard case .object(let o) = value else { throw fieldError(path, "expected an object") }
        self.object = o
        self.path = path
    }

    private func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public mutating func value(_ key: String) throws -> JSONValue {
        guard let v = object[key] else { throw fieldError(at(key), "required") }
        read.insert(key)
        return v
    }

    public func has(_ key: String) -> Bool { object[key] != nil }

    public mutating func string(_ key: String, min: Int = 0, max: Int = Int.max) throws -> String {
        try checkString(try value(key), at(key), min: min, max: max)
    }

    public mutating func bool(_ key: String) throws -> Bool {
        guard case .bool(let b) = try value(key) else { throw fieldError(at(key), "expected a boolean") }
        return b
    }

    public mutating func number(_ key: String, min: Double = -.infinity, max: Double = .infinity) throws -> Double {
        try checkNumber(try value(key), at(key), min: min, max: max)
    }

    public mutating func int(_ key: String, min: Int = Int.min, max: Int = Int.max) throws -> Int {
        try checkInt(try value(key), at(key), min: min, max: max)
    }

    public mutating func enumeration<E: RawRepresentable>(_ key: String, _: E.Type) throws -> E where E.RawValue == String {
        try checkEnum(try value(key), at(key))
    }

    public mutating func safeId(_ key: String) throws -> String {
        try checkSafeId(try value(key), at(key))
    }

    /// A field that must be present and may be null.
    public mutating func nullable<T>(_ key: String, _ read: (JSONValue, String) throws -> T) throws -> T? {
        let v = try value(key)
        if case .null = v { return nil }
        return try read(v, at(key))
    }

    /// A field that may be absent (but not null).
    public mutating func optional<T>(_ key: String, _ read: (JSONValue, String) throws -> T) throws -> T? {
        guard has(key) else { return nil }
        return try read(try value(key), at(key))
    }

    public mutating func object<T>(_ key: String, _ read: (inout FieldReader) throws -> T) throws -> T {
        var r = try FieldReader(try value(key), path: at(key))
        let out = try read(&r)
        try r.finish()
        return out
    }

    public mutating func array<T>(_ key: String, min: Int = 0, max: Int = Int.max, _ item: (JSONValue, String) throws -> T) throws -> [T] {
        guard case .array(let a) = try value(key) else { throw fieldError(at(key), "expected an array") }
        guard a.count >= min, a.count <= max else { throw fieldError(at(key), "\(a.count) items (\(min)–\(max) allowed)") }
        return try a.enumerated().map { try item($0.element, "\(at(key)).\($0.offset)") }
    }

    /// Rejects fields nobody read: the strictness rule of docs/protocol.md §Envelope.
    public func finish() throws {
        if let extra = object.keys.sorted(by: JSONValue.keyOrder).first(where: { !read.contains($0) }) {
            throw fieldError(at(extra), "unknown field")
        }
    }

    /// All keys of the object, for records (event data, frame counts).
    public mutating func allEntries() -> [String: JSONValue] {
        read.formUnion(object.keys)
        return object
    }
}

func fieldError(_ path: String, _ what: String) -> ProtocolError {
    ProtocolError(.field, "\(path.isEmpty ? "(root)" : path): \(what)")
}

public func checkString(_ v: JSONValue, _ path: String, min: Int = 0, max: Int = Int.max) throws -> String {
    guard case .string(let s) = v else { throw fieldError(path, "expected a string") }
    // Lengths in UTF-16 code units, as JavaScript (and so zod) counts them.
    let n = s.utf16.count
    guard n >= min, n <= max else { throw fieldError(path, "length \(n) (\(min)–\(max) allowed)") }
    return s
}

public func checkNumber(_ v: JSONValue, _ path: String, min: Double = -.infinity, max: Double = .infinity) throws -> Double {
    guard case .number(let d) = v, d.isFinite else { throw fieldError(path, "expected a finite number") }
    guard d >= min, d <= max else { throw fieldError(path, "\(jsNumber(d)) out of range \(min)…\(max)") }
    return d
}

public func checkInt(_ v: JSONValue, _ path: String, min: Int = Int.min, max: Int = Int.max) throws -> Int {
    let d = try checkNumber(v, path)
    // Number.isInteger, and within the range a Swift Int holds exactly.
    guard d.rounded(.towardZero) == d, d.magnitude < 9.007_199_254_740_992e15 else { throw fieldError(path, "expected an integer") }
    let i = Int(d)
    guard i >= min, i <= max else { throw fieldError(path, "\(i) out of range \(min)…\(max)") }
    return i
}

public func checkEnum<E: RawRepresentable>(_ v: JSONValue, _ path: String) throws -> E where E.RawValue == String {
    guard case .string(let s) = v, let e = E(rawValue: s) else { throw fieldError(path, "not one of the allowed values") }
    return e
}

/// `SafeId`: 1–64 of [A-Za-z0-9._-], not starting with . _ - (ids become file names).
public func isSafeId(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard (1...64).contains(u.count) else { return false }
    func alnum(_ c: UInt8) -> Bool { (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) }
    guard alnum(u[0]) else { return false }
    return u.allSatisfy { alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
}

public func checkSafeId(_ v: JSONValue, _ path: String) throws -> String {
    guard case .string(let s) = v, isSafeId(s) else { throw fieldError(path, "letters, digits, . _ - (1–64, not starting with . _ -)") }
    return s
}

/// `E_…` error codes inside messages.
public func isErrorCodeString(_ s: String) -> Bool {
    let u = Array(s.utf8)
    guard u.count >= 3, u[0] == UInt8(ascii: "E"), u[1] == UInt8(ascii: "_") else { return false }
    return u[2...].allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || $0 == UInt8(ascii: "_") }
}

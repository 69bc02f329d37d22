// Files of the voiceaec repository the tests read: the protocol golden vectors and the
// shared case tables. Found from this file's own path, which is the same inside the Linux
// chroot (scripts/swift.sh mounts the repo at its own path) and on macOS.
import Foundation
import HarnessCore

enum RepoFixtures {
    /// Tests/HarnessCoreTests/RepoFixtures.swift → HarnessKit → ios-harness-app → repo.
    static let repo: URL = {
        var u = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { u.deleteLastPathComponent() }
        return u
    }()

    static func url(_ relative: String) -> URL { repo.appendingPathComponent(relative) }
    static func data(_ relative: String) throws -> Data { try Data(contentsOf: url(relative)) }
    static func text(_ relative: String) throws -> String { String(decoding: try data(relative), as: UTF8.self) }
    static func json(_ relative: String) throws -> JSONValue { try JSONValue.parse(try data(relative)) }

    /// File names in a repo folder, sorted.
    static func files(in relative: String, ending suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url(relative).path).filter { $0.hasSuffix(suffix) }.sorted()
    }
}

/// Reading the case tables without a schema type per table.
extension JSONValue {
    subscript(_ key: String) -> JSONValue {
        if case .object(let o) = self, let v = o[key] { return v }
        return .null
    }

    var double: Double {
        guard case .number(let d) = self else { preconditionFailure("not a number: \(self)") }
        return d
    }

    var int: Int { Int(double) }

    var string: String {
        guard case .string(let s) = self else { preconditionFailure("not a string: \(self)") }
        return s
    }

    var array: [JSONValue] {
        guard case .array(let a) = self else { preconditionFailure("not an array: \(self)") }
        return a
    }

    var isNull: Bool { self == .null }
}

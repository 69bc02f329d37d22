// `files` mode, device side: the CLI leaves a plan in a folder (DESIGN §5: pushed into the
// app's Documents), the harness runs it and leaves the results beside it.
//   DIR/plan.ndjson      one line per CLI → device frame: a protocol message, or
//                        "@RELATIVE/PATH.bin" naming a binary frame file
//   DIR/results.ndjson   the device's frames in the same form; binary frames are written
//                        to DIR/results/NNNNNN.bin
// The session is the same as over a socket: the plan starts with hello (with the run token).
// The CLI side is src/device/files/ (`--device files:<dir>`, Appium connection `files`): one
// launch per request, each plan replaying hello, the current configure and the fixtures
// loaded so far before the request (docs/protocol.md § Transport).
import Foundation
import HarnessCore

public enum FilesExchange {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs the plan; returns the close code the session ended with (nil: it ran to the end).
    @discardableResult
    public static func run(dir: URL, token: String, engine: AudioEngine & DeviceDescribing, framesPerMessage: Int = 4800) throws -> Int? {
        let planURL = dir.appendingPathComponent("plan.ndjson")
        guard let plan = try? String(contentsOf: planURL, encoding: .utf8) else {
            throw Failure(description: "E_HARNESS_FILES: cannot read \(planURL.path) — the CLI writes the plan there")
        }
        let resultsDir = dir.appendingPathComponent("results")
        try FileManager.default.createDirectory(at: resultsDir, withIntermediateDirectories: true)
        var lines: [String] = []
        var binaries = 0
        var closed: Int?
        let session = HarnessSession(token: token, engine: engine) { out in
            switch out {
            case .text(let s): lines.append(s)
            case .binary(let d):
                binaries += 1
                let name = String(format: "results/%06d.bin", binaries)
                try? d.write(to: dir.appendingPathComponent(name))
                lines.append("@" + name)
            case .close(let code, _): closed = code
            case .drop: closed = CloseCode.internalError.rawValue
            }
        }
        session.framesPerMessage = framesPerMessage
        for line in plan.split(separator: "\n", omittingEmptySubsequences: true) where closed == nil {
            if line.hasPrefix("@") {
                let path = String(line.dropFirst())
                // Paths stay inside DIR: no absolute paths, no "..".
                guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
                    throw Failure(description: "E_HARNESS_FILES: plan names \(path), outside the exchange folder")
                }
                session.receive(binary: try Data(contentsOf: dir.appendingPathComponent(path)))
            } else {
                session.receive(text: String(line))
            }
        }
        try (lines.joined(separator: "\n") + "\n").write(to: dir.appendingPathComponent("results.ndjson"), atomically: true, encoding: .utf8)
        return closed
    }
}

// voiceaec-harness: the harness with the LoopbackEngine, launched with the same arguments as
// the iOS app (LaunchArguments.swift), so tests and a fake device farm start it like an app.
//   voiceaec-harness -voiceaecMode lan -voiceaecURL ws://127.0.0.1:PORT/harness -voiceaecToken T
// Exit codes: 0 the session ended normally, 1 it ended with a protocol error or dropped,
// 2 bad arguments, 3 the transport could not start.
import Foundation
import HarnessCore
import HarnessTransport

func fail(_ code: Int32, _ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(code)
}

let args: LaunchArguments
do { args = try LaunchArguments(Array(CommandLine.arguments.dropFirst())) } catch { fail(2, "E_HARNESS_ARGS: \(error) — see docs/harnesskit.md for the launch arguments") }
let engine = LoopbackEngine(settings: args.loopback)
func note(_ s: String) { FileHandle.standardError.write("voiceaec-harness: \(s)\n".data(using: .utf8)!) }

switch args.mode {
case .lan:
    let client: LanClient
    do { client = try LanClient(url: args.url!, token: args.token!, engine: engine, framesPerMessage: args.framesPerMessage) } catch { fail(2, "\(error)") }
    client.log = note
    note("dialling \(args.url!) (LoopbackEngine: \(args.loopback.latencyMs) ms, \(args.loopback.gainDb) dB)")
    let done = DispatchSemaphore(value: 0)
    var ok = false
    Task {
        ok = await client.run()
        done.signal()
    }
    done.wait()
    exit(ok ? 0 : 1)
case .files:
    do {
        let code = try FilesExchange.run(dir: URL(fileURLWithPath: args.filesDir!), token: args.token!, engine: engine, framesPerMessage: args.framesPerMessage)
        exit(code == nil || code == CloseCode.normal.rawValue ? 0 : 1)
    } catch { fail(3, "\(error)") }
case .server:
    fail(3, "E_HARNESS_SERVER: -voiceaecMode server needs Network.framework (iOS); on Linux use -voiceaecMode lan")
}

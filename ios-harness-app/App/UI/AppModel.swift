// The app's state for the screen and the transports: parses the launch arguments with
// HarnessKit's LaunchArguments, builds the engine, and brings the session up in the mode
// asked for (server: listen; lan: dial the CLI, again after each session; files: run the plan
// in Documents). The session's state is polled from the main thread (HarnessSession.status
// is safe to read from any thread).
import Foundation
import HarnessCore
import HarnessTransport
import UIKit

@MainActor
final class AppModel: ObservableObject {
    @Published var mode = "—"
    @Published var listening = false
    @Published var connected = false
    @Published var configured = false
    @Published var trialId: String?
    @Published var lastError: String?
    @Published var log: [String] = []

    private var engine: HarnessEngine?
    private let server = NetworkDeviceServer()
    private let slot = ClientSlot()
    private var session: HarnessSession?
    private var poll: Timer?
    private var launched = false

    /// Once per process (onAppear can come again).
    func launch() {
        guard !launched else { return }
        launched = true
        UIApplication.shared.isIdleTimerDisabled = true // a run lasts minutes; the screen stays on
        let args: LaunchArguments
        do {
            args = try LaunchArguments(Array(ProcessInfo.processInfo.arguments.dropFirst()))
        } catch {
            lastError = "E_HARNESS_ARGS: \(error) — launch with -voiceaecMode server -port N -voiceaecToken TOKEN (docs/ios-app.md)"
            return
        }
        AudioSessionController.requestRecordPermission { [weak self] granted in
            if !granted { Task { @MainActor [weak self] in self?.lastError = "E_MIC_PERMISSION: microphone permission denied (Settings ▸ Privacy ▸ Microphone)" } }
        }
        let engine = HarnessEngine(deviceInfo: IPhoneDescription.deviceInfo(), capabilities: IPhoneDescription.capabilities)
        engine.onLog = { [weak self] line in Task { @MainActor [weak self] in self?.note(line) } }
        self.engine = engine
        mode = args.mode.rawValue
        poll = Timer.scheduledTimer(withTimeInterval: 0.25, repeats: true) { [weak self] _ in Task { @MainActor [weak self] in self?.refresh() } }
        switch args.mode {
        case .server: serve(args, engine)
        case .lan: dial(args, engine)
        case .files: runFiles(args, engine)
        }
    }

    private func note(_ line: String) {
        log.append(line)
        if log.count > 50 { log.removeFirst(log.count - 50) }
    }

    private func refresh() {
        guard let s = session else {
            configured = false
            trialId = nil
            return
        }
        let status = s.status
        configured = status.state == .configured
        trialId = status.trialId
    }

    /// Routes the engine's own events into `session`.
    private func attach(_ s: HarnessSession, _ engine: HarnessEngine) {
        engine.onEvent = { [weak s] name, host, data in s?.deviceEvent(name, hostTimeNs: host, data: data) }
        s.onFatal = { [weak self] e in Task { @MainActor [weak self] in self?.lastError = e.description } }
        Task { @MainActor in self.session = s }
    }

    private func serve(_ args: LaunchArguments, _ engine: HarnessEngine) {
        server.onState = { [weak self] line in Task { @MainActor [weak self] in
            self?.listening = line.hasPrefix("listening")
            self?.note(line)
        } }
        let token = args.token!, perMessage = args.framesPerMessage
        do {
            try server.start(port: args.port!, slot: slot) { [weak self] outlet in
                let driver = ConnectionDriver(token: token, engine: engine, outlet: outlet, framesPerMessage: perMessage)
                self?.attachFromAnyThread(driver, engine)
                return driver
            }
        } catch {
            lastError = "E_HARNESS_SERVER: \(error)"
        }
    }

    nonisolated private func attachFromAnyThread(_ driver: ConnectionDriver, _ engine: HarnessEngine) {
        driver.onEnd = { [weak self] in Task { @MainActor [weak self] in
            self?.connected = false
            self?.session = nil
        } }
        Task { @MainActor in
            self.connected = true
            self.attach(driver.session, engine)
        }
    }

    private func dial(_ args: LaunchArguments, _ engine: HarnessEngine) {
        let url = args.url!, token = args.token!, perMessage = args.framesPerMessage
        Task.detached { [weak self] in
            while true {
                guard let client = try? LanClient(url: url, token: token, engine: engine, framesPerMessage: perMessage) else {
                    await MainActor.run { [weak self] in self?.lastError = "E_HARNESS_URL: \(url) is not a ws:// URL" }
                    return
                }
                client.log = { line in Task { @MainActor [weak self] in self?.note(line) } }
                client.sessionCreated = { s in Task { @MainActor [weak self] in
                    self?.connected = true
                    self?.attach(s, engine)
                } }
                let ok = await client.run()
                await MainActor.run { [weak self] in
                    self?.connected = false
                    self?.session = nil
                    self?.note(ok ? "session ended normally" : "session ended with an error or the connection dropped")
                }
                // Dial again: the CLI may reconnect for the next cell or run.
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
        }
    }

    private func runFiles(_ args: LaunchArguments, _ engine: HarnessEngine) {
        // A relative folder is inside Documents (UIFileSharingEnabled: the Files app and
        // `xcrun devicectl device copy` reach it).
        let docs = FileManager.default.urls(for: .documentDirectory, in: .userDomainMask)[0]
        let given = args.filesDir!
        let dir = given.hasPrefix("/") ? URL(fileURLWithPath: given) : docs.appendingPathComponent(given)
        let token = args.token!, perMessage = args.framesPerMessage
        note("files: running \(dir.path)/plan.ndjson")
        Thread.detachNewThread { [weak self] in
            let message: String
            do {
                let code = try FilesExchange.run(dir: dir, token: token, engine: engine, framesPerMessage: perMessage)
                message = code.map { "files: the session closed with \($0)" } ?? "files: plan done, results.ndjson written"
            } catch {
                message = "\(error)"
            }
            Task { @MainActor [weak self] in self?.note(message) }
        }
    }
}

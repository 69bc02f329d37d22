// The one screen: what the harness is doing, for a person at the desk and for Appium, which
// reads the values by accessibility identifier (harness.mode, harness.listening,
// harness.connected, harness.configured, harness.trial, harness.lastError, harness.log).
import SwiftUI

struct StatusView: View {
    @ObservedObject var model: AppModel

    var body: some View {
        List {
            Section("voiceaec harness") {
                row("Mode", model.mode, id: "harness.mode")
                row("Listening", model.listening ? "yes" : "no", id: "harness.listening")
                row("Connected", model.connected ? "yes" : "no", id: "harness.connected")
                row("Configured", model.configured ? "yes" : "no", id: "harness.configured")
                row("Trial", model.trialId ?? "none", id: "harness.trial")
                row("Last error", model.lastError ?? "none", id: "harness.lastError")
            }
            Section("Log") {
                Text(model.log.suffix(20).joined(separator: "\n"))
                    .font(.system(.footnote, design: .monospaced))
                    .accessibilityIdentifier("harness.log")
            }
        }
    }

    private func row(_ label: String, _ value: String, id: String) -> some View {
        HStack {
            Text(label)
            Spacer()
            Text(value).accessibilityIdentifier(id)
        }
    }
}

// The harness app's entry point: one model, one screen; the model starts the transport the
// launch arguments ask for.
import SwiftUI

@main
struct HarnessApp: App {
    @StateObject private var model = AppModel()

    var body: some Scene {
        WindowGroup {
            StatusView(model: model)
                .onAppear { model.launch() }
        }
    }
}

// `ready.device` and `ready.capabilities` for the phone: model identifier from uname
// (e.g. iPhone16,2), iOS version, app version, the user-visible name. UIDevice is read on the
// main thread at launch.
import HarnessCore
import UIKit

enum IPhoneDescription {
    @MainActor static func deviceInfo() -> DeviceInfo {
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let d = UIDevice.current
        // The iOS Simulator plays and records through the Mac's audio: say so rather than pass
        // for a phone (the CLI labels class ios-simulator on every report).
        #if targetEnvironment(simulator)
        let model = "iOS Simulator (\(machine))", simulated = true, deviceClass = DeviceClass.iosSimulator
        #else
        let model = machine, simulated = false, deviceClass = DeviceClass.iphone
        #endif
        return DeviceInfo(model: String(model.prefix(64)), osVersion: String("\(d.systemName) \(d.systemVersion)".prefix(32)),
                          appVersion: String(HarnessVersion.app.prefix(32)), name: String(d.name.prefix(128)), simulated: simulated, deviceClass: deviceClass)
    }

    static let capabilities = Capabilities(routes: Route.allCases, modes: SessionMode.allCases, engines: EngineKind.allCases, gates: GateKind.allCases,
                                           groundTruth: false, maxFrameBytes: ProtocolLimits.maxFrameBytes)
}

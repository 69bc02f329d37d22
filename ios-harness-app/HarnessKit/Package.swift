// swift-tools-version:5.9
// HarnessKit: the harness app's platform-independent core. Depends on nothing outside the
// toolchain (Foundation, FoundationNetworking on Linux, XCTest), so it builds and tests on
// Linux (scripts/swift.sh) and macOS alike; the iOS engines plug into AudioEngine.
import PackageDescription

let package = Package(
    name: "HarnessKit",
    platforms: [.macOS(.v13), .iOS(.v16)],
    products: [
        .library(name: "HarnessCore", targets: ["HarnessCore"]),
        .library(name: "HarnessTransport", targets: ["HarnessTransport"]),
        .executable(name: "voiceaec-harness", targets: ["voiceaec-harness"]),
    ],
    targets: [
        // Foundation only: protocol, ring buffer, gates, schedule, state machines, engines.
        .target(name: "HarnessCore"),
        // The lan client (URLSessionWebSocketTask), the files exchange, the device-server seam.
        .target(name: "HarnessTransport", dependencies: ["HarnessCore"]),
        .executableTarget(name: "voiceaec-harness", dependencies: ["HarnessCore", "HarnessTransport"]),
        .testTarget(name: "HarnessCoreTests", dependencies: ["HarnessCore"]),
        .testTarget(name: "HarnessTransportTests", dependencies: ["HarnessCore", "HarnessTransport"]),
    ]
)

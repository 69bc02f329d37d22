// The real-time paths allocate nothing: PlaybackRingBuffer.render (the drain, gate arming and
// disarming, the played history), reached through RealtimeIOBridge.render as a device
// engine's IO thread does, RealtimeIOBridge.capture, and StreamingMicGate.process (the
// capture side's gate). How: this test starts
// the test binary again as a child with glibc's allocation tracer preloaded
// (LD_PRELOAD=libc_malloc_debug.so.0, MALLOC_TRACE=file); the child warms the paths up, then
// runs them between mtrace() and muntrace(), and the parent counts the allocations ("+" and
// realloc lines) in the trace: there must be none. Linux only; on Darwin the test is skipped
// (Instruments' Allocations would be the tool there). The one-lock rule is checked by
// counting Lock acquisitions (PlaybackRingBufferTests.testRenderTakesTheLockExactlyOncePerCall).
import Foundation
import XCTest
@testable import HarnessCore
#if canImport(Glibc)
import Glibc
#endif

final class RenderAllocationTests: XCTestCase {
    static let childFlag = "HARNESSKIT_MTRACE_CHILD"

    func testRenderAndGatePathsAllocateNothing() throws {
        #if os(Linux)
        // The control run allocates on purpose inside the traced loop: it proves the trace
        // sees allocations, so the zero of the real run means something.
        let control = try RenderAllocationTests.tracedAllocations(mode: "control")
        XCTAssertGreaterThan(control.count, 0, "the control run's allocations show up in the trace")
        let allocations = try RenderAllocationTests.tracedAllocations(mode: "paths")
        XCTAssertEqual(allocations.count, 0, "allocations on the real-time paths:\n\(allocations.prefix(10).joined(separator: "\n"))")
        #else
        throw XCTSkip("glibc's mtrace is Linux only")
        #endif
    }

    #if os(Linux)
    /// Runs the child test in `mode`; returns the allocation lines of its trace.
    static func tracedAllocations(mode: String) throws -> [String] {
        let trace = FileManager.default.temporaryDirectory.appendingPathComponent("harnesskit-mtrace-\(getpid())-\(mode).txt")
        defer { try? FileManager.default.removeItem(at: trace) }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["HarnessCoreTests.RenderAllocationTests/testChildTracesTheRealTimePaths"]
        var env = ProcessInfo.processInfo.environment
        env[childFlag] = mode
        env["MALLOC_TRACE"] = trace.path
        env["LD_PRELOAD"] = "libc_malloc_debug.so.0"
        child.environment = env
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        try child.run()
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 0, log)
        XCTAssertTrue(log.contains("traced the real-time paths"), "the child ran the traced loop:\n\(log)")
        let lines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("= Start") ?? false, "mtrace wrote its trace")
        return lines.filter { $0.contains(" + ") || $0.contains(" < ") || $0.contains(" > ") }
    }
    #endif

    /// The child's half: runs only when started by the test above.
    func testChildTracesTheRealTimePaths() throws {
        guard let mode = ProcessInfo.processInfo.environment[RenderAllocationTests.childFlag] else {
            throw XCTSkip("runs only as the child of testRenderAndGatePathsAllocateNothing")
        }
        #if os(Linux)
        typealias Hook = @convention(c) () -> Void
        // The preloaded library's own mtrace: plain dlsym resolves to libc.so.6's default-version
        // no-op stub, so ask for the versioned symbol (base version per architecture) with dlvsym,
        // which the Glibc module does not import.
        typealias DlvsymFunction = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>, UnsafePointer<CChar>) -> UnsafeMutableRawPointer?
        guard let lib = dlopen("libc_malloc_debug.so.0", RTLD_NOW | RTLD_NOLOAD) else { return XCTFail("libc_malloc_debug.so.0 is not preloaded") }
        guard let dlvsymAddress = dlsym(nil, "dlvsym") else { return XCTFail("no dlvsym") }
        let dlvsym = unsafeBitCast(dlvsymAddress, to: DlvsymFunction.self)
        func traced(_ name: String) -> Hook? {
            for version in ["GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.0"] {
                if let f = dlvsym(lib, name, version) { return unsafeBitCast(f, to: Hook.self) }
            }
            return nil
        }
        guard let mtrace = traced("mtrace"), let muntrace = traced("muntrace") else { return XCTFail("no versioned mtrace in libc_malloc_debug.so.0") }

        // A trial's worth of appends with underruns, so drains arm and appends disarm the gate
        // inside the traced loop. Everything is allocated and written beforehand, as the app
        // does off the render thread.
        let rate = 48_000, block = 480, chunks = 40
        let ring = PlaybackRingBuffer(capacity: 1 << 20, maxSegments: chunks)
        for k in 0..<chunks { _ = ring.announce(frames: 4_800, due: k * 7_200) }
        let audio = [Float](repeating: 0.25, count: chunks * 4_800)
        _ = audio.withUnsafeBufferPointer { ring.write($0) }
        let gate = StreamingMicGate(gate: GateConfig(kind: .rms2, ms: 300, thresholdDbfs: -40), rate: rate, maxBlock: block)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: block)
        out.initialize(repeating: 0, count: block)
        var emitted = 0
        var control: [[Float]] = []
        let cycles = chunks * 7_200 / block
        let bridge = RealtimeIOBridge(maxBlock: block, capacity: rate)
        bridge.install(render: { o, n, s, h in ring.render(into: o, count: n, ioSample: s, hostTimeNs: h) }, capture: { _, _, _, _ in }, sampleRate: rate)
        func cycle(_ c: Int) {
            bridge.render(out, frames: block, hostTimeNs: UInt64(c) * 10_000_000)
            bridge.capture(out, frames: block, hostTimeNs: UInt64(c) * 10_000_000)
            gate.process(out, count: block, windows: ring.windows) { _, n in emitted += n }
            if mode == "control" { control.append([out[0]]) }
        }
        for c in 0..<10 { cycle(c) } // warm-up: lazy runtime set-up is not the render path's
        mtrace()
        for c in 10..<cycles { cycle(c) }
        muntrace()
        out.deallocate()
        XCTAssertEqual(ring.windows.snapshot().windows.count, chunks, "every chunk drained inside the traced loop")
        XCTAssertGreaterThan(emitted, 0)
        print("traced the real-time paths (\(mode)): \(cycles - 10) IO cycles, \(chunks) drains, \(control.count) control allocations")
        #endif
    }
}

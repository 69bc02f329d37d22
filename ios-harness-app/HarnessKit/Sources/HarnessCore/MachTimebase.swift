// Host ticks ↔ nanoseconds. `mach_absolute_time()` and `AudioTimeStamp.mHostTime` count
// ticks; `mach_timebase_info` gives ns per tick as numer/denom (1/1 on Intel Macs and the
// simulator, 125/3 on Apple silicon iPhones: 24 MHz ticks). The app reads the timebase once
// and converts here; the arithmetic is 128-bit so an uptime of years cannot overflow.

public struct MachTimebase: Equatable, Sendable {
    public let numer: UInt32
    public let denom: UInt32

    public init(numer: UInt32, denom: UInt32) {
        precondition(numer > 0 && denom > 0, "mach_timebase_info returned a zero")
        self.numer = numer
        self.denom = denom
    }

    /// ns = ticks × numer / denom, rounded down (as mach's own conversions do).
    public func nanoseconds(ticks: UInt64) -> UInt64 {
        let p = ticks.multipliedFullWidth(by: UInt64(numer))
        let (q, _) = UInt64(denom).dividingFullWidth((p.high, p.low))
        return q
    }

    /// ticks = ns × denom / numer, rounded down.
    public func ticks(nanoseconds ns: UInt64) -> UInt64 {
        let p = ns.multipliedFullWidth(by: UInt64(denom))
        let (q, _) = UInt64(numer).dividingFullWidth((p.high, p.low))
        return q
    }

    /// Seconds (AVAudioSession's latencies, buffer durations) → whole ns, for offsets.
    public static func nanoseconds(seconds: Double) -> UInt64 {
        seconds > 0 && seconds.isFinite ? UInt64((seconds * 1e9).rounded()) : 0
    }
}

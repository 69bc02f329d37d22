// Host time: device nanoseconds (mach_absolute_time converted with the timebase on iOS).
// On the wire a host time is a decimal string (it outgrows 2^53, so a JSON number would
// lose it on the TypeScript side); here it is a UInt64 and the arithmetic is integer.

public enum HostTime {
    /// `HostTimeNs` of docs/protocol.md: 1–20 decimal digits.
    public static func isDecimalNs(_ s: String) -> Bool {
        let u = s.utf8
        return (1...20).contains(u.count) && u.allSatisfy { (0x30...0x39).contains($0) }
    }

    public static func format(_ ns: UInt64) -> String { String(ns) }

    /// Parses a decimal host time; nil when it is not one or does not fit 64 bits.
    public static func parse(_ s: String) -> UInt64? {
        guard isDecimalNs(s) else { return nil }
        return UInt64(s)
    }

    /// ns spanned by `samples` at `rate`, rounded to the nearest ns (exact integer math:
    /// 600 s at 96 kHz is 5.76e7 samples; × 1e9 stays far below 2^63 only up to ~9.2e9
    /// samples, ample for a trial).
    public static func nanoseconds(samples: Int, rate: Int) -> UInt64 {
        precondition(samples >= 0 && rate > 0)
        let num = UInt64(samples) * 1_000_000_000
        let r = UInt64(rate)
        return (num + r / 2) / r
    }

    /// Host time of sample `index` of a stream whose sample 0 is at `origin`.
    public static func at(sample index: Int, origin: UInt64, rate: Int) -> UInt64 {
        origin + nanoseconds(samples: index, rate: rate)
    }

    /// The sample nearest to `host` on a stream whose sample 0 is at `origin` (how the CLI
    /// places streams: by first-frame host time relative to the first mic frame).
    public static func sample(at host: UInt64, origin: UInt64, rate: Int) -> Int {
        precondition(host >= origin)
        let d = host - origin
        return Int((d * UInt64(rate) + 500_000_000) / 1_000_000_000)
    }

    /// Milliseconds between two host times (later minus earlier), for event `tMs`.
    public static func milliseconds(from origin: UInt64, to host: UInt64) -> Double {
        host >= origin ? Double(host - origin) / 1e6 : -Double(origin - host) / 1e6
    }
}

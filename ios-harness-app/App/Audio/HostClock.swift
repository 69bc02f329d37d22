// Host time in ns: mach_absolute_time / AudioTimeStamp.mHostTime ticks converted with the
// timebase read once (the arithmetic is HarnessKit's MachTimebase, tested on Linux).
import Darwin
import HarnessCore

final class HostClock {
    let timebase: MachTimebase

    init() {
        var info = mach_timebase_info_data_t()
        mach_timebase_info(&info)
        timebase = MachTimebase(numer: info.numer, denom: info.denom)
    }

    @inline(__always) func nanoseconds(ticks: UInt64) -> UInt64 { timebase.nanoseconds(ticks: ticks) }

    @inline(__always) func nowNs() -> UInt64 { timebase.nanoseconds(ticks: mach_absolute_time()) }
}

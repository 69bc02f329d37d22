/// Device-side heartbeats: a ping every interval; `allowed` missed pongs in a row drop the
/// connection (docs/protocol.md §Limits). Pure bookkeeping; the transport sends the pings.
public struct HeartbeatMonitor: Equatable, Sendable {
    public enum Action: Equatable, Sendable { case ping, drop }
    public let allowed: Int
    public private(set) var missed = 0
    public init(allowed: Int = ProtocolLimits.missedHeartbeats) { self.allowed = allowed }
    /// Called every heartbeat interval.
    public mutating func interval() -> Action {
        missed += 1
        return missed > allowed ? .drop : .ping
    }
    public mutating func pong() { missed = 0 }
}

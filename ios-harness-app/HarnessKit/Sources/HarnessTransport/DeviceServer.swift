// Default mode, device side: the app listens on `-port N` and the CLI connects (usbmuxd
// forwards host → device only). On iOS this is Network.framework (NWListener with
// NWProtocolWebSocket), which does not exist on Linux; that implementation is the next
// issue's and will sit behind `#if canImport(Network)`. This file fixes only the seam: a
// server hands each accepted connection to a HarnessSession exactly as LanClient does.
// Nothing listens yet.
import HarnessCore

/// One accepted WebSocket connection, as the session needs it.
public protocol DeviceConnection: AnyObject {
    func send(_ output: SessionOutput)
    /// Frames from the CLI go to `session.receive(text:)` / `receive(binary:)`.
    func attach(_ session: HarnessSession)
}

public protocol DeviceServer: AnyObject {
    /// Starts listening on `port` (0: any); calls `onConnection` for each CLI connection.
    func start(port: Int, onConnection: @escaping (DeviceConnection) -> Void) throws
    func stop()
}

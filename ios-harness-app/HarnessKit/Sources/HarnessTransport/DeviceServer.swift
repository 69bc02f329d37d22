// Default mode, device side: the app listens on `-port N` and the CLI connects (usbmuxd
// forwards host → device only). On iOS this is Network.framework (NWListener with
// NWProtocolWebSocket, ios-harness-app/App/Transport/NetworkDeviceServer.swift), which does
// not exist on Linux; it runs each accepted connection through ConnectionDriver and admits
// one at a time through ClientSlot, both here and tested on Linux.
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

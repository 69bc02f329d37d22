// Default mode, device side: the app listens on `-port N` and the CLI connects (usbmuxd
// forwards host → device only). On iOS this is Network.framework (NWListener with
// NWProtocolWebSocket, ios-harness-app/App/Transport/NetworkDeviceServer.swift), which does
// not exist on Linux; the server only moves bytes: each accepted connection is served by a
// ConnectionDriver (hello deadline, heartbeat, the session) and admitted through a
// ClientSlot, both here and tested on Linux.
import HarnessCore

public protocol DeviceServer: AnyObject {
    /// Starts listening on `port` (0: any). For each connection the slot admits, the server
    /// builds its outlet and asks `makeDriver` for the driver that serves it.
    func start(port: Int, slot: ClientSlot, makeDriver: @escaping (ConnectionDriver.Outlet) -> ConnectionDriver) throws
    func stop()
}

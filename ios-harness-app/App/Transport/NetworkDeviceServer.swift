// The default mode's listener on Network.framework: NWListener with NWProtocolWebSocket on
// `-port N`, one CLI at a time (ClientSlot: a second client's upgrade is refused, and a
// connection that slips past is closed with 1013), each connection served by HarnessKit's
// ConnectionDriver (hello deadline, token check in the session, heartbeat). Network.framework
// delivers whole WebSocket messages, so no reassembly. Frames go to the driver on a serial
// queue of their own, so a trial that holds the session does not block the connection's
// queue (sends, pongs, close).
import Foundation
import HarnessCore
import HarnessTransport
import Network

final class NetworkDeviceServer: DeviceServer {
    private let queue = DispatchQueue(label: "voiceaec.server")
    private var listener: NWListener?
    /// Listener state lines for the screen and the log.
    var onState: (String) -> Void = { _ in }

    func start(port: Int, slot: ClientSlot, makeDriver: @escaping (ConnectionDriver.Outlet) -> ConnectionDriver) throws {
        guard let p = NWEndpoint.Port(rawValue: UInt16(clamping: port)) else { throw HarnessAppError("-port \(port) is not a port") }
        let ws = NWProtocolWebSocket.Options()
        ws.autoReplyPing = true
        ws.maximumMessageSize = ProtocolLimits.maxFrameBytes
        ws.setClientRequestHandler(queue) { _, _ in
            NWProtocolWebSocket.Response(status: slot.isTaken ? .reject : .accept, subprotocol: nil, additionalHeaders: nil)
        }
        let parameters = NWParameters.tcp
        parameters.allowLocalEndpointReuse = true
        parameters.defaultProtocolStack.applicationProtocols.insert(ws, at: 0)
        let listener = try NWListener(using: parameters, on: p)
        listener.stateUpdateHandler = { [weak self] state in
            switch state {
            case .ready: self?.onState("listening on port \(port)")
            case .failed(let error): self?.onState("listener failed: \(error)")
            case .waiting(let error): self?.onState("listener waiting: \(error)")
            default: break
            }
        }
        listener.newConnectionHandler = { [weak self] connection in self?.accept(connection, slot: slot, makeDriver: makeDriver) }
        listener.start(queue: queue)
        self.listener = listener
    }

    func stop() {
        listener?.cancel()
        listener = nil
    }

    private func accept(_ connection: NWConnection, slot: ClientSlot, makeDriver: @escaping (ConnectionDriver.Outlet) -> ConnectionDriver) {
        let connQueue = DispatchQueue(label: "voiceaec.connection")
        let sessionQueue = DispatchQueue(label: "voiceaec.session")
        let pongQueue = DispatchQueue(label: "voiceaec.pong")
        guard slot.take(connection) else {
            connection.start(queue: connQueue)
            NetworkDeviceServer.send(connection, closeCode: ClientSlot.busyCloseCode, reason: "busy: another CLI is connected")
            return
        }
        let outlet = ConnectionDriver.Outlet(
            sendText: { NetworkDeviceServer.send(connection, Data($0.utf8), opcode: .text) },
            sendBinary: { NetworkDeviceServer.send(connection, $0, opcode: .binary) },
            close: { code, reason in NetworkDeviceServer.send(connection, closeCode: code, reason: reason) },
            drop: { _ in connection.cancel() },
            ping: { done in
                let meta = NWProtocolWebSocket.Metadata(opcode: .ping)
                meta.setPongHandler(pongQueue) { error in done(error == nil) }
                let context = NWConnection.ContentContext(identifier: "ping", metadata: [meta])
                connection.send(content: Data(), contentContext: context, isComplete: true, completion: .idempotent)
            })
        let driver = makeDriver(outlet)
        var ended = false
        let end = {
            guard !ended else { return }
            ended = true
            sessionQueue.async { driver.connectionEnded() }
            slot.release(connection)
        }
        connection.stateUpdateHandler = { state in
            switch state {
            case .ready:
                driver.start()
                NetworkDeviceServer.receive(connection, driver: driver, sessionQueue: sessionQueue, end: end)
            case .failed, .cancelled: end()
            default: break
            }
        }
        connection.start(queue: connQueue)
    }

    /// One message at a time, in order, to the driver on the session queue.
    private static func receive(_ connection: NWConnection, driver: ConnectionDriver, sessionQueue: DispatchQueue, end: @escaping () -> Void) {
        connection.receiveMessage { data, context, _, error in
            if error != nil { return end() }
            let meta = context?.protocolMetadata(definition: NWProtocolWebSocket.definition) as? NWProtocolWebSocket.Metadata
            switch meta?.opcode {
            case .text?:
                let text = String(decoding: data ?? Data(), as: UTF8.self)
                sessionQueue.async { driver.receive(text: text) }
            case .binary?:
                let bytes = data ?? Data()
                sessionQueue.async { driver.receive(binary: bytes) }
            case .close?:
                connection.cancel()
                return end()
            default: break
            }
            receive(connection, driver: driver, sessionQueue: sessionQueue, end: end)
        }
    }

    private static func send(_ connection: NWConnection, _ data: Data, opcode: NWProtocolWebSocket.Opcode) {
        let meta = NWProtocolWebSocket.Metadata(opcode: opcode)
        let context = NWConnection.ContentContext(identifier: "frame", metadata: [meta])
        connection.send(content: data, contentContext: context, isComplete: true, completion: .contentProcessed { _ in })
    }

    private static func send(_ connection: NWConnection, closeCode: Int, reason: String) {
        let meta = NWProtocolWebSocket.Metadata(opcode: .close)
        // UNVERIFIED: CloseCode.init(rawValue:) throws; whether it accepts 1013 (1000-2999 but not a Defined case) is undocumented, else 1002 goes out.
        meta.closeCode = (try? NWProtocolWebSocket.CloseCode(rawValue: UInt16(clamping: closeCode))) ?? .protocolCode(.protocolError)
        let context = NWConnection.ContentContext(identifier: "close", metadata: [meta])
        connection.send(content: Data(reason.utf8), contentContext: context, isComplete: true, completion: .contentProcessed { _ in connection.cancel() })
    }
}

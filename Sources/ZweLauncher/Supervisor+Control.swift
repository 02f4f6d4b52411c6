import CZweProcess
import Foundation
import ZweMessages

/// The control socket `workspace/launcher.sock`: owner-only from the moment it is bound, peers
/// checked by uid, one JSON request line per connection (status, wait-ready, start, stop,
/// restart, stop-all), and the status that `zwe status` shows.
extension Supervisor {
    func openControlSocket() throws -> Int32 {
        unlink(files.socket)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(files.socket.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw POSIXError(.ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        // Owner-only from the first moment: no window in which others could connect.
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previous)
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        chmod(files.socket, 0o600)
        return fd
    }

    func acceptControlConnections() {
        while true {
            let client = zwe_accept_cloexec(listenFD)
            if client < 0 { return }
            let uid = zwe_peer_uid(client)
            if uid != Int(geteuid()) && uid != 0 {
                log.write(Diagnostic(MessageCatalog.controlRefused, ["uid": "\(uid)"]))
                close(client)
                continue
            }
            serve(client)
        }
    }

    /// Requests are one short line; reading it blocks at most briefly (100 ms). A `wait-ready`
    /// request is answered at once when the start has settled, else kept until it has.
    func serve(_ client: Int32) {
        var kept = false
        defer { if !kept { close(client) } }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65_536 {
            let count = recv(client, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            received += buffer[0..<count]
            if received.contains(UInt8(ascii: "\n")) { break }
        }
        let response: ControlResponse
        if let request = try? JSONDecoder().decode(ControlRequest.self, from: Data(received)) {
            if request.command == "wait-ready", !startSettled {
                kept = true
                readyWaiters.append(client)
                return
            }
            response = execute(request)
        } else {
            response = ControlResponse(ok: false, message: Diagnostic(MessageCatalog.commandNotRecognized).description)
        }
        answer(client, response)
    }

    func answer(_ client: Int32, _ response: ControlResponse) {
        guard var data = try? JSONEncoder().encode(response) else { return }
        data.append(UInt8(ascii: "\n"))
        _ = data.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Every component READY, or one FAILED or past its ready timeout, or the instance stopping:
    /// what `zwe start` waits for.
    var startSettled: Bool {
        stopping || managed.values.allSatisfy { $0.state == .ready }
            || managed.values.contains { $0.state == .failed || ($0.state == .starting && $0.reportedNotReady) }
    }

    func answerReadyWaiters() {
        guard startSettled else { return }
        let response = ControlResponse(ok: true, message: nil, status: status())
        for client in readyWaiters {
            answer(client, response)
            close(client)
        }
        readyWaiters = []
    }

    func execute(_ request: ControlRequest) -> ControlResponse {
        if request.command != "status", request.command != "wait-ready" {
            log.write(Diagnostic(MessageCatalog.commandReceived, ["command": [request.command, request.component].compactMap { $0 }.joined(separator: " ")]))
        }
        switch request.command {
        case "status", "wait-ready":
            return ControlResponse(ok: true, message: nil, status: status())
        case "stop-all":
            stopTimeoutOverride = request.timeout
            beginStop(reason: "operator")
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.componentsStopping).description)
        case "start", "stop", "restart":
            guard let id = request.component, let item = managed[id] else {
                return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.componentUnknown, ["id": request.component ?? "", "dir": plan.instanceDirectory]).description)
            }
            guard !stopping else { return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.launcherStopping).description) }
            return operate(request.command, item)
        default:
            return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.commandNotRecognized).description)
        }
    }

    func operate(_ command: String, _ item: ManagedComponent) -> ControlResponse {
        switch command {
        case "start":
            if item.isRunning {
                return ControlResponse(ok: false, message: Diagnostic(MessageCatalog.componentAlreadyRunning, ["id": item.id]).description)
            }
            cancel(item.restartTimer)
            item.restartTimer = nil
            item.failCount = 0
            log.write(Diagnostic(MessageCatalog.componentStartRequested, ["id": item.id]))
            spawn(item)
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.componentStartRequested, ["id": item.id]).description)
        case "stop":
            log.write(Diagnostic(MessageCatalog.operatorStop, ["id": item.id]))
            stopComponent(item, timeout: item.component.shutdownTimeout)
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.operatorStop, ["id": item.id]).description)
        default:
            if item.isRunning {
                item.restartAfterExit = true
                stopComponent(item, timeout: item.component.shutdownTimeout)
            } else {
                cancel(item.restartTimer)
                item.restartTimer = nil
                item.failCount = 0
                spawn(item)
            }
            return ControlResponse(ok: true, message: Diagnostic(MessageCatalog.componentStartRequested, ["id": item.id]).description)
        }
    }

    func status() -> InstanceStatus {
        let now = Self.now()
        return InstanceStatus(
            instance: plan.instanceDirectory, jobName: plan.launcherJobName, haInstance: haInstance,
            launcherPid: getpid(), uptimeSeconds: Int(now - startedAt),
            certificateExpiresInDays: certificateExpiresInDays(),
            components: order.compactMap { managed[$0] }.map { item in
                InstanceStatus.Component(
                    id: item.id, jobName: item.component.jobName, pid: item.pid, state: item.state.rawValue,
                    uptimeSeconds: item.isRunning ? item.startedAt.map { Int(now - $0) } : nil,
                    restarts: item.restarts, lastExitStatus: item.lastExitStatus, port: item.component.port,
                    health: item.health)
            })
    }
}

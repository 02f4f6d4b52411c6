import CZweProcess
import Foundation

/// One request per connection on `workspace/launcher.sock`, one JSON line each way.
struct ControlRequest: Codable {
    /// `status`, `wait-ready` (the status once every component is READY, or one failed or is
    /// past its ready timeout), `start`, `stop`, `restart` (with `component`), or `stop-all`
    /// (with optional `timeout`).
    var command: String
    var component: String?
    var timeout: Int?
}

struct ControlResponse: Codable {
    var ok: Bool
    /// A rendered message (id and text) when there is something to say.
    var message: String?
    var status: InstanceStatus?
}

/// What `zwe status --json` prints for one instance.
public struct InstanceStatus: Codable, Sendable {
    public struct Component: Codable, Sendable {
        public var id: String
        public var jobName: String
        public var pid: Int32?
        /// STARTING, READY, UNHEALTHY (failing its liveness checks, being restarted), RESTARTING,
        /// FAILED or STOPPED.
        public var state: String
        public var uptimeSeconds: Int?
        public var restarts: Int
        /// `exit N` or `signal NAME`; null before the first exit.
        public var lastExitStatus: String?
        public var port: Int?
        /// UP, DOWN or UNKNOWN.
        public var health: String

        enum CodingKeys: String, CodingKey { case id, jobName, pid, state, uptimeSeconds, restarts, lastExitStatus, port, health }

        // Absent values are written as null: scripts read every key.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(jobName, forKey: .jobName)
            try container.encode(pid, forKey: .pid)
            try container.encode(state, forKey: .state)
            try container.encode(uptimeSeconds, forKey: .uptimeSeconds)
            try container.encode(restarts, forKey: .restarts)
            try container.encode(lastExitStatus, forKey: .lastExitStatus)
            try container.encode(port, forKey: .port)
            try container.encode(health, forKey: .health)
        }
    }

    public var instance: String
    public var jobName: String
    public var haInstance: String
    public var launcherPid: Int32
    public var uptimeSeconds: Int
    public var certificateExpiresInDays: Int?
    public var components: [Component]

    enum CodingKeys: String, CodingKey { case instance, jobName, haInstance, launcherPid, uptimeSeconds, certificateExpiresInDays, components }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(instance, forKey: .instance)
        try container.encode(jobName, forKey: .jobName)
        try container.encode(haInstance, forKey: .haInstance)
        try container.encode(launcherPid, forKey: .launcherPid)
        try container.encode(uptimeSeconds, forKey: .uptimeSeconds)
        try container.encode(certificateExpiresInDays, forKey: .certificateExpiresInDays)
        try container.encode(components, forKey: .components)
    }
}

/// The client side of the control socket.
public enum ControlClient {
    public enum Failure: Error {
        case notRunning
        /// The socket is there but this user may not connect to it (its mode is owner-only).
        case notPermitted(String)
        case protocolError(String)
    }

    static func send(_ request: ControlRequest, socketPath: String, timeoutSeconds: Double = 10) throws -> ControlResponse {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure.notRunning }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure.protocolError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            if errno == EACCES || errno == EPERM { throw Failure.notPermitted(String(cString: strerror(errno))) }
            throw Failure.notRunning
        }
        var timeout = timeval(tv_sec: Int(timeoutSeconds), tv_usec: Int((timeoutSeconds - Double(Int(timeoutSeconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var line = try JSONEncoder().encode(request)
        line.append(UInt8(ascii: "\n"))
        let sent = line.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == line.count else { throw Failure.protocolError("send failed") }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            received += buffer[0..<count]
            if received.last == UInt8(ascii: "\n") { break }
        }
        guard !received.isEmpty else { throw Failure.protocolError("no answer") }
        do {
            return try JSONDecoder().decode(ControlResponse.self, from: Data(received))
        } catch {
            throw Failure.protocolError("bad answer: \(error)")
        }
    }
}

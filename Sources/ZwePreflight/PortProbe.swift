import Foundation

/// Whether a TCP port can be listened on, and if not, who holds it: the socket's inode from
/// /proc/net/tcp{,6}, the process whose /proc/PID/fd points at it, and, when that process
/// belongs to a Zowe instance, its INSTANCE_DIR and job name from /proc/PID/environ.
public enum PortProbe {
    public struct Owner: Sendable, Equatable, CustomStringConvertible {
        public var pid: Int32?
        public var command: String?
        public var instance: String?
        public var jobName: String?

        public var description: String {
            guard let pid else { return "another process (not visible to this user)" }
            var text = "pid \(pid)"
            if let command { text += " (\(command))" }
            if let jobName { text += ", job \(jobName)" }
            if let instance { text += " of instance \(instance)" }
            return text
        }
    }

    /// nil when the port is free on the address.
    public static func owner(port: Int, address: String) -> Owner? {
        if canBind(port: port, address: address) { return nil }
        // /proc/net/tcp is read in pieces, and while many sockets open and close a line can fall
        // between two pieces: a listener not found is looked for again before giving up (for up
        // to half a second: on a loaded machine the tables change all the time; this costs
        // nothing when the port is free or its owner is found at once).
        for attempt in 0..<20 {
            if let owner = findOwner(port: port) { return owner }
            if attempt < 19 { usleep(25_000) }
        }
        return Owner()
    }

    static func canBind(port: Int, address: String) -> Bool {
        let isV6 = address.contains(":")
        let fd = socket(isV6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return true }
        defer { close(fd) }
        // Like a server: SO_REUSEADDR, so that TIME_WAIT leftovers do not count as in use.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if isV6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, address, &socketAddress.sin6_addr)
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
            } && listen(fd, 1) == 0
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &socketAddress.sin_addr)
        return withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        } && listen(fd, 1) == 0
    }

    static func findOwner(port: Int) -> Owner? {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the inode.
                guard fields.count > 9, fields[3] == "0A",
                      let portText = fields[1].split(separator: ":").last,
                      Int(portText, radix: 16) == port else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        guard !inodes.isEmpty else { return nil }
        let targets = Set(inodes.map { "socket:[\($0)]" })
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry) else { continue }
            let fdFolder = "/proc/\(pid)/fd"
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: fdFolder)) ?? [] {
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdFolder)/\(fd)"),
                      targets.contains(target) else { continue }
                return describe(pid)
            }
        }
        return nil
    }

    static func describe(_ pid: Int32) -> Owner {
        var owner = Owner(pid: pid)
        owner.command = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") {
            for variable in data.split(separator: 0) {
                let text = String(decoding: variable, as: UTF8.self)
                if text.hasPrefix("INSTANCE_DIR=") { owner.instance = String(text.dropFirst(13)) }
                if text.hasPrefix("ZWE_JOB_NAME=") { owner.jobName = String(text.dropFirst(13)) }
            }
        }
        return owner
    }
}

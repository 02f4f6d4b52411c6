import Foundation

/// systemd's readiness protocol (`sd_notify`) without libsystemd: each notification is one
/// datagram of `KEY=VALUE` lines sent to the AF_UNIX socket that NOTIFY_SOCKET names; a name
/// starting with `@` is in the abstract namespace (the `@` stands for a leading NUL byte).
/// Used by the launcher in the foreground, the main process of a `Type=notify` unit.
final class ServiceNotifier: @unchecked Sendable {  // used from the supervisor's thread only
    private let fd: Int32
    private var address = sockaddr_un()
    private let length: socklen_t

    /// Nil when `socketPath` is missing, empty, not a path or an abstract name, or too long.
    init?(socketPath: String?) {
        guard let socketPath, socketPath.hasPrefix("/") || socketPath.hasPrefix("@") else { return nil }
        var bytes = Array(socketPath.utf8)
        let abstract = bytes[0] == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard bytes.count > 1, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if !abstract { raw[bytes.count] = 0 }
        }
        // An abstract name is exactly its bytes; a path name ends with its NUL.
        length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count + (abstract ? 0 : 1))
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
    }

    deinit { close(fd) }

    /// Sends the lines as one datagram; false when it could not be sent.
    @discardableResult
    func send(_ lines: [String]) -> Bool {
        let message = Array(lines.joined(separator: "\n").utf8)
        let sent = message.withUnsafeBytes { buffer in
            withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), $0, length)
                }
            }
        }
        return sent == message.count
    }
}

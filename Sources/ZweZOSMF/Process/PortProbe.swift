import Foundation
import ZweMessages

/// Binds the address and port for an instant, as the server will, so that a port in use is
/// reported before the stub takes its data directory or writes anything into it. (The server
/// binds again; a program that takes the port in between still gets the same message.)
enum PortProbe {
    static func check(address: String, port: Int) throws(Diagnostic) {
        var v4 = in_addr()
        var v6 = in6_addr()
        let isV4 = inet_pton(AF_INET, address, &v4) == 1
        guard isV4 || inet_pton(AF_INET6, address, &v6) == 1 else {
            throw Diagnostic(MessageCatalog.zosmfBadAddress, ["value": address])
        }
        let fd = socket(isV4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        // As NIO binds: SO_REUSEADDR, so that connections of a stopped stub in TIME_WAIT do not count.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if isV4 {
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
            socketAddress.sin_addr = v4
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(port).bigEndian)
            socketAddress.sin6_addr = v6
            result = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        if result != 0 {
            throw Diagnostic(MessageCatalog.zosmfCannotListen, [
                "address": address, "port": "\(port)", "reason": String(cString: strerror(errno)),
            ])
        }
    }
}

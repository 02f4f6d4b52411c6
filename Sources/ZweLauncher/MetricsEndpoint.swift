import Foundation

/// The launcher's metrics endpoint on the HTTP level: a listening TCP socket, and the answer to
/// one request. The supervisor's event loop does the reading and writing, never blocking: a
/// scrape is one short request, answered and closed.
enum MetricsEndpoint {
    /// `Content-Type` of the text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// A request head longer than this is refused: a scrape sends a few hundred bytes.
    static let maximumRequestBytes = 8192
    /// Connections served at once; more are closed at once.
    static let maximumClients = 16
    /// How long a client may take to send its request and read the answer.
    static let clientDeadlineSeconds = 5.0

    /// A non-blocking, close-on-exec TCP socket listening on `address` (IPv4 or IPv6) and `port`.
    static func openListener(address: String, port: Int) throws -> Int32 {
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        let family: Int32
        if inet_pton(AF_INET, address, &v4.sin_addr) == 1 {
            family = AF_INET
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = in_port_t(UInt16(port).bigEndian)
        } else if inet_pton(AF_INET6, address, &v6.sin6_addr) == 1 {
            family = AF_INET6
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = in_port_t(UInt16(port).bigEndian)
        } else {
            throw POSIXError(.EINVAL)
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if family == AF_INET {
            bound = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            bound = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            let error = POSIXError(.init(rawValue: errno) ?? .EIO)
            close(fd)
            throw error
        }
        return fd
    }

    /// The whole answer to the request received so far, or nil while its head is incomplete.
    /// `GET /metrics` (or HEAD) gets the exposition `metrics()` makes; any other path 404, any
    /// other method 405, anything unreadable or too long 400. Every answer closes the connection.
    static func answer(to received: [UInt8], metrics: () -> [UInt8]) -> [UInt8]? {
        guard let headEnd = endOfHead(received) else {
            return received.count >= maximumRequestBytes ? response(400, "Bad Request", body: "request head too long\n") : nil
        }
        let firstLine = received[..<headEnd].split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? []
        let words = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 3, words[2].hasPrefix("HTTP/1.") else {
            return response(400, "Bad Request", body: "not an HTTP/1 request\n")
        }
        let method = words[0]
        let path = words[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard method == "GET" || method == "HEAD" else {
            return response(405, "Method Not Allowed", headers: ["Allow: GET, HEAD"], body: "only GET and HEAD\n")
        }
        guard path == "/metrics" else {
            return response(404, "Not Found", body: "the launcher's metrics are at /metrics\n", includeBody: method != "HEAD")
        }
        return response(200, "OK", contentType: contentType, body: metrics(), includeBody: method != "HEAD")
    }

    /// The index just past the blank line that ends the request head (CRLF or bare LF lines).
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    static func response(_ status: Int, _ reason: String, contentType: String = "text/plain; charset=utf-8",
                         headers: [String] = [], body: String, includeBody: Bool = true) -> [UInt8] {
        response(status, reason, contentType: contentType, headers: headers, body: Array(body.utf8), includeBody: includeBody)
    }

    static func response(_ status: Int, _ reason: String, contentType: String, headers: [String] = [],
                         body: [UInt8], includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        for header in headers { head += header + "\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? body : [])
    }
}

/// One connection to the metrics endpoint, owned by the supervisor's thread.
final class MetricsClient {
    var received: [UInt8] = []
    /// The answer's bytes not written yet; nil until the request is complete.
    var pending: [UInt8]?
    var written = 0
    var deadlineTimer: Int?
}

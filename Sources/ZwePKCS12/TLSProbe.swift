import CZwePKCS12

/// TLS clients on the system OpenSSL, blocking: `get`, an HTTPS GET for health checks (the
/// server's chain must lead to one of `anchors`, DER certificates such as the instance
/// truststore; the host name is not checked, because checks go to a loopback address the
/// certificate need not name), and `handshake`, which returns the chain a server presents.
public enum TLSProbe {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// The HTTP status code of `GET path`, or why there is none.
    public static func get(address: String, port: Int, path: String, anchors: [[UInt8]], timeoutMilliseconds: Int) -> Result<Int, Failure> {
        var error = [CChar](repeating: 0, count: 512)
        let status: Int32 = withAnchorPointers(anchors) { pointers, lengths in
            zwe_tls_probe(address, Int32(port), path, pointers, lengths, anchors.count, Int32(timeoutMilliseconds), &error, error.count)
        }
        if status > 0 { return .success(Int(status)) }
        return .failure(Failure(reason: String(decoding: error.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)))
    }

    /// Why a handshake gave no chain. `unresolved`, `unreachable` and `timedOut` mean nothing
    /// answered (a service that may start later); `notTLS` means something answered, not with TLS.
    public enum HandshakeFailure: Error, Sendable, CustomStringConvertible {
        case unresolved(String)
        case unreachable(String)
        case timedOut(String)
        case notTLS(String)

        public var reason: String {
            switch self {
            case .unresolved(let text), .unreachable(let text), .timedOut(let text), .notTLS(let text): text
            }
        }

        public var description: String { reason }

        /// Nothing answered on the port, as opposed to a wrong answer.
        public var isUnreachable: Bool {
            if case .notTLS = self { return false }
            return true
        }
    }

    /// What a server presented in a handshake.
    public struct Peer: Sendable {
        /// DER certificates in the order the server sent them, leaf first.
        public let chain: [[UInt8]]
        /// With anchors: nil when the chain leads to one of them, else OpenSSL's reason why not.
        /// Without anchors: nil.
        public let untrustedReason: String?
    }

    /// A TLS handshake with `host:port` (a name or an address) that returns the presented chain
    /// whatever it is. With `anchors` the chain is also checked against them (every anchor ends
    /// a chain, as in a Java truststore); the host name is never checked here.
    public static func handshake(host: String, port: Int, anchors: [[UInt8]]?, timeoutMilliseconds: Int) -> Result<Peer, HandshakeFailure> {
        var error = [CChar](repeating: 0, count: 512)
        var peer = zwe_tls_peer()
        let verify = anchors != nil
        let list = anchors ?? []
        let status: Int32 = withAnchorPointers(list) { pointers, lengths in
            zwe_tls_handshake(host, Int32(port), pointers, lengths, list.count, verify ? 1 : 0,
                              Int32(timeoutMilliseconds), &peer, &error, error.count)
        }
        defer { zwe_tls_peer_free(&peer) }
        let reason = String(decoding: error.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch status {
        case ZWE_TLS_OK:
            var chain: [[UInt8]] = []
            if let certificates = peer.certificates, let lengths = peer.lengths {
                for index in 0..<peer.count {
                    guard let bytes = certificates[index] else { continue }
                    chain.append(Array(UnsafeBufferPointer(start: bytes, count: lengths[index])))
                }
            }
            let untrusted: String? = verify && peer.verified == 0
                ? (peer.verify_error.map { String(cString: $0) } ?? "verification failed") : nil
            return .success(Peer(chain: chain, untrustedReason: untrusted))
        case ZWE_TLS_UNRESOLVED: return .failure(.unresolved(reason))
        case ZWE_TLS_UNREACHABLE: return .failure(.unreachable(reason))
        case ZWE_TLS_TIMED_OUT: return .failure(.timedOut(reason))
        default: return .failure(.notTLS(reason))
        }
    }

    private static func withAnchorPointers<T>(_ anchors: [[UInt8]], _ body: (UnsafePointer<UnsafePointer<UInt8>?>?, UnsafePointer<Int>?) -> T) -> T {
        let copies = anchors.map { bytes -> UnsafeMutablePointer<UInt8> in
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
            pointer.initialize(from: bytes, count: bytes.count)
            return pointer
        }
        defer { copies.forEach { $0.deallocate() } }
        let pointers: [UnsafePointer<UInt8>?] = copies.map { UnsafePointer($0) }
        let lengths = anchors.map(\.count)
        return pointers.withUnsafeBufferPointer { pointerBuffer in
            lengths.withUnsafeBufferPointer { lengthBuffer in
                body(pointerBuffer.baseAddress, lengthBuffer.baseAddress)
            }
        }
    }
}

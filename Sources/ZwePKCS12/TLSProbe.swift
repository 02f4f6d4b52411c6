import CZwePKCS12

/// A blocking HTTPS GET for health checks, on the system OpenSSL: the server's chain must
/// lead to one of `anchors` (DER certificates, e.g. the instance truststore); the host name is
/// not checked, because checks go to a loopback address the certificate need not name.
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

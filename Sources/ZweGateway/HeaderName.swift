/// Header-name checks on the proxy path, comparing ASCII bytes without making lower-case
/// copies of every header of every request.
enum HeaderName {
    /// Whether `name` is `lowercase` in any case; `lowercase` must be lower-case ASCII.
    static func equals(_ name: String, _ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        guard name.utf8.count == expected.count else { return false }
        var index = 0
        for byte in name.utf8 {
            let lower = (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
            if lower != expected[index] { return false }
            index += 1
        }
        return true
    }

    /// Headers of one connection only (RFC 9110 7.6.1), never passed on; `expect` is answered
    /// by the gateway itself, which reads the whole body before it connects southbound.
    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: equals(name, "te")
        case 6: equals(name, "expect")
        case 7: equals(name, "trailer") || equals(name, "upgrade")
        case 10: equals(name, "connection") || equals(name, "keep-alive")
        case 16: equals(name, "proxy-connection")
        case 17: equals(name, "transfer-encoding")
        case 18: equals(name, "proxy-authenticate")
        case 19: equals(name, "proxy-authorization")
        default: false
        }
    }

    /// The X-Forwarded-* headers the gateway writes itself.
    static func isForwarded(_ name: String) -> Bool {
        switch name.utf8.count {
        case 16: equals(name, "x-forwarded-host") || equals(name, "x-forwarded-port")
        case 17: equals(name, "x-forwarded-proto")
        case 18: equals(name, "x-forwarded-prefix")
        default: false
        }
    }
}

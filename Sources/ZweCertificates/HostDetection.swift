import Foundation
import ZweConfiguration

/// The machine's own name and first non-loopback address, read locally (`--detect-host`):
/// gethostname and getifaddrs, never a DNS query.
public enum HostDetection {
    public static func hostname() -> String? { systemHostName() }

    /// IPv4 first, then IPv6 (global scope), skipping loopback and link-local addresses.
    public static func firstAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var v4: String?
        var v6: String?
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr,
                  (entry.pointee.ifa_flags & UInt32(IFF_LOOPBACK)) == 0,
                  (entry.pointee.ifa_flags & UInt32(IFF_UP)) != 0 else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET where v4 == nil:
                let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                }
                if bytes[0] != 127, !(bytes[0] == 169 && bytes[1] == 254) { v4 = IPAddressText.text(bytes) }
            case AF_INET6 where v6 == nil:
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                let linkLocal = bytes[0] == 0xFE && (bytes[1] & 0xC0) == 0x80
                let loopback = bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1
                if !linkLocal, !loopback { v6 = IPAddressText.text(bytes) }
            default:
                break
            }
        }
        return v4 ?? v6
    }
}

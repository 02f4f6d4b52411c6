import Foundation
import SwiftASN1
import X509

/// Whether a certificate names a host, the way a TLS client decides it (RFC 6125, and
/// Java's HostnameChecker where the RFC leaves a choice).
struct ValidationHostnames {
    let dnsNames: [String]
    let ipAddresses: [[UInt8]]
    let commonNames: [String]

    init(_ certificate: ValidationCertificate) {
        var dns: [String] = []
        var ips: [[UInt8]] = []
        if let names = (try? certificate.extensions.subjectAlternativeNames) ?? nil {
            for name in names {
                switch name {
                case .dnsName(let value): dns.append(value)
                case .ipAddress(let bytes): ips.append(Array(bytes.bytes))
                default: break
                }
            }
        }
        dnsNames = dns
        ipAddresses = ips
        commonNames = certificate.subject.flatMap { $0 }.compactMap { attribute in
            attribute.type == .RDNAttributeType.commonName ? String(attribute.value) : nil
        }
    }

    /// The names as a person reads them, for messages.
    var listed: String {
        let names = dnsNames.map { "DNS:\($0)" } + ipAddresses.map { "IP:\(IPAddressText.text($0) ?? "?")" }
        if !names.isEmpty { return names.joined(separator: ", ") }
        if !commonNames.isEmpty { return commonNames.map { "CN=\($0)" }.joined(separator: ", ") + " (no subject alternative names)" }
        return "no host names"
    }

    func covers(_ host: String) -> Bool {
        if let address = IPAddressText.bytes(host) {
            // An address is only ever an iPAddress entry: a DNS entry or CN that spells the
            // address is not accepted by clients, so it must not be accepted here.
            return ipAddresses.contains(address)
        }
        let wanted = Self.normalised(host)
        // Java falls back on the CN only when the SAN has no DNS entry at all.
        let candidates = dnsNames.isEmpty ? commonNames : dnsNames
        return candidates.contains { Self.matches(pattern: Self.normalised($0), host: wanted) }
    }

    static func normalised(_ name: String) -> String {
        var lower = name.lowercased()
        if lower.hasSuffix(".") { lower.removeLast() }
        return lower
    }

    /// A `*` matches exactly one whole left-most label, and only when at least two labels
    /// follow it, so that `*.com`-like patterns never match; partial-label wildcards
    /// (`a*.example.com`) are not honoured, as most clients no longer honour them.
    static func matches(pattern: String, host: String) -> Bool {
        guard pattern.contains("*") else { return pattern == host && !host.isEmpty }
        let patternLabels = pattern.split(separator: ".", omittingEmptySubsequences: false)
        let hostLabels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard patternLabels.first == "*", patternLabels.count >= 3,
              !patternLabels.dropFirst().contains(where: { $0.isEmpty || $0.contains("*") }),
              hostLabels.count == patternLabels.count, let first = hostLabels.first, !first.isEmpty else {
            return false
        }
        return hostLabels.dropFirst().elementsEqual(patternLabels.dropFirst())
    }
}

import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

/// What a person checks on a certificate, in words that match `keytool -list -v` and
/// `openssl x509 -text`. Also the JSON form of `zwe certificate inspect --json`.
public struct CertificateDescription: Sendable, Codable, Equatable {
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var notBefore: String
    public var notAfter: String
    public var daysToExpiry: Int
    public var subjectAlternativeNames: [String]
    public var keyUsage: [String]?
    public var extendedKeyUsage: [String]?
    public var basicConstraints: String?
    public var key: String
    public var signatureAlgorithm: String
    public var sha256Fingerprint: String
    public var selfSigned: Bool

    public init(_ certificate: Certificate, der: [UInt8], now: Date = Date()) {
        subject = Self.name(certificate.subject)
        issuer = Self.name(certificate.issuer)
        serialNumber = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        notBefore = Self.time(certificate.notValidBefore)
        notAfter = Self.time(certificate.notValidAfter)
        daysToExpiry = Int((certificate.notValidAfter.timeIntervalSince(now) / 86_400).rounded(.down))
        subjectAlternativeNames = ((try? certificate.extensions.subjectAlternativeNames) ?? nil).map { names in
            names.map(Self.generalName)
        } ?? []
        keyUsage = ((try? certificate.extensions.keyUsage) ?? nil).map(Self.usages)
        extendedKeyUsage = ((try? certificate.extensions.extendedKeyUsage) ?? nil).map { eku in
            eku.map(Self.extendedUsage)
        }
        basicConstraints = ((try? certificate.extensions.basicConstraints) ?? nil).map { constraint in
            switch constraint {
            case .isCertificateAuthority(let length): length.map { "CA:TRUE, pathlen:\($0)" } ?? "CA:TRUE"
            case .notCertificateAuthority: "CA:FALSE"
            }
        }
        key = Self.keyDescription(certificate.publicKey)
        signatureAlgorithm = Self.algorithm(certificate.signatureAlgorithm)
        sha256Fingerprint = SHA256.hash(data: der).map { String(format: "%02X", $0) }.joined(separator: ":")
        selfSigned = certificate.isSelfSigned
    }

    public static func name(_ name: DistinguishedName) -> String {
        name.reversed().map { String(describing: $0) }.joined(separator: ", ")
    }

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func generalName(_ name: GeneralName) -> String {
        switch name {
        case .dnsName(let dns): "DNS:\(dns)"
        case .ipAddress(let bytes): "IP:\(IPAddressText.text(bytes.bytes) ?? "?")"
        case .rfc822Name(let mail): "email:\(mail)"
        case .uniformResourceIdentifier(let uri): "URI:\(uri)"
        case .directoryName(let dn): "DirName:\(Self.name(dn))"
        default: "\(name)"
        }
    }

    static func usages(_ usage: KeyUsage) -> [String] {
        var out: [String] = []
        if usage.digitalSignature { out.append("digitalSignature") }
        if usage.nonRepudiation { out.append("nonRepudiation") }
        if usage.keyEncipherment { out.append("keyEncipherment") }
        if usage.dataEncipherment { out.append("dataEncipherment") }
        if usage.keyAgreement { out.append("keyAgreement") }
        if usage.keyCertSign { out.append("keyCertSign") }
        if usage.cRLSign { out.append("cRLSign") }
        if usage.encipherOnly { out.append("encipherOnly") }
        if usage.decipherOnly { out.append("decipherOnly") }
        return out
    }

    static func extendedUsage(_ usage: ExtendedKeyUsage.Usage) -> String {
        switch usage {
        case .serverAuth: "serverAuth"
        case .clientAuth: "clientAuth"
        case .codeSigning: "codeSigning"
        case .emailProtection: "emailProtection"
        case .timeStamping: "timeStamping"
        case .ocspSigning: "OCSPSigning"
        case .any: "anyExtendedKeyUsage"
        default: usage.description
        }
    }

    public static func keyDescription(_ key: Certificate.PublicKey) -> String {
        if let rsa = _RSA.Signing.PublicKey(key) { return "RSA \(rsa.keySizeInBits)" }
        if P256.Signing.PublicKey(key) != nil { return "EC P-256" }
        if P384.Signing.PublicKey(key) != nil { return "EC P-384" }
        if P521.Signing.PublicKey(key) != nil { return "EC P-521" }
        return "other"
    }

    static func algorithm(_ algorithm: Certificate.SignatureAlgorithm) -> String {
        switch algorithm {
        case .sha256WithRSAEncryption: "SHA256withRSA"
        case .sha384WithRSAEncryption: "SHA384withRSA"
        case .sha512WithRSAEncryption: "SHA512withRSA"
        case .sha1WithRSAEncryption: "SHA1withRSA"
        case .ecdsaWithSHA256: "SHA256withECDSA"
        case .ecdsaWithSHA384: "SHA384withECDSA"
        case .ecdsaWithSHA512: "SHA512withECDSA"
        case .ed25519: "Ed25519"
        default: "\(algorithm)"
        }
    }
}

import Foundation
import SwiftASN1
import X509

/// The names and extensions of the certificates Zowe's own setup (apiml_cm.sh) makes,
/// reproduced so that tools and people who know Zowe's certificates recognise ours.
public enum ZoweNames {
    public static let localCACommonName = "Zowe Development Instances Certificate Authority"
    public static let serviceCommonName = "Zowe Service"

    public static func distinguishedName(commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("CZ")
            StateOrProvinceName("Prague")
            LocalityName("Prague")
            OrganizationName("Zowe Sample")
            OrganizationalUnitName("API Mediation Layer")
            CommonName(commonName)
        }
    }

    /// The subject names Zowe's setup uses when none are configured.
    public static let defaultNames = CertificateNames(
        caCommonName: localCACommonName, commonName: serviceCommonName, orgUnit: "API Mediation Layer",
        org: "Zowe Sample", locality: "Prague", state: "Prague", country: "CZ")

    /// Names that every Zowe server certificate carries besides the configured ones.
    public static let alwaysDNS = ["localhost.localdomain", "localhost"]
    public static let alwaysIP = ["127.0.0.1"]
}

/// The parts of the subject names of the certificates made (Zowe v2's
/// zowe.setup.certificate.dname): the CA's common name, the server's, and what both share.
public struct CertificateNames: Sendable, Equatable {
    public var caCommonName: String
    public var commonName: String
    public var orgUnit: String
    public var org: String
    public var locality: String
    public var state: String
    public var country: String

    public init(caCommonName: String, commonName: String, orgUnit: String, org: String, locality: String, state: String, country: String) {
        self.caCommonName = caCommonName
        self.commonName = commonName
        self.orgUnit = orgUnit
        self.org = org
        self.locality = locality
        self.state = state
        self.country = country
    }

    public func distinguishedName(commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName(country)
            StateOrProvinceName(state)
            LocalityName(locality)
            OrganizationName(org)
            OrganizationalUnitName(orgUnit)
            CommonName(commonName)
        }
    }
}

/// Issues the certificates of a keystore directory.
public struct CertificateFactory: Sendable {
    public let validityDays: Int
    public let now: Date
    public let names: CertificateNames

    public init(validityDays: Int, now: Date = Date(), names: CertificateNames = ZoweNames.defaultNames) {
        self.validityDays = validityDays
        self.names = names
        // Whole seconds: X.509 times have no fraction, and tests compare dates.
        self.now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
    }

    var notAfter: Date { now.addingTimeInterval(TimeInterval(validityDays) * 86_400) }

    /// The local CA: self-signed, CA:TRUE (critical), keyCertSign and cRLSign.
    public func localCA(key: GeneratedKey) throws -> Certificate {
        let name = try names.distinguishedName(commonName: names.caCommonName)
        let publicKey = key.privateKey.publicKey
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        return try Certificate(
            version: .v3, serialNumber: Self.randomSerial(), publicKey: publicKey,
            notValidBefore: now, notValidAfter: notAfter, issuer: name, subject: name,
            signatureAlgorithm: Self.signatureAlgorithm(for: key.privateKey),
            extensions: extensions, issuerPrivateKey: key.privateKey)
    }

    /// A server certificate (the Zowe certificate, or a component's), signed by `issuer`:
    /// SAN DNS and IP entries, KU digitalSignature/nonRepudiation/keyEncipherment/dataEncipherment
    /// (critical), EKU serverAuth+clientAuth, SKI and AKI.
    public func server(
        commonName: String, dnsNames: [String], ipAddresses: [String], key: GeneratedKey,
        issuer: Certificate, issuerKey: Certificate.PrivateKey
    ) throws -> Certificate {
        let publicKey = key.privateKey.publicKey
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for ip in ipAddresses {
            guard let bytes = IPAddressText.bytes(ip) else { throw CertificateFactoryError.badIPAddress(ip) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let authorityKeyID = ((try? issuer.extensions.subjectKeyIdentifier) ?? nil)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: issuer.publicKey).keyIdentifier
        let sanNames = names
        let extensions = try Certificate.Extensions {
            SubjectAlternativeNames(sanNames)
            Critical(KeyUsage(digitalSignature: true, nonRepudiation: true, keyEncipherment: true, dataEncipherment: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectKeyIdentifier(hash: publicKey)
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyID)
        }
        return try Certificate(
            version: .v3, serialNumber: Self.randomSerial(), publicKey: publicKey,
            notValidBefore: now, notValidAfter: notAfter, issuer: issuer.subject,
            subject: try self.names.distinguishedName(commonName: commonName),
            signatureAlgorithm: Self.signatureAlgorithm(for: issuerKey),
            extensions: extensions, issuerPrivateKey: issuerKey)
    }

    /// A self-signed server certificate, the kind an external server (z/OSMF) has when nobody
    /// gave it one from a CA: SAN DNS and IP entries, EKU serverAuth+clientAuth, and, because a
    /// client trusts it by taking it as its own trust anchor, CA:TRUE with keyCertSign (without
    /// them, OpenSSL and BoringSSL do not treat it as self-issued and look for another issuer).
    public func selfSignedServer(
        subject: DistinguishedName, dnsNames: [String], ipAddresses: [String], key: GeneratedKey
    ) throws -> Certificate {
        let publicKey = key.privateKey.publicKey
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for ip in ipAddresses {
            guard let bytes = IPAddressText.bytes(ip) else { throw CertificateFactoryError.badIPAddress(ip) }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        let sanNames = names
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            SubjectAlternativeNames(sanNames)
            Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectKeyIdentifier(hash: publicKey)
        }
        return try Certificate(
            version: .v3, serialNumber: Self.randomSerial(), publicKey: publicKey,
            notValidBefore: now, notValidAfter: notAfter, issuer: subject, subject: subject,
            signatureAlgorithm: Self.signatureAlgorithm(for: key.privateKey),
            extensions: extensions, issuerPrivateKey: key.privateKey)
    }

    /// The self-signed certificate of the `jwtsecret` key entry; only its key matters.
    public func jwtSecret(key: GeneratedKey) throws -> Certificate {
        let name = try ZoweNames.distinguishedName(commonName: ZoweNames.serviceCommonName)
        let publicKey = key.privateKey.publicKey
        let extensions = try Certificate.Extensions {
            Critical(KeyUsage(digitalSignature: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        return try Certificate(
            version: .v3, serialNumber: Self.randomSerial(), publicKey: publicKey,
            notValidBefore: now, notValidAfter: notAfter, issuer: name, subject: name,
            signatureAlgorithm: Self.signatureAlgorithm(for: key.privateKey),
            extensions: extensions, issuerPrivateKey: key.privateKey)
    }

    /// SHA-256 signatures whatever the key type (the library would pick SHA-512 for RSA).
    static func signatureAlgorithm(for key: Certificate.PrivateKey) -> Certificate.SignatureAlgorithm {
        key.supportedSignatureAlgorithms.contains(.sha256WithRSAEncryption) ? .sha256WithRSAEncryption : .ecdsaWithSHA256
    }

    /// 16 random bytes, top bit clear and first byte non-zero: a positive serial of fixed size.
    static func randomSerial() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = (bytes[0] & 0x7F) | 0x01
        return Certificate.SerialNumber(bytes: bytes)
    }
}

public enum CertificateFactoryError: Error, CustomStringConvertible {
    case badIPAddress(String)
    public var description: String {
        switch self {
        case .badIPAddress(let ip): "'\(ip)' is not an IP address"
        }
    }
}

/// IP address text to and from the bytes an `iPAddress` SAN holds, with inet_pton/inet_ntop.
public enum IPAddressText {
    public static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    public static func text(_ bytes: some Collection<UInt8>) -> String? {
        let array = Array(bytes)
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family: Int32
        switch array.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        let ok = array.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return nil }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func isAddress(_ text: String) -> Bool { bytes(text) != nil }
}

import Crypto
import Foundation
import SwiftASN1
import Testing
import ZweKeyMaterial
import ZweTestSupport
import X509
import ZweConfiguration
import ZweMessages
import ZwePKCS12
@testable import ZweCertificates

/// The extensions of a test certificate; each negative test changes one of them.
struct ValidationProfile {
    var basicConstraints: BasicConstraints?
    var keyUsage: KeyUsage?
    var extendedKeyUsage: [ExtendedKeyUsage.Usage]?
    var dnsNames: [String] = []
    var ipAddresses: [String] = []

    /// What Zowe's setup puts in a server certificate.
    static let server = ValidationProfile(
        basicConstraints: nil,
        keyUsage: KeyUsage(digitalSignature: true, nonRepudiation: true, keyEncipherment: true, dataEncipherment: true),
        extendedKeyUsage: [.serverAuth, .clientAuth],
        dnsNames: ["localhost.localdomain", "localhost"], ipAddresses: ["127.0.0.1"])

    static let authority = ValidationProfile(
        basicConstraints: .isCertificateAuthority(maxPathLength: nil),
        keyUsage: KeyUsage(keyCertSign: true, cRLSign: true))
}

enum ValidationCertificates {
    static func name(_ commonName: String, organization: String = "Zowe Sample") throws -> DistinguishedName {
        try DistinguishedName {
            OrganizationName(organization)
            CommonName(commonName)
        }
    }

    /// A certificate signed by `issuer` (self-signed when nil), with a fixed serial so that two
    /// certificates made alike have DER encodings of the same length.
    static func issue(
        _ subject: DistinguishedName, key: Certificate.PublicKey, profile: ValidationProfile,
        issuer: (name: DistinguishedName, key: Certificate.PrivateKey)?, selfKey: Certificate.PrivateKey? = nil,
        notBefore: Date, notAfter: Date, serial: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x08]
    ) throws -> Certificate {
        var extensions: [Certificate.Extension] = []
        if let constraints = profile.basicConstraints { extensions.append(try .init(constraints, critical: true)) }
        if let usage = profile.keyUsage { extensions.append(try .init(usage, critical: true)) }
        if let usages = profile.extendedKeyUsage { extensions.append(try .init(try ExtendedKeyUsage(usages), critical: false)) }
        var names: [GeneralName] = profile.dnsNames.map { .dnsName($0) }
        for ip in profile.ipAddresses {
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(IPAddressText.bytes(ip)!))))
        }
        if !names.isEmpty { extensions.append(try .init(SubjectAlternativeNames(names), critical: false)) }
        let signer = issuer?.key ?? selfKey!
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: key,
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer?.name ?? subject, subject: subject,
            signatureAlgorithm: CertificateFactory.signatureAlgorithm(for: signer),
            extensions: try Certificate.Extensions(extensions), issuerPrivateKey: signer)
    }
}

/// A keystore directory in Zowe's layout, made by hand from parts that a test replaces one
/// at a time before `write()`; `check()` validates it.
final class ValidationFixture {
    static let hosts: [(host: String, source: String)] = [("localhost", "instance.env:3"), ("127.0.0.1", "instance.env:4")]

    let root: String
    let now: Date
    var alias = "localhost"
    var password = "password"

    var caKey: GeneratedKey
    var caDER: [UInt8]
    var leafKeyDER: [UInt8]
    var leafDER: [UInt8]
    /// The key entry's chain after the leaf.
    var chainTail: [[UInt8]]
    var truststoreEntries: [PKCS12Entry]
    var extraKeystoreEntries: [PKCS12Entry] = []
    /// Replaces or adds lines of zowe-certificates.env.
    var env: [String: String] = [:]
    /// Bytes of the keystore when a test builds it with other tools.
    var keystoreBytes: [UInt8]?
    var truststoreBytes: [UInt8]?
    var keyPEM: String?

    init(caAlgorithm: KeyAlgorithm = .ecP256) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("ZweCertificateValidation-\(UUID().uuidString)").path
        now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        caKey = try caAlgorithm.generate()
        let ca = try ValidationCertificates.issue(
            try ZoweNames.distinguishedName(commonName: ZoweNames.localCACommonName), key: caKey.privateKey.publicKey,
            profile: .authority, issuer: nil, selfKey: caKey.privateKey,
            notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(3_650 * 86_400))
        caDER = try ca.derBytes()
        let leafKey = try KeyAlgorithm.ecP256.generate()
        leafKeyDER = leafKey.pkcs8DER
        leafDER = []
        chainTail = [caDER]
        truststoreEntries = [.trustedCertificate(alias: "localca", der: caDER)]
        try reissueLeaf()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var ca: Certificate { get throws { try Certificate(derEncoded: caDER) } }
    var caName: DistinguishedName { get throws { try ca.subject } }
    var issuerOfLeaf: (name: DistinguishedName, key: Certificate.PrivateKey) { get throws { (try caName, caKey.privateKey) } }

    /// Replaces the leaf (same key unless one is given) with one of this profile and validity.
    func reissueLeaf(
        profile: ValidationProfile = .server, key: GeneratedKey? = nil, notBefore: Date? = nil, notAfter: Date? = nil,
        issuer: (name: DistinguishedName, key: Certificate.PrivateKey)? = nil
    ) throws {
        if let key { leafKeyDER = key.pkcs8DER }
        let publicKey = try Certificate.PrivateKey(derBytes: leafKeyDER).publicKey
        let leaf = try ValidationCertificates.issue(
            try ZoweNames.distinguishedName(commonName: ZoweNames.serviceCommonName), key: publicKey, profile: profile,
            issuer: try issuer ?? issuerOfLeaf,
            notBefore: notBefore ?? now.addingTimeInterval(-3_600), notAfter: notAfter ?? now.addingTimeInterval(365 * 86_400))
        leafDER = try leaf.derBytes()
    }

    var keystorePath: String { "\(root)/\(alias)/\(alias).keystore.p12" }
    var truststorePath: String { "\(root)/\(alias)/\(alias).truststore.p12" }
    var keyPath: String { "\(root)/\(alias)/\(alias).keystore.key" }
    var certificatePath: String { "\(root)/\(alias)/\(alias).keystore.cer-ebcdic" }
    var envPath: String { "\(root)/zowe-certificates.env" }
    var localCAPath: String { "\(root)/local_ca/localca.cer" }

    /// The env file as Zowe writes it, with `env` applied.
    var envPairs: [(String, String)] {
        var pairs: [(String, String)] = [
            ("KEY_ALIAS", alias), ("KEYSTORE_PASSWORD", password), ("KEYSTORE", keystorePath),
            ("KEYSTORE_TYPE", "PKCS12"), ("TRUSTSTORE", truststorePath), ("KEYSTORE_KEY", keyPath),
            ("KEYSTORE_CERTIFICATE", certificatePath), ("KEYSTORE_CERTIFICATE_AUTHORITY", localCAPath),
            ("EXTERNAL_ROOT_CA", ""), ("EXTERNAL_CERTIFICATE_AUTHORITIES", ""),
            ("ZOWE_APIM_VERIFY_CERTIFICATES", "true"), ("ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES", "true"),
            ("SSO_FALLBACK_TO_NATIVE_AUTH", "true"),
        ]
        for (key, value) in env {
            if let index = pairs.firstIndex(where: { $0.0 == key }) { pairs[index].1 = value } else { pairs.append((key, value)) }
        }
        return pairs
    }

    /// Writes the whole directory afresh, owner-only as the setup does.
    func write() throws {
        try? FileManager.default.removeItem(atPath: root)
        for folder in [root, "\(root)/local_ca", "\(root)/\(alias)"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            chmod(folder, 0o700)
        }
        let keystore = try keystoreBytes ?? PKCS12Store.write(
            [.privateKey(alias: alias, pkcs8DER: leafKeyDER, chain: [leafDER] + chainTail)]
                + [.trustedCertificate(alias: "localca", der: caDER)] + extraKeystoreEntries, password: password)
        let truststore = try truststoreBytes ?? PKCS12Store.write(truststoreEntries, password: password)
        let localCA = try PKCS12Store.write([.privateKey(alias: "localca", pkcs8DER: caKey.pkcs8DER, chain: [caDER])], password: password)
        let files: [(String, [UInt8])] = [
            (envPath, Array(ShellQuoting.render(envPairs, header: ["test keystore directory"]).utf8)),
            (localCAPath, Array(PEM.encode(caDER, label: "CERTIFICATE").utf8)),
            ("\(root)/local_ca/localca.keystore.p12", localCA),
            (keystorePath, keystore),
            (truststorePath, truststore),
            ("\(root)/\(alias)/\(alias).keystore.cer", Array(PEM.encode(leafDER, label: "CERTIFICATE").utf8)),
            (certificatePath, Array(PEM.encode(leafDER, label: "CERTIFICATE").utf8)),
            (keyPath, Array((keyPEM ?? PEM.encode(leafKeyDER, label: "PRIVATE KEY")).utf8)),
        ]
        for (path, bytes) in files {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
        }
    }

    func check(hosts: [(host: String, source: String)] = ValidationFixture.hosts, configure: (inout CertificateCheck) -> Void = { _ in }) -> CertificateReport {
        var check = CertificateCheck(keystoreDirectory: root, hosts: hosts)
        check.now = now
        configure(&check)
        return CertificateValidator.check(check)
    }
}

extension CertificateReport {
    var errors: [Diagnostic] { findings.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { findings.filter { $0.severity == .warning } }
    var ids: [String] { findings.map(\.id) }
    var listing: String { findings.map(\.description).joined(separator: "\n") }
}

/// `openssl` and `keytool` for the tests that make certificates the way other tools do.
/// Passwords travel in the environment only.
enum ValidationTools {
    struct Failure: Error, CustomStringConvertible { let description: String }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: String, password: String = "password") throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["ZWE_TEST_PASSWORD"] = password
        let result = try runProgram(tool, arguments, environment: environment, directory: directory)
        guard result.status == 0 else {
            throw Failure(description: "\(tool) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)\(result.stdout)")
        }
        return result.stdout
    }

    static func pemDER(_ path: String) throws -> [UInt8] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try #require(try PEM.decode(text).first).der
    }
}

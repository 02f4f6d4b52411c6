import Crypto
import Foundation
import NIOSSL
import X509
import ZweCertificates
import ZweKeyMaterial
import ZweMessages

/// The certificate the stub presents, as z/OSMF has one of its own that Zowe does not manage:
/// self-signed by default, made in the data directory on first use and reused while it is for
/// the same host name; or a certificate from an "external CA" given as PEM files.
struct StubCertificate: Sendable {
    /// Leaf first.
    let chain: [NIOSSLCertificate]
    let key: NIOSSLPrivateKey
    /// Where an administrator finds it to trust it.
    let path: String
    let origin: String
    /// `DNS:x` and `IP:y`, as the certificate holds them.
    let names: [String]
    /// SHA-256 of the leaf, colon-separated hex as `openssl x509 -fingerprint -sha256` shows it.
    let fingerprint: String

    /// How long a self-signed certificate is valid.
    static let validityDays = 3650

    /// The certificate for `settings`, with the warnings worth logging (a replaced certificate).
    static func load(_ settings: StubSettings, directory: DataDirectory) throws(Diagnostic) -> (StubCertificate, [Diagnostic]) {
        if let given = settings.externalCertificate {
            return (try external(certificate: given.certificate, key: given.key), [])
        }
        return try selfSigned(hostname: settings.hostname, directory: directory)
    }

    // MARK: - The own self-signed certificate

    /// The SAN of a self-signed certificate for `hostname`: the name itself, and 127.0.0.1 only
    /// for the loopback names, so that a certificate for another name is one that a STRICT
    /// client rejects when it connects to localhost.
    static func subjectAlternativeNames(for hostname: String) -> (dns: [String], ip: [String]) {
        if IPAddressText.isAddress(hostname) {
            return (hostname == "127.0.0.1" ? ["localhost"] : [], [hostname])
        }
        return ([hostname], hostname == "localhost" ? ["127.0.0.1"] : [])
    }

    static func selfSigned(hostname: String, directory: DataDirectory) throws(Diagnostic) -> (StubCertificate, [Diagnostic]) {
        let wanted = subjectAlternativeNames(for: hostname)
        let wantedNames = Set(wanted.dns.map { "DNS:\($0)" } + wanted.ip.map { "IP:\($0)" })
        var warnings: [Diagnostic] = []
        switch reusable(directory: directory, wanted: wantedNames) {
        case .reusable(let certificate):
            return (certificate, [])
        case .absent:
            break
        case .unusable(let described):
            warnings.append(Diagnostic(MessageCatalog.zosmfCertificateReplaced, ["dir": directory.path, "old": described, "new": hostname]))
        }
        func notWritten(_ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.zosmfCertificateNotWritten, ["dir": directory.path, "reason": reason])
        }
        let certificatePEM: String
        let keyPEM: String
        do {
            let key = try KeyAlgorithm.default.generate()
            let subject = try DistinguishedName {
                OrganizationName("Zowe for Linux")
                OrganizationalUnitName("z/OSMF stub")
                CommonName(hostname)
            }
            let certificate = try CertificateFactory(validityDays: validityDays).selfSignedServer(
                subject: subject, dnsNames: wanted.dns, ipAddresses: wanted.ip, key: key)
            certificatePEM = try certificate.serializeAsPEM().pemString + "\n"
            keyPEM = key.pkcs8PEM
        } catch {
            throw notWritten("\(error)")
        }
        // The key first: a kill between the two writes leaves a key without its certificate,
        // which the next start sees as a mismatch and replaces.
        do throws(DiskError) {
            try DurableFiles.write(keyPEM, to: directory.keyFile, mode: 0o600)
            try DurableFiles.write(certificatePEM, to: directory.certificateFile, mode: 0o644)
        } catch {
            throw notWritten(error.description)
        }
        do throws(ParseError) {
            let made = try parse(certificatePEM: certificatePEM, keyPEM: keyPEM, path: directory.certificateFile,
                                 origin: "self-signed, made now")
            return (made, warnings)
        } catch {
            throw notWritten(error.reason)
        }
    }

    private enum Reuse {
        case reusable(StubCertificate)
        case absent
        /// What the stored one was for, to say why it is replaced.
        case unusable(String)
    }

    private static func reusable(directory: DataDirectory, wanted: Set<String>) -> Reuse {
        guard let certificateText = try? String(contentsOfFile: directory.certificateFile, encoding: .utf8) else {
            return .absent
        }
        guard let keyText = try? String(contentsOfFile: directory.keyFile, encoding: .utf8),
              let stored = try? parse(certificatePEM: certificateText, keyPEM: keyText, path: directory.certificateFile,
                                      origin: "self-signed, reused") else {
            return .unusable("a certificate and key that do not belong together")
        }
        guard Set(stored.names) == wanted else {
            return .unusable(stored.names.joined(separator: ", "))
        }
        let leaf = try? Certificate(derEncoded: (try? stored.chain[0].toDERBytes()) ?? [])
        if let leaf, leaf.notValidAfter < Date().addingTimeInterval(86_400) {
            return .unusable("\(stored.names.joined(separator: ", ")), expired or about to expire")
        }
        return .reusable(stored)
    }

    // MARK: - A certificate from an external CA

    static func external(certificate path: String, key keyPath: String) throws(Diagnostic) -> StubCertificate {
        func certificateProblem(_ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.zosmfCertificateUnusable, ["path": path, "reason": reason])
        }
        func text(_ file: String) -> Result<String, DiskError> {
            do throws(DiskError) {
                guard let bytes = try DurableFiles.read(file) else { return .failure(DiskError(file, reason: "the file does not exist")) }
                return .success(String(decoding: bytes, as: UTF8.self))
            } catch {
                return .failure(error)
            }
        }
        let certificateText: String
        switch text(path) {
        case .success(let content): certificateText = content
        case .failure(let error): throw certificateProblem(error.reason)
        }
        let keyText: String
        switch text(keyPath) {
        case .success(let content): keyText = content
        case .failure(let error): throw Diagnostic(MessageCatalog.zosmfKeyUnusable, ["path": keyPath, "reason": error.reason])
        }
        do throws(ParseError) {
            return try parse(certificatePEM: certificateText, keyPEM: keyText, path: path, origin: "given with --cert", keyPath: keyPath)
        } catch {
            switch error.part {
            case .certificate: throw certificateProblem(error.reason)
            case .key: throw Diagnostic(MessageCatalog.zosmfKeyUnusable, ["path": keyPath, "reason": error.reason])
            }
        }
    }

    // MARK: - Reading

    struct ParseError: Error {
        enum Part { case certificate, key }
        let part: Part
        let reason: String
    }

    /// The chain and key of PEM texts, checked to belong together.
    static func parse(
        certificatePEM: String, keyPEM: String, path: String, origin: String, keyPath: String? = nil
    ) throws(ParseError) -> StubCertificate {
        let blocks: [PEM.Block]
        do {
            blocks = try PEM.decode(certificatePEM).filter { $0.label == "CERTIFICATE" }
        } catch {
            throw ParseError(part: .certificate, reason: "\(error)")
        }
        guard let leafDER = blocks.first?.der else {
            throw ParseError(part: .certificate, reason: "it holds no PEM CERTIFICATE block")
        }
        let leaf: Certificate
        var chain: [NIOSSLCertificate] = []
        do {
            leaf = try Certificate(derEncoded: leafDER)
            for block in blocks { chain.append(try NIOSSLCertificate(bytes: block.der, format: .der)) }
        } catch {
            throw ParseError(part: .certificate, reason: "it is not a valid X.509 certificate (\(error))")
        }
        if keyPEM.contains("ENCRYPTED PRIVATE KEY") || keyPEM.contains("Proc-Type: 4,ENCRYPTED") {
            throw ParseError(part: .key, reason: "it is encrypted with a passphrase")
        }
        let privateKey: Certificate.PrivateKey
        let key: NIOSSLPrivateKey
        do {
            privateKey = try Certificate.PrivateKey(pemEncoded: keyPEM)
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw ParseError(part: .key, reason: "it is not a PEM private key (PKCS#8, PKCS#1 or SEC1)")
        }
        guard privateKey.publicKey == leaf.publicKey else {
            throw ParseError(part: .key, reason: "it is not the key of the certificate \(path)")
        }
        var names: [String] = []
        if let san = try? leaf.extensions.subjectAlternativeNames {
            for name in san {
                switch name {
                case .dnsName(let dns): names.append("DNS:\(dns)")
                case .ipAddress(let bytes): names.append("IP:\(IPAddressText.text(bytes.bytes) ?? "?")")
                default: break
                }
            }
        }
        let fingerprint = SHA256.hash(data: leafDER).map { String(format: "%02X", $0) }.joined(separator: ":")
        return StubCertificate(chain: chain, key: key, path: path, origin: origin, names: names, fingerprint: fingerprint)
    }

    /// TLS 1.2 and 1.3 with this certificate; no client certificate is asked for (z/OSMF takes
    /// Basic credentials and its cookie).
    func serverConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        configuration.certificateVerification = .none
        // A stop must not wait for close_notify from clients that never send one.
        configuration.shutdownTimeout = .milliseconds(200)
        return configuration
    }

    var inUse: Diagnostic {
        Diagnostic(MessageCatalog.zosmfCertificateInUse, [
            "path": path, "origin": origin, "names": names.isEmpty ? "none" : names.joined(separator: ", "),
            "fingerprint": fingerprint,
        ])
    }
}

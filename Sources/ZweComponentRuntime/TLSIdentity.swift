import Foundation
import NIOSSL
import X509
import ZweKeyring
import ZweMessages
import ZwePKCS12

/// Who to trust and how to check client certificates on the server side.
public enum ClientCertificatePolicy: Sendable, Equatable {
    /// No certificate is asked for.
    case none
    /// One is asked for; a client without one still connects (the discovery service decides per
    /// path). With a `ComponentServer.clientCertificateCheck`, so does a client whose certificate
    /// comes from another CA: the check's verdict is recorded instead of failing the handshake.
    case request
    /// A certificate chaining to the truststore is required to complete the handshake.
    case require
}

/// A component's TLS identity: its private key and certificate chain from KEYSTORE under
/// KEY_ALIAS, and the certificates of TRUSTSTORE as trust roots.
///
/// The stores are read through ZwePKCS12 only: swift-nio-ssl's own PKCS#12 reader stops the
/// process on a truststore that holds certificates without a key, and cannot pick an alias.
public struct TLSIdentity: Sendable {
    public let alias: String
    public let privateKey: NIOSSLPrivateKey
    /// Leaf first.
    public let certificateChain: [NIOSSLCertificate]
    public let trustRoots: [NIOSSLCertificate]
    /// The trust roots that may vouch for a client: only certificate authorities (basic
    /// constraints cA, and keyCertSign when the certificate states its key usage), and not the
    /// entries trusted as z/OSMF's (`zosmf00`, `zosmf01`, ...), which are there to check z/OSMF,
    /// not to let whoever holds z/OSMF's key call this component. A leaf in the truststore is
    /// trusted as a server, never as a client.
    public let clientCertificateAnchors: [NIOSSLCertificate]
    /// Names the component in messages.
    public let component: String
    public let truststorePath: String

    /// Opens KEYSTORE and TRUSTSTORE as the environment names them.
    public static func load(from environment: ComponentEnvironment) throws(Diagnostic) -> TLSIdentity {
        try load(keystore: environment.keystore, truststore: environment.truststore,
                 password: environment.keystorePassword, alias: environment.keyAlias,
                 component: environment.componentID, safDirectory: environment.safDirectory)
    }

    public static func load(
        keystore: String, truststore: String, password: String, alias: String, component: String,
        safDirectory: String? = nil
    ) throws(Diagnostic) -> TLSIdentity {
        if let ring = KeyringName(keystore) {
            return try loadKeyring(ring, truststore: truststore, alias: alias, component: component, safDirectory: safDirectory ?? "")
        }
        let keyEntries = try readStore(keystore, name: "KEYSTORE", component: component) { bytes throws(PKCS12Error) in
            try PKCS12Store.read(bytes, password: password)
        }
        let wanted = alias.lowercased()
        guard let entry = keyEntries.first(where: { $0.alias.lowercased() == wanted }) else {
            let aliases = keyEntries.map { "'\($0.alias)'" }.joined(separator: ", ")
            throw Diagnostic(MessageCatalog.runtimeAliasNotFound, [
                "component": component, "alias": alias, "path": keystore,
                "aliases": aliases.isEmpty ? "none" : aliases,
            ])
        }
        guard case .privateKey(let foundAlias, let pkcs8DER, let chainDER) = entry else {
            throw Diagnostic(MessageCatalog.runtimeAliasNotAKey, ["component": component, "alias": alias, "path": keystore])
        }
        func unusable(_ what: String) -> Diagnostic {
            Diagnostic(MessageCatalog.runtimeKeyUnusable, ["component": component, "what": what, "alias": foundAlias, "path": keystore])
        }
        // BoringSSL's DER key reader takes PKCS#8 PrivateKeyInfo for RSA and EC alike, so
        // the bytes from the store go in as they are, without a PEM round trip.
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: pkcs8DER, format: .der)
        } catch {
            throw unusable("private key")
        }
        var chain: [NIOSSLCertificate] = []
        for der in chainDER {
            do {
                chain.append(try NIOSSLCertificate(bytes: der, format: .der))
            } catch {
                throw unusable("certificate chain")
            }
        }
        guard !chain.isEmpty else { throw unusable("certificate chain") }

        // Every certificate in the truststore file is a root, also a bag without the attribute
        // Java looks for (OpenSSL's `pkcs12 -export -nokeys` writes those): putting a
        // certificate into the truststore is how an administrator says "trust this".
        let trusted = try readStore(truststore, name: "TRUSTSTORE", component: component) { bytes throws(PKCS12Error) in
            try PKCS12Store.certificates(in: bytes, password: password)
        }
        var roots: [NIOSSLCertificate] = []
        var anchors: [NIOSSLCertificate] = []
        for certificate in trusted {
            do {
                let root = try NIOSSLCertificate(bytes: certificate.der, format: .der)
                roots.append(root)
                if Self.mayVouchForClients(certificate.der, alias: certificate.alias) { anchors.append(root) }
            } catch {
                throw Diagnostic(MessageCatalog.runtimeKeyUnusable, [
                    "component": component, "what": "certificate", "alias": certificate.alias ?? "(no alias)",
                    "path": truststore,
                ])
            }
        }
        return TLSIdentity(alias: foundAlias, privateKey: key, certificateChain: chain, trustRoots: roots,
                           clientCertificateAnchors: anchors, component: component, truststorePath: truststore)
    }

    /// A key ring of the simulated SAF database: the certificate labelled KEY_ALIAS with its
    /// key, sent with the ring's certificate authorities as its chain; the truststore's ring
    /// (the same one, as Zowe writes it) gives the roots.
    private static func loadKeyring(
        _ ring: KeyringName, truststore: String, alias: String, component: String, safDirectory: String
    ) throws(Diagnostic) -> TLSIdentity {
        let database = SAFDatabase(root: safDirectory)
        func unusable(_ name: String, _ store: String, _ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.runtimeKeyringUnusable, ["component": component, "name": name, "store": store, "reason": reason, "dir": safDirectory])
        }
        let content: SAFDatabase.RingContent
        do {
            content = try database.open(ring, label: alias)
        } catch {
            throw unusable("KEYSTORE", ring.description, "\(error)")
        }
        guard let labelled = content.labelled, let keyPEM = labelled.privateKeyPEM else {
            throw unusable("KEYSTORE", ring.description, "the certificate labelled '\(alias)' has no private key in the database")
        }
        let key: NIOSSLPrivateKey
        var chain: [NIOSSLCertificate] = []
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            chain = try NIOSSLCertificate.fromPEMBytes(Array(labelled.certificatePEM.utf8))
        } catch {
            throw unusable("KEYSTORE", ring.description, "the certificate or key labelled '\(alias)' is not readable PEM")
        }
        var roots: [NIOSSLCertificate] = []
        var trustContent = content
        guard let trustRing = KeyringName(truststore) else {
            throw unusable("TRUSTSTORE", truststore, "with a key ring as KEYSTORE, TRUSTSTORE must be a key ring too")
        }
        if trustRing != ring {
            do {
                trustContent = try database.open(trustRing, label: nil)
            } catch {
                throw unusable("TRUSTSTORE", trustRing.description, "\(error)")
            }
        }
        for authority in trustContent.authorities {
            guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8)) else {
                throw unusable("TRUSTSTORE", truststore, "\(authority.owner)/'\(authority.label)' is not readable PEM")
            }
            roots += certificates
        }
        // The chain sent: the leaf, then the ring's authorities other than itself.
        for authority in content.authorities where authority != labelled {
            if let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(authority.certificatePEM.utf8)) { chain += certificates }
        }
        let anchors = roots.filter { Self.mayVouchForClients((try? $0.toDERBytes()) ?? [], alias: nil) }
        return TLSIdentity(alias: labelled.label, privateKey: key, certificateChain: chain, trustRoots: roots,
                           clientCertificateAnchors: anchors, component: component, truststorePath: truststore)
    }

    /// Whether a truststore certificate may be a client-certificate anchor (see
    /// `clientCertificateAnchors`).
    public static func mayVouchForClients(_ der: [UInt8], alias: String?) -> Bool {
        if let alias = alias?.lowercased(), alias.hasPrefix("zosmf"), alias.dropFirst(5).allSatisfy(\.isNumber),
           alias.count > 5 { return false }
        guard let certificate = try? Certificate(derEncoded: der),
              case .isCertificateAuthority = try? certificate.extensions.basicConstraints else { return false }
        if let usage = try? certificate.extensions.keyUsage, !usage.keyCertSign { return false }
        return true
    }

    private static func readStore<Content>(
        _ path: String, name: String, component: String, parse: ([UInt8]) throws(PKCS12Error) -> Content
    ) throws(Diagnostic) -> Content {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw Diagnostic(MessageCatalog.runtimeStoreUnreadable, [
                "component": component, "name": name, "path": path, "reason": error.reason,
            ])
        }
        do {
            return try parse(bytes)
        } catch .wrongPassword {
            throw Diagnostic(MessageCatalog.runtimeStoreWrongPassword, ["component": component, "name": name, "path": path])
        } catch {
            let reason: String
            switch error {
            case .malformed(let text), .unsupported(let text), .failed(let text): reason = text
            case .wrongPassword: reason = "wrong password"
            }
            throw Diagnostic(MessageCatalog.runtimeStoreNotPKCS12, [
                "component": component, "name": name, "path": path, "reason": reason,
            ])
        }
    }

    private struct ReadError: Error {
        let reason: String
    }

    /// The whole file, with errno's words when it cannot be read (Foundation's errors name
    /// the file again and say less about why).
    private static func readFile(_ path: String) throws(ReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw ReadError(reason: "it is a folder") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    // MARK: - TLS configurations

    /// The server side: this component's certificate, TLS 1.2 or 1.3.
    public func serverConfiguration(clientCertificates: ClientCertificatePolicy) throws(Diagnostic) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) },
            privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        // When the server closes a connection (a stop, `Connection: close`), NIOSSL waits for the
        // client's close_notify; Hummingbird no longer reads the connection by then, so it never
        // arrives and each close takes the whole timeout: a SIGTERM during a request made the
        // exit 5 s late. The response is complete at that point; nothing is lost by not waiting.
        configuration.shutdownTimeout = .milliseconds(200)
        switch clientCertificates {
        case .none:
            configuration.certificateVerification = .none
        case .request, .require:
            try requireTrustRoots(for: "checking client certificates")
            configuration.trustRoots = .certificates(clientCertificateAnchors)
            // Clients holding several certificates pick the one our CAs issued.
            configuration.sendCANameList = true
            configuration.certificateVerification = clientCertificates == .require
                ? .noHostnameVerification : .optionalVerification
        }
        return configuration
    }

    /// `serverConfiguration(clientCertificates:)` with `.require` or `.none`.
    public func serverConfiguration(requireClientCertificate: Bool) throws(Diagnostic) -> TLSConfiguration {
        try serverConfiguration(clientCertificates: requireClientCertificate ? .require : .none)
    }

    /// The client side, for calls to other services in the verify mode of the instance.
    public func clientConfiguration(mode: VerifyMode) throws(Diagnostic) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.maximumTLSVersion = .tlsv13
        switch mode {
        case .disabled:
            configuration.certificateVerification = .none
            return configuration
        case .strict:
            configuration.certificateVerification = .fullVerification
        case .nonStrict:
            configuration.certificateVerification = .noHostnameVerification
        }
        try requireTrustRoots(for: "checking server certificates in verify mode \(mode.rawValue)")
        configuration.trustRoots = .certificates(trustRoots)
        configuration.certificateChain = certificateChain.map { .certificate($0) }
        configuration.privateKey = .privateKey(privateKey)
        return configuration
    }

    private func requireTrustRoots(for purpose: String) throws(Diagnostic) {
        if trustRoots.isEmpty {
            throw Diagnostic(MessageCatalog.runtimeTruststoreEmpty, [
                "component": component, "path": truststorePath, "purpose": purpose,
            ])
        }
    }
}

import Foundation
import NIOSSL
import X509
import ZweKeyMaterial
import ZweMessages

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
        try load(environment.stores, password: environment.keystorePassword, component: environment.componentID)
    }

    /// The same from the variables' values (a `safkeyring:` value reads `safDirectory`).
    public static func load(
        keystore: String, truststore: String, password: String, alias: String, component: String,
        safDirectory: String? = nil
    ) throws(Diagnostic) -> TLSIdentity {
        guard let key = StoreReference(keystore, safDirectory: safDirectory) else {
            throw Diagnostic(MessageCatalog.runtimeVariableInvalid, ["component": component, "name": CertificateVariable.keystore.name, "value": keystore, "expected": "a key ring named safkeyring:////OWNER/RING"])
        }
        guard let trust = StoreReference(truststore, safDirectory: safDirectory) else {
            throw Diagnostic(MessageCatalog.runtimeVariableInvalid, ["component": component, "name": CertificateVariable.truststore.name, "value": truststore, "expected": "a key ring named safkeyring:////OWNER/RING"])
        }
        return try load(KeyMaterialStores(keystore: key, truststore: trust, keyAlias: alias), password: password, component: component)
    }

    /// The key entry as the TLS library's key and chain, the truststore as its roots.
    public static func load(_ stores: KeyMaterialStores, password: String, component: String) throws(Diagnostic) -> TLSIdentity {
        let material: KeyMaterial
        do {
            material = try stores.open(password: password)
        } catch {
            throw error.diagnostic(component: component)
        }
        let keystore = stores.keystore.description
        func unusable(_ what: String) -> Diagnostic {
            Diagnostic(MessageCatalog.runtimeKeyUnusable, ["component": component, "what": what, "alias": material.key.alias, "path": keystore])
        }
        // BoringSSL's DER key reader takes PKCS#8 PrivateKeyInfo for RSA and EC alike, so
        // the bytes from the store go in as they are, without a PEM round trip.
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: material.key.privateKeyDER, format: .der)
        } catch {
            throw unusable("private key")
        }
        var chain: [NIOSSLCertificate] = []
        for der in material.key.chain {
            do {
                chain.append(try NIOSSLCertificate(bytes: der, format: .der))
            } catch {
                throw unusable("certificate chain")
            }
        }
        guard !chain.isEmpty else { throw unusable("certificate chain") }
        var roots: [NIOSSLCertificate] = []
        var anchors: [NIOSSLCertificate] = []
        // Only a PKCS#12 truststore's aliases say which entries are z/OSMF's; a ring's labels are the administrator's.
        let aliasesNameZosmf = !stores.truststore.isKeyring
        for certificate in material.trusted {
            do {
                let root = try NIOSSLCertificate(bytes: certificate.der, format: .der)
                roots.append(root)
                if Self.mayVouchForClients(certificate.der, alias: aliasesNameZosmf ? certificate.alias : nil) { anchors.append(root) }
            } catch {
                throw Diagnostic(MessageCatalog.runtimeKeyUnusable, [
                    "component": component, "what": "certificate", "alias": certificate.alias ?? "(no alias)",
                    "path": stores.truststore.description,
                ])
            }
        }
        return TLSIdentity(alias: material.key.alias, privateKey: key, certificateChain: chain, trustRoots: roots,
                           clientCertificateAnchors: anchors, component: component, truststorePath: stores.truststore.description)
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

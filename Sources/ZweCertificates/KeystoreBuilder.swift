import Foundation
import SwiftASN1
import X509
import ZweConfiguration
import ZweKeyMaterial
import ZweMessages
import ZwePKCS12

/// One file of a keystore set, path relative to the set's root.
public struct SetFile: Sendable {
    public let relativePath: String
    public let contents: [UInt8]
    public let isSecret: Bool
}

/// Makes, in memory, every file of a keystore directory from the settings. Nothing touches
/// the disk here except reading the external certificate and CA files named in the settings.
public struct KeystoreBuilder: Sendable {
    public let settings: SetupSettings
    public let now: Date
    /// The certificates trusted as zosmf00, zosmf01, ... (DER); nil: read ZOSMF_CERTIFICATE's
    /// files here. The setup passes what `ZosmfTrust` read or fetched, so that a network fetch
    /// happens once and before anything is built.
    public let zosmfCertificates: [[UInt8]]?
    /// Renewal: the local CA and the JWT key of the set in place, kept as they are; only the
    /// Zowe certificate and the component certificates are new.
    public let kept: Kept?

    public struct Kept: Sendable {
        public var caKey: GeneratedKey
        public var caDER: [UInt8]
        public var jwtKey: GeneratedKey
        public var jwtDER: [UInt8]

        public init(caKey: GeneratedKey, caDER: [UInt8], jwtKey: GeneratedKey, jwtDER: [UInt8]) {
            self.caKey = caKey
            self.caDER = caDER
            self.jwtKey = jwtKey
            self.jwtDER = jwtDER
        }
    }

    public init(settings: SetupSettings, now: Date = Date(), zosmfCertificates: [[UInt8]]? = nil, kept: Kept? = nil) {
        self.settings = settings
        self.now = now
        self.zosmfCertificates = zosmfCertificates
        self.kept = kept
    }

    public func build() async throws(Diagnostics) -> [SetFile] {
        do {
            return try await buildOrThrow()
        } catch let diagnostics as Diagnostics {
            throw diagnostics
        } catch let diagnostic as Diagnostic {
            throw Diagnostics([diagnostic])
        } catch {
            throw Diagnostics([Diagnostic(MessageCatalog.storeWriteFailed, ["path": settings.keystoreDirectory, "reason": "\(error)"])])
        }
    }

    private func buildOrThrow() async throws -> [SetFile] {
        let layout = KeystoreLayout(root: "", alias: settings.alias)
        func rel(_ path: String) -> String { String(path.dropFirst()) }  // drop the leading "/" of the empty root
        let factory = CertificateFactory(validityDays: settings.validityDays, now: now)

        // Read external material first: a bad file must fail before any key is made.
        let external = try settings.external.map { try ExternalCertificate.load($0, password: settings.password) }
        let zosmfCertificates = try self.zosmfCertificates ?? settings.zosmfCertificates.flatMap { try CertificateFile.read($0).map(\.der) }

        // Key generation dominates the run time: make all keys at once, one task each.
        let componentIDs = settings.componentCertificates
        let keyCount = (kept == nil ? 2 : 0) + (external == nil ? 1 : 0) + componentIDs.count
        let algorithm = settings.keyAlgorithm
        var keys = try await withThrowingTaskGroup(of: (Int, GeneratedKey).self) { group in
            for index in 0..<keyCount {
                group.addTask { (index, try algorithm.generate()) }
            }
            var result = [GeneratedKey?](repeating: nil, count: keyCount)
            for try await (index, key) in group { result[index] = key }
            return result.map { $0! }
        }
        let caKey = kept?.caKey ?? keys.removeFirst()
        let jwtKey = kept?.jwtKey ?? keys.removeFirst()
        let generatedServerKey = external == nil ? keys.removeFirst() : nil
        let componentKeys = keys

        let ca = try kept.map { try Certificate(derEncoded: $0.caDER) } ?? factory.localCA(key: caKey)
        let caDER = try kept?.caDER ?? ca.derBytes()

        // The Zowe certificate: generated and signed by the local CA, or the external one.
        let serverKey: GeneratedKey
        let serverChain: [[UInt8]]
        if let external {
            serverKey = external.key
            serverChain = external.chain
        } else {
            let key = generatedServerKey!
            let leaf = try factory.server(
                commonName: ZoweNames.serviceCommonName, dnsNames: settings.sanDNSNames,
                ipAddresses: settings.sanIPAddresses, key: key, issuer: ca, issuerKey: caKey.privateKey)
            serverKey = key
            serverChain = [try leaf.derBytes(), caDER]
        }

        let jwtDER = try kept?.jwtDER ?? factory.jwtSecret(key: jwtKey).derBytes()
        var keystoreEntries: [PKCS12Entry] = [
            .privateKey(alias: settings.alias, pkcs8DER: serverKey.pkcs8DER, chain: serverChain),
            .trustedCertificate(alias: "localca", der: caDER),
            .privateKey(alias: "jwtsecret", pkcs8DER: jwtKey.pkcs8DER, chain: [jwtDER]),
        ]
        var files: [SetFile] = []
        for (id, key) in zip(componentIDs, componentKeys) {
            let certificate = try factory.server(
                commonName: "\(ZoweNames.serviceCommonName) - \(id)", dnsNames: settings.sanDNSNames,
                ipAddresses: settings.sanIPAddresses, key: key, issuer: ca, issuerKey: caKey.privateKey)
            let der = try certificate.derBytes()
            keystoreEntries.append(.privateKey(alias: id, pkcs8DER: key.pkcs8DER, chain: [der, caDER]))
            files.append(SetFile(relativePath: rel(layout.componentCertificate(id)), contents: Array(PEM.encode(der, label: "CERTIFICATE").utf8), isSecret: false))
            files.append(SetFile(relativePath: rel(layout.componentKey(id)), contents: Array(key.pkcs8PEM.utf8), isSecret: true))
        }

        var truststoreEntries: [PKCS12Entry] = [.trustedCertificate(alias: "localca", der: caDER)]
        var externalCAPaths: [String] = []
        var externalRootPath = ""
        for (index, authority) in (external?.authorities ?? []).enumerated() {
            let number = index + 1
            truststoreEntries.append(.trustedCertificate(alias: "extca\(number)", der: authority.der))
            let path = layout.externalCA(number)
            files.append(SetFile(relativePath: rel(path), contents: Array(PEM.encode(authority.der, label: "CERTIFICATE").utf8), isSecret: false))
            externalCAPaths.append(settings.keystoreDirectory + path)
            if authority.isSelfSigned || externalRootPath.isEmpty { externalRootPath = settings.keystoreDirectory + path }
        }
        for (index, der) in zosmfCertificates.enumerated() {
            truststoreEntries.append(.trustedCertificate(alias: ZosmfTrust.alias(index), der: der))
        }

        let leafPEM = Array(PEM.encode(serverChain[0], label: "CERTIFICATE").utf8)
        let password = settings.password
        files += [
            SetFile(relativePath: rel(layout.localCACertificate), contents: Array(PEM.encode(caDER, label: "CERTIFICATE").utf8), isSecret: false),
            SetFile(relativePath: rel(layout.localCAKeystore), contents: try Self.store([.privateKey(alias: "localca", pkcs8DER: caKey.pkcs8DER, chain: [caDER])], password, path: layout.localCAKeystore), isSecret: true),
            SetFile(relativePath: rel(layout.keystore), contents: try Self.store(keystoreEntries, password, path: layout.keystore), isSecret: true),
            SetFile(relativePath: rel(layout.truststore), contents: try Self.store(truststoreEntries, password, path: layout.truststore), isSecret: true),
            SetFile(relativePath: rel(layout.certificate), contents: leafPEM, isSecret: false),
            SetFile(relativePath: rel(layout.certificateEBCDIC), contents: leafPEM, isSecret: false),
            SetFile(relativePath: rel(layout.privateKey), contents: Array(serverKey.pkcs8PEM.utf8), isSecret: true),
            SetFile(relativePath: rel(layout.jwtPublicKey), contents: Array(PEM.encode(try Self.subjectPublicKeyInfo(jwtKey.privateKey.publicKey), label: "PUBLIC KEY").utf8), isSecret: false),
        ]

        let finalLayout = KeystoreLayout(root: settings.keystoreDirectory, alias: settings.alias)
        let environment = CertificateEnvironment.pkcs12(
            alias: settings.alias, password: password, keystore: finalLayout.keystore, truststore: finalLayout.truststore,
            key: finalLayout.privateKey, certificate: finalLayout.certificateEBCDIC, authority: finalLayout.localCACertificate,
            externalRootCA: externalRootPath, externalAuthorities: externalCAPaths,
            verify: settings.verifyCertificates, nonStrict: settings.nonStrictVerifyCertificates,
            ssoFallbackToNativeAuth: settings.ssoFallbackToNativeAuth)
        let header = [
            "Zowe keystore directory, written by 'zwe init certificate'.",
            "Components read these values; a POSIX shell that sources this file reads the same bytes.",
            "Do not edit: run the setup again to change them.",
        ]
        files.insert(SetFile(relativePath: rel(layout.environmentFile), contents: Array(environment.render(header: header).utf8), isSecret: true), at: 0)
        return files
    }

    static func subjectPublicKeyInfo(_ key: Certificate.PublicKey) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(key)
        return serializer.serializedBytes
    }

    static func store(_ entries: [PKCS12Entry], _ password: String, path: String) throws -> [UInt8] {
        do {
            return try PKCS12Store.write(entries, password: password)
        } catch {
            throw Diagnostic(MessageCatalog.storeWriteFailed, ["path": String(path.dropFirst()), "reason": "\(error)"])
        }
    }
}

extension Certificate {
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }

    public var isSelfSigned: Bool {
        subject == issuer && publicKey.isValidSignature(signature, for: self)
    }
}

// Makes, in memory, every file of a Zowe v2 keystore directory (KeystoreLayoutV2) from the
// zowe.yaml settings: the local CA with its own store and password, the Zowe certificate it
// signs (or the key entry of pkcs12.import), the keystore and truststore with the imported
// CAs (extca1..) and z/OSMF's chain (zosmf00..), and the PEM exports. Nothing touches the disk
// except reading the files the settings name; KeystoreWriter publishes the result.

import Foundation
import X509
import ZweKeyMaterial
import ZweMessages
import ZwePKCS12

public struct KeystoreBuilderV2: Sendable {
    public let settings: ZoweYAMLSetupSettings
    public let pkcs12: ZoweYAMLSetupSettings.PKCS12
    /// DER certificates trusted as zosmf00, zosmf01, ... (what ZosmfTrust fetched).
    public let zosmfCertificates: [[UInt8]]
    public let now: Date

    public init(settings: ZoweYAMLSetupSettings, pkcs12: ZoweYAMLSetupSettings.PKCS12, zosmfCertificates: [[UInt8]], now: Date = Date()) {
        self.settings = settings
        self.pkcs12 = pkcs12
        self.zosmfCertificates = zosmfCertificates
        self.now = now
    }

    public struct Built: Sendable {
        public var files: [SetFile]
        /// Absolute paths of the CA certificates the Zowe certificate is checked against
        /// (zowe.certificate.pem.certificateAuthorities): the local CA first, then extca1...
        public var certificateAuthorities: [String]
        public var topLevelNames: [String]
    }

    public func build() async throws(Diagnostics) -> Built {
        do {
            return try await buildOrThrow()
        } catch let diagnostics as Diagnostics {
            throw diagnostics
        } catch let diagnostic as Diagnostic {
            throw Diagnostics([diagnostic])
        } catch {
            throw Diagnostics([Diagnostic(MessageCatalog.storeWriteFailed, ["path": pkcs12.layout.root, "reason": "\(error)"])])
        }
    }

    private func buildOrThrow() async throws -> Built {
        let final = pkcs12.layout
        let layout = final.rebased(to: "")
        func relative(_ path: String) -> String { String(path.dropFirst()) }
        func pem(_ der: [UInt8]) -> [UInt8] { Array(PEM.encode(der, label: "CERTIFICATE").utf8) }
        let base = settings.base

        // External material first: a bad file fails before any key is made.
        let imported = try base.external.map { try ExternalCertificate.load($0, password: pkcs12.importing?.password ?? "") }
        var authorities: [LoadedCertificate] = []
        for file in settings.authorities { authorities += try CertificateFile.read(file) }

        let algorithm = base.keyAlgorithm
        let factory = CertificateFactory(validityDays: base.validityDays, now: now, names: settings.names)
        var files: [SetFile] = []
        var keystoreEntries: [PKCS12Entry] = []
        var truststoreEntries: [PKCS12Entry] = []
        var certificateAuthorities: [String] = []
        let serverKey: GeneratedKey
        let serverChain: [[UInt8]]
        if let imported {
            serverKey = imported.key
            serverChain = imported.chain
        } else {
            async let caKeyTask = algorithm.generate()
            async let serverKeyTask = algorithm.generate()
            let caKey = try await caKeyTask
            serverKey = try await serverKeyTask
            let ca = try factory.localCA(key: caKey)
            let caDER = try ca.derBytes()
            let leaf = try factory.server(
                commonName: settings.names.commonName, dnsNames: base.sanDNSNames, ipAddresses: base.sanIPAddresses,
                key: serverKey, issuer: ca, issuerKey: caKey.privateKey)
            serverChain = [try leaf.derBytes(), caDER]
            let caAlias = layout.caEntryAlias
            files.append(SetFile(relativePath: relative(layout.caKeystore), contents: try KeystoreBuilder.store(
                [.privateKey(alias: caAlias, pkcs8DER: caKey.pkcs8DER, chain: [caDER])], pkcs12.caPassword, path: layout.caKeystore), isSecret: true))
            files.append(SetFile(relativePath: relative(layout.caCertificate), contents: pem(caDER), isSecret: false))
            files.append(SetFile(relativePath: relative(layout.exported(caAlias)), contents: pem(caDER), isSecret: false))
            keystoreEntries.append(.trustedCertificate(alias: caAlias, der: caDER))
            truststoreEntries.append(.trustedCertificate(alias: caAlias, der: caDER))
            certificateAuthorities.append(final.caCertificate)
        }
        keystoreEntries.insert(.privateKey(alias: layout.alias, pkcs8DER: serverKey.pkcs8DER, chain: serverChain), at: 0)
        // Imported CAs go into both stores, as Zowe's --trust-cas does, to keep the chain whole.
        for (index, authority) in authorities.enumerated() {
            let alias = KeystoreLayoutV2.externalAlias(index + 1)
            keystoreEntries.append(.trustedCertificate(alias: alias, der: authority.der))
            truststoreEntries.append(.trustedCertificate(alias: alias, der: authority.der))
            files.append(SetFile(relativePath: relative(layout.exported(alias)), contents: pem(authority.der), isSecret: false))
            certificateAuthorities.append(final.exported(alias))
        }
        for (index, der) in zosmfCertificates.enumerated() {
            let alias = ZosmfTrust.alias(index)
            truststoreEntries.append(.trustedCertificate(alias: alias, der: der))
            files.append(SetFile(relativePath: relative(layout.exported(alias)), contents: pem(der), isSecret: false))
        }
        let password = base.password
        files += [
            SetFile(relativePath: relative(layout.keystore), contents: try KeystoreBuilder.store(keystoreEntries, password, path: layout.keystore), isSecret: true),
            SetFile(relativePath: relative(layout.truststore), contents: try KeystoreBuilder.store(truststoreEntries, password, path: layout.truststore), isSecret: true),
            SetFile(relativePath: relative(layout.certificate), contents: pem(serverChain[0]), isSecret: false),
            SetFile(relativePath: relative(layout.privateKey), contents: Array(serverKey.pkcs8PEM.utf8), isSecret: true),
        ]
        let topLevel = imported == nil ? layout.topLevelNames : [layout.name]
        return Built(files: files, certificateAuthorities: certificateAuthorities, topLevelNames: topLevel)
    }
}

import Foundation
import ZweConfiguration
import ZweKeyMaterial
import ZweKeyring
import ZweMessages
import ZwePKCS12
import X509

/// `zwe init certificate`: builds a complete keystore set in memory, then publishes it into
/// the keystore directory under its lock. A configuration or build error leaves the disk as it was.
public struct KeystoreSetup: Sendable {
    public let settings: SetupSettings

    public init(settings: SetupSettings) { self.settings = settings }

    public struct Result: Sendable {
        public let layout: KeystoreLayout
        public let messages: [Diagnostic]
    }

    /// - Parameters:
    ///   - onWait: called once if another setup holds the directory's lock.
    ///   - onMessage: progress worth showing at once (the z/OSMF fetch, which may take seconds).
    /// `zwe certificate renew`: the Zowe certificate and the component certificates issued
    /// again by the local CA in place (its key and the JWT key kept), published as a new set
    /// in one rename; in keyring mode, the ring's certificate issued again by its CA label.
    public func renew(onWait: @Sendable () -> Void = {}, onMessage: (Diagnostic) -> Void = { _ in }) async throws(Diagnostics) -> Result {
        let directory = settings.keystoreDirectory
        func impossible(_ reason: String) -> Diagnostics {
            Diagnostics([Diagnostic(MessageCatalog.renewNotPossible, ["dir": directory, "reason": reason])])
        }
        if let keyring = settings.keyring {
            guard keyring.generate else { throw impossible("its certificate was put into the key ring from outside (GENERATE_CERTS_FOR_KEYRING=false); renew it with its CA and 'zwe keyring import'") }
            return try runKeyring(keyring, trust: ZosmfTrust.Outcome(), onWait: onWait)
        }
        guard settings.external == nil else { throw impossible("its Zowe certificate is an external one; have it renewed by its CA and run 'zwe init certificate' with it") }
        let layout = KeystoreLayout(root: directory, alias: settings.alias)
        func keyEntry(_ path: String, _ alias: String) throws(Diagnostics) -> (GeneratedKey, [UInt8]) {
            guard let data = FileManager.default.contents(atPath: path) else { throw impossible("\(path) cannot be read") }
            guard let entries = try? PKCS12Store.read(Array(data), password: settings.password) else {
                throw impossible("\(path) does not open with the keystore password")
            }
            for case .privateKey(let name, let pkcs8, let chain) in entries where name.lowercased() == alias && !chain.isEmpty {
                guard let key = try? GeneratedKey(pkcs8DER: pkcs8) else { throw impossible("the key \(alias) of \(path) cannot be read") }
                return (key, chain[0])
            }
            throw impossible("\(path) has no key entry \(alias)")
        }
        let (caKey, caDER) = try keyEntry(layout.localCAKeystore, "localca")
        let (jwtKey, jwtDER) = try keyEntry(layout.keystore, "jwtsecret")
        let kept = KeystoreBuilder.Kept(caKey: caKey, caDER: caDER, jwtKey: jwtKey, jwtDER: jwtDER)
        var result = try await run(onWait: onWait, onMessage: onMessage, kept: kept)
        if let leaf = (try? CertificateFile.read(layout.certificate))?.first?.certificate {
            let serial = leaf.serialNumber.bytes.map { String(format: "%02X", $0) }.joined()
            result = Result(layout: result.layout, messages: result.messages + [Diagnostic(MessageCatalog.renewed, [
                "alias": settings.alias, "dir": directory, "serial": serial,
                "notAfter": ISO8601DateFormatter().string(from: leaf.notValidAfter),
            ])])
        }
        return result
    }

    public func run(onWait: @Sendable () -> Void = {}, onMessage: (Diagnostic) -> Void = { _ in }) async throws(Diagnostics) -> Result {
        try await run(onWait: onWait, onMessage: onMessage, kept: nil)
    }

    private func run(onWait: @Sendable () -> Void, onMessage: (Diagnostic) -> Void, kept: KeystoreBuilder.Kept?) async throws(Diagnostics) -> Result {
        // z/OSMF's chain first: a fetch that fails must fail before any key is made. The call
        // blocks this task for at most the fetch's time limit; nothing else runs yet.
        let trust: ZosmfTrust.Outcome
        do {
            trust = try ZosmfTrust.resolve(settings, onMessage: onMessage)
        } catch {
            throw Diagnostics([error])
        }
        if let keyring = settings.keyring {
            return try runKeyring(keyring, trust: trust, onWait: onWait)
        }
        let files = try await KeystoreBuilder(settings: settings, zosmfCertificates: trust.certificates, kept: kept).build()
        let writer = KeystoreWriter(directory: settings.keystoreDirectory, lockKeystore: settings.lockKeystore)
        let layout = KeystoreLayout(root: settings.keystoreDirectory, alias: settings.alias)
        do {
            let lock = try writer.lock(onWait: onWait)
            defer { lock.release() }
            let warnings = try writer.publish(
                files, topLevelNames: layout.topLevelNames,
                owner: Ownership(user: settings.userID, group: settings.groupID))
            let san = settings.sanDNSNames.map { "DNS:\($0)" } + settings.sanIPAddresses.map { "IP:\($0)" }
            let done = Diagnostic(MessageCatalog.keystoreWritten, [
                "dir": settings.keystoreDirectory, "alias": settings.alias,
                "algorithm": settings.external == nil ? settings.keyAlgorithm.description : "external",
                "days": "\(settings.validityDays)",
                "san": settings.external == nil ? san.joined(separator: ", ") : "the external certificate's names",
            ])
            return Result(layout: layout, messages: warnings + trust.messages + [done])
        } catch {
            throw Diagnostics([error])
        }
    }

    /// Keyring mode: the ring made or completed in the SAF database (ZWEKRING's first case when
    /// GENERATE_CERTS_FOR_KEYRING is true; z/OSMF's CA connected as ROOTZFCA in any case), then
    /// a keystore directory that holds only zowe-certificates.env pointing at the ring.
    private func runKeyring(_ keyring: SetupSettings.Keyring, trust: ZosmfTrust.Outcome, onWait: @Sendable () -> Void) throws(Diagnostics) -> Result {
        let database = SAFDatabase(root: keyring.safDirectory)
        let trusted = trust.certificates.enumerated().map { index, der in (label: index == 0 ? "ROOTZFCA" : "ROOTZFCA\(index)", der: der) }
        var messages: [Diagnostic] = []
        do {
            if keyring.generate {
                messages += try KeyringGeneration(
                    owner: keyring.owner, ring: keyring.name, label: settings.alias, caLabel: keyring.localCALabel,
                    dnsNames: settings.sanDNSNames, ipAddresses: settings.sanIPAddresses,
                    algorithm: settings.keyAlgorithm, validityDays: settings.validityDays).run(database, trusted: trusted)
            } else {
                try database.locked {
                    guard try database.ring(owner: keyring.owner, name: keyring.name) != nil else {
                        throw SAFDatabase.Failure.ringMissing(keyring.owner, keyring.name)
                    }
                    for authority in trusted {
                        messages += try KeyringGeneration.connectAuthority(database, keyring.owner, keyring.name, label: authority.label, der: authority.der)
                    }
                }
            }
        } catch {
            throw Diagnostics([Diagnostic(MessageCatalog.keyringFailed, ["operation": "The setup", "dir": keyring.safDirectory, "reason": "\(error)"])])
        }
        let environment = CertificateEnvironment.keyring(
            alias: settings.alias, password: settings.password, owner: keyring.owner, ring: keyring.name,
            localCA: keyring.localCALabel, safDirectory: keyring.safDirectory,
            verify: settings.verifyCertificates, nonStrict: settings.nonStrictVerifyCertificates,
            ssoFallbackToNativeAuth: settings.ssoFallbackToNativeAuth)
        let store = environment.keystore
        let header = [
            "Zowe keystore directory in keyring mode, written by 'zwe init certificate'.",
            "The certificates are in the key ring KEYSTORE names, in the SAF database ZWE_SAF_DIR.",
            "Do not edit: run the setup again to change them.",
        ]
        let files = [SetFile(relativePath: KeystoreLayout.environmentFileName,
                             contents: Array(environment.render(header: header).utf8), isSecret: true)]
        let writer = KeystoreWriter(directory: settings.keystoreDirectory, lockKeystore: settings.lockKeystore)
        let layout = KeystoreLayout(root: settings.keystoreDirectory, alias: settings.alias)
        do {
            let lock = try writer.lock(onWait: onWait)
            defer { lock.release() }
            // Only the env file: the links of an earlier PKCS#12 set go.
            let warnings = try writer.publish(files, topLevelNames: [KeystoreLayout.environmentFileName],
                                              owner: Ownership(user: settings.userID, group: settings.groupID))
            let done = Diagnostic(MessageCatalog.keyringSetupWritten, [
                "dir": settings.keystoreDirectory, "store": store, "saf": keyring.safDirectory, "label": settings.alias,
            ])
            return Result(layout: layout, messages: messages + warnings + trust.messages + [done])
        } catch {
            throw Diagnostics([error])
        }
    }
}

// `zwe init certificate -c zowe.yaml`: z/OSMF's chain fetched first (when the verify mode
// asks for it), then the Zowe v2 keystore set built in memory and published under the
// directory's lock in one rename, or, for a key ring, the ring generated in the simulated SAF
// database. The result names the zowe.certificate values the instance needs, which the
// command writes into the configuration (--update-config) or prints.

import Foundation
import ZweConfiguration
import ZweKeyMaterial
import ZweKeyring
import ZweMessages

public struct ZoweYAMLCertificateSetup: Sendable {
    public let settings: ZoweYAMLSetupSettings

    public init(settings: ZoweYAMLSetupSettings) { self.settings = settings }

    public struct Result: Sendable {
        public var messages: [Diagnostic]
        /// zowe.certificate.* as the instance reads them.
        public var runtimeValues: [ZoweConfigEditor.Change]
    }

    /// The values zowe.certificate gets: paths and type are known before anything is made,
    /// so that the configuration can be checked for being editable before the setup writes.
    public var runtimeValues: [ZoweConfigEditor.Change] {
        let password: ConfigValue
        switch settings.passwordSource {
        // The password is named rather than copied, so it is in the file once (or not at all).
        case .configuration: password = .string("${{ zowe.setup.certificate.pkcs12.password }}")
        case .outside: password = .string("${{ process.env.\(CertificateVariable.passwordOverride.name) }}")
        case .defaultValue: password = .string(settings.base.password)
        }
        func value(_ key: String, _ value: ConfigValue) -> ZoweConfigEditor.Change {
            ZoweConfigEditor.Change(ConfigPath("zowe.certificate." + key), value)
        }
        switch settings.store {
        case .pkcs12(let pkcs12):
            let layout = pkcs12.layout
            var authorities = pkcs12.importing == nil ? [layout.caCertificate] : []
            authorities += settings.authorities.indices.map { layout.exported(KeystoreLayoutV2.externalAlias($0 + 1)) }
            return [
                value("keystore.type", .string("PKCS12")), value("keystore.file", .string(layout.keystore)),
                value("keystore.password", password), value("keystore.alias", .string(layout.alias)),
                value("truststore.type", .string("PKCS12")), value("truststore.file", .string(layout.truststore)),
                value("truststore.password", password),
                value("pem.key", .string(layout.privateKey)), value("pem.certificate", .string(layout.certificate)),
                value("pem.certificateAuthorities", .strings(authorities)),
            ]
        case .keyring(let ring):
            return [
                value("keystore.type", .string("JCERACFKS")), value("keystore.file", .string(ring.reference)),
                value("keystore.password", .string("password")), value("keystore.alias", .string(ring.label)),
                value("truststore.type", .string("JCERACFKS")), value("truststore.file", .string(ring.reference)),
                value("truststore.password", .string("password")),
                value("pem.key", .string("")), value("pem.certificate", .string("")),
                value("pem.certificateAuthorities", .strings(["\(ring.reference)&\(ring.caLabel)"])),
            ]
        }
    }

    public func run(onWait: @Sendable () -> Void = {}, onMessage: (Diagnostic) -> Void = { _ in }) async throws(Diagnostics) -> Result {
        let base = settings.base
        let trust: ZosmfTrust.Outcome
        do {
            trust = try ZosmfTrust.resolve(base, onMessage: onMessage)
        } catch {
            let endpoint = base.zosmfEndpoint
            throw Diagnostics([Diagnostic(MessageCatalog.setupTrustFailed, [
                "service": "z/OSMF", "host": endpoint?.host ?? "", "port": endpoint.map { "\($0.port)" } ?? "",
                "reason": "\(error.id) \(error.message)",
            ], location: settings.configFile)])
        }
        switch settings.store {
        case .pkcs12(let pkcs12):
            let built = try await KeystoreBuilderV2(settings: settings, pkcs12: pkcs12, zosmfCertificates: trust.certificates).build()
            let writer = KeystoreWriter(directory: pkcs12.layout.root, lockKeystore: base.lockKeystore)
            do {
                let lock = try writer.lock(onWait: onWait)
                defer { lock.release() }
                let warnings = try writer.publish(built.files, topLevelNames: built.topLevelNames,
                                                  owner: Ownership(user: base.userID, group: base.groupID))
                let trusted = trust.certificates.isEmpty ? "z/OSMF not trusted" : "z/OSMF trusted as zosmf00..\(ZosmfTrust.alias(trust.certificates.count - 1))"
                let done = Diagnostic(MessageCatalog.setupKeystoreWritten, [
                    "keystore": pkcs12.layout.keystore, "alias": pkcs12.layout.alias, "truststore": pkcs12.layout.truststore,
                    "ca": pkcs12.importing == nil ? pkcs12.layout.caEntryAlias : "its own CA (imported from \(pkcs12.importing!.keystore))",
                    "trusted": trusted + (settings.authorities.isEmpty ? "" : ", \(settings.authorities.count) imported CA(s) as extca1..\(settings.authorities.count)"),
                ])
                return Result(messages: warnings + trust.messages + [done], runtimeValues: runtimeValues)
            } catch {
                throw Diagnostics([error])
            }
        case .keyring(let ring):
            let database = SAFDatabase(root: ring.safDirectory)
            let trusted = trust.certificates.enumerated().map { index, der in (label: index == 0 ? "ROOTZFCA" : "ROOTZFCA\(index)", der: der) }
            do {
                let messages = try KeyringGeneration(
                    owner: ring.owner, ring: ring.name, label: ring.label, caLabel: ring.caLabel,
                    dnsNames: base.sanDNSNames, ipAddresses: base.sanIPAddresses,
                    algorithm: base.keyAlgorithm, validityDays: base.validityDays).run(database, trusted: trusted)
                return Result(messages: messages + trust.messages, runtimeValues: runtimeValues)
            } catch {
                throw Diagnostics([Diagnostic(MessageCatalog.keyringFailed, ["operation": "The setup", "dir": ring.safDirectory, "reason": "\(error)"])])
            }
        }
    }

    /// The zowe.certificate block as a person would add it to the file (without --update-config).
    public var runtimeBlock: [String] {
        var lines = ["zowe:", "  certificate:"]
        var section = ""
        for change in runtimeValues {
            guard case .key(let group) = change.path.steps[2], case .key(let name) = change.path.steps[3] else { continue }
            if group != section {
                lines.append("    \(group):")
                section = group
            }
            switch change.value {
            case .strings(let items):
                lines.append("      \(name):")
                lines += items.map { "        - \(ConfigValue.string($0))" }
            default:
                lines.append("      \(name): \(change.value)")
            }
        }
        return lines
    }
}

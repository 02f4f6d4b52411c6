import Foundation
import ZweKeyMaterial
import ZweMessages

/// `zwe migrate`: a v1 instance (instance.env, its keystore directory's zowe-certificates.env,
/// ha-instances.yaml) as a v2 zowe.yaml that starts the same components on the same ports
/// with the same keystore. Keys map as Zowe's v1-to-v2 table has them; what has no v2 key is
/// kept under `zowe.environments`, which a v2 start hands to every component as before, and
/// every key is accounted for in the result's notes.
public struct InstanceMigration: Sendable {
    /// One instance.env or zowe-certificates.env key and what became of it.
    public struct Note: Sendable, Equatable {
        public var key: String
        /// `instance.env:LINE`.
        public var location: String
        /// The v2 key it went to, or why it went nowhere.
        public var outcome: Outcome
    }

    public enum Outcome: Sendable, Equatable {
        case mapped(String)
        /// Kept as `zowe.environments.KEY`: v2 has no key for it.
        case environment
        /// Not carried over, and why.
        case dropped(String)
    }

    public var document: YAMLValue
    public var notes: [Note]
    public var sources: [String]

    /// Reads and maps; the instance must plan (no errors), so that what is written starts.
    public static func migrate(instanceDirectory: String, environment: [String: String], programRuntime: String?) throws(Diagnostics) -> InstanceMigration {
        let planned = LaunchPlanner.plan(instanceDirectory: instanceDirectory, environment: environment, programRuntime: programRuntime)
        let errors = planned.findings.filter { $0.severity == .error }
        guard errors.isEmpty, let plan = planned.plan else { throw Diagnostics(errors.isEmpty ? planned.findings : errors) }
        var migration = InstanceMigration(document: .map([YAMLEntry]()), notes: [], sources: [plan.instanceEnvironmentFile])
        migration.map(plan)
        return migration
    }

    private mutating func set(_ path: String, _ value: YAMLValue, comment: String? = nil) {
        document.set(path.split(separator: ".").map(String.init), value, comment: comment)
    }

    private mutating func note(_ key: String, _ location: String, _ outcome: Outcome) {
        if !notes.contains(where: { $0.key == key }) { notes.append(Note(key: key, location: location, outcome: outcome)) }
    }

    private static func number(_ text: String) -> YAMLValue {
        Int(text).map(YAMLValue.int) ?? .string(text)
    }

    private mutating func map(_ plan: LaunchPlan) {
        let values = plan.instanceValues
        func location(_ key: String) -> String { plan.instanceLocations[key] ?? plan.instanceEnvironmentFile }
        func text(_ key: String) -> String? {
            guard let value = values[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
            return value
        }
        func mapped(_ key: String, to path: String, _ value: YAMLValue) {
            set(path, value)
            note(key, location(key), .mapped(path))
        }

        // zowe.*: where things are, and the job names.
        set("zowe.runtimeDirectory", .string(plan.rootDirectory), comment: "Migrated from \(plan.instanceEnvironmentFile) by zwe migrate.")
        if text("ROOT_DIR") != nil { note("ROOT_DIR", location("ROOT_DIR"), .mapped("zowe.runtimeDirectory")) }
        // The instance's own folders; with HA instances, both gain ha/ID again at start.
        let folders = LaunchPlanner.runtimeFolders(instanceDirectory: plan.instanceDirectory, haInstance: nil)
        set("zowe.workspaceDirectory", .string(folders.workspace))
        set("zowe.logDirectory", .string(folders.logs))
        if let extensions = text("ZWE_EXTENSION_DIR") {
            mapped("ZWE_EXTENSION_DIR", to: "zowe.extensionDirectory", .string(LaunchPlanner.normalise(extensions, relativeTo: plan.instanceDirectory)))
        }
        set("zowe.job.name", .string(plan.launcherJobName))
        set("zowe.job.prefix", .string(plan.prefix), comment: "v1's ZOWE_PREFIX and ZOWE_INSTANCE together: the job names stay \(plan.prefix)xx.")
        note("ZOWE_PREFIX", location("ZOWE_PREFIX"), .mapped("zowe.job.prefix"))
        note("ZOWE_INSTANCE", location("ZOWE_INSTANCE"), .mapped("zowe.job.prefix"))

        var domains: [String] = []
        if let host = text("ZOWE_EXPLORER_HOST") {
            domains.append(host)
            note("ZOWE_EXPLORER_HOST", location("ZOWE_EXPLORER_HOST"), .mapped("zowe.externalDomains[0]"))
        }
        if let address = text("ZOWE_IP_ADDRESS") {
            if !domains.contains(address) { domains.append(address) }
            note("ZOWE_IP_ADDRESS", location("ZOWE_IP_ADDRESS"), .mapped("zowe.externalDomains"))
        }
        set("zowe.externalDomains", .list((domains.isEmpty ? ["localhost"] : domains).map(YAMLValue.string)))
        let gatewayPort = plan.components.first { $0.id == "gateway" }?.port ?? Int(text("GATEWAY_PORT") ?? "")
        if let gatewayPort { set("zowe.externalPort", .int(gatewayPort)) }

        // Certificates: the same stores, from zowe-certificates.env.
        if let certificates = plan.certificates {
            let certificateFile = plan.keystoreDirectory + "/" + CertificateVariable.fileName
            sources.append(certificateFile)
            let mode = certificates.verifyMode
            set("zowe.verifyCertificates", .string(mode.rawValue))
            note("ZOWE_APIM_VERIFY_CERTIFICATES", certificateFile, .mapped("zowe.verifyCertificates"))
            note("ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES", certificateFile, .mapped("zowe.verifyCertificates"))
            if !certificates.isKeyring {
                set("zowe.setup.certificate.type", .string("PKCS12"))
                set("zowe.setup.certificate.pkcs12.directory", .string(plan.keystoreDirectory))
                note("KEYSTORE_DIRECTORY", location("KEYSTORE_DIRECTORY"), .mapped("zowe.setup.certificate.pkcs12.directory"))
            } else {
                note("KEYSTORE_DIRECTORY", location("KEYSTORE_DIRECTORY"), .dropped("a key ring has no keystore directory in v2; the ring is zowe.certificate.keystore.file"))
            }
            let type = certificates.keystoreType.isEmpty ? "PKCS12" : certificates.keystoreType
            set("zowe.certificate.keystore.type", .string(type))
            set("zowe.certificate.keystore.file", .string(certificates.keystore))
            set("zowe.certificate.keystore.password", .string(certificates.keystorePassword))
            set("zowe.certificate.keystore.alias", .string(certificates.keyAlias))
            set("zowe.certificate.truststore.type", .string(type))
            set("zowe.certificate.truststore.file", .string(certificates.truststore))
            set("zowe.certificate.truststore.password", .string(certificates.keystorePassword))
            for (variable, path) in [(CertificateVariable.keystoreType, "zowe.certificate.keystore.type"), (.keystore, "zowe.certificate.keystore.file"),
                                     (.keystorePassword, "zowe.certificate.keystore.password"), (.keyAlias, "zowe.certificate.keystore.alias"),
                                     (.truststore, "zowe.certificate.truststore.file")] {
                note(variable.rawValue, certificateFile, .mapped(path))
            }
            if let key = certificates.keystoreKey { set("zowe.certificate.pem.key", .string(key)); note("KEYSTORE_KEY", certificateFile, .mapped("zowe.certificate.pem.key")) }
            if let certificate = certificates.keystoreCertificate {
                set("zowe.certificate.pem.certificate", .string(certificate))
                note("KEYSTORE_CERTIFICATE", certificateFile, .mapped("zowe.certificate.pem.certificate"))
            }
            let authorities = [certificates.keystoreCertificateAuthority].compactMap { $0 } + certificates.externalCertificateAuthorities
            if !authorities.isEmpty {
                set("zowe.certificate.pem.certificateAuthorities", .list(authorities.map(YAMLValue.string)))
                note("KEYSTORE_CERTIFICATE_AUTHORITY", certificateFile, .mapped("zowe.certificate.pem.certificateAuthorities"))
                if !certificates.externalCertificateAuthorities.isEmpty {
                    note("EXTERNAL_CERTIFICATE_AUTHORITIES", certificateFile, .mapped("zowe.certificate.pem.certificateAuthorities"))
                }
            }
        }

        // z/OSMF.
        if let host = text("ZOSMF_HOST") { mapped("ZOSMF_HOST", to: "zOSMF.host", .string(host)) }
        if let port = text("ZOSMF_PORT") { mapped("ZOSMF_PORT", to: "zOSMF.port", Self.number(port)) }
        if let applId = text("APIML_SECURITY_ZOSMF_APPLID") { mapped("APIML_SECURITY_ZOSMF_APPLID", to: "zOSMF.applId", .string(applId)) }

        // Components: the launched ones enabled on their ports, the runtime's others disabled.
        let launched = Set(plan.components.map(\.id))
        for component in plan.components {
            set("components.\(component.id).enabled", .bool(true))
            if let port = component.port, let variable = component.portVariable {
                set("components.\(component.id).port", .int(port))
                note(variable, location(variable), .mapped("components.\(component.id).port"))
            }
            if !component.directory.hasPrefix(plan.rootDirectory + "/components/") {
                let parent = (component.directory as NSString).deletingLastPathComponent
                if document["zowe"]?["extensionDirectory"] == nil {
                    set("zowe.extensionDirectory", .string(parent))
                }
            }
        }
        let others = (try? FileManager.default.contentsOfDirectory(atPath: plan.rootDirectory + "/components"))?.sorted() ?? []
        for id in others where !launched.contains(id) && LaunchPlanner.isFolder(plan.rootDirectory + "/components/" + id) {
            set("components.\(id).enabled", .bool(false))
        }
        for key in ["LAUNCH_COMPONENT_GROUPS", "ZWE_LAUNCH_COMPONENTS", "EXTERNAL_COMPONENTS"] where values[key] != nil {
            note(key, location(key), .mapped("components.<id>.enabled"))
        }

        // The gateway's settings v2 has keys for.
        for (key, path) in [("APIML_GATEWAY_TIMEOUT_MILLIS", "components.gateway.apiml.gateway.timeoutMillis"),
                            ("APIML_SECURITY_AUTH_PROVIDER", "components.gateway.apiml.security.auth.provider"),
                            ("APIML_SECURITY_X509_ENABLED", "components.gateway.apiml.security.x509.enabled")] {
            guard let value = text(key) else { continue }
            let typed: YAMLValue = value.lowercased() == "true" ? .bool(true) : value.lowercased() == "false" ? .bool(false) : Self.number(value)
            mapped(key, to: path, typed)
        }
        if let level = text("ZWE_LOG_LEVEL_ZWELS") {
            if level.uppercased() == "INFO" {
                note("ZWE_LOG_LEVEL_ZWELS", location("ZWE_LOG_LEVEL_ZWELS"), .dropped("INFO is v2's default"))
            } else {
                mapped("ZWE_LOG_LEVEL_ZWELS", to: "zowe.launchScript.logLevel", .string(level.lowercased()))
            }
        }
        if let intervals = text("ZWE_LAUNCHER_RESTART_INTERVALS") {
            let numbers = intervals.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            mapped("ZWE_LAUNCHER_RESTART_INTERVALS", to: "zowe.launcher.restartIntervals", .list(numbers.map(YAMLValue.int)))
        }
        if let uptime = text("ZWE_LAUNCHER_MIN_UPTIME") { mapped("ZWE_LAUNCHER_MIN_UPTIME", to: "zowe.launcher.minUptime", Self.number(uptime)) }

        // The discovery list v2 works out itself, when it is the one it would work out.
        if let list = text("ZWE_DISCOVERY_SERVICES_LIST") {
            let host = domains.first ?? "localhost"
            let port = plan.components.first { $0.id == "discovery" }?.port.map(String.init) ?? "7553"
            if list == "https://\(host.contains(":") ? "[\(host)]" : host):\(port)/eureka/" {
                note("ZWE_DISCOVERY_SERVICES_LIST", location("ZWE_DISCOVERY_SERVICES_LIST"), .dropped("v2 works out the same list from zowe.externalDomains and components.discovery.port"))
            }
        }

        // Everything else that has a value: as it was, for every component.
        let handled = Set(notes.map(\.key)) .union(["INSTANCE_DIR", "ROOT_DIR", "KEYSTORE_DIRECTORY"])
        let environmentKeys = values.keys.filter { !handled.contains($0) && text($0) != nil }
            .sorted { (plan.instanceLocations[$0] ?? "").localizedStandardCompare(plan.instanceLocations[$1] ?? "") == .orderedAscending }
        for key in environmentKeys {
            // Environment values are text in v2's schema, whatever they look like.
            set("zowe.environments.\(key)", .string(text(key)!))
            note(key, location(key), .environment)
        }
        for key in values.keys.sorted() where text(key) == nil && !Set(notes.map(\.key)).contains(key) {
            note(key, location(key), .dropped("empty in instance.env"))
        }

        // ha-instances.yaml: each HA instance's host and component switches and ports.
        if let haFile = plan.haInstancesFile, let instances = try? HAInstances.load(instanceDirectory: plan.instanceDirectory) {
            sources.append(haFile)
            for instance in instances.instances {
                if let host = instance.hostname { set("haInstances.\(instance.id).hostname", .string(host)) }
                for component in instance.components {
                    if let enabled = component.enabled { set("haInstances.\(instance.id).components.\(component.id).enabled", .bool(enabled)) }
                    if let port = component.port { set("haInstances.\(instance.id).components.\(component.id).port", .int(port)) }
                }
                for value in instance.addressValues + instance.environment where value.key != "ZOWE_EXPLORER_HOST" {
                    set("haInstances.\(instance.id).zowe.environments.\(value.key)", .string(value.value))
                }
                note("haInstances.\(instance.id)", "\(haFile):\(instance.line)", .mapped("haInstances.\(instance.id)"))
            }
        }
    }
}

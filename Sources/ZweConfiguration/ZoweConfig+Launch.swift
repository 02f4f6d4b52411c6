import Foundation
import ZweKeyMaterial

// How a zowe.yaml start is laid onto the launcher. The planner, the certificate rules and the
// components all work in the names of instance.env and zowe-certificates.env; a zowe.yaml is
// therefore read into the same two files, value by value as Zowe's own v1-to-v2 table maps
// them (docs-site `extend/migrate-extensions.md`), each entry kept at the line of the YAML
// value it came from so that every finding still points into the zowe.yaml. Components get
// v2's variables (`ZWE_zowe_*`, `ZWE_components_*`, `ZWE_configs_*`, `ZWE_haInstance_*`) on
// top, from `v2Environment`.

extension ZoweConfig {
    /// The folder of the first file: relative paths in the configuration are read against it.
    public var baseDirectory: String {
        ((files.first ?? "./zowe.yaml") as NSString).deletingLastPathComponent
    }

    /// A path value made absolute against `baseDirectory`; nil when not set.
    public func path(_ key: ConfigPath) -> String? {
        string(key).map { LaunchPlanner.normalise($0, relativeTo: baseDirectory) }
    }

    /// `zowe.workspaceDirectory`, else `workspace` beside the first file.
    public var workspaceDirectory: String { path("zowe.workspaceDirectory") ?? baseDirectory + "/workspace" }

    /// `zowe.logDirectory`, else `logs` in the workspace.
    public var logDirectory: String { path("zowe.logDirectory") ?? workspaceDirectory + "/logs" }

    /// The ids under `haInstances`, in file order.
    public var haInstanceIDs: [String] { keys("haInstances") }

    /// Where one start keeps its files. The workspace is the instance's identity, as the
    /// instance directory is for instance.env; with `haInstances`, each HA instance has its own
    /// `ha/ID` folders for lock, socket, state and logs.
    public func runtimeFolders(haInstance: String?) -> (workspace: String, logs: String, haInstance: String?) {
        guard !haInstanceIDs.isEmpty else { return (workspaceDirectory, logDirectory, nil) }
        let id = haInstance ?? LaunchPlanner.defaultHAInstanceID()
        return (workspaceDirectory + "/ha/" + id, logDirectory + "/ha/" + id, id)
    }

    /// `zowe.verifyCertificates` (STRICT when not set); nil for a value that is none of the three.
    public var verifyMode: VerifyMode? {
        guard let text = string("zowe.verifyCertificates") else { return .strict }
        return VerifyMode(rawValue: text.uppercased())
    }

    /// A component's values with the HA instance's on top: `haInstances.<ha>.components.<id>.<key>`
    /// over `components.<id>.<key>`.
    public func componentNode(_ id: String, _ key: String, haInstance: String?) -> ConfigNode? {
        if let haInstance, let node = node(ConfigPath(steps: [.key("haInstances"), .key(haInstance), .key("components"), .key(id), .key(key)])) {
            return node
        }
        return node(ConfigPath(steps: [.key("components"), .key(id), .key(key)]))
    }

    /// The ids of enabled components (`components.<id>.enabled: true`, the HA instance's switch
    /// winning), in the order the file lists them.
    public func enabledComponents(haInstance: String?) -> [String] {
        var ids = keys("components")
        if let haInstance {
            for id in keys(ConfigPath(steps: [.key("haInstances"), .key(haInstance), .key("components")])) where !ids.contains(id) {
                ids.append(id)
            }
        }
        return ids.filter { componentNode($0, "enabled", haInstance: haInstance)?.text?.lowercased() == "true" }
    }

    // MARK: - the two v1 files

    /// zowe.certificate.* in the names of zowe-certificates.env.
    public func certificateFile() -> EnvFile {
        var entries: [EnvEntry] = []
        func add(_ variable: CertificateVariable, _ key: ConfigPath, value: String? = nil) {
            guard let found = node(key), let text = value ?? found.text, !found.isNull else { return }
            entries.append(EnvEntry(key: variable.rawValue, value: text, line: found.location.line, exported: true, file: found.location.file))
        }
        add(.keystoreType, "zowe.certificate.keystore.type")
        add(.keystore, "zowe.certificate.keystore.file")
        add(.keystorePassword, "zowe.certificate.keystore.password")
        add(.keyAlias, "zowe.certificate.keystore.alias")
        add(.truststore, "zowe.certificate.truststore.file")
        add(.keystoreKey, "zowe.certificate.pem.key")
        add(.keystoreCertificate, "zowe.certificate.pem.certificate")
        let authorities = strings("zowe.certificate.pem.certificateAuthorities")
        if let first = authorities.first {
            add(.keystoreCertificateAuthority, "zowe.certificate.pem.certificateAuthorities", value: first)
        }
        if authorities.count > 1 {
            add(.externalCertificateAuthorities, "zowe.certificate.pem.certificateAuthorities", value: authorities.dropFirst().joined(separator: " "))
        }
        if let keystore = string("zowe.certificate.keystore.file"), keystore.lowercased().hasPrefix("safkeyring:") {
            let parts = keystore.dropFirst("safkeyring:".count).split(separator: "/").map(String.init)
            if parts.count == 2 {
                add(.keyringOwner, "zowe.certificate.keystore.file", value: parts[0])
                add(.keyringName, "zowe.certificate.keystore.file", value: parts[1])
            }
        }
        let mode = verifyMode ?? .strict
        add(.apimlVerifyCertificates, "zowe", value: mode == .strict ? "true" : "false")
        add(.apimlNonStrictVerifyCertificates, "zowe", value: mode == .disabled ? "false" : "true")
        if let found = node("zowe.verifyCertificates") {
            // The flags sit at the line of zowe.verifyCertificates when it is written.
            entries = entries.map { entry in
                guard entry.key == CertificateVariable.apimlVerifyCertificates.rawValue || entry.key == CertificateVariable.apimlNonStrictVerifyCertificates.rawValue else { return entry }
                return EnvEntry(key: entry.key, value: entry.value, line: found.location.line, exported: true, file: found.location.file)
            }
        }
        return EnvFile(path: files.first ?? "zowe.yaml", entries: entries)
    }

    /// The keystore directory: `zowe.setup.certificate.pkcs12.directory`, else the folder two
    /// levels above the keystore (v2's `<dir>/<name>/<name>.keystore.p12`).
    public var keystoreDirectory: String? {
        if let directory = path("zowe.setup.certificate.pkcs12.directory") { return directory }
        guard let keystore = path("zowe.certificate.keystore.file"), !keystore.lowercased().contains("safkeyring:") else { return nil }
        return ((keystore as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    }

    /// The launcher's settings in instance.env's names, for one HA instance. `portVariable`
    /// gives the variable a component's manifest reads its port from.
    public func instanceFile(haInstance: String?, portVariable: (String) -> String?) -> EnvFile {
        var entries: [EnvEntry] = []
        func add(_ key: String, _ found: ConfigNode?, value: String? = nil) {
            guard let found, !found.isNull, let text = value ?? found.text else { return }
            entries.append(EnvEntry(key: key, value: text, line: found.location.line, exported: true, file: found.location.file))
        }
        func add(_ key: String, _ path: ConfigPath, value: String? = nil) { add(key, node(path), value: value) }

        add("ROOT_DIR", "zowe.runtimeDirectory", value: path("zowe.runtimeDirectory"))
        add("ZOWE_PREFIX", "zowe.job.prefix")
        add("KEYSTORE_DIRECTORY", node("zowe.setup.certificate.pkcs12.directory") ?? node("zowe.certificate.keystore.file"), value: keystoreDirectory)
        add("ZOSMF_HOST", "zOSMF.host")
        add("ZOSMF_PORT", "zOSMF.port")
        add("APIML_SECURITY_ZOSMF_APPLID", "zOSMF.applId")
        let haPath = haInstance.map { ConfigPath(steps: [.key("haInstances"), .key($0)]) }
        let domains = strings("zowe.externalDomains")
        if let haPath, let hostname = node(haPath.appending("hostname")), hostname.text != nil {
            add("ZOWE_EXPLORER_HOST", hostname)
        } else if let first = domains.first {
            add("ZOWE_EXPLORER_HOST", "zowe.externalDomains", value: first)
        }
        if !domains.isEmpty { add("ZWE_EXTERNAL_HOSTS", "zowe.externalDomains", value: domains.joined(separator: ",")) }
        add("ZWE_EXTERNAL_PORT", "zowe.externalPort")
        add("ZWE_EXTENSION_DIR", "zowe.extensionDirectory", value: path("zowe.extensionDirectory"))
        if let level = string("zowe.launchScript.logLevel") {
            add("ZWE_LOG_LEVEL_ZWELS", "zowe.launchScript.logLevel", value: ["debug": "DEBUG", "trace": "TRACE"][level.lowercased()] ?? level.uppercased())
        }
        let intervals = strings("zowe.launcher.restartIntervals")
        if !intervals.isEmpty { add("ZWE_LAUNCHER_RESTART_INTERVALS", "zowe.launcher.restartIntervals", value: intervals.joined(separator: ",")) }
        add("ZWE_LAUNCHER_MIN_UPTIME", "zowe.launcher.minUptime")
        add("ZWE_LAUNCHER_SHUTDOWN_TIMEOUT", "zowe.launcher.shutdownTimeout")
        add("APIML_GATEWAY_TIMEOUT_MILLIS", "components.gateway.apiml.gateway.timeoutMillis")
        add("APIML_SECURITY_AUTH_PROVIDER", "components.gateway.apiml.security.auth.provider")
        add("APIML_SECURITY_X509_ENABLED", "components.gateway.apiml.security.x509.enabled")

        // Components: which run, and on which port.
        let enabled = enabledComponents(haInstance: haInstance)
        add("ZWE_LAUNCH_COMPONENTS", node("components") ?? root, value: enabled.joined(separator: ","))
        for id in keys("components") + (haInstance.map { keys(ConfigPath(steps: [.key("haInstances"), .key($0), .key("components")])) } ?? []) {
            guard let port = componentNode(id, "port", haInstance: haInstance), let variable = portVariable(id) else { continue }
            add(variable, port)
        }

        // Every HA instance's discovery service, this host's first (one for a single host).
        let discoveryHosts: [(host: String, port: String)]
        if haInstanceIDs.isEmpty {
            discoveryHosts = enabled.contains("discovery")
                ? [(domains.first ?? "localhost", componentNode("discovery", "port", haInstance: nil)?.text ?? "7553")] : []
        } else {
            let ordered = (haInstance.map { [$0] } ?? []) + haInstanceIDs.filter { $0 != haInstance }
            discoveryHosts = ordered.filter { enabledComponents(haInstance: $0).contains("discovery") }.map { id in
                (string(ConfigPath(steps: [.key("haInstances"), .key(id), .key("hostname")])) ?? domains.first ?? "localhost",
                 componentNode("discovery", "port", haInstance: id)?.text ?? "7553")
            }
        }
        if !discoveryHosts.isEmpty {
            let urls = discoveryHosts.map { "https://\($0.host.contains(":") ? "[\($0.host)]" : $0.host):\($0.port)/eureka/" }
            add("ZWE_DISCOVERY_SERVICES_LIST", node("components.discovery") ?? node("components") ?? root, value: urls.joined(separator: ","))
        }

        // zowe.environments (and the HA instance's), last: what they set wins.
        var environmentNodes = node("zowe.environments")?.entries ?? []
        if let haPath { environmentNodes += node(haPath.appending("zowe").appending("environments"))?.entries ?? [] }
        for entry in environmentNodes { add(entry.key, entry.value) }
        return EnvFile(path: files.first ?? "zowe.yaml", entries: entries)
    }

    // MARK: - v2's variables for a component

    /// What Zowe v2 gives a component besides the v1 names: every value of the configuration as
    /// `ZWE_<path>` (a list also joined with commas), `ZWE_configs_*` (the component's own
    /// values over its manifest's `configs` defaults), `ZWE_haInstance_*`, and the lists of
    /// enabled and launched components.
    public func v2Environment(component id: String, manifestConfigs: ConfigNode?, haInstance: String?,
                              launched: [String], workspace: String) -> [String: String] {
        var environment: [String: String] = [:]
        func export(_ node: ConfigNode, as prefix: ConfigPath) {
            for leaf in node.leaves(prefix: prefix.steps) {
                if let text = leaf.node.text { environment[leaf.path.environmentName] = text }
            }
            for list in Self.scalarLists(node, prefix: prefix) {
                environment[list.path.environmentName] = list.values.joined(separator: ",")
            }
        }
        export(root, as: ConfigPath(steps: []))
        var own = manifestConfigs ?? .mapping([], ConfigLocation(file: "manifest", line: 1, column: 1))
        if let configured = node(ConfigPath(steps: [.key("components"), .key(id)])) { own = own.overlaid(by: configured) }
        if let haInstance, let configured = node(ConfigPath(steps: [.key("haInstances"), .key(haInstance), .key("components"), .key(id)])) {
            own = own.overlaid(by: configured)
        }
        export(own, as: ConfigPath(steps: [.key("configs")]))
        if let haInstance {
            environment["ZWE_haInstance_id"] = haInstance
            if let entry = node(ConfigPath(steps: [.key("haInstances"), .key(haInstance)])) {
                export(entry, as: ConfigPath(steps: [.key("haInstance")]))
            }
        }
        if environment["ZWE_haInstance_hostname"] == nil {
            environment["ZWE_haInstance_hostname"] = strings("zowe.externalDomains").first ?? "localhost"
        }
        environment["ZWE_ENABLED_COMPONENTS"] = enabledComponents(haInstance: haInstance).joined(separator: ",")
        environment["ZWE_LAUNCH_COMPONENTS"] = launched.joined(separator: ",")
        environment["ZWE_STATIC_DEFINITIONS_DIR"] = workspace + "/api-mediation/api-defs"
        environment["ZWE_CLI_PARAMETER_CONFIG"] = files.map { "FILE(\($0))" }.joined(separator: ":")
        if let haInstance { environment["ZWE_CLI_PARAMETER_HA_INSTANCE"] = haInstance }
        return environment
    }

    /// Sequences whose items are all scalars, with their paths.
    static func scalarLists(_ node: ConfigNode, prefix: ConfigPath) -> [(path: ConfigPath, values: [String])] {
        switch node {
        case .scalar: return []
        case .sequence(let items, _):
            let texts = items.compactMap(\.text)
            var lists: [(path: ConfigPath, values: [String])] = texts.count == items.count ? [(prefix, texts)] : []
            for (index, item) in items.enumerated() { lists += scalarLists(item, prefix: ConfigPath(steps: prefix.steps + [.index(index)])) }
            return lists
        case .mapping(let entries, _):
            return entries.flatMap { scalarLists($0.value, prefix: prefix.appending($0.key)) }
        }
    }
}

import Foundation
import ZweMessages

/// Turns an instance directory into a `LaunchPlan`: instance.env, ROOT_DIR, the keystore
/// directory's zowe-certificates.env, the components to launch and their manifests, ports,
/// start order and the exact environment of each component. Every problem it meets is a
/// finding; it builds as much of the plan as the problems allow, so that preflight can go on
/// checking the rest in the same pass.
public enum LaunchPlanner {
    public struct Result: Sendable {
        public var plan: LaunchPlan?
        public var findings: [Diagnostic]
        /// False when the keystore directory or its env file is missing (certificate rules cannot run).
        public var keystoreUsable: Bool
    }

    /// Zowe's component groups (LAUNCH_COMPONENT_GROUPS).
    public static let componentGroups: [String: [String]] = [
        "GATEWAY": ["discovery", "gateway", "api-catalog", "jobs-api", "explorer-jes"],
        "DESKTOP": ["app-server"],
        "ZSS": ["zss"],
    ]

    /// Variables of the launcher's own environment that reach components.
    public static let passedThrough = ["PATH", "HOME", "LANG", "TZ", "ZWE_SAF_DIR", "ZWE_BIN_DIR"]

    public static func plan(
        instanceDirectory rawDirectory: String, haInstance: String? = nil,
        environment: [String: String], programRuntime: String?
    ) -> Result {
        var findings: [Diagnostic] = []
        let launcherEnvironment = environment
        let directory = normalise(rawDirectory, relativeTo: FileManager.default.currentDirectoryPath)
        let envPath = directory + "/instance.env"
        guard FileManager.default.fileExists(atPath: envPath) else {
            return Result(plan: nil, findings: [Diagnostic(MessageCatalog.instanceEnvMissing, ["dir": directory], location: envPath)], keystoreUsable: false)
        }
        var instance: EnvFile
        let haFile: HAInstances?
        do {
            instance = try EnvFile.load(path: envPath, environment: environment)
            haFile = try HAInstances.load(instanceDirectory: directory)
        } catch {
            return Result(plan: nil, findings: [error], keystoreUsable: false)
        }
        let haID = haInstance ?? defaultHAInstanceID()
        // The HA instance's host, addresses and env values apply on top of instance.env.
        var haEntry: HAInstances.Instance?
        if let haFile {
            guard let entry = haFile.instance(haID) else {
                return Result(plan: nil, findings: [Diagnostic(MessageCatalog.haInstanceUnknown, [
                    "id": haID, "path": haFile.path, "defined": haFile.instances.map(\.id).joined(separator: ", "),
                ], location: haFile.path)], keystoreUsable: false)
            }
            haEntry = entry
            let overrides = (entry.addressValues + entry.environment).map {
                EnvEntry(key: $0.key, value: $0.value, line: $0.line, exported: true, file: haFile.path)
            }
            instance = EnvFile(path: instance.path, entries: instance.entries + overrides)
        }
        func value(_ key: String, _ fallback: String = "") -> String {
            let text = (instance[key] ?? "").trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? fallback : text
        }
        func location(_ key: String) -> String { instance.location(of: key) ?? envPath }

        // ROOT_DIR
        var root = value("ROOT_DIR")
        if !root.isEmpty {
            root = normalise(root, relativeTo: directory)
            if !RuntimeDirectory.isRuntime(root) {
                findings.append(Diagnostic(MessageCatalog.rootDirInvalid, ["path": root], location: location("ROOT_DIR")))
                return Result(plan: nil, findings: findings, keystoreUsable: false)
            }
        } else if let programRuntime {
            root = programRuntime
            findings.append(Diagnostic(MessageCatalog.rootDirFromProgram, ["path": root], location: envPath))
        } else {
            findings.append(Diagnostic(MessageCatalog.rootDirUndefined, location: envPath))
            return Result(plan: nil, findings: findings, keystoreUsable: false)
        }

        // The keystore directory and its zowe-certificates.env
        var keystoreUsable = false
        var certificateValues: [String: String] = [:]
        let keystore = value("KEYSTORE_DIRECTORY").isEmpty ? "" : normalise(value("KEYSTORE_DIRECTORY"), relativeTo: directory)
        if keystore.isEmpty {
            findings.append(Diagnostic(MessageCatalog.keystoreDirectoryUndefined, location: location("KEYSTORE_DIRECTORY")))
        } else {
            var isFolder: ObjCBool = false
            if !FileManager.default.fileExists(atPath: keystore, isDirectory: &isFolder) || !isFolder.boolValue {
                findings.append(Diagnostic(MessageCatalog.keystoreDirectoryInaccessible, ["path": keystore, "reason": "no such folder"], location: location("KEYSTORE_DIRECTORY")))
            } else if access(keystore, R_OK | X_OK) != 0 {
                findings.append(Diagnostic(MessageCatalog.keystoreDirectoryInaccessible, ["path": keystore, "reason": String(cString: strerror(errno))], location: location("KEYSTORE_DIRECTORY")))
            } else if !FileManager.default.fileExists(atPath: keystore + "/zowe-certificates.env") {
                findings.append(Diagnostic(MessageCatalog.certificatesEnvMissing, ["path": keystore + "/zowe-certificates.env", "dir": keystore], location: location("KEYSTORE_DIRECTORY")))
            } else {
                do {
                    certificateValues = try EnvFile.load(path: keystore + "/zowe-certificates.env", environment: [:]).values
                    keystoreUsable = true
                } catch {
                    findings.append(error)
                }
            }
        }

        // Names and settings
        let prefix = value("ZOWE_PREFIX", "ZWE") + value("ZOWE_INSTANCE", "1")
        if prefix.count > 6 {
            findings.append(Diagnostic(MessageCatalog.jobPrefixLong, ["prefix": prefix], location: location("ZOWE_PREFIX")))
        }
        let bind = value("ZWE_BIND_ADDRESS", "127.0.0.1")
        if !isAddress(bind) {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_BIND_ADDRESS", "value": bind, "reason": "not an IPv4 or IPv6 address"], location: location("ZWE_BIND_ADDRESS")))
        }
        let loopback = bind.contains(":") ? "::1" : "127.0.0.1"
        var metricsPort: Int?
        if !value("ZWE_METRICS_PORT").isEmpty {
            if let parsed = Int(value("ZWE_METRICS_PORT")), (1...65_535).contains(parsed) {
                metricsPort = parsed
            } else {
                findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_METRICS_PORT", "value": value("ZWE_METRICS_PORT"), "reason": "a port number from 1 to 65535, or empty for no metrics endpoint"], location: location("ZWE_METRICS_PORT")))
            }
        }
        let metricsAddress = value("ZWE_METRICS_ADDRESS", loopback)
        if !isAddress(metricsAddress) {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_METRICS_ADDRESS", "value": metricsAddress, "reason": "not an IPv4 or IPv6 address"], location: location("ZWE_METRICS_ADDRESS")))
        }
        let level = value("ZWE_LOG_LEVEL_ZWELS", "INFO").uppercased()
        if !["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(level) {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_LOG_LEVEL_ZWELS", "value": level, "reason": "one of ERROR, WARN, INFO, DEBUG, TRACE"], location: location("ZWE_LOG_LEVEL_ZWELS")))
        }
        func number(_ key: String, _ fallback: Int, minimum: Int = 0) -> Int {
            let text = value(key)
            if text.isEmpty { return fallback }
            guard let parsed = Int(text), parsed >= minimum else {
                findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": key, "value": text, "reason": "a whole number of at least \(minimum)"], location: location(key)))
                return fallback
            }
            return parsed
        }
        let defaultIntervals: [Int] = {
            let text = value("ZWE_LAUNCHER_RESTART_INTERVALS", "1,1,1,5,5,10,20,60,120,240")
            let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_LAUNCHER_RESTART_INTERVALS", "value": text, "reason": "a comma list of whole numbers of seconds"], location: location("ZWE_LAUNCHER_RESTART_INTERVALS")))
                return [1, 1, 1, 5, 5, 10, 20, 60, 120, 240]
            }
            return parts.map { $0! }
        }()
        let defaultMinUptime = number("ZWE_LAUNCHER_MIN_UPTIME", 90)
        let defaultShutdown = number("ZWE_LAUNCHER_SHUTDOWN_TIMEOUT", 20, minimum: 1)
        let defaultReady = number("ZWE_LAUNCHER_READY_TIMEOUT", 60, minimum: 1)
        let liveness = LaunchPlan.Liveness(
            period: number("ZWE_LIVENESS_PERIOD", LaunchPlan.Liveness.defaults.period, minimum: 1),
            timeout: number("ZWE_LIVENESS_TIMEOUT", LaunchPlan.Liveness.defaults.timeout, minimum: 1),
            failureThreshold: number("ZWE_LIVENESS_FAILURE_THRESHOLD", LaunchPlan.Liveness.defaults.failureThreshold, minimum: 1))
        let logMaxBytes = number("ZWE_LOG_MAX_BYTES", 10_485_760, minimum: 1024)
        let logKeep = number("ZWE_LOG_KEEP", 5, minimum: 1)

        // Which components
        var requested: [(id: String, explicit: Bool)] = []
        let launchList = instance["ZWE_LAUNCH_COMPONENTS"] ?? environment["ZWE_LAUNCH_COMPONENTS"] ?? ""
        if !launchList.trimmingCharacters(in: .whitespaces).isEmpty {
            requested = list(launchList).map { ($0, true) }
        } else {
            for group in list(value("LAUNCH_COMPONENT_GROUPS", "GATEWAY")) {
                let ids = componentGroups[group.uppercased()] ?? [group]
                requested += ids.map { ($0, false) }
            }
        }
        requested += list(value("EXTERNAL_COMPONENTS")).map { ($0, true) }
        /// Where a component id (or path) is: the runtime's components, then ZWE_EXTENSION_DIR.
        func componentFolder(_ id: String) -> String? {
            let extensionDirectory = value("ZWE_EXTENSION_DIR")
            let candidates: [String] = id.hasPrefix("/") || id.contains("/")
                ? [normalise(id, relativeTo: directory)]
                : ["\(root)/components/\(id)"] + (extensionDirectory.isEmpty ? [] : ["\(normalise(extensionDirectory, relativeTo: directory))/\(id)"])
            return candidates.first { isFolder($0) }
        }
        if let haFile, let haEntry {
            let launchedByDefault = Set(requested.map(\.id))
            requested.removeAll { haEntry.component($0.id)?.enabled == false }
            for override in haEntry.components where override.enabled == true && !requested.contains(where: { $0.id == override.id }) {
                requested.append((override.id, true))
            }
            // Ports of this HA instance's components, by their manifest's port variable.
            var overrides: [EnvEntry] = []
            for override in haEntry.components {
                guard let port = override.port else { continue }
                guard let variable = componentFolder(override.id).flatMap({ try? ComponentManifest.load(componentDirectory: $0).healthCheck?.portVariable }) else {
                    findings.append(Diagnostic(MessageCatalog.haFileInvalid, ["reason": "component \(override.id) has no port variable (healthCheck.portVariable in its manifest), so its port cannot be set here"], location: override.location))
                    continue
                }
                overrides.append(EnvEntry(key: variable, value: "\(port)", line: override.portLine ?? haEntry.line, exported: true, file: haFile.path))
            }
            // Every HA instance's discovery service, this host's first, unless the entry names them.
            if !haEntry.environment.contains(where: { $0.key == "ZWE_DISCOVERY_SERVICES_LIST" }) {
                let ordered = [haEntry] + haFile.instances.filter { $0.id != haEntry.id }
                var urls: [String] = []
                for other in ordered where other.component("discovery")?.enabled ?? launchedByDefault.contains("discovery") {
                    let host = other.hostname ?? value("ZOWE_EXPLORER_HOST", "localhost")
                    let port = other.component("discovery")?.port.map(String.init) ?? value("DISCOVERY_PORT", "7553")
                    urls.append("https://\(host.contains(":") ? "[\(host)]" : host):\(port)/eureka/")
                }
                if !urls.isEmpty {
                    overrides.append(EnvEntry(key: "ZWE_DISCOVERY_SERVICES_LIST", value: urls.joined(separator: ","), line: haEntry.line, exported: true, file: haFile.path))
                }
            }
            instance = EnvFile(path: instance.path, entries: instance.entries + overrides)
            findings.append(Diagnostic(MessageCatalog.haInstanceApplied, [
                "id": haID, "path": haFile.path, "host": value("ZOWE_EXPLORER_HOST", "localhost"),
                "bind": value("ZWE_BIND_ADDRESS", "127.0.0.1"), "discovery": value("ZWE_DISCOVERY_SERVICES_LIST", "(none)"),
            ], location: "\(haFile.path):\(haEntry.line)"))
        }

        var folders: [(id: String, folder: String)] = []
        for (id, explicit) in requested {
            guard let folder = componentFolder(id) else {
                if explicit {
                    findings.append(Diagnostic(MessageCatalog.componentNotFound, ["id": id], location: location(instance["ZWE_LAUNCH_COMPONENTS"] != nil ? "ZWE_LAUNCH_COMPONENTS" : "EXTERNAL_COMPONENTS")))
                } else {
                    findings.append(Diagnostic(MessageCatalog.componentGroupSkipped, ["what": "Component \(id)"], location: location("LAUNCH_COMPONENT_GROUPS")))
                }
                continue
            }
            if !folders.contains(where: { $0.folder == folder }) { folders.append((id, folder)) }
        }

        // Manifests, scripts, ports
        let (workspace, logDirectory) = runtimeFolders(instanceDirectory: directory, haInstance: haFile == nil ? nil : haID)
        var components: [LaunchPlan.Component] = []
        let values = instance.values
        for (requestedID, folder) in folders {
            let manifest: ComponentManifest
            do {
                manifest = try ComponentManifest.load(componentDirectory: folder)
            } catch {
                findings += error.items
                continue
            }
            let id = manifest.id.isEmpty ? requestedID : manifest.id
            func script(_ relative: String?) -> String? {
                guard let relative, !relative.isEmpty else { return nil }
                return relative.hasPrefix("/") ? relative : "\(folder)/\(relative)"
            }
            let start = script(manifest.commands.start)
            if start == nil || access(start!, X_OK) != 0 {
                findings.append(Diagnostic(MessageCatalog.startScriptMissing, ["id": id, "path": start ?? "(commands.start is not set)"], location: manifest.location(ofKey: "commands") ?? manifest.path))
            }
            var port: Int?
            var portVariable: String?
            if let check = manifest.healthCheck {
                portVariable = check.portVariable
                let text = value(check.portVariable)
                if text.isEmpty {
                    findings.append(Diagnostic(MessageCatalog.launchComponentMissingPort, ["id": id, "variable": check.portVariable], location: envPath))
                } else if let parsed = Int(text), (1...65_535).contains(parsed) {
                    port = parsed
                } else {
                    findings.append(Diagnostic(MessageCatalog.portInvalid, ["variable": check.portVariable, "value": text], location: location(check.portVariable)))
                }
            }
            let code = manifest.jobCode ?? String(id.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(2))
            let jobName = prefix + code
            var environment = values.merging(certificateValues) { _, certificate in certificate }
            environment["INSTANCE_DIR"] = directory
            environment["ROOT_DIR"] = root
            environment["WORKSPACE_DIR"] = workspace
            environment["LAUNCH_COMPONENT"] = folder + "/bin"
            environment["ZWELS_HA_INSTANCE_ID"] = haID
            environment["ZOWE_PREFIX"] = prefix
            environment["VERIFY_CERTIFICATES"] = certificateValues["ZOWE_APIM_VERIFY_CERTIFICATES"] ?? "true"
            environment["NONSTRICT_VERIFY_CERTIFICATES"] = certificateValues["ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES"] ?? "true"
            environment["ZWE_EXTERNAL_PORT"] = value("GATEWAY_PORT", "7554")
            environment["STATIC_DEF_CONFIG_DIR"] = workspace + "/api-mediation/api-defs"
            environment["ZOWE_MANIFEST"] = manifest.path
            environment["ZWE_COMPONENT_ID"] = id
            environment["ZWE_JOB_NAME"] = jobName
            for key in passedThrough {
                if let inherited = launcherEnvironment[key] { environment[key] = inherited }
            }
            if let certificate = certificateValues["KEYSTORE_CERTIFICATE"] {
                // A component with its own key entry gets its own PEM pair (COMPONENT_LEVEL_CERTIFICATES).
                let folderOfCertificate = (certificate as NSString).deletingLastPathComponent
                let alias = certificateValues["KEY_ALIAS"] ?? "localhost"
                let ownCertificate = "\(folderOfCertificate)/\(alias).keystore.\(id).cer"
                let ownKey = "\(folderOfCertificate)/\(alias).keystore.\(id).key"
                if FileManager.default.fileExists(atPath: ownCertificate), FileManager.default.fileExists(atPath: ownKey) {
                    environment["KEY_ALIAS"] = id
                    environment["KEYSTORE_CERTIFICATE"] = ownCertificate
                    environment["KEYSTORE_KEY"] = ownKey
                }
            }
            components.append(LaunchPlan.Component(
                id: id, directory: folder, manifest: manifest, jobName: jobName,
                portVariable: portVariable, port: port, healthPath: manifest.healthCheck?.path,
                startScript: start, validateScript: script(manifest.commands.validate),
                configureScript: script(manifest.commands.configure),
                dependsOn: manifest.dependsOn,
                restartIntervals: manifest.launcher.restartIntervals ?? defaultIntervals,
                minUptime: manifest.launcher.minUptime ?? defaultMinUptime,
                shutdownTimeout: manifest.launcher.shutdownTimeout ?? defaultShutdown,
                readyTimeout: manifest.launcher.readyTimeout ?? defaultReady,
                liveness: liveness,
                environment: environment))
        }

        // No two components on one port
        var byPort: [Int: LaunchPlan.Component] = [:]
        for component in components {
            guard let port = component.port else { continue }
            if let first = byPort[port] {
                findings.append(Diagnostic(MessageCatalog.portDuplicate, [
                    "first": "\(first.id) (\(first.portVariable ?? "?"))", "second": "\(component.id) (\(component.portVariable ?? "?"))", "port": "\(port)",
                ], location: location(component.portVariable ?? "")))
            } else {
                byPort[port] = component
            }
        }
        // Nor the launcher's metrics on a component's port
        if let metricsPort, let first = byPort[metricsPort] {
            findings.append(Diagnostic(MessageCatalog.portDuplicate, [
                "first": "\(first.id) (\(first.portVariable ?? "?"))", "second": "the launcher's metrics (ZWE_METRICS_PORT)", "port": "\(metricsPort)",
            ], location: location("ZWE_METRICS_PORT")))
        }

        let ordered = order(components, findings: &findings)
        var plan = LaunchPlan(
            instanceDirectory: directory, instanceEnvironmentFile: envPath, rootDirectory: root,
            keystoreDirectory: keystore, workspaceDirectory: workspace, logDirectory: logDirectory,
            haInstanceID: haID, prefix: prefix, bindAddress: bind,
            loopbackAddress: bind == "0.0.0.0" ? "127.0.0.1" : bind == "::" ? "::1" : bind,
            metricsPort: metricsPort, metricsAddress: metricsAddress, logLevel: level,
            logMaxBytes: logMaxBytes, logKeep: logKeep, components: ordered,
            instanceValues: instance.values, certificateValues: certificateValues,
            instanceLocations: Dictionary(uniqueKeysWithValues: instance.values.keys.map { ($0, location($0)) }))
        plan.haInstancesFile = haFile?.path
        return Result(plan: plan, findings: findings, keystoreUsable: keystoreUsable)
    }

    /// Dependencies first; otherwise the order given. Unknown dependencies and cycles are findings.
    static func order(_ components: [LaunchPlan.Component], findings: inout [Diagnostic]) -> [LaunchPlan.Component] {
        let ids = Set(components.map(\.id))
        for component in components {
            for dependency in component.dependsOn where !ids.contains(dependency) {
                findings.append(Diagnostic(MessageCatalog.dependencyUnknown, ["id": component.id, "dependency": dependency], location: component.manifest.location(ofKey: "dependsOn") ?? component.manifest.path))
            }
        }
        var done: [LaunchPlan.Component] = []
        var pending = components
        while !pending.isEmpty {
            let doneIDs = Set(done.map(\.id))
            guard let next = pending.firstIndex(where: { $0.dependsOn.allSatisfy { doneIDs.contains($0) || !ids.contains($0) } }) else {
                findings.append(Diagnostic(MessageCatalog.dependencyCycle, ["cycle": pending.map(\.id).joined(separator: " -> ")], location: pending[0].manifest.path))
                return done + pending
            }
            done.append(pending.remove(at: next))
        }
        return done
    }

    /// The workspace and log folders of a start. An instance with HA instances keeps one pair
    /// per HA instance (`workspace/ha/ID`, `logs/ha/ID`), so that the hosts sharing the
    /// instance directory keep their locks, sockets, state and logs apart.
    public static func runtimeFolders(instanceDirectory directory: String, haInstance: String?) -> (workspace: String, logs: String) {
        guard let haInstance else { return (directory + "/workspace", directory + "/logs") }
        return (directory + "/workspace/ha/" + haInstance, directory + "/logs/ha/" + haInstance)
    }

    /// The short host name, lower-cased, every other character than a letter or digit as `_`.
    public static func defaultHAInstanceID() -> String {
        let short = systemHostName()?.split(separator: ".").first.map(String.init) ?? "localhost"
        return String(short.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }

    static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init).filter { !$0.isEmpty }
    }

    public static func normalise(_ path: String, relativeTo base: String) -> String {
        let absolute = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    static func isAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}

import Foundation
import ZweKeyMaterial
import ZweMessages

/// The steps of `LaunchPlanner.plan`, in the order it takes them, over one instance.env (with
/// the HA instance's values on top). Each step adds what is wrong to `findings` and gives what
/// it could resolve, so that one pass reports every problem it can see.
struct PlanBuilder {
    struct Stop: Error {
        let findings: [Diagnostic]
    }

    /// The launcher settings of instance.env (ZWE_LAUNCHER_*, ZWE_LOG_*, ZWE_METRICS_*, ...).
    struct Settings {
        var prefix: String
        var bind: String
        var metricsPort: Int?
        var metricsAddress: String
        var logLevel: String
        var restartIntervals: [Int]
        var minUptime: Int
        var shutdownTimeout: Int
        var readyTimeout: Int
        var liveness: LaunchPlan.Liveness
        var logMaxBytes: Int
        var logKeep: Int
    }

    /// The keystore directory and its file.
    struct Certificates {
        var directory: String
        var file: CertificateEnvironment?
        var password: String
    }

    let directory: String
    let envPath: String
    let launcherEnvironment: [String: String]
    let haID: String
    let haFile: HAInstances?
    let haEntry: HAInstances.Instance?
    var instance: EnvFile
    var findings: [Diagnostic] = []
    /// Set when the start reads a zowe.yaml instead of instance.env.
    var zoweConfig: ZoweConfig? = nil

    /// instance.env, and the HA instance's host, addresses and env values on top of it.
    static func read(directory: String, haInstance: String?, environment: [String: String]) -> Swift.Result<PlanBuilder, Stop> {
        let envPath = directory + "/instance.env"
        guard FileManager.default.fileExists(atPath: envPath) else {
            return .failure(Stop(findings: [Diagnostic(MessageCatalog.instanceEnvMissing, ["dir": directory], location: envPath)]))
        }
        var instance: EnvFile
        let haFile: HAInstances?
        do {
            instance = try EnvFile.load(path: envPath, environment: environment)
            haFile = try HAInstances.load(instanceDirectory: directory)
        } catch {
            return .failure(Stop(findings: [error]))
        }
        let haID = haInstance ?? LaunchPlanner.defaultHAInstanceID()
        var haEntry: HAInstances.Instance?
        if let haFile {
            guard let entry = haFile.instance(haID) else {
                return .failure(Stop(findings: [Diagnostic(MessageCatalog.haInstanceUnknown, [
                    "id": haID, "path": haFile.path, "defined": haFile.instances.map(\.id).joined(separator: ", "),
                ], location: haFile.path)]))
            }
            haEntry = entry
            let overrides = (entry.addressValues + entry.environment).map {
                EnvEntry(key: $0.key, value: $0.value, line: $0.line, exported: true, file: haFile.path)
            }
            instance = EnvFile(path: instance.path, entries: instance.entries + overrides)
        }
        return .success(PlanBuilder(directory: directory, envPath: envPath, launcherEnvironment: environment, haID: haID,
                                    haFile: haFile, haEntry: haEntry, instance: instance))
    }

    /// A zowe.yaml, read into instance.env's names (`ZoweConfig.instanceFile`); the workspace
    /// stands for the instance directory.
    static func read(config: ZoweConfig, haInstance: String?, environment: [String: String]) -> Swift.Result<PlanBuilder, Stop> {
        let ids = config.haInstanceIDs
        var haID = haInstance ?? LaunchPlanner.defaultHAInstanceID()
        if !ids.isEmpty, !ids.contains(haID) {
            return .failure(Stop(findings: [Diagnostic(MessageCatalog.haInstanceNotInConfig, [
                "id": haID, "path": config.files.joined(separator: ":"), "defined": ids.joined(separator: ", "),
            ], location: config.location("haInstances"))]))
        }
        let ha = ids.isEmpty ? nil : haID
        if ha == nil, let haInstance { haID = haInstance }
        let root = config.path("zowe.runtimeDirectory")
        let extensions = config.path("zowe.extensionDirectory")
        let instance = config.instanceFile(haInstance: ha) { id in
            let candidates = [root.map { "\($0)/components/\(id)" }, extensions.map { "\($0)/\(id)" }].compactMap { $0 }
            guard let folder = candidates.first(where: { LaunchPlanner.isFolder($0) }) else { return nil }
            return try? ComponentManifest.load(componentDirectory: folder).healthCheck?.portVariable
        }
        var builder = PlanBuilder(directory: config.workspaceDirectory, envPath: config.files[0],
                                  launcherEnvironment: environment, haID: haID, haFile: nil, haEntry: nil, instance: instance)
        builder.zoweConfig = config
        builder.yamlHAInstance = ha
        return .success(builder)
    }

    /// The HA instance of a zowe.yaml start; nil when it defines no haInstances.
    var yamlHAInstance: String? = nil

    func value(_ key: String, _ fallback: String = "") -> String {
        let text = (instance[key] ?? "").trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? fallback : text
    }

    func location(_ key: String) -> String { instance.location(of: key) ?? envPath }

    /// ROOT_DIR, or the runtime the program runs from when it is not set.
    mutating func rootDirectory(programRuntime: String?) -> String? {
        var root = value("ROOT_DIR")
        if !root.isEmpty {
            root = LaunchPlanner.normalise(root, relativeTo: directory)
            if !RuntimeDirectory.isRuntime(root) {
                findings.append(Diagnostic(MessageCatalog.rootDirInvalid, ["path": root], location: location("ROOT_DIR")))
                return nil
            }
            return root
        }
        if let programRuntime {
            findings.append(Diagnostic(MessageCatalog.rootDirFromProgram, ["path": programRuntime], location: envPath))
            return programRuntime
        }
        findings.append(Diagnostic(MessageCatalog.rootDirUndefined, location: envPath))
        return nil
    }

    /// KEYSTORE_DIRECTORY and its zowe-certificates.env; the password the stores open with.
    mutating func certificates() -> Certificates {
        if let zoweConfig {
            let source = zoweConfig.certificateFile()
            let file = CertificateEnvironment(values: source.values)
            if source.entries.first(where: { $0.key == CertificateVariable.keystore.rawValue }) == nil {
                findings.append(Diagnostic(MessageCatalog.configStartSetting, [
                    "key": "zowe.certificate.keystore.file", "reason": "it is not set; 'zwe init certificate -c \(zoweConfig.files[0]) --update-config' writes it",
                ], location: zoweConfig.location("zowe.certificate.keystore.file")))
            }
            if zoweConfig.verifyMode == nil {
                findings.append(Diagnostic(MessageCatalog.configValueInvalid, [
                    "key": "zowe.verifyCertificates", "value": zoweConfig.string("zowe.verifyCertificates") ?? "", "reason": "one of STRICT, NONSTRICT, DISABLED",
                ], location: zoweConfig.location("zowe.verifyCertificates")))
            }
            let password = KeystorePassword.resolve(environment: launcherEnvironment, file: file).password
            return Certificates(directory: zoweConfig.keystoreDirectory ?? "", file: file, password: password)
        }
        let keystore = value("KEYSTORE_DIRECTORY").isEmpty ? "" : LaunchPlanner.normalise(value("KEYSTORE_DIRECTORY"), relativeTo: directory)
        var file: CertificateEnvironment?
        let filePath = CertificateEnvironment.path(keystoreDirectory: keystore)
        if keystore.isEmpty {
            findings.append(Diagnostic(MessageCatalog.keystoreDirectoryUndefined, location: location("KEYSTORE_DIRECTORY")))
        } else if !LaunchPlanner.isFolder(keystore) {
            findings.append(Diagnostic(MessageCatalog.keystoreDirectoryInaccessible, ["path": keystore, "reason": "no such folder"], location: location("KEYSTORE_DIRECTORY")))
        } else if access(keystore, R_OK | X_OK) != 0 {
            findings.append(Diagnostic(MessageCatalog.keystoreDirectoryInaccessible, ["path": keystore, "reason": String(cString: strerror(errno))], location: location("KEYSTORE_DIRECTORY")))
        } else if !FileManager.default.fileExists(atPath: filePath) {
            findings.append(Diagnostic(MessageCatalog.certificatesEnvMissing, ["path": filePath, "dir": keystore], location: location("KEYSTORE_DIRECTORY")))
        } else {
            do {
                file = try CertificateEnvironment.load(keystoreDirectory: keystore)
            } catch {
                findings.append(error)
            }
        }
        let password = KeystorePassword.resolve(environment: launcherEnvironment, file: file).password
        return Certificates(directory: keystore, file: file, password: password)
    }

    /// The job prefix, the addresses, logging, metrics and the restart policy's defaults.
    mutating func settings() -> Settings {
        // v2 has no ZOWE_INSTANCE: zowe.job.prefix is the whole prefix.
        let prefix = zoweConfig == nil ? value("ZOWE_PREFIX", "ZWE") + value("ZOWE_INSTANCE", "1") : value("ZOWE_PREFIX", "ZWE1")
        if prefix.count > 6 {
            findings.append(Diagnostic(MessageCatalog.jobPrefixLong, ["prefix": prefix], location: location("ZOWE_PREFIX")))
        }
        let bind = value("ZWE_BIND_ADDRESS", "127.0.0.1")
        if !LaunchPlanner.isAddress(bind) {
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
        if !LaunchPlanner.isAddress(metricsAddress) {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_METRICS_ADDRESS", "value": metricsAddress, "reason": "not an IPv4 or IPv6 address"], location: location("ZWE_METRICS_ADDRESS")))
        }
        let level = value("ZWE_LOG_LEVEL_ZWELS", "INFO").uppercased()
        if !["ERROR", "WARN", "INFO", "DEBUG", "TRACE"].contains(level) {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_LOG_LEVEL_ZWELS", "value": level, "reason": "one of ERROR, WARN, INFO, DEBUG, TRACE"], location: location("ZWE_LOG_LEVEL_ZWELS")))
        }
        let fallbackIntervals = [1, 1, 1, 5, 5, 10, 20, 60, 120, 240]
        var intervals = fallbackIntervals
        let intervalText = value("ZWE_LAUNCHER_RESTART_INTERVALS", fallbackIntervals.map(String.init).joined(separator: ","))
        let parts = intervalText.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        if !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) {
            intervals = parts.map { $0! }
        } else {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": "ZWE_LAUNCHER_RESTART_INTERVALS", "value": intervalText, "reason": "a comma list of whole numbers of seconds"], location: location("ZWE_LAUNCHER_RESTART_INTERVALS")))
        }
        return Settings(
            prefix: prefix, bind: bind, metricsPort: metricsPort, metricsAddress: metricsAddress, logLevel: level,
            restartIntervals: intervals,
            minUptime: number("ZWE_LAUNCHER_MIN_UPTIME", 90),
            shutdownTimeout: number("ZWE_LAUNCHER_SHUTDOWN_TIMEOUT", 20, minimum: 1),
            readyTimeout: number("ZWE_LAUNCHER_READY_TIMEOUT", 60, minimum: 1),
            liveness: LaunchPlan.Liveness(
                period: number("ZWE_LIVENESS_PERIOD", LaunchPlan.Liveness.defaults.period, minimum: 1),
                timeout: number("ZWE_LIVENESS_TIMEOUT", LaunchPlan.Liveness.defaults.timeout, minimum: 1),
                failureThreshold: number("ZWE_LIVENESS_FAILURE_THRESHOLD", LaunchPlan.Liveness.defaults.failureThreshold, minimum: 1)),
            logMaxBytes: number("ZWE_LOG_MAX_BYTES", 10_485_760, minimum: 1024),
            logKeep: number("ZWE_LOG_KEEP", 5, minimum: 1))
    }

    /// A whole number setting; a bad value is a finding and the default applies.
    mutating func number(_ key: String, _ fallback: Int, minimum: Int = 0) -> Int {
        let text = value(key)
        if text.isEmpty { return fallback }
        guard let parsed = Int(text), parsed >= minimum else {
            findings.append(Diagnostic(MessageCatalog.invalidSetting, ["key": key, "value": text, "reason": "a whole number of at least \(minimum)"], location: location(key)))
            return fallback
        }
        return parsed
    }

    /// ZWE_LAUNCH_COMPONENTS, else LAUNCH_COMPONENT_GROUPS; then EXTERNAL_COMPONENTS. Explicit
    /// ids must exist; a group's may be missing from the runtime.
    func requestedComponents() -> [(id: String, explicit: Bool)] {
        var requested: [(id: String, explicit: Bool)] = []
        let launchList = instance["ZWE_LAUNCH_COMPONENTS"] ?? launcherEnvironment["ZWE_LAUNCH_COMPONENTS"] ?? ""
        if !launchList.trimmingCharacters(in: .whitespaces).isEmpty {
            requested = LaunchPlanner.list(launchList).map { ($0, true) }
        } else {
            for group in LaunchPlanner.list(value("LAUNCH_COMPONENT_GROUPS", "GATEWAY")) {
                let ids = LaunchPlanner.componentGroups[group.uppercased()] ?? [group]
                requested += ids.map { ($0, false) }
            }
        }
        return requested + LaunchPlanner.list(value("EXTERNAL_COMPONENTS")).map { ($0, true) }
    }

    /// Where a component id (or path) is: the runtime's components, then ZWE_EXTENSION_DIR.
    func componentFolder(_ id: String, root: String) -> String? {
        let extensionDirectory = value("ZWE_EXTENSION_DIR")
        let candidates: [String] = id.hasPrefix("/") || id.contains("/")
            ? [LaunchPlanner.normalise(id, relativeTo: directory)]
            : ["\(root)/components/\(id)"] + (extensionDirectory.isEmpty ? [] : ["\(LaunchPlanner.normalise(extensionDirectory, relativeTo: directory))/\(id)"])
        return candidates.first { LaunchPlanner.isFolder($0) }
    }

    /// The HA instance's component switches and ports, and its discovery list: every HA
    /// instance's discovery service, this host's first, unless the entry names them.
    mutating func applyHAInstance(to requested: inout [(id: String, explicit: Bool)], root: String) {
        guard let haFile, let haEntry else { return }
        let launchedByDefault = Set(requested.map(\.id))
        requested.removeAll { haEntry.component($0.id)?.enabled == false }
        for override in haEntry.components where override.enabled == true && !requested.contains(where: { $0.id == override.id }) {
            requested.append((override.id, true))
        }
        var overrides: [EnvEntry] = []
        for override in haEntry.components {
            guard let port = override.port else { continue }
            guard let variable = componentFolder(override.id, root: root).flatMap({ try? ComponentManifest.load(componentDirectory: $0).healthCheck?.portVariable }) else {
                findings.append(Diagnostic(MessageCatalog.haFileInvalid, ["reason": "component \(override.id) has no port variable (healthCheck.portVariable in its manifest), so its port cannot be set here"], location: override.location))
                continue
            }
            overrides.append(EnvEntry(key: variable, value: "\(port)", line: override.portLine ?? haEntry.line, exported: true, file: haFile.path))
        }
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

    /// The folder of each requested component, once each.
    mutating func componentFolders(_ requested: [(id: String, explicit: Bool)], root: String) -> [(id: String, folder: String)] {
        var folders: [(id: String, folder: String)] = []
        for (id, explicit) in requested {
            guard let folder = componentFolder(id, root: root) else {
                if explicit {
                    findings.append(Diagnostic(MessageCatalog.componentNotFound, ["id": id], location: location(instance["ZWE_LAUNCH_COMPONENTS"] != nil ? "ZWE_LAUNCH_COMPONENTS" : "EXTERNAL_COMPONENTS")))
                } else {
                    findings.append(Diagnostic(MessageCatalog.componentGroupSkipped, ["what": "Component \(id)"], location: location("LAUNCH_COMPONENT_GROUPS")))
                }
                continue
            }
            if !folders.contains(where: { $0.folder == folder }) { folders.append((id, folder)) }
        }
        return folders
    }

    var runtimeFolders: (workspace: String, logs: String) {
        if let zoweConfig {
            let folders = zoweConfig.runtimeFolders(haInstance: yamlHAInstance)
            return (folders.workspace, folders.logs)
        }
        return LaunchPlanner.runtimeFolders(instanceDirectory: directory, haInstance: haFile == nil ? nil : haID)
    }

    /// One component: its manifest, scripts, port, job name and exact environment.
    mutating func component(_ requestedID: String, folder: String, root: String, certificates: Certificates, settings: Settings) -> LaunchPlan.Component? {
        let manifest: ComponentManifest
        do {
            manifest = try ComponentManifest.load(componentDirectory: folder)
        } catch {
            findings += error.items
            return nil
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
        if let check = manifest.healthCheck {
            var text = value(check.portVariable)
            if text.isEmpty, zoweConfig != nil, let port = manifest.configs?["port"]?.text {
                // v2: the manifest's configs.port is the default of components.<id>.port.
                text = port
                instance = EnvFile(path: instance.path, entries: instance.entries + [EnvEntry(key: check.portVariable, value: port, line: 1, exported: true, file: manifest.path)])
            }
            if text.isEmpty {
                findings.append(Diagnostic(MessageCatalog.launchComponentMissingPort, ["id": id, "variable": check.portVariable], location: envPath))
            } else if let parsed = Int(text), (1...65_535).contains(parsed) {
                port = parsed
            } else {
                findings.append(Diagnostic(MessageCatalog.portInvalid, ["variable": check.portVariable, "value": text], location: location(check.portVariable)))
            }
        }
        let code = manifest.jobCode ?? String(id.uppercased().filter { $0.isLetter || $0.isNumber }.prefix(2))
        let jobName = settings.prefix + code
        return LaunchPlan.Component(
            id: id, directory: folder, manifest: manifest, jobName: jobName,
            portVariable: manifest.healthCheck?.portVariable, port: port, healthPath: manifest.healthCheck?.path,
            startScript: start, validateScript: script(manifest.commands.validate),
            configureScript: script(manifest.commands.configure),
            dependsOn: manifest.dependsOn,
            restartIntervals: manifest.launcher.restartIntervals ?? settings.restartIntervals,
            minUptime: manifest.launcher.minUptime ?? settings.minUptime,
            shutdownTimeout: manifest.launcher.shutdownTimeout ?? settings.shutdownTimeout,
            readyTimeout: manifest.launcher.readyTimeout ?? settings.readyTimeout,
            liveness: settings.liveness,
            environment: environment(of: id, folder: folder, manifest: manifest, jobName: jobName, root: root, certificates: certificates, settings: settings))
    }

    /// Exactly what a component process gets: instance.env, the certificate variables (with the
    /// password this start resolved), the runtime's own variables, and a few of the launcher's.
    func environment(of id: String, folder: String, manifest: ComponentManifest, jobName: String, root: String,
                     certificates: Certificates, settings: Settings) -> [String: String] {
        let workspace = runtimeFolders.workspace
        let certificateVariables = certificates.file?.componentVariables(password: certificates.password) ?? [:]
        var environment = instance.values.merging(certificateVariables) { _, certificate in certificate }
        environment["INSTANCE_DIR"] = directory
        environment["ROOT_DIR"] = root
        environment["WORKSPACE_DIR"] = workspace
        environment["LAUNCH_COMPONENT"] = folder + "/bin"
        environment["ZWELS_HA_INSTANCE_ID"] = haID
        environment["ZOWE_PREFIX"] = settings.prefix
        environment["ZWE_EXTERNAL_PORT"] = zoweConfig == nil ? value("GATEWAY_PORT", "7554") : value("ZWE_EXTERNAL_PORT", value("GATEWAY_PORT", "7554"))
        environment["STATIC_DEF_CONFIG_DIR"] = workspace + "/api-mediation/api-defs"
        environment["ZOWE_MANIFEST"] = manifest.path
        environment["ZWE_COMPONENT_ID"] = id
        environment["ZWE_JOB_NAME"] = jobName
        for key in LaunchPlanner.passedThrough {
            if let inherited = launcherEnvironment[key] { environment[key] = inherited }
        }
        if let zoweConfig {
            let launched = LaunchPlanner.list(value("ZWE_LAUNCH_COMPONENTS"))
            environment.merge(zoweConfig.v2Environment(component: id, manifestConfigs: manifest.configs, haInstance: yamlHAInstance,
                                                       launched: launched, workspace: workspace)) { _, v2 in v2 }
            environment["ZWE_zowe_workspaceDirectory"] = zoweConfig.workspaceDirectory
            environment["ZWE_zowe_logDirectory"] = zoweConfig.logDirectory
        }
        // The override has done its work in KEYSTORE_PASSWORD; a component needs no second copy.
        environment[.passwordOverride] = nil
        if let certificate = certificates.file?.keystoreCertificate, let alias = certificates.file?.stores?.keyAlias {
            // A component with its own key entry gets its own PEM pair (COMPONENT_LEVEL_CERTIFICATES).
            let folderOfCertificate = (certificate as NSString).deletingLastPathComponent
            let ownCertificate = "\(folderOfCertificate)/\(alias).keystore.\(id).cer"
            let ownKey = "\(folderOfCertificate)/\(alias).keystore.\(id).key"
            if FileManager.default.fileExists(atPath: ownCertificate), FileManager.default.fileExists(atPath: ownKey) {
                environment[.keyAlias] = id
                environment[.keystoreCertificate] = ownCertificate
                environment[.keystoreKey] = ownKey
            }
        }
        return environment
    }

    /// No two components on one port, nor the launcher's metrics on a component's port.
    mutating func checkPorts(_ components: [LaunchPlan.Component], metricsPort: Int?) {
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
        if let metricsPort, let first = byPort[metricsPort] {
            findings.append(Diagnostic(MessageCatalog.portDuplicate, [
                "first": "\(first.id) (\(first.portVariable ?? "?"))", "second": "the launcher's metrics (ZWE_METRICS_PORT)", "port": "\(metricsPort)",
            ], location: location("ZWE_METRICS_PORT")))
        }
    }

    func plan(root: String, certificates: Certificates, settings: Settings, components: [LaunchPlan.Component]) -> LaunchPlan {
        let (workspace, logDirectory) = runtimeFolders
        var plan = LaunchPlan(
            instanceDirectory: directory, instanceEnvironmentFile: envPath, rootDirectory: root,
            keystoreDirectory: certificates.directory, workspaceDirectory: workspace, logDirectory: logDirectory,
            haInstanceID: haID, prefix: settings.prefix, bindAddress: settings.bind,
            loopbackAddress: settings.bind == "0.0.0.0" ? "127.0.0.1" : settings.bind == "::" ? "::1" : settings.bind,
            metricsPort: settings.metricsPort, metricsAddress: settings.metricsAddress, logLevel: settings.logLevel,
            logMaxBytes: settings.logMaxBytes, logKeep: settings.logKeep, components: components,
            instanceValues: instance.values, certificates: certificates.file, keystorePassword: certificates.password,
            instanceLocations: Dictionary(uniqueKeysWithValues: instance.values.keys.map { ($0, location($0)) }))
        plan.haInstancesFile = haFile?.path
        if let zoweConfig {
            plan.configurationFiles = zoweConfig.files
            plan.certificateSource = zoweConfig.certificateFile()
            plan.yamlHAInstance = yamlHAInstance
        }
        return plan
    }
}

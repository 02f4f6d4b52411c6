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
        let base = FileManager.default.currentDirectoryPath
        let directory = normalise(rawDirectory, relativeTo: base)
        var builder: PlanBuilder
        let read: Swift.Result<PlanBuilder, PlanBuilder.Stop>
        if let files = ZoweConfig.files(inArgument: rawDirectory, relativeTo: base) {
            do {
                read = PlanBuilder.read(config: try ZoweConfig.load(paths: files, environment: environment), haInstance: haInstance, environment: environment)
            } catch {
                return Result(plan: nil, findings: error.items, keystoreUsable: false)
            }
        } else {
            read = PlanBuilder.read(directory: directory, haInstance: haInstance, environment: environment)
        }
        switch read {
        case .success(let read): builder = read
        case .failure(let failure): return Result(plan: nil, findings: failure.findings, keystoreUsable: false)
        }
        guard let root = builder.rootDirectory(programRuntime: programRuntime) else {
            return Result(plan: nil, findings: builder.findings, keystoreUsable: false)
        }
        let certificates = builder.certificates()
        let settings = builder.settings()
        var requested = builder.requestedComponents()
        builder.applyHAInstance(to: &requested, root: root)
        let folders = builder.componentFolders(requested, root: root)
        let components = folders.compactMap { builder.component($0.id, folder: $0.folder, root: root, certificates: certificates, settings: settings) }
        builder.checkPorts(components, metricsPort: settings.metricsPort)
        let ordered = order(components, findings: &builder.findings)
        return Result(plan: builder.plan(root: root, certificates: certificates, settings: settings, components: ordered),
                      findings: builder.findings, keystoreUsable: certificates.file != nil)
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
        if let files = ZoweConfig.files(inArgument: directory, relativeTo: FileManager.default.currentDirectoryPath),
           let config = try? ZoweConfig.load(paths: files, environment: ProcessInfo.processInfo.environment) {
            let folders = config.runtimeFolders(haInstance: haInstance)
            return (folders.workspace, folders.logs)
        }
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

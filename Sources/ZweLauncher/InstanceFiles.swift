import Foundation
import ZweConfiguration
import ZweProcess

/// The files an instance's launcher keeps in `workspace/` while it runs. An instance with
/// HA instances (ha-instances.yaml) keeps them per HA instance, in `workspace/ha/ID` and
/// `logs/ha/ID`: the hosts that share the instance directory each have their own.
public struct InstanceFiles: Sendable {
    /// The instance directory; for a zowe.yaml, its workspace, which stands for it.
    public let instanceDirectory: String
    /// The `-c` value these files are of (absolute): the instance directory or the zowe.yaml files.
    public let argument: String
    /// The files of a start from zowe.yaml (v2's snapshot names).
    public let isZoweYAML: Bool
    /// The HA instance whose files these are; nil for an instance without HA instances.
    public let haInstance: String?
    public let workspace: String
    public let logs: String

    public init(instanceDirectory: String, haInstance: String? = nil) {
        argument = instanceDirectory
        if let files = ZoweConfig.files(inArgument: instanceDirectory, relativeTo: FileManager.default.currentDirectoryPath) {
            isZoweYAML = true
            guard let config = try? ZoweConfig.load(paths: files, environment: ProcessInfo.processInfo.environment) else {
                // A zowe.yaml that does not read has no workspace; nothing runs from it.
                self.instanceDirectory = instanceDirectory
                self.haInstance = haInstance
                (workspace, logs) = ("/nonexistent-workspace-of-" + instanceDirectory, "/nonexistent-logs-of-" + instanceDirectory)
                return
            }
            let folders = config.runtimeFolders(haInstance: haInstance)
            self.instanceDirectory = config.workspaceDirectory
            self.haInstance = folders.haInstance
            (workspace, logs) = (folders.workspace, folders.logs)
            return
        }
        isZoweYAML = false
        self.instanceDirectory = instanceDirectory
        let id = HAInstances.exists(instanceDirectory: instanceDirectory) ? (haInstance ?? LaunchPlanner.defaultHAInstanceID()) : nil
        self.haInstance = id
        (workspace, logs) = LaunchPlanner.runtimeFolders(instanceDirectory: instanceDirectory, haInstance: id)
    }

    public var lock: String { workspace + "/launcher.lock" }
    public var pid: String { workspace + "/launcher.pid" }
    public var state: String { workspace + "/launcher.state.json" }
    public var socket: String { workspace + "/launcher.sock" }
    public var launcherErrors: String { workspace + "/launcher.err" }
    public var launcherLog: String { logs + "/launcher.log" }
    public func componentLog(_ id: String) -> String { logs + "/\(id).log" }
    /// `.env/<id>/.<ha>.env`; v2's `.env/<id>/.instance-<ha>.env` in the workspace of a zowe.yaml.
    public func snapshot(_ id: String, ha: String) -> String {
        instanceDirectory + "/.env/\(id)/" + (isZoweYAML ? ".instance-\(ha).env" : ".\(ha).env")
    }

    /// The pid in launcher.pid if that process is alive (zombies do not count).
    public func runningLauncherPID() -> pid_t? {
        guard let text = try? String(contentsOfFile: pid, encoding: .utf8),
              let value = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
              ProcessTable.isAlive(value) else { return nil }
        return value
    }
}

/// `workspace/launcher.state.json`: every child's pid, process group and state, rewritten on
/// each change of them, so that the next start or stop can end what a killed launcher left behind.
struct StateFile: Codable {
    struct Child: Codable {
        var id: String
        var pid: Int32
        var processGroup: Int32
        /// The state `zwe status` shows (READY, UNHEALTHY ...) when the file was written; absent
        /// in files of earlier launchers.
        var state: String?
    }

    var launcherPid: Int32
    var children: [Child]

    func write(to path: String) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        let temporary = path + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) {
            rename(temporary, path)
        }
    }

    static func read(_ path: String) -> StateFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(StateFile.self, from: data)
    }
}


import Foundation
import ZweProcess

/// The host-wide list of running instances: one small JSON file per instance in a per-user
/// runtime directory (`$XDG_RUNTIME_DIR/zwe`, else `/tmp/zwe-UID`). `zwe status --all` and the
/// cross-instance port check read it; entries whose launcher is gone are removed on sight.
public enum InstanceRegistry {
    public struct Entry: Codable, Sendable, Equatable {
        public var instance: String
        public var jobName: String
        public var launcherPid: Int32
        /// Component id -> port.
        public var ports: [String: Int]

        public init(instance: String, jobName: String, launcherPid: Int32, ports: [String: Int]) {
            self.instance = instance
            self.jobName = jobName
            self.launcherPid = launcherPid
            self.ports = ports
        }
    }

    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/zwe" }
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return temporary + "/zwe-\(getuid())"
    }

    static func file(for instance: String, in folder: String) -> String {
        // A stable, file-name-safe key for the instance path.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in instance.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return folder + "/" + String(hash, radix: 16) + ".json"
    }

    public static func register(_ entry: Entry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let folder = directory(environment: environment)
        mkdir(folder, 0o700)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        let path = file(for: entry.instance, in: folder)
        let temporary = path + ".\(getpid()).tmp"
        if FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) {
            rename(temporary, path)
        }
    }

    public static func unregister(instance: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        unlink(file(for: instance, in: directory(environment: environment)))
    }

    /// Running instances (stale entries are deleted).
    public static func running(environment: [String: String] = ProcessInfo.processInfo.environment) -> [Entry] {
        let folder = directory(environment: environment)
        var entries: [Entry] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasSuffix(".json") {
            let path = folder + "/" + name
            guard let data = FileManager.default.contents(atPath: path),
                  let entry = try? JSONDecoder().decode(Entry.self, from: data) else { continue }
            if ProcessTable.isAlive(entry.launcherPid) {
                entries.append(entry)
            } else {
                unlink(path)
            }
        }
        return entries.sorted { $0.instance < $1.instance }
    }
}

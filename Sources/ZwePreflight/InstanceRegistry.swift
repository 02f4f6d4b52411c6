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
        /// The HA instance, for an instance with ha-instances.yaml (several may run on one host).
        public var haInstance: String?
        /// Where its components listen.
        public var bindAddress: String?

        public init(instance: String, jobName: String, launcherPid: Int32, ports: [String: Int],
                    haInstance: String? = nil, bindAddress: String? = nil) {
            self.instance = instance
            self.jobName = jobName
            self.launcherPid = launcherPid
            self.ports = ports
            self.haInstance = haInstance
            self.bindAddress = bindAddress
        }

        /// Whether its components and ones listening on `address` can clash on a port: the same
        /// address, or either listening on every address.
        public func sharesAddress(with address: String) -> Bool {
            guard let bindAddress else { return true }
            let wildcard: Set<String> = ["0.0.0.0", "::"]
            return bindAddress == address || wildcard.contains(bindAddress) || wildcard.contains(address)
        }
    }

    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return runtime + "/zwe" }
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return temporary + "/zwe-\(getuid())"
    }

    static func file(for instance: String, haInstance: String?, in folder: String) -> String {
        // A stable, file-name-safe key for the instance path (and HA instance).
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (instance + (haInstance.map { "\u{0}" + $0 } ?? "")).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return folder + "/" + String(hash, radix: 16) + ".json"
    }

    public static func register(_ entry: Entry, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let folder = directory(environment: environment)
        mkdir(folder, 0o700)
        guard let data = try? JSONEncoder().encode(entry) else { return }
        let path = file(for: entry.instance, haInstance: entry.haInstance, in: folder)
        let temporary = path + ".\(getpid()).tmp"
        if FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) {
            rename(temporary, path)
        }
    }

    public static func unregister(instance: String, haInstance: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        unlink(file(for: instance, haInstance: haInstance, in: directory(environment: environment)))
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

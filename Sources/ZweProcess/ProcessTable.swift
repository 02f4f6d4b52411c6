import Foundation

/// Facts about processes, read from /proc.
public enum ProcessTable {
    /// Alive and not a zombie: `kill(pid, 0)` alone would count zombies as alive.
    public static func isAlive(_ pid: pid_t) -> Bool {
        guard pid > 0, let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return false }
        let after = text[text.index(after: close)...].trimmingCharacters(in: .whitespaces)
        guard let state = after.first else { return false }
        return state != "Z" && state != "X"
    }

    public static func environment(of pid: pid_t) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return [:] }
        var values: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if let equals = text.firstIndex(of: "=") { values[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
        }
        return values
    }

    /// Every live process whose environment says it belongs to the instance (INSTANCE_DIR),
    /// and, when `haInstance` is given, to that HA instance of it (ZWELS_HA_INSTANCE_ID): the
    /// other hosts sharing the instance directory may run on this machine too.
    public static func processes(ofInstance directory: String, haInstance: String? = nil) -> [pid_t] {
        var found: [pid_t] = []
        let me = getpid()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), pid != me, isAlive(pid) else { continue }
            let environment = environment(of: pid)
            guard environment["INSTANCE_DIR"] == directory else { continue }
            if let haInstance, environment["ZWELS_HA_INSTANCE_ID"] != haInstance { continue }
            found.append(pid)
        }
        return found
    }

    public static func processGroup(of pid: pid_t) -> pid_t? {
        let group = getpgid(pid)
        return group > 0 ? group : nil
    }
}

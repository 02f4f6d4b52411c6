import Foundation
import ZweMessages

/// `logs/launcher.log` in the Zowe launcher's line format:
/// `YYYY-MM-DD HH:MM:SS <ZWELNCH:pid> user LEVEL ZWELnnnnX text` (UTC), with a level threshold.
final class LauncherLog: @unchecked Sendable {
    private let file: RotatingLog
    private let threshold: Int
    private let user: String
    private let lock = NSLock()
    /// Also echo to standard error (the launcher in the foreground).
    var echo = false

    init(path: String, maxBytes: Int, keep: Int, level: String) {
        file = RotatingLog(path: path, maxBytes: maxBytes, keep: keep)
        threshold = Self.rank(level)
        user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "\(geteuid())"
    }

    static func rank(_ level: String) -> Int {
        ["TRACE": 0, "DEBUG": 1, "INFO": 2, "WARN": 3, "ERROR": 4][level.uppercased()] ?? 2
    }

    func write(_ diagnostic: Diagnostic) {
        let level: String
        switch diagnostic.severity {
        case .info: level = "INFO"
        case .warning: level = "WARN"
        case .error: level = "ERROR"
        }
        write(level: level, text: diagnostic.description)
    }

    func debug(_ text: String) { write(level: "DEBUG", text: text) }

    func write(level: String, text: String) {
        guard Self.rank(level) >= threshold else { return }
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let stamp = String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec)
        let line = "\(stamp) <ZWELNCH:\(getpid())> \(user) \(level) \(text)"
        lock.lock()
        file.write(line: line)
        lock.unlock()
        if echo { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }
}

import Foundation
import ZweMessages

/// Messages to the terminal (info to stdout, warnings and errors with cause and fix to stderr)
/// and, with `-l LOGDIR`, to a log file in the launcher's line format:
/// `YYYY-MM-DD HH:MM:SS <NAME:pid> user LEVEL ZWELnnnnX text` (UTC).
final class ConsoleLog: @unchecked Sendable {
    private let name: String
    private var file: FileHandle?
    let path: String?

    init(name: String, logDirectory: String?, fileStem: String) throws(Diagnostic) {
        self.name = name
        guard let logDirectory else {
            path = nil
            return
        }
        if mkdir(logDirectory, 0o750) != 0 && errno != EEXIST {
            throw Diagnostic(MessageCatalog.cannotWrite, ["path": logDirectory, "reason": String(cString: strerror(errno))], location: logDirectory)
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd-HH-mm-ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let logPath = "\(logDirectory)/\(fileStem)-\(formatter.string(from: Date())).log"
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw Diagnostic(MessageCatalog.cannotWrite, ["path": logPath, "reason": String(cString: strerror(errno))], location: logPath)
        }
        path = logPath
        file = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    func write(_ diagnostic: Diagnostic) {
        if diagnostic.severity == .info {
            print(diagnostic.description)
        } else {
            Self.printExplained(diagnostic)
        }
        append(level: Self.level(diagnostic.severity), text: diagnostic.description)
    }

    static func printExplained(_ diagnostic: Diagnostic) {
        FileHandle.standardError.write(Data((diagnostic.explained + "\n").utf8))
    }

    private func append(level: String, text: String) {
        guard let file else { return }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "\(geteuid())"
        let line = "\(formatter.string(from: Date())) <\(name):\(getpid())> \(user) \(level) \(text)\n"
        file.write(Data(line.utf8))
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .info: "INFO"
        case .warning: "WARN"
        case .error: "ERROR"
        }
    }
}

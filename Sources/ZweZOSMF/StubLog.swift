import Foundation
import Logging

/// Log lines in the launcher's form, `YYYY-MM-DD HH:MM:SS <ZOSMF:pid> LEVEL text` (UTC), each
/// written with one write(2) so that lines of concurrent tasks never mix.
struct StubLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let fileDescriptor: Int32

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level: String
        switch event.level {
        case .trace: level = "TRACE"
        case .debug: level = "DEBUG"
        case .info, .notice: level = "INFO"
        case .warning: level = "WARN"
        case .error: level = "ERROR"
        case .critical: level = "FATAL"
        }
        StubLog.write("\(StubLog.timestamp()) <ZOSMF:\(getpid())> \(level) \(event.message)\n", to: fileDescriptor)
    }
}

enum StubLog {
    /// The stub's logger: to stdout (a terminal, or DIR/zosmf.log when detached).
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { _ in StubLogHandler(logLevel: level, fileDescriptor: STDOUT_FILENO) }
        var logger = Logger(label: "zosmf-stub")
        logger.logLevel = level
        return logger
    }

    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// All of `text`, retrying short writes; a closed descriptor costs the text, not the stub.
    static func write(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

import Foundation
import Logging

/// swift-log lines in the launcher's form, `YYYY-MM-DD HH:MM:SS <JOBNAME:pid> LEVEL text` in
/// UTC, so that a component's log reads like the launcher's and can be searched by job name.
///
/// Each line goes out in one write(2): the launcher reads components' output through pipes,
/// where a write of up to PIPE_BUF bytes is never interleaved with another process's or thread's.
public struct ComponentLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let prefix: String
    let fileDescriptor: Int32

    /// - Parameter jobName: shown with this process's id between angle brackets.
    public init(jobName: String, level: Logger.Level, fileDescriptor: Int32 = STDOUT_FILENO) {
        self.logLevel = level
        self.prefix = "<\(jobName):\(getpid())>"
        self.fileDescriptor = fileDescriptor
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var line = "\(Self.timestamp()) \(prefix) \(Self.name(of: event.level)) \(event.message)"
        if !all.isEmpty {
            line += " [" + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
        }
        line += "\n"
        Self.write(line, to: fileDescriptor)
    }

    /// The words the launcher's own log uses.
    static func name(of level: Logger.Level) -> String {
        switch level {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    static func timestamp(_ seconds: time_t = time(nil)) -> String {
        var now = seconds
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // a closed log must not take the server down
                }
                offset += written
            }
        }
    }
}

extension ComponentLogLevel {
    var loggerLevel: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .warn: .warning
        case .error: .error
        }
    }
}

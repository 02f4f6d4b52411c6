// ZweConfiguration owns configuration: env files (instance.env, zowe-setup-certificates.env,
// zowe-certificates.env), and later component manifests and the resolution of an instance's
// launch plan. Env files are written for a POSIX shell, but this module reads them without
// one: it accepts only the subset of shell syntax whose meaning it can reproduce exactly, and
// rejects everything else with a message that points at the line and column, so that a value
// is never silently read differently from what `. instance.env` would give, and nothing in a
// file is ever executed.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ZweMessages

/// One `KEY=VALUE` line of an env file.
public struct EnvEntry: Sendable, Equatable {
    public let key: String
    /// The value after quote removal and expansion.
    public let value: String
    /// 1-based.
    public let line: Int
    public let exported: Bool
    /// The file the value came from when it is not the env file's own (an HA instance's
    /// override in ha-instances.yaml); nil for the file's own lines.
    public let file: String?

    public init(key: String, value: String, line: Int, exported: Bool, file: String? = nil) {
        self.key = key
        self.value = value
        self.line = line
        self.exported = exported
        self.file = file
    }
}

/// A parsed env file: every assignment in file order, and the values a shell would hold
/// after sourcing it.
public struct EnvFile: Sendable {
    public let path: String
    /// File order, duplicates kept.
    public let entries: [EnvEntry]
    // Index into `entries` of the last assignment of each key, so that lookups agree with
    // the shell (the later assignment wins) without a scan.
    private let winners: [String: Int]

    public init(path: String, entries: [EnvEntry]) {
        self.path = path
        self.entries = entries
        var winners: [String: Int] = [:]
        winners.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            winners[entry.key] = index
        }
        self.winners = winners
    }

    /// Later duplicates win, as in a shell.
    public var values: [String: String] {
        winners.mapValues { entries[$0].value }
    }

    public subscript(key: String) -> String? {
        winners[key].map { entries[$0].value }
    }

    /// The entry that gives `key` its value: the last assignment of it.
    public func entry(for key: String) -> EnvEntry? {
        winners[key].map { entries[$0] }
    }

    /// `path:line` of the winning assignment.
    public func location(of key: String) -> String? {
        winners[key].map { "\(entries[$0].file ?? path):\(entries[$0].line)" }
    }

    /// Parses text. `environment` is what `$VAR` falls back to when VAR was not assigned
    /// earlier in this text.
    public static func parse(_ text: String, path: String, environment: [String: String]) throws(Diagnostic) -> EnvFile {
        var text = text
        // `withUTF8` only rethrows untyped errors; carrying a Result out keeps `Diagnostic`.
        let result: Result<[EnvEntry], Diagnostic> = text.withUTF8 { bytes in
            Result { () throws(Diagnostic) -> [EnvEntry] in
                var parser = EnvFileParser(text: bytes, path: path, environment: environment)
                return try parser.parse()
            }
        }
        return EnvFile(path: path, entries: try result.get())
    }

    /// Reads a file (missing/unreadable -> ZWEL1001E with {path}; not UTF-8 -> ZWEL1009E)
    /// and parses it.
    public static func load(path: String, environment: [String: String]) throws(Diagnostic) -> EnvFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Diagnostic(MessageCatalog.envFileMissing, ["path": path])
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Diagnostic(MessageCatalog.envNotUTF8, ["path": path], location: "\(path):\(firstInvalidLine(data))")
        }
        return try parse(text, path: path, environment: environment)
    }

    // Only on the error path: tells the user which line to fix.
    private static func firstInvalidLine(_ data: Data) -> Int {
        var line = 1
        for chunk in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }
}

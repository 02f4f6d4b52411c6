import Foundation
import ZweMessages

/// `zwe configure-instance`: creates an instance directory from the template, or brings an
/// existing one up to date without losing what the user set: missing template keys are
/// appended, a ROOT_DIR that names another runtime is rewritten, `--set` values replace their
/// key's line, and the bin/ scripts are rewritten. Files are replaced atomically.
public struct InstanceConfigurator: Sendable {
    public let runtimeDirectory: String
    public let templateDirectory: String

    public init(runtimeDirectory: String, templateDirectory: String) {
        self.runtimeDirectory = runtimeDirectory
        self.templateDirectory = templateDirectory
    }

    /// The template folder of a runtime: its own `instance-template`, or the one beside it in a source tree.
    public static func templateDirectory(forRuntime runtime: String) -> String? {
        for candidate in [runtime + "/instance-template", (runtime as NSString).deletingLastPathComponent + "/instance-template"]
        where FileManager.default.fileExists(atPath: candidate + "/instance.env") {
            return candidate
        }
        return nil
    }

    /// - Parameters:
    ///   - placeholders: values for `{{root_dir}}`, `{{keystore_directory}}`, ... (root_dir is filled here).
    ///   - sets: `--set KEY=VALUE` pairs, written as given.
    public func configure(directory rawDirectory: String, placeholders: [String: String], sets: [(String, String)]) throws(Diagnostics) -> Diagnostic {
        let directory = LaunchPlanner.normalise(rawDirectory, relativeTo: FileManager.default.currentDirectoryPath)
        let runtimeReal = Self.realPath(runtimeDirectory)
        let directoryReal = Self.realPath(directory)
        if directoryReal == runtimeReal || directoryReal.hasPrefix(runtimeReal + "/") {
            throw Diagnostics([Diagnostic(MessageCatalog.instanceInsideRuntime, ["dir": directory, "runtime": runtimeDirectory], location: directory)])
        }
        for (key, _) in sets where !ShellQuoting.isName(key) {
            throw Diagnostics([Diagnostic(MessageCatalog.setArgumentInvalid, ["value": key])])
        }
        var values = placeholders
        values["root_dir"] = runtimeDirectory

        let templatePath = templateDirectory + "/instance.env"
        guard let templateText = try? String(contentsOfFile: templatePath, encoding: .utf8) else {
            throw Diagnostics([Diagnostic(MessageCatalog.envFileMissing, ["path": templatePath], location: templatePath)])
        }
        let filledTemplate = Self.fill(templateText, values)
        let envPath = directory + "/instance.env"
        var changes: [String] = []
        let created: Bool

        if FileManager.default.fileExists(atPath: envPath) {
            created = false
            guard let existingText = try? String(contentsOfFile: envPath, encoding: .utf8) else {
                throw Diagnostics([Diagnostic(MessageCatalog.envFileMissing, ["path": envPath], location: envPath)])
            }
            let existing: EnvFile
            do {
                existing = try EnvFile.parse(existingText, path: envPath, environment: [:])
            } catch {
                throw Diagnostics([error])
            }
            var lines = existingText.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            func replace(_ key: String, _ value: String) {
                let entry = existing.entries.last { $0.key == key }!
                lines[entry.line - 1] = (entry.exported ? "export " : "") + "\(key)=\(ShellQuoting.quote(value))"
            }
            var appended: [String] = []
            let template = try? EnvFile.parse(filledTemplate, path: templatePath, environment: [:])
            let templateLines = filledTemplate.components(separatedBy: "\n")
            for entry in template?.entries ?? [] where existing[entry.key] == nil && !sets.contains(where: { $0.0 == entry.key }) {
                appended.append(templateLines[entry.line - 1])
                changes.append("added \(entry.key)")
            }
            if let root = existing["ROOT_DIR"], Self.realPath(root) != runtimeReal, !sets.contains(where: { $0.0 == "ROOT_DIR" }) {
                replace("ROOT_DIR", runtimeDirectory)
                changes.append("ROOT_DIR now \(runtimeDirectory)")
            }
            for (key, value) in sets {
                if existing[key] != nil || existing.entries.contains(where: { $0.key == key }) {
                    replace(key, value)
                } else {
                    appended.append("\(key)=\(ShellQuoting.quote(value))")
                }
                changes.append("set \(key)")
            }
            if !appended.isEmpty {
                lines.append("")
                lines.append("# Added by zwe configure-instance from the template of \(runtimeDirectory)")
                lines += appended
            }
            try Self.writeAtomically(envPath, lines.joined(separator: "\n") + "\n", mode: Self.mode(of: envPath) ?? 0o640)
        } else {
            created = true
            try Self.makeFolder(directory, mode: 0o750)
            var text = filledTemplate
            if !sets.isEmpty {
                var lines = text.components(separatedBy: "\n")
                let template = try? EnvFile.parse(text, path: templatePath, environment: [:])
                var extra: [String] = []
                for (key, value) in sets {
                    if let entry = template?.entries.last(where: { $0.key == key }) {
                        lines[entry.line - 1] = "\(key)=\(ShellQuoting.quote(value))"
                    } else {
                        extra.append("\(key)=\(ShellQuoting.quote(value))")
                    }
                }
                if lines.last == "" { lines.removeLast() }
                if !extra.isEmpty { lines += ["", "# Set with zwe configure-instance --set"] + extra }
                text = lines.joined(separator: "\n") + "\n"
            }
            try Self.writeAtomically(envPath, text, mode: 0o640)
        }

        // The bin/ scripts are ours: always rewritten, with this runtime's path.
        try Self.makeFolder(directory + "/bin", mode: 0o755)
        try Self.makeFolder(directory + "/logs", mode: 0o750)
        let scripts = (try? FileManager.default.contentsOfDirectory(atPath: templateDirectory + "/bin")) ?? []
        for name in scripts.sorted() where name.hasSuffix(".sh") {
            guard let text = try? String(contentsOfFile: templateDirectory + "/bin/" + name, encoding: .utf8) else { continue }
            try Self.writeAtomically(directory + "/bin/" + name, Self.fill(text, ["root_dir": runtimeDirectory]), mode: 0o755)
        }

        if created {
            return Diagnostic(MessageCatalog.instanceCreated, ["dir": directory, "root": runtimeDirectory, "keystore": placeholders["keystore_directory"].flatMap { $0.isEmpty ? nil : $0 } ?? "(not set)"])
        }
        return Diagnostic(MessageCatalog.instanceUpgraded, ["dir": directory, "changes": changes.isEmpty ? "nothing to change" : changes.joined(separator: ", ")])
    }

    /// Replaces `{{name}}` with the shell-quoted value (nothing for an empty value).
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var text = template
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{{\(name)}}", with: value.isEmpty ? "" : ShellQuoting.quote(value))
        }
        // Placeholders without a value stay empty.
        while let open = text.range(of: "{{"), let close = text.range(of: "}}", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        return text
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else {
            // Not there yet: resolve the nearest existing parent.
            let parent = (path as NSString).deletingLastPathComponent
            if parent == path || parent.isEmpty { return path }
            return realPath(parent) + "/" + (path as NSString).lastPathComponent
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func mode(of path: String) -> mode_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    static func makeFolder(_ path: String, mode: mode_t) throws(Diagnostics) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: Int(mode)])
        } catch {
            throw Diagnostics([Diagnostic(MessageCatalog.cannotWrite, ["path": path, "reason": "\(error.localizedDescription)"], location: path)])
        }
    }

    static func writeAtomically(_ path: String, _ text: String, mode: mode_t) throws(Diagnostics) {
        let temporary = "\(path).\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw Diagnostics([Diagnostic(MessageCatalog.cannotWrite, ["path": path, "reason": String(cString: strerror(errno))], location: path)])
        }
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw Diagnostics([Diagnostic(MessageCatalog.cannotWrite, ["path": path, "reason": String(cString: strerror(errno))], location: path)])
        }
    }
}

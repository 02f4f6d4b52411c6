import Foundation
import ZweMessages

/// Writes a migration: the YAML text to a temporary file beside the output (mode 600: it holds
/// the keystore password), that file planned as a v2 start and compared with the v1 plan
/// (components, ports, stores), then renamed into place. Nothing is left behind on failure.
public enum MigrationWriter {
    public struct Written: Sendable {
        /// What to tell: the file written, the keys kept under zowe.environments, the keys dropped.
        public var report: [Diagnostic]
    }

    public static func write(_ migration: InstanceMigration, to output: String, instanceDirectory: String,
                             haInstance: String?, environment: [String: String]) throws(Diagnostics) -> Written {
        let text = YAMLWriter.document(migration.document, style: .plain, header: [
            "Zowe v2 configuration of the instance \(instanceDirectory), written by zwe migrate.",
            "It holds the keystore password (zowe.certificate.*.password): keep it readable by its owner only.",
        ])
        let folder = (output as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (output as NSString).lastPathComponent + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Diagnostics([Diagnostic(MessageCatalog.migrateWriteFailed, ["output": output, "reason": String(cString: strerror(errno))], location: output)])
        }
        let bytes = Array(text.utf8)
        let wrote = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard wrote == bytes.count, synced else {
            unlink(temporary)
            throw Diagnostics([Diagnostic(MessageCatalog.migrateWriteFailed, ["output": output, "reason": "short write"], location: output)])
        }

        // The same instance, planned both ways.
        let before = LaunchPlanner.plan(instanceDirectory: instanceDirectory, haInstance: haInstance, environment: environment, programRuntime: nil).plan
        let after = LaunchPlanner.plan(instanceDirectory: temporary, haInstance: haInstance, environment: environment, programRuntime: nil)
        let afterErrors = after.findings.filter { $0.severity == .error }
        var difference: String?
        if let before, let plan = after.plan, afterErrors.isEmpty {
            let was = before.components.map { "\($0.id):\($0.port.map(String.init) ?? "-")" }
            let now = plan.components.map { "\($0.id):\($0.port.map(String.init) ?? "-")" }
            if Set(was) != Set(now) {
                difference = "components and ports \(was.sorted().joined(separator: ",")) became \(now.sorted().joined(separator: ","))"
            } else if before.certificates?.keystore != plan.certificates?.keystore || before.certificates?.truststore != plan.certificates?.truststore
                        || before.certificates?.keyAlias != plan.certificates?.keyAlias {
                difference = "the keystore \(before.certificates?.keystore ?? "-") became \(plan.certificates?.keystore ?? "-")"
            } else if before.prefix != plan.prefix {
                difference = "the job prefix \(before.prefix) became \(plan.prefix)"
            }
        } else {
            difference = afterErrors.map(\.description).joined(separator: "; ")
            if difference?.isEmpty != false { difference = "the written file does not plan" }
        }
        if let difference {
            unlink(temporary)
            throw Diagnostics([Diagnostic(MessageCatalog.migrateMismatch, ["difference": difference], location: output)])
        }
        guard rename(temporary, output) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Diagnostics([Diagnostic(MessageCatalog.migrateWriteFailed, ["output": output, "reason": reason], location: output)])
        }

        var report = [Diagnostic(MessageCatalog.migrated, [
            "output": output, "sources": migration.sources.joined(separator: ", "),
            "components": "\(before?.components.count ?? 0)",
            "ports": before?.components.compactMap { $0.port.map { String($0) } }.joined(separator: ",") ?? "",
        ], location: output)]
        let kept = migration.notes.filter { $0.outcome == .environment }
        if !kept.isEmpty {
            report.append(Diagnostic(MessageCatalog.migratedToEnvironments, [
                "count": "\(kept.count)", "keys": kept.map { "\($0.key) (\($0.location))" }.joined(separator: ", "),
            ], location: output))
        }
        let dropped = migration.notes.compactMap { note -> String? in
            if case .dropped(let why) = note.outcome { return "\(note.key) (\(note.location): \(why))" }
            return nil
        }
        if !dropped.isEmpty {
            report.append(Diagnostic(MessageCatalog.migratedDropped, ["keys": dropped.joined(separator: "; ")], location: output))
        }
        return Written(report: report)
    }
}

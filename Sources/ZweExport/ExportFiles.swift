// ZweExport owns turning an instance into files for other service managers: the Kubernetes
// manifests of `zwe export kubernetes` (workloads, Services, the keystore Secret, the
// ConfigMap and the certificate's cluster-name check) and the systemd unit of
// `zwe export systemd`, with the file writing they share (the YAML writer is
// ZweConfiguration's). It reads the instance only through a `LaunchPlan` (the launcher's own
// parsers), never by running anything, and leaves the command line and its messages' printing
// to ZweCLI.

import Foundation
import ZweMessages

/// Writing the exported files so that a reader never sees half of one: each file is written
/// beside its final name, flushed, given its mode, and renamed into place; a failure removes
/// what was staged and leaves the previous files as they were.
public enum ExportFiles {
    public struct Item: Sendable {
        public var name: String
        public var text: String
        public var mode: mode_t

        public init(name: String, text: String, mode: mode_t) {
            self.name = name
            self.text = text
            self.mode = mode
        }
    }

    /// Writes every item into `directory` (made owner-only when missing). All are staged
    /// first; only when every one is complete are they renamed into place.
    public static func write(_ items: [Item], into directory: String) throws(Diagnostic) {
        var folder = stat()
        if stat(directory, &folder) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw Diagnostic(MessageCatalog.exportWriteFailed, ["path": directory, "reason": "\(error.localizedDescription)"], location: directory)
            }
        } else if folder.st_mode & S_IFMT != S_IFDIR {
            throw Diagnostic(MessageCatalog.exportWriteFailed, ["path": directory, "reason": "it is not a folder"], location: directory)
        }
        var staged: [(temporary: String, final: String)] = []
        for item in items {
            let final = directory + "/" + item.name
            let temporary = directory + "/." + item.name + ".\(getpid()).tmp"
            if let failure = stage(item.text, at: temporary, mode: item.mode, final: final) {
                for file in staged { unlink(file.temporary) }
                throw failure
            }
            staged.append((temporary, final))
        }
        for file in staged where rename(file.temporary, file.final) != 0 {
            let reason = String(cString: strerror(errno))
            for rest in staged { unlink(rest.temporary) }
            throw Diagnostic(MessageCatalog.exportWriteFailed, ["path": file.final, "reason": reason], location: file.final)
        }
    }

    /// Writes one file in place of `path` (written beside it, then renamed).
    public static func write(_ text: String, to path: String, mode: mode_t) throws(Diagnostic) {
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "." : folder) + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        if let failure = stage(text, at: temporary, mode: mode, final: path) { throw failure }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Diagnostic(MessageCatalog.exportWriteFailed, ["path": path, "reason": reason], location: path)
        }
    }

    /// The file at `temporary`, complete and flushed, with `mode` from its creation on (a
    /// Secret is never readable by others, not even for a moment).
    static func stage(_ text: String, at temporary: String, mode: mode_t, final: String) -> Diagnostic? {
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            return Diagnostic(MessageCatalog.exportWriteFailed, ["path": final, "reason": String(cString: strerror(errno))], location: final)
        }
        fchmod(fd, mode)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 {
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                return Diagnostic(MessageCatalog.exportWriteFailed, ["path": final, "reason": reason], location: final)
            }
            written += count
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            return Diagnostic(MessageCatalog.exportWriteFailed, ["path": final, "reason": reason], location: final)
        }
        return nil
    }
}

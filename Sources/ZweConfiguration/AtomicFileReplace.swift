// Replacing a configuration file's contents so that every reader, and a writer killed at any
// moment, sees either the old bytes or the new ones: a temporary file in the same folder,
// flushed, renamed over the old one, with the old file's mode (and owner, where this user may
// set it). A symbolic link is followed, so the file it names is replaced and the link stays.

import Foundation

enum AtomicFileReplace {
    enum Failure: Error {
        /// Reading, writing or renaming failed.
        case io(String)
        /// The file on disk is no longer the one that was read and edited.
        case changed
    }

    /// Writes `bytes` in place of the file at `path`, provided it still holds `original`.
    static func replace(_ path: String, expecting original: [UInt8], with bytes: [UInt8]) throws(Failure) {
        guard let resolved = realpath(path, nil) else { throw .io("\(path): \(String(cString: strerror(errno)))") }
        let target = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(target, &info) == 0 else { throw .io("\(target): \(String(cString: strerror(errno)))") }
        let folder = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temporary = "\(folder)/.\(name).zwe-edit-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tmp"

        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io("cannot create a temporary file in \(folder): \(String(cString: strerror(errno)))") }
        var published = false
        defer { if !published { unlink(temporary) } }
        // The mode is the old file's whatever the umask; the owner too when allowed (root, or
        // a group this user is in), so that the service user still reads it.
        fchmod(fd, info.st_mode & 0o7777)
        if info.st_uid != geteuid() || info.st_gid != getegid() { _ = fchown(fd, info.st_uid, info.st_gid) }
        let written = writeAll(fd, bytes)
        let flushed = written == nil && fsync(fd) == 0
        let reason = written ?? (flushed ? nil : String(cString: strerror(errno)))
        close(fd)
        if let reason { throw .io("cannot write \(temporary): \(reason)") }
        // Another writer in the meantime: its change wins, ours is not applied.
        guard let now = FileManager.default.contents(atPath: target), Array(now) == original else { throw .changed }
        guard rename(temporary, target) == 0 else { throw .io("cannot rename \(temporary) to \(target): \(String(cString: strerror(errno)))") }
        published = true
        let folderFD = open(folder, O_RDONLY | O_CLOEXEC)
        if folderFD >= 0 {
            fsync(folderFD)
            close(folderFD)
        }
    }

    /// nil when every byte is written, else why not.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += written
        }
        return nil
    }
}

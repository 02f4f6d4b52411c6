import Foundation

/// A file operation that failed: the path and errno's words.
struct DiskError: Error, CustomStringConvertible, Sendable {
    let path: String
    let reason: String

    init(_ path: String, errno code: Int32 = errno) {
        self.path = path
        self.reason = String(cString: strerror(code))
    }

    init(_ path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    var description: String { "\(path): \(reason)" }
}

/// Writes that survive a SIGKILL or a power cut at any instant: content goes to a temporary
/// name, is flushed with fsync, renamed over the final name, and the directory is flushed
/// too, so that the rename itself is on disk. A reader (or the next start) sees the old file or
/// the new one, never a part. Everything else in the stub's storage is built from these.
enum DurableFiles {
    /// Replaces `path` with `bytes`, atomically and durably.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(DiskError) {
        let temporary = temporaryName(for: path)
        try writeNew(bytes, to: temporary, mode: mode)
        guard rename(temporary, path) == 0 else {
            let error = DiskError(path)
            unlink(temporary)
            throw error
        }
        try syncDirectory(parent(of: path))
    }

    static func write(_ text: String, to path: String, mode: mode_t = 0o600) throws(DiskError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Creates `path` (which must not exist) with `bytes` and flushes it; the caller publishes
    /// it, or the folder holding it, with a rename.
    static func writeNew(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(DiskError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw DiskError(path) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let error = DiskError(path)
                unlink(path)
                throw error
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let error = DiskError(path)
            unlink(path)
            throw error
        }
    }

    /// Flushes a directory's entries (creations, renames, removals in it).
    static func syncDirectory(_ path: String) throws(DiskError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DiskError(path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw DiskError(path) }
    }

    /// Makes a directory (not its parents) and flushes the parent; an existing one is fine.
    static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(DiskError) {
        if mkdir(path, mode) != 0 {
            guard errno == EEXIST else { throw DiskError(path) }
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                throw DiskError(path, reason: "it exists and is not a folder")
            }
            return
        }
        try syncDirectory(parent(of: path))
    }

    /// Moves `from` to `to` (same file system) and flushes the folders of both names.
    static func move(_ from: String, to: String) throws(DiskError) {
        guard rename(from, to) == 0 else { throw DiskError(from) }
        try syncDirectory(parent(of: to))
        if parent(of: from) != parent(of: to) { try syncDirectory(parent(of: from)) }
    }

    /// The whole file; nil when it does not exist.
    static func read(_ path: String) throws(DiskError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw DiskError(path)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DiskError(path)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }

    /// Removes a file or a whole tree; a missing one is fine.
    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// The names in a folder, without `.` and `..`; empty when it does not exist.
    static func names(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// A name beside `path` that no other writer uses: a writer killed half-way leaves
    /// `.name.tmp-...` files, which the next start removes.
    static func temporaryName(for path: String) -> String {
        let directory = parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return "\(directory)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Whether a name is one of `temporaryName(for:)`'s.
    static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") && name.contains(".tmp-")
    }
}

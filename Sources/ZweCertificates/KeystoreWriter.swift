import Foundation
import ZweMessages

/// Puts a keystore set into a keystore directory so that a reader, or a setup killed at any
/// moment, sees the previous complete set or the new complete set, never a mixture:
///
///     KEYSTORE_DIRECTORY/zowe-certificates.env -> .zwe/current/zowe-certificates.env
///     KEYSTORE_DIRECTORY/local_ca              -> .zwe/current/local_ca
///     KEYSTORE_DIRECTORY/<alias>               -> .zwe/current/<alias>
///     KEYSTORE_DIRECTORY/.zwe/current          -> sets/<id>
///
/// A new set is written under `.zwe/sets/<id>`, flushed, and published by renaming one
/// symbolic link (`current`) over the old one, which is atomic. Setups of one directory
/// are serialised by an exclusive lock on `.zwe/setup.lock`.
public struct KeystoreWriter: Sendable {
    public let directory: String
    public let lockKeystore: Bool
    public let lockTimeoutSeconds: Int

    static let internalFolder = ".zwe"

    public init(directory: String, lockKeystore: Bool, lockTimeoutSeconds: Int = 120) {
        self.directory = directory
        self.lockKeystore = lockKeystore
        self.lockTimeoutSeconds = lockTimeoutSeconds
    }

    var folderMode: mode_t { lockKeystore ? 0o700 : 0o750 }
    var fileMode: mode_t { lockKeystore ? 0o600 : 0o640 }
    var internalPath: String { "\(directory)/\(Self.internalFolder)" }

    /// Creates the directory and its internal folder, and takes the setup lock. The returned
    /// lock is released when its file descriptor is closed (also when the process dies).
    public func lock(onWait: () -> Void) throws(Diagnostic) -> SetupLock {
        // As Zowe's setup does (mkdir -p): the folders above the keystore directory are made too,
        // with the usual mode; only the keystore directory itself is locked down.
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw writeError(parent)
            }
        }
        try makeFolder(directory)
        try makeFolder(internalPath)
        let lockPath = "\(internalPath)/setup.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw writeError(lockPath) }
        fchmod(fd, fileMode)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            onWait()
            let deadline = Date().addingTimeInterval(TimeInterval(lockTimeoutSeconds))
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                if Date() > deadline {
                    close(fd)
                    throw Diagnostic(MessageCatalog.setupLockBusy, ["dir": directory, "seconds": "\(lockTimeoutSeconds)", "lock": lockPath])
                }
                usleep(20_000)
            }
        }
        return SetupLock(fd: fd)
    }

    /// Writes the set and publishes it. Must be called while holding the lock.
    /// - Returns: warnings (e.g. a foreign file moved aside).
    public func publish(_ files: [SetFile], topLevelNames: [String], owner: Ownership?) throws(Diagnostic) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let sets = "\(internalPath)/sets"
        try makeFolder(sets)
        removeAbandonedSets(in: sets)

        let id = Self.setIdentifier()
        let setPath = "\(sets)/\(id)"
        try makeFolder(setPath)
        for file in files {
            let path = "\(setPath)/\(file.relativePath)"
            try makeFolders(upTo: path, below: setPath)
            try writeFile(path, file.contents)
        }
        if let owner { warnings += owner.apply(to: [directory, internalPath, sets, setPath] + allPaths(under: setPath)) }
        fsyncPath(setPath)
        fsyncPath(sets)

        // Publish: one rename of a symbolic link.
        let current = "\(internalPath)/current"
        let previous = (try? FileManager.default.destinationOfSymbolicLink(atPath: current)).map { "\(internalPath)/\($0)" }
        let staged = "\(internalPath)/current.\(getpid()).tmp"
        unlink(staged)
        guard symlink("sets/\(id)", staged) == 0 else { throw writeError(staged) }
        guard rename(staged, current) == 0 else {
            unlink(staged)
            throw writeError(current)
        }
        fsyncPath(internalPath)

        // The stable names at the top level point through `current`; made once.
        for name in topLevelNames {
            let path = "\(directory)/\(name)"
            let target = "\(Self.internalFolder)/current/\(name)"
            if let existing = try? FileManager.default.destinationOfSymbolicLink(atPath: path), existing == target { continue }
            var info = stat()
            if lstat(path, &info) == 0 {
                let backup = "\(internalPath)/replaced-\(id)"
                try makeFolder(backup)
                guard rename(path, "\(backup)/\(name)") == 0 else { throw writeError(path) }
                warnings.append(Diagnostic(MessageCatalog.existingEntryReplaced, ["path": path, "backup": "\(backup)/\(name)"], location: path))
            }
            guard symlink(target, path) == 0 else { throw writeError(path) }
        }
        // Links left from an earlier alias now point at nothing: remove them.
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for name in entries where !topLevelNames.contains(name) {
                let path = "\(directory)/\(name)"
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path),
                   target.hasPrefix("\(Self.internalFolder)/current/") {
                    unlink(path)
                }
            }
        }
        fsyncPath(directory)
        if let previous, previous != setPath { try? FileManager.default.removeItem(atPath: previous) }
        return warnings
    }

    /// Sets left by a setup that was killed before publishing.
    private func removeAbandonedSets(in sets: String) {
        let current = (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(internalPath)/current")) ?? ""
        for name in (try? FileManager.default.contentsOfDirectory(atPath: sets)) ?? [] where "sets/\(name)" != current {
            try? FileManager.default.removeItem(atPath: "\(sets)/\(name)")
        }
    }

    static func setIdentifier() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return "\(time.tv_sec)-\(time.tv_nsec)-\(getpid())"
    }

    private func allPaths(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        return enumerator.compactMap { ($0 as? String).map { "\(root)/\($0)" } }
    }

    private func makeFolder(_ path: String) throws(Diagnostic) {
        if mkdir(path, folderMode) != 0 && errno != EEXIST { throw writeError(path) }
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw Diagnostic(MessageCatalog.invalidKeystoreDirectory, ["dir": path, "reason": "it exists and is not a folder"], location: path)
        }
        // The mode follows ZOWE_LOCK_KEYSTORE whatever the umask; never open to others.
        if info.st_uid == geteuid(), (info.st_mode & 0o7777) != folderMode {
            chmod(path, folderMode)
        }
    }

    private func makeFolders(upTo file: String, below root: String) throws(Diagnostic) {
        let parent = (file as NSString).deletingLastPathComponent
        guard parent != root, parent.count > root.count else { return }
        try makeFolders(upTo: parent, below: root)
        try makeFolder(parent)
    }

    private func writeFile(_ path: String, _ contents: [UInt8]) throws(Diagnostic) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 else { throw writeError(path) }
        defer { close(fd) }
        fchmod(fd, fileMode)  // the umask must not decide
        var offset = 0
        while offset < contents.count {
            let written = contents[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw writeError(path)
            }
            offset += written
        }
        guard fsync(fd) == 0 else { throw writeError(path) }
    }

    private func fsyncPath(_ path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    private func writeError(_ path: String) -> Diagnostic {
        Diagnostic(MessageCatalog.cannotWrite, ["path": path, "reason": String(cString: strerror(errno))], location: path)
    }
}

/// The held setup lock.
public final class SetupLock: @unchecked Sendable {
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    public func release() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    deinit { release() }
}

import Foundation
import Synchronization

/// The tokens a logout ended, for the whole instance: one file under the instance's workspace
/// (`$WORKSPACE_DIR/api-mediation/revoked-tokens.json`) that the gateway writes and every
/// component that checks tokens reads. A file rather than a query to the gateway: a service
/// called directly still refuses an ended token while the gateway is down or restarting, the
/// revocation survives any restart, and a check costs one stat(2), not a network round trip.
///
/// Writers take turns with flock(2) on a lock file beside it, write the whole new content
/// (0600) to a temporary name, fsync, and rename it over the old one, so that a reader sees the
/// previous list or the new one, never a part. Entries are dropped once their token has expired.
/// Readers compare the file's identity (device, inode, size, modification time) with the one
/// they last read, and read it again only when it changed. A file that exists but cannot be
/// read counts as revoking everything: a check that cannot see the list must not pass tokens.
public final class TokenRevocations: Sendable {
    public let path: String

    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private struct Cache {
        var identity: Identity?
        /// jti -> expiry, seconds since 1970; nil when the file could not be read.
        var revoked: [String: Int64]? = [:]
    }

    private struct Document: Codable {
        var revoked: [String: Int64]
    }

    private let cache = Mutex(Cache())

    public init(path: String) {
        self.path = path
    }

    /// The list of an instance's workspace.
    public convenience init(workspace: String) {
        self.init(path: workspace + "/api-mediation/revoked-tokens.json")
    }

    /// Whether a logout ended the token `jti`, as the file says now.
    public func isRevoked(_ jti: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            // No file: nothing was ever revoked (or every entry expired and it was removed).
            if errno == ENOENT {
                cache.withLock { $0 = Cache() }
                return false
            }
            return true
        }
        let identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                                seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
        return cache.withLock { cache in
            if cache.identity != identity {
                cache.identity = identity
                cache.revoked = Self.read(path)
            }
            guard let revoked = cache.revoked else { return true }
            return revoked[jti] != nil
        }
    }

    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Ends the token `jti` until `expires` for every component of the instance; on disk when
    /// this returns.
    public func revoke(_ jti: String, expires: Int64, now: Int64 = Int64(Date().timeIntervalSince1970)) throws(WriteError) {
        let folder = (path as NSString).deletingLastPathComponent
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw Self.failure(folder) }
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw Self.failure(path + ".lock") }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            guard errno == EINTR else { throw Self.failure(path + ".lock") }
        }
        // An unreadable file is not overwritten: its entries would be lost.
        var revoked: [String: Int64] = [:]
        if access(path, F_OK) == 0 {
            guard let current = Self.read(path) else {
                throw WriteError(description: "\(path) cannot be read as a list of revoked tokens; remove it only if no token issued before it must stay ended")
            }
            revoked = current
        }
        revoked = revoked.filter { $0.value > now }
        revoked[jti] = expires
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let bytes = try? encoder.encode(Document(revoked: revoked)) else {
            throw WriteError(description: "the list of revoked tokens cannot be encoded")
        }
        let temporary = path + ".new-\(getpid())"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure(temporary) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let error = Self.failure(path)
            unlink(temporary)
            throw error
        }
        let directory = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// The entries of the file, or nil when it cannot be read or is not such a list.
    private static func read(_ path: String) -> [String: Int64]? {
        guard let data = FileManager.default.contents(atPath: path),
              let document = try? JSONDecoder().decode(Document.self, from: data) else { return nil }
        return document.revoked
    }

    private static func failure(_ path: String) -> WriteError {
        WriteError(description: "\(path): \(String(cString: strerror(errno)))")
    }
}

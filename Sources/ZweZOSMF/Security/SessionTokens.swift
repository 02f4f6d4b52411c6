import Crypto
import Foundation
import Synchronization

/// The `jwtToken` sessions that `POST /zosmf/services/authenticate` opens: 32 random bytes
/// from the system's generator (getrandom), base64url; nothing in a token says whose it is, so
/// one cannot be guessed or made. The stub keeps only each token's SHA-256 with its user and
/// expiry, in memory and in `sessions.json`, so that a session outlives a restart of the stub
/// (the gateway keeps the z/OSMF token inside its own) and the file gives no token away.
final class SessionTokens: Sendable {
    struct Session: Codable, Sendable {
        var user: String
        /// Seconds since 1970.
        var expires: Int64
    }

    private struct Stored: Codable {
        var sessions: [String: Session]
    }

    static let cookieName = "jwtToken"
    /// z/OSMF's tokens last hours; eight, like a working day.
    static let lifetimeSeconds: Int64 = 8 * 3600

    private let file: String
    private let sessions: Mutex<[String: Session]>

    init(file: String) {
        self.file = file
        var loaded: [String: Session] = [:]
        if let bytes = try? DurableFiles.read(file), let stored = try? JSONDecoder().decode(Stored.self, from: Data(bytes)) {
            let now = Self.now()
            loaded = stored.sessions.filter { $0.value.expires > now }
        }
        sessions = Mutex(loaded)
    }

    /// A new session for `user`; on disk before the token is handed out.
    func open(for user: String) throws(DiskError) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let token = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        let now = Self.now()
        try sessions.withLock { (all: inout [String: Session]) throws(DiskError) in
            all = all.filter { $0.value.expires > now }
            all[Self.key(token)] = Session(user: user, expires: now + Self.lifetimeSeconds)
            try save(all)
        }
        return token
    }

    /// The user of a live session.
    func user(of token: String) -> String? {
        let now = Self.now()
        return sessions.withLock { all in
            guard let session = all[Self.key(token)], session.expires > now else { return nil }
            return session.user
        }
    }

    /// Ends a session; false when there was none.
    func close(_ token: String) throws(DiskError) -> Bool {
        try sessions.withLock { (all: inout [String: Session]) throws(DiskError) -> Bool in
            guard all.removeValue(forKey: Self.key(token)) != nil else { return false }
            try save(all)
            return true
        }
    }

    private func save(_ all: [String: Session]) throws(DiskError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(Stored(sessions: all)) else { return }
        try DurableFiles.write(Array(data), to: file, mode: 0o600)
    }

    private static func key(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}

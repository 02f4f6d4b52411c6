import Crypto
import Foundation
import ZweMessages

/// Who may log on to the stub, as a security product would say: user ids with a password or
/// the SHA-256 of one. Read once at start-up from `--users FILE` (one `user:password` or
/// `user:{SHA256}hex` per line, `#` comments), else the single user IBMUSER with password SYS1.
/// User ids are case-insensitive and kept upper-case, as RACF keeps them; passwords are not.
struct UserRegistry: Sendable {
    enum Secret: Sendable {
        case password([UInt8])
        case sha256([UInt8])
    }

    private let secrets: [String: Secret]
    /// Where the users came from, for the start-up message.
    let source: String

    static let standard = UserRegistry(secrets: ["IBMUSER": .password(Array("SYS1".utf8))], source: "the built-in default, password SYS1")

    var userIDs: [String] { secrets.keys.sorted() }

    /// Whether `password` is the user's; the same time whatever the answer, so that the time
    /// of a refusal tells nothing about the stored secret.
    func check(user: String, password: String) -> String? {
        let id = user.uppercased()
        let given = Array(password.utf8)
        let digest = Array(SHA256.hash(data: given))
        guard let secret = secrets[id] else {
            _ = Self.sameBytes(digest, digest)
            return nil
        }
        switch secret {
        case .password(let stored):
            return Self.sameBytes(Array(SHA256.hash(data: stored)), digest) ? id : nil
        case .sha256(let stored):
            return Self.sameBytes(stored, digest) ? id : nil
        }
    }

    private static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    // MARK: - The users file

    static func load(_ path: String?) throws(Diagnostic) -> UserRegistry {
        guard let path else { return standard }
        let read: [UInt8]?
        do throws(DiskError) {
            read = try DurableFiles.read(path)
        } catch {
            throw Diagnostic(MessageCatalog.zosmfUsersFileUnreadable, ["path": path, "reason": error.reason])
        }
        guard let bytes = read else {
            throw Diagnostic(MessageCatalog.zosmfUsersFileUnreadable, ["path": path, "reason": "the file does not exist"])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Diagnostic(MessageCatalog.zosmfUsersFileUnreadable, ["path": path, "reason": "it is not UTF-8 text"])
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(Diagnostic) -> UserRegistry {
        var secrets: [String: Secret] = [:]
        var firstLine: [String: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func problem(_ detail: String) -> Diagnostic {
                Diagnostic(MessageCatalog.zosmfUsersFileLine, ["detail": detail], location: "\(path):\(number)")
            }
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw problem("the line has no ':' between user id and password")
            }
            let user = String(trimmed[..<colon])
            let secret = String(trimmed[trimmed.index(after: colon)...])
            guard isUserID(user) else {
                throw problem("'\(user)' is not a user id (1 to 8 letters, digits, @, # or $, not starting with a digit)")
            }
            let id = user.uppercased()
            if let first = firstLine[id] {
                throw problem("user \(id) is already defined on line \(first)")
            }
            guard !secret.isEmpty else { throw problem("user \(id) has an empty password") }
            if secret.hasPrefix("{SHA256}") {
                let hex = secret.dropFirst("{SHA256}".count)
                guard let digest = bytes(ofHex: hex), digest.count == 32 else {
                    throw problem("the {SHA256} value of user \(id) is not 64 hex digits")
                }
                secrets[id] = .sha256(digest)
            } else {
                secrets[id] = .password(Array(secret.utf8))
            }
            firstLine[id] = number
        }
        guard !secrets.isEmpty else {
            throw Diagnostic(MessageCatalog.zosmfUsersFileEmpty, ["path": path], location: path)
        }
        return UserRegistry(secrets: secrets, source: path)
    }

    /// A z/OS user id: 1 to 8 of A-Z, 0-9, @, #, $, not starting with a digit (any case here).
    static func isUserID(_ text: String) -> Bool {
        guard (1...8).contains(text.count), let first = text.first, !first.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || "@#$".contains($0) }
    }

    private static func bytes(ofHex hex: Substring) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}

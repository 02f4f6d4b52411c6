// ZweKeyring owns the simulated SAF database (ZWE_SAF_DIR): labelled certificates, with or
// without their private keys, owned by user IDs (CERTAUTH for certificate authorities), and
// key rings, owned by user IDs, that connect them, the way RACF keeps them for Zowe's ZWEKRING
// job. Every change is made under one lock, written to a temporary file and renamed into
// place, with owner-only permissions, so that concurrent `zwe keyring` runs neither lose nor
// tear an entry. It also turns a `safkeyring:////OWNER/RING` store name into what a component
// loads: the labelled key with its chain, and the ring's certificate authorities.

import Foundation

/// One simulated SAF database, a folder:
///
///     certificates/<OWNER>/<label in hex>.pem   the certificate (PEM)
///     certificates/<OWNER>/<label in hex>.key   its private key (PEM, PKCS#8), when it has one
///     rings/<OWNER>/<RING>.json                 the ring and its connections
///     .lock                                     taken for every change
///
/// Labels may hold any character RACF allows (blanks included), so file names carry them in
/// hex.
public struct SAFDatabase: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// What a certificate is connected to a ring as (RACDCERT CONNECT USAGE).
    public enum Usage: String, Codable, Sendable {
        case personal = "PERSONAL"
        case certauth = "CERTAUTH"
        case site = "SITE"
    }

    public struct Connection: Codable, Sendable, Equatable {
        public var owner: String
        public var label: String
        public var usage: Usage
        public var isDefault: Bool

        public init(owner: String, label: String, usage: Usage, isDefault: Bool = false) {
            self.owner = owner
            self.label = label
            self.usage = usage
            self.isDefault = isDefault
        }

        enum CodingKeys: String, CodingKey { case owner, label, usage, isDefault = "default" }
    }

    public struct Ring: Codable, Sendable, Equatable {
        public var owner: String
        public var name: String
        public var connections: [Connection]
    }

    /// A labelled certificate of the database.
    public struct Entry: Sendable, Equatable {
        public var owner: String
        public var label: String
        public var certificatePEM: String
        public var privateKeyPEM: String?
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notADatabase(String)
        case badName(String, String)
        case ringExists(String, String)
        case ringMissing(String, String)
        case labelExists(String, String)
        case labelMissing(String, String)
        case io(String, String)

        public var description: String {
            switch self {
            case .notADatabase(let path): "\(path) is not a SAF database folder"
            case .badName(let what, let value): "'\(value)' is not a valid \(what)"
            case .ringExists(let owner, let ring): "key ring \(owner)/\(ring) already exists"
            case .ringMissing(let owner, let ring): "key ring \(owner)/\(ring) does not exist"
            case .labelExists(let owner, let label): "a certificate labelled '\(label)' already exists for \(owner)"
            case .labelMissing(let owner, let label): "no certificate labelled '\(label)' for \(owner)"
            case .io(let path, let reason): "\(path): \(reason)"
            }
        }
    }

    // MARK: - Names

    /// User IDs and ring names as RACF takes them: user IDs 1-8 characters, rings 1-237,
    /// neither with a slash (the store name splits on it) nor a blank.
    static func checkOwner(_ owner: String) throws(Failure) {
        guard (1...8).contains(owner.count), owner.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "#$@".contains($0)) }) else {
            throw .badName("user ID (1-8 letters, digits, #, $ or @)", owner)
        }
    }

    static func checkRing(_ ring: String) throws(Failure) {
        guard (1...237).contains(ring.count), ring.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" && !$0.isNewline }) else {
            throw .badName("key ring name (1-237 characters, no blank or /)", ring)
        }
    }

    static func checkLabel(_ label: String) throws(Failure) {
        guard (1...32).contains(label.count), !label.contains(where: { $0.isNewline || $0 == "\0" }) else {
            throw .badName("label (1-32 characters)", label)
        }
    }

    /// Why an owner, ring or label would be refused, or nil.
    public static func nameProblem(owner: String, ring: String, label: String) -> String? {
        do {
            try checkOwner(owner)
            try checkRing(ring)
            try checkLabel(label)
            return nil
        } catch {
            return error.description
        }
    }

    static func hex(_ text: String) -> String {
        text.utf8.map { String(format: "%02x", $0) }.joined()
    }

    func certificateStem(_ owner: String, _ label: String) -> String {
        root + "/certificates/\(owner)/" + Self.hex(label)
    }

    /// Where a labelled certificate's private key is kept (for permission checks).
    public func privateKeyPath(owner: String, label: String) -> String {
        certificateStem(owner, label) + ".key"
    }

    func ringPath(_ owner: String, _ ring: String) -> String {
        root + "/rings/\(owner)/\(ring).json"
    }

    // MARK: - Reading

    public func ring(owner: String, name: String) throws(Failure) -> Ring? {
        try Self.checkOwner(owner)
        try Self.checkRing(name)
        guard let data = FileManager.default.contents(atPath: ringPath(owner, name)) else { return nil }
        do {
            return try JSONDecoder().decode(Ring.self, from: data)
        } catch {
            throw .io(ringPath(owner, name), "unreadable ring: \(error)")
        }
    }

    /// Every ring, by owner and name.
    public func rings() -> [Ring] {
        let folder = root + "/rings"
        var found: [Ring] = []
        for owner in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            for file in ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + owner)) ?? []).sorted() where file.hasSuffix(".json") {
                if let data = FileManager.default.contents(atPath: folder + "/\(owner)/\(file)"),
                   let ring = try? JSONDecoder().decode(Ring.self, from: data) {
                    found.append(ring)
                }
            }
        }
        return found
    }

    public func entry(owner: String, label: String) throws(Failure) -> Entry? {
        try Self.checkOwner(owner)
        try Self.checkLabel(label)
        let stem = certificateStem(owner, label)
        guard let certificate = try? String(contentsOfFile: stem + ".pem", encoding: .utf8) else { return nil }
        let key = try? String(contentsOfFile: stem + ".key", encoding: .utf8)
        return Entry(owner: owner, label: label, certificatePEM: certificate, privateKeyPEM: key)
    }

    // MARK: - Changing

    /// Runs `change` holding the database's lock, making the database folder first if needed.
    /// Several changes can be made as one by nesting them: the thread that holds the lock
    /// does not take it again (flock would wait for itself through a second descriptor).
    public func locked<T>(_ change: () throws -> T) throws -> T {
        let held = "ZweKeyring.lock:" + root
        if Thread.current.threadDictionary[held] != nil { return try change() }
        try makeFolder(root)
        let lock = Glibc.open(root + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw Failure.io(root + "/.lock", String(cString: strerror(errno))) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            if errno != EINTR { throw Failure.io(root + "/.lock", String(cString: strerror(errno))) }
        }
        Thread.current.threadDictionary[held] = true
        defer { Thread.current.threadDictionary[held] = nil }
        return try change()
    }

    public func addRing(owner: String, name: String) throws {
        try locked {
            if try ring(owner: owner, name: name) != nil { throw Failure.ringExists(owner, name) }
            try write(Ring(owner: owner, name: name, connections: []))
        }
    }

    /// Removes a ring; its certificates stay in the database (ZWENOKYR removes them itself).
    public func deleteRing(owner: String, name: String) throws {
        try locked {
            guard try ring(owner: owner, name: name) != nil else { throw Failure.ringMissing(owner, name) }
            guard unlink(ringPath(owner, name)) == 0 else { throw Failure.io(ringPath(owner, name), String(cString: strerror(errno))) }
        }
    }

    public func addCertificate(owner: String, label: String, certificatePEM: String, privateKeyPEM: String?) throws {
        try locked {
            if try entry(owner: owner, label: label) != nil { throw Failure.labelExists(owner, label) }
            let stem = certificateStem(owner, label)
            try makeFolder((stem as NSString).deletingLastPathComponent)
            if let privateKeyPEM { try writeFile(stem + ".key", Data(privateKeyPEM.utf8)) }
            // The certificate last: an entry exists once its .pem does.
            try writeFile(stem + ".pem", Data(certificatePEM.utf8))
        }
    }

    public func deleteCertificate(owner: String, label: String) throws {
        try locked {
            guard try entry(owner: owner, label: label) != nil else { throw Failure.labelMissing(owner, label) }
            let stem = certificateStem(owner, label)
            unlink(stem + ".pem")
            unlink(stem + ".key")
        }
    }

    /// Connects a certificate to a ring (again: its usage and default flag are replaced). One
    /// connection of a ring is the default: setting it clears the others.
    public func connect(ringOwner: String, ring name: String, _ connection: Connection) throws {
        try locked {
            guard var ring = try ring(owner: ringOwner, name: name) else { throw Failure.ringMissing(ringOwner, name) }
            guard try entry(owner: connection.owner, label: connection.label) != nil else {
                throw Failure.labelMissing(connection.owner, connection.label)
            }
            ring.connections.removeAll { $0.owner == connection.owner && $0.label == connection.label }
            if connection.isDefault {
                for index in ring.connections.indices { ring.connections[index].isDefault = false }
            }
            ring.connections.append(connection)
            try write(ring)
        }
    }

    private func write(_ ring: Ring) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = ringPath(ring.owner, ring.name)
        try makeFolder((path as NSString).deletingLastPathComponent)
        try writeFile(path, try encoder.encode(ring))
    }

    private func makeFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw Failure.notADatabase(path) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure.io(path, "\(error)")
        }
    }

    /// A new file's whole content, or none of it: written beside, then renamed over.
    private func writeFile(_ path: String, _ data: Data) throws {
        let temporary = path + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure.io(temporary, String(cString: strerror(errno))) }
        var written = 0
        let ok = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let count = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return false }
                written += count
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure.io(path, reason)
        }
    }
}

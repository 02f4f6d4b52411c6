// ZwePKCS12 owns PKCS#12 stores: writing keystores and truststores that Java's keytool and
// OpenSSL both read, and reading any PKCS#12 back into entries. It is the only place the
// system OpenSSL is used, and it reaches it only through CZwePKCS12, a small C API of plain
// structs whose header names no OpenSSL type, so that no Swift file ever sees OpenSSL's
// declarations next to the BoringSSL that swift-crypto brings into the same process.
// Keys travel as unencrypted PKCS#8 DER and certificates as DER; this module neither
// generates nor interprets them beyond what the PKCS#12 format needs.

import CZwePKCS12

/// One entry of a keystore or truststore, as Java's keytool sees it.
public enum PKCS12Entry: Sendable, Equatable {
    /// A private key with its certificate chain, leaf first. Key is PKCS#8 DER (unencrypted PrivateKeyInfo), RSA or EC.
    case privateKey(alias: String, pkcs8DER: [UInt8], chain: [[UInt8]])
    /// A certificate trusted on its own (Java's trustedCertEntry).
    case trustedCertificate(alias: String, der: [UInt8])

    public var alias: String {
        switch self {
        case .privateKey(let alias, _, _), .trustedCertificate(let alias, _):
            return alias
        }
    }
}

public enum PKCS12Error: Error, Sendable, Equatable {
    /// MAC verification failed (or decryption failed with this password).
    case wrongPassword
    /// Not a PKCS#12 / cannot be parsed; the string says what.
    case malformed(String)
    /// E.g. a key bag type or algorithm we cannot read.
    case unsupported(String)
    /// Writing failed; reason from OpenSSL's error queue.
    case failed(String)
}

/// A certificate bag as stored in a PKCS#12 file, with its attributes.
public struct PKCS12Certificate: Sendable, Equatable {
    /// The certificate, DER.
    public let der: [UInt8]
    /// Its subject Name, DER.
    public let subjectDER: [UInt8]
    /// Its issuer Name, DER.
    public let issuerDER: [UInt8]
    /// The bag's friendlyName attribute.
    public let alias: String?
    /// The bag's localKeyID attribute.
    public let localKeyID: [UInt8]?
    /// Whether the bag carries Oracle's trusted-key-usage attribute; without it Java does not list
    /// the certificate as a trustedCertEntry.
    public let trusted: Bool

    public init(der: [UInt8], subjectDER: [UInt8], issuerDER: [UInt8], alias: String?,
                localKeyID: [UInt8]?, trusted: Bool) {
        self.der = der
        self.subjectDER = subjectDER
        self.issuerDER = issuerDER
        self.alias = alias
        self.localKeyID = localKeyID
        self.trusted = trusted
    }
}

/// Writing and reading whole PKCS#12 files.
public enum PKCS12Store {
    /// Serialises entries into a PKCS#12 file protected by `password`.
    ///
    /// Keys go in PKCS#8 shrouded key bags (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC, 2048
    /// iterations) with friendlyName = alias and a localKeyID shared with the leaf certificate;
    /// the rest of each chain follows as certificate bags without attributes. Trusted
    /// certificates get friendlyName = alias and Oracle's trusted-key-usage attribute. The
    /// certificates are in one AES-256 encrypted safe, the keys in a plain safe, and the file
    /// has a SHA-256 MAC.
    ///
    /// Refused with `.failed`: a key entry with an empty chain or a key that does not match its
    /// leaf certificate, a certificate or key that does not parse, an empty alias, two entries
    /// whose aliases differ only in case (Java folds aliases to lower case and would keep one),
    /// and a password containing NUL or a line break.
    ///
    /// A non-ASCII password is accepted and OpenSSL reads the result, but Java 17 cannot open it:
    /// its PBES2 key derivation refuses non-ASCII passwords ("Password is not ASCII").
    public static func write(_ entries: [PKCS12Entry], password: String) throws(PKCS12Error) -> [UInt8] {
        if password.utf8.contains(where: { $0 == 0 || $0 == 0x0A || $0 == 0x0D }) {
            throw .failed("the password contains a NUL character or a line break")
        }
        var seen: [String: String] = [:]
        for entry in entries {
            let alias = entry.alias
            if alias.isEmpty {
                throw .failed("an entry has an empty alias")
            }
            if alias.utf8.contains(0) {
                throw .failed("the alias '\(alias)' contains a NUL character")
            }
            let folded = alias.lowercased()
            if let other = seen[folded] {
                throw .failed("the aliases '\(other)' and '\(alias)' are the same to Java, which ignores case")
            }
            seen[folded] = alias
            if case .privateKey(_, _, let chain) = entry, chain.isEmpty {
                throw .failed("the key entry '\(alias)' has no certificate")
            }
        }

        // Copy everything into C memory that lives until the call returns.
        let arena = CArena()
        defer { arena.release() }
        let cEntries = arena.allocate(zwe_p12_write_entry.self, count: entries.count)
        for (index, entry) in entries.enumerated() {
            let certificates: [[UInt8]]
            var key: UnsafeMutablePointer<UInt8>? = nil
            var keyLength = 0
            switch entry {
            case .privateKey(_, let pkcs8DER, let chain):
                certificates = chain
                key = arena.copy(pkcs8DER)
                keyLength = pkcs8DER.count
            case .trustedCertificate(_, let der):
                certificates = [der]
            }
            let buffers = arena.allocate(zwe_p12_buffer.self, count: certificates.count)
            for (i, der) in certificates.enumerated() {
                (buffers + i).initialize(to: zwe_p12_buffer(bytes: arena.copy(der), length: der.count))
            }
            (cEntries + index).initialize(to: zwe_p12_write_entry(
                alias: arena.copy(entry.alias),
                pkcs8_der: key,
                pkcs8_der_length: keyLength,
                certificates: buffers,
                certificate_count: certificates.count))
        }

        var out: UnsafeMutablePointer<UInt8>? = nil
        var outLength = 0
        var message = [CChar](repeating: 0, count: errorCapacity)
        let status = password.withCString { cPassword in
            zwe_p12_write(cEntries, entries.count, cPassword, &out, &outLength, &message, message.count)
        }
        guard status == ZWE_P12_OK, let out else {
            throw .failed(text(message, or: "cannot write the PKCS#12 file"))
        }
        defer { zwe_p12_free_bytes(out) }
        return Array(UnsafeBufferPointer(start: out, count: outLength))
    }

    /// Reads every entry. Key entries get their chain rebuilt leaf-first from all certificates in the file
    /// by issuer/subject name matching (stop at self-signed or when no issuer is found).
    ///
    /// A certificate bag marked trusted (Oracle's attribute) is a `.trustedCertificate`. A certificate
    /// bag that is neither a key's leaf nor marked trusted, and has a friendly name, is returned
    /// as `.trustedCertificate` too, but only if it is not part of a key's chain (OpenSSL-made
    /// truststores look like that); `certificates(in:)` reports such a bag with `trusted == false`,
    /// because Java will not list it. Bags without a friendly name that are in no chain are not entries.
    ///
    /// Entries come in file order: a key entry where its leaf certificate is (or its key, without
    /// one), a trusted certificate where its bag is. Entries without a friendlyName are named
    /// "1", "2", ... as Java names them.
    public static func read(_ bytes: [UInt8], password: String) throws(PKCS12Error) -> [PKCS12Entry] {
        let contents = try Contents(bytes, password: password)
        return contents.entries()
    }

    /// Lower level, for diagnosis: every certificate bag as stored, with its attributes.
    public static func certificates(in bytes: [UInt8], password: String) throws(PKCS12Error) -> [PKCS12Certificate] {
        let contents = try Contents(bytes, password: password)
        return contents.certificates.map(\.certificate)
    }

    // MARK: - Internals

    static let errorCapacity = 2048

    static func text(_ message: [CChar], or fallback: String) -> String {
        let bytes = message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return bytes.isEmpty ? fallback : String(decoding: bytes, as: UTF8.self)
    }
}

/// Everything read from one file, copied out of C memory.
struct Contents {
    struct Certificate {
        var certificate: PKCS12Certificate
        var issuerIndex: Int?
        var bagIndex: Int
    }

    struct Key {
        var pkcs8DER: [UInt8]
        var alias: String?
        var certificateIndex: Int?
        var bagIndex: Int
    }

    var certificates: [Certificate] = []
    var keys: [Key] = []

    init(_ bytes: [UInt8], password: String) throws(PKCS12Error) {
        if bytes.isEmpty {
            throw .malformed("the file is empty")
        }
        if password.utf8.contains(0) {
            throw .unsupported("a password containing a NUL character cannot be used")
        }
        var raw = zwe_p12_contents()
        var message = [CChar](repeating: 0, count: PKCS12Store.errorCapacity)
        let status = bytes.withUnsafeBufferPointer { buffer in
            password.withCString { cPassword in
                zwe_p12_read(buffer.baseAddress, buffer.count, cPassword, &raw, &message, message.count)
            }
        }
        defer { zwe_p12_contents_free(&raw) }
        switch status {
        case ZWE_P12_OK:
            break
        case ZWE_P12_WRONG_PASSWORD:
            throw .wrongPassword
        case ZWE_P12_UNSUPPORTED:
            throw .unsupported(PKCS12Store.text(message, or: "unsupported PKCS#12 content"))
        case ZWE_P12_MALFORMED:
            throw .malformed(PKCS12Store.text(message, or: "not a PKCS#12 file"))
        default:
            throw .failed(PKCS12Store.text(message, or: "cannot read the PKCS#12 file"))
        }

        for i in 0..<raw.certificate_count {
            let c = raw.certificates[i]
            certificates.append(Certificate(
                certificate: PKCS12Certificate(
                    der: Self.bytes(c.der, c.der_length),
                    subjectDER: Self.bytes(c.subject_der, c.subject_der_length),
                    issuerDER: Self.bytes(c.issuer_der, c.issuer_der_length),
                    alias: Self.string(c.friendly_name),
                    localKeyID: c.has_local_key_id != 0 ? Self.bytes(c.local_key_id, c.local_key_id_length) : nil,
                    trusted: c.trusted != 0),
                issuerIndex: c.issuer_index >= 0 && c.issuer_index < raw.certificate_count ? c.issuer_index : nil,
                bagIndex: c.bag_index))
        }
        for i in 0..<raw.key_count {
            let k = raw.keys[i]
            keys.append(Key(
                pkcs8DER: Self.bytes(k.pkcs8_der, k.pkcs8_der_length),
                alias: Self.string(k.friendly_name),
                certificateIndex: k.certificate_index >= 0 && k.certificate_index < raw.certificate_count
                    ? k.certificate_index : nil,
                bagIndex: k.bag_index))
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The chain of a leaf, following issuers until a root, a missing issuer or a repeat.
    func chain(from leaf: Int) -> [Int] {
        var chain = [leaf]
        var seen: Set<[UInt8]> = [certificates[leaf].certificate.der]
        var current = leaf
        while let next = certificates[current].issuerIndex,
              seen.insert(certificates[next].certificate.der).inserted {
            chain.append(next)
            current = next
        }
        return chain
    }

    func entries() -> [PKCS12Entry] {
        var positioned: [(position: Int, entry: PKCS12Entry, alias: String?)] = []
        var leaves = Set<Int>()
        var chainMembers = Set<[UInt8]>()

        for key in keys {
            let chain = key.certificateIndex.map { self.chain(from: $0) } ?? []
            if let leaf = key.certificateIndex { leaves.insert(leaf) }
            for index in chain { chainMembers.insert(certificates[index].certificate.der) }
            let alias = key.alias ?? key.certificateIndex.flatMap { certificates[$0].certificate.alias }
            let position = key.certificateIndex.map { certificates[$0].bagIndex } ?? key.bagIndex
            positioned.append((position, .privateKey(alias: alias ?? "", pkcs8DER: key.pkcs8DER,
                                                      chain: chain.map { certificates[$0].certificate.der }), alias))
        }
        for (index, certificate) in certificates.enumerated() where !leaves.contains(index) {
            let c = certificate.certificate
            let isEntry = c.trusted || (c.alias != nil && !chainMembers.contains(c.der))
            if isEntry {
                positioned.append((certificate.bagIndex, .trustedCertificate(alias: c.alias ?? "", der: c.der), c.alias))
            }
        }
        positioned.sort { $0.position < $1.position }

        // Name unnamed entries the way Java does: "1", "2", ... in file order.
        var counter = 0
        return positioned.map { item in
            guard item.alias == nil else { return item.entry }
            counter += 1
            switch item.entry {
            case .privateKey(_, let key, let chain):
                return .privateKey(alias: String(counter), pkcs8DER: key, chain: chain)
            case .trustedCertificate(_, let der):
                return .trustedCertificate(alias: String(counter), der: der)
            }
        }
    }
}

/// C copies of Swift values, zeroed and freed together (they include private keys).
private final class CArena {
    private var allocations: [UnsafeMutableRawBufferPointer] = []

    func copy(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8> {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer.copyBytes(from: bytes)
        allocations.append(buffer)
        return buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
    }

    func copy(_ string: String) -> UnsafePointer<CChar> {
        let pointer = copy(Array(string.utf8) + [0])
        return UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self)
    }

    func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: MemoryLayout<T>.stride * max(count, 1), alignment: MemoryLayout<T>.alignment)
        allocations.append(buffer)
        return buffer.baseAddress!.bindMemory(to: T.self, capacity: max(count, 1))
    }

    func release() {
        for buffer in allocations {
            for i in buffer.indices { buffer[i] = 0 }
            buffer.deallocate()
        }
        allocations.removeAll()
    }
}

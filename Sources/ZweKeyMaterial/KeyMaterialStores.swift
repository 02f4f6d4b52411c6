import Foundation
import ZweKeyring
import ZwePKCS12

/// A private key with its certificate chain, as DER (the key as its store holds it: PKCS#8 from
/// a PKCS#12 file, the PEM block's bytes from a key ring).
public struct KeyEntry: Sendable, Equatable {
    public let alias: String
    public let privateKeyDER: [UInt8]
    /// Leaf first.
    public let chain: [[UInt8]]
}

/// A certificate the truststore vouches for, with its alias when the store gives one.
public struct TrustedCertificate: Sendable, Equatable {
    public let alias: String?
    public let der: [UInt8]
}

/// What an opened keystore and truststore give: the key entry under KEY_ALIAS and every
/// trusted certificate.
public struct KeyMaterial: Sendable {
    public let key: KeyEntry
    public let trusted: [TrustedCertificate]
}

/// The stores of an instance, as KEYSTORE, TRUSTSTORE and KEY_ALIAS name them, and the one way
/// they are opened.
///
/// PKCS#12 files are read through ZwePKCS12 only: swift-nio-ssl's own reader stops the process
/// on a truststore that holds certificates without a key, and cannot pick an alias.
public struct KeyMaterialStores: Sendable, Equatable {
    public var keystore: StoreReference
    public var truststore: StoreReference
    public var keyAlias: String

    public init(keystore: StoreReference, truststore: StoreReference, keyAlias: String) {
        self.keystore = keystore
        self.truststore = truststore
        self.keyAlias = keyAlias
    }

    /// The key entry under KEY_ALIAS and the truststore's certificates.
    public func open(password: String) throws(KeyMaterialError) -> KeyMaterial {
        if keystore.isKeyring, !truststore.isKeyring {
            throw .keyringUnusable(variable: .truststore, store: truststore.description,
                                   reason: "with a key ring as KEYSTORE, TRUSTSTORE must be a key ring too",
                                   safDirectory: Self.safDirectory(of: keystore))
        }
        return KeyMaterial(key: try key(alias: keyAlias, password: password), trusted: try trusted(password: password))
    }

    /// The key entry under `alias` (compared ignoring case, as Java's stores do). In a key ring
    /// the chain is the labelled certificate, then the ring's certificate authorities.
    public func key(alias: String, password: String) throws(KeyMaterialError) -> KeyEntry {
        switch keystore {
        case .pkcs12(let path):
            let entries: [PKCS12Entry] = try Self.readPKCS12(path, variable: .keystore) { bytes throws(PKCS12Error) in
                try PKCS12Store.read(bytes, password: password)
            }
            let wanted = alias.lowercased()
            guard let entry = entries.first(where: { $0.alias.lowercased() == wanted }) else {
                throw .aliasNotFound(alias: alias, store: path, aliases: entries.map(\.alias))
            }
            guard case .privateKey(let found, let pkcs8, let chain) = entry else {
                throw .aliasNotAKey(alias: alias, store: path)
            }
            return KeyEntry(alias: found, privateKeyDER: pkcs8, chain: chain)
        case .keyring(let ring, let safDirectory):
            func unusable(_ reason: String) -> KeyMaterialError {
                .keyringUnusable(variable: .keystore, store: ring.description, reason: reason, safDirectory: safDirectory)
            }
            let content: SAFDatabase.RingContent
            do {
                content = try SAFDatabase(root: safDirectory).open(ring, label: alias)
            } catch {
                throw unusable("\(error)")
            }
            guard let labelled = content.labelled, let keyPEM = labelled.privateKeyPEM else {
                throw unusable("the certificate labelled '\(alias)' has no private key in the database")
            }
            guard let key = (try? PEM.decode(keyPEM))?.first?.der, let leaf = Self.certificates(labelled.certificatePEM), !leaf.isEmpty else {
                throw unusable("the certificate or key labelled '\(alias)' is not readable PEM")
            }
            let authorities = content.authorities.filter { $0 != labelled }.compactMap { Self.certificates($0.certificatePEM) }
            return KeyEntry(alias: labelled.label, privateKeyDER: key, chain: leaf + authorities.flatMap { $0 })
        }
    }

    /// Every certificate of the truststore. In a PKCS#12 file that is also a bag without the
    /// attribute Java looks for (OpenSSL's `pkcs12 -export -nokeys` writes those): putting a
    /// certificate into the truststore is how an administrator says "trust this". In a key
    /// ring they are the ring's certificate authorities (CERTAUTH and SITE).
    public func trusted(password: String) throws(KeyMaterialError) -> [TrustedCertificate] {
        switch truststore {
        case .pkcs12(let path):
            let certificates: [PKCS12Certificate] = try Self.readPKCS12(path, variable: .truststore) { bytes throws(PKCS12Error) in
                try PKCS12Store.certificates(in: bytes, password: password)
            }
            return certificates.map { TrustedCertificate(alias: $0.alias, der: $0.der) }
        case .keyring(let ring, let safDirectory):
            let content: SAFDatabase.RingContent
            do {
                content = try SAFDatabase(root: safDirectory).open(ring, label: nil)
            } catch {
                throw .keyringUnusable(variable: .truststore, store: ring.description, reason: "\(error)", safDirectory: safDirectory)
            }
            var trusted: [TrustedCertificate] = []
            for authority in content.authorities {
                guard let certificates = Self.certificates(authority.certificatePEM) else {
                    throw .keyringUnusable(variable: .truststore, store: ring.description,
                                           reason: "\(authority.owner)/'\(authority.label)' is not readable PEM", safDirectory: safDirectory)
                }
                trusted += certificates.map { TrustedCertificate(alias: authority.label, der: $0) }
            }
            return trusted
        }
    }

    private static func safDirectory(of store: StoreReference) -> String {
        if case .keyring(_, let directory) = store { return directory }
        return ""
    }

    /// The CERTIFICATE blocks of PEM text; nil when it is not PEM.
    private static func certificates(_ pem: String) -> [[UInt8]]? {
        guard let blocks = try? PEM.decode(pem) else { return nil }
        return blocks.filter { $0.label == "CERTIFICATE" }.map(\.der)
    }

    private static func readPKCS12<Content>(
        _ path: String, variable: CertificateVariable, _ parse: ([UInt8]) throws(PKCS12Error) -> Content
    ) throws(KeyMaterialError) -> Content {
        let bytes: [UInt8]
        do {
            bytes = try StoreFile.read(path)
        } catch {
            throw .unreadable(variable: variable, path: path, reason: error.reason)
        }
        do {
            return try parse(bytes)
        } catch .wrongPassword {
            throw .wrongPassword(variable: variable, path: path)
        } catch {
            switch error {
            case .malformed(let text), .unsupported(let text), .failed(let text):
                throw .notPKCS12(variable: variable, path: path, reason: text)
            case .wrongPassword:
                throw .wrongPassword(variable: variable, path: path)
            }
        }
    }
}

/// Reading a store file whole, with errno's words when it cannot be read (Foundation's errors
/// name the file again and say less about why).
public enum StoreFile {
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    public static func read(_ path: String) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw Failure(reason: "it is a folder") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}

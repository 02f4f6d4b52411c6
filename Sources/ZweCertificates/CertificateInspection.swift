import Foundation
import X509
import ZweKeyMaterial
import ZweMessages
import ZwePKCS12

/// The contents of a PEM file or PKCS#12 store, entry by entry (`zwe certificate inspect`).
public struct Inspection: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        /// `PrivateKeyEntry`, `trustedCertEntry`, `certificate`, `privateKey`, `publicKey`.
        public var kind: String
        public var alias: String?
        public var key: String?
        public var chain: [CertificateDescription]
    }

    public var file: String
    public var format: String
    public var entries: [Entry]

    /// Reads `path`. A PKCS#12 store needs `password`; it is asked for through the closure only then.
    public static func inspect(path: String, password: () throws(Diagnostic) -> String) throws(Diagnostic) -> Inspection {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(MessageCatalog.envFileMissing, ["path": path], location: path)
        }
        let bytes = Array(data)
        if PEM.looksLikePEM(bytes) {
            return try inspectPEM(path: path, bytes: bytes)
        }
        let secret = try password()
        let stored: [PKCS12Entry]
        do {
            stored = try PKCS12Store.read(bytes, password: secret)
        } catch .wrongPassword {
            throw Diagnostic(MessageCatalog.storeWrongPassword, ["path": path], location: path)
        } catch {
            throw Diagnostic(MessageCatalog.notACertificateFile, ["path": path, "reason": "\(error)"], location: path)
        }
        var entries: [Entry] = []
        for item in stored {
            switch item {
            case .privateKey(let alias, let pkcs8DER, let chain):
                let key = (try? GeneratedKey(pkcs8DER: pkcs8DER)).map { CertificateDescription.keyDescription($0.privateKey.publicKey) }
                entries.append(Entry(kind: "PrivateKeyEntry", alias: alias, key: key, chain: chain.compactMap(describe)))
            case .trustedCertificate(let alias, let der):
                entries.append(Entry(kind: "trustedCertEntry", alias: alias, key: nil, chain: [describe(der)].compactMap { $0 }))
            }
        }
        return Inspection(file: path, format: "PKCS12", entries: entries)
    }

    static func inspectPEM(path: String, bytes: [UInt8]) throws(Diagnostic) -> Inspection {
        let blocks: [PEM.Block]
        do {
            blocks = try PEM.decode(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw Diagnostic(MessageCatalog.notACertificateFile, ["path": path, "reason": "\(error)"], location: path)
        }
        var entries: [Entry] = []
        for block in blocks {
            switch block.label {
            case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
                guard let description = describe(block.der) else {
                    throw Diagnostic(MessageCatalog.notACertificateFile, ["path": path, "reason": "a CERTIFICATE block does not hold an X.509 certificate"], location: path)
                }
                entries.append(Entry(kind: "certificate", alias: nil, key: description.key, chain: [description]))
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
                let pem = PEM.encode(block.der, label: block.label)
                let key = (try? Certificate.PrivateKey(pemEncoded: pem)).map { CertificateDescription.keyDescription($0.publicKey) }
                entries.append(Entry(kind: "privateKey", alias: nil, key: key ?? "unreadable", chain: []))
            case "PUBLIC KEY":
                let key = (try? Certificate.PublicKey(pemEncoded: PEM.encode(block.der, label: block.label))).map(CertificateDescription.keyDescription)
                entries.append(Entry(kind: "publicKey", alias: nil, key: key ?? "unreadable", chain: []))
            default:
                entries.append(Entry(kind: block.label, alias: nil, key: nil, chain: []))
            }
        }
        return Inspection(file: path, format: "PEM", entries: entries)
    }

    static func describe(_ der: [UInt8]) -> CertificateDescription? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        return CertificateDescription(certificate, der: der)
    }

    /// The text form, close to `keytool -list -v`.
    public var text: String {
        var out = "File: \(file) (\(format), \(entries.count) \(entries.count == 1 ? "entry" : "entries"))\n"
        for entry in entries {
            out += "\n"
            if let alias = entry.alias { out += "Alias: \(alias)\n" }
            out += "Entry type: \(entry.kind)"
            if let key = entry.key { out += " (\(key))" }
            if entry.chain.count > 1 { out += ", chain length \(entry.chain.count)" }
            out += "\n"
            for (index, certificate) in entry.chain.enumerated() {
                if entry.chain.count > 1 { out += "  Certificate[\(index + 1)]:\n" }
                out += Self.lines(certificate).map { "  \($0)\n" }.joined()
            }
        }
        return out
    }

    static func lines(_ c: CertificateDescription) -> [String] {
        var lines = [
            "Subject:  \(c.subject)",
            "Issuer:   \(c.issuer)",
            "Serial:   \(c.serialNumber)",
            "Valid:    \(c.notBefore) to \(c.notAfter) (\(c.daysToExpiry) days left)",
        ]
        if !c.subjectAlternativeNames.isEmpty { lines.append("SAN:      \(c.subjectAlternativeNames.joined(separator: ", "))") }
        if let ku = c.keyUsage { lines.append("KU:       \(ku.joined(separator: ", "))") }
        if let eku = c.extendedKeyUsage { lines.append("EKU:      \(eku.joined(separator: ", "))") }
        if let bc = c.basicConstraints { lines.append("Basic:    \(bc)") }
        lines.append("Key:      \(c.key), signed \(c.signatureAlgorithm)\(c.selfSigned ? ", self-signed" : "")")
        lines.append("SHA-256:  \(c.sha256Fingerprint)")
        return lines
    }
}

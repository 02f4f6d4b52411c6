// ZweCertificates owns everything about certificates: making the Zowe local CA, server,
// component and JWT certificates; writing the keystore directory (layout, PEM files,
// PKCS#12 stores through ZwePKCS12, zowe-certificates.env) safely; and reading any
// certificate or store back for inspection and validation.

import Crypto
import ZweKeyMaterial
import _CryptoExtras
import X509

/// The key types a setup can generate (`KEY_ALGORITHM`).
public enum KeyAlgorithm: Sendable, Equatable, CustomStringConvertible {
    case rsa(bits: Int)
    case ecP256

    public static let `default` = KeyAlgorithm.rsa(bits: 2048)

    /// Reads `RSA-2048`, `RSA-3072`, `RSA-4096` or `EC-P256` (case-insensitive).
    public init?(setting: String) {
        switch setting.uppercased() {
        case "RSA-2048", "RSA": self = .rsa(bits: 2048)
        case "RSA-3072": self = .rsa(bits: 3072)
        case "RSA-4096": self = .rsa(bits: 4096)
        case "EC-P256", "EC", "P-256", "EC-P-256": self = .ecP256
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .rsa(let bits): "RSA-\(bits)"
        case .ecP256: "EC-P256"
        }
    }

    /// Makes a fresh key pair.
    public func generate() throws -> GeneratedKey {
        switch self {
        case .rsa(let bits):
            let key = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))
            return GeneratedKey(
                privateKey: Certificate.PrivateKey(key),
                pkcs8DER: Array(key.pkcs8DERRepresentation))
        case .ecP256:
            let key = P256.Signing.PrivateKey()
            return GeneratedKey(
                privateKey: Certificate.PrivateKey(key),
                pkcs8DER: Array(key.pkcs8DERRepresentation))
        }
    }
}

/// A private key in the two forms the keystore directory needs: signing, and PKCS#8 bytes.
public struct GeneratedKey: Sendable {
    public let privateKey: Certificate.PrivateKey
    public let pkcs8DER: [UInt8]

    public init(privateKey: Certificate.PrivateKey, pkcs8DER: [UInt8]) {
        self.privateKey = privateKey
        self.pkcs8DER = pkcs8DER
    }

    /// Reads a PKCS#8 private key (RSA or EC).
    public init(pkcs8DER: [UInt8]) throws {
        self.privateKey = try Certificate.PrivateKey(derBytes: pkcs8DER)
        self.pkcs8DER = pkcs8DER
    }

    /// `-----BEGIN PRIVATE KEY-----`, the form of Zowe's `.key` file.
    public var pkcs8PEM: String { PEM.encode(pkcs8DER, label: "PRIVATE KEY") }
}

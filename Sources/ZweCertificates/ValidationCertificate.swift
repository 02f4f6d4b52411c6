import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

/// A certificate as the validator reads it. It is parsed here with SwiftASN1 rather than
/// with swift-certificates' `Certificate`, because that type refuses RSA keys under 2048
/// bits and MD5 signatures outright, and the validator must read exactly those
/// certificates to warn about them while still checking everything else. The parts that
/// swift-certificates parses on their own (names, extensions) are its types.
struct ValidationCertificate: Sendable {
    let der: [UInt8]
    /// 1, 2 or 3.
    let version: Int
    let subject: DistinguishedName
    let issuer: DistinguishedName
    let notBefore: Date
    let notAfter: Date
    let extensions: Certificate.Extensions
    let publicKey: ValidationPublicKey
    let signatureAlgorithm: ASN1ObjectIdentifier
    let signature: [UInt8]
    let tbs: ArraySlice<UInt8>

    init(der: [UInt8]) throws {
        let root = try DER.parse(der)
        let outer = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbs = nodes.next(), let algorithm = nodes.next(), let signature = nodes.next() else {
                throw ValidationParseError("the certificate is not a SEQUENCE of three parts")
            }
            return (tbs, try ValidationASN1.algorithm(algorithm).oid, try ASN1BitString(derEncoded: signature))
        }
        let fields = try DER.sequence(outer.0, identifier: .sequence) { nodes in
            let version = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                try Int(derEncoded: $0)
            } ?? 0
            guard nodes.next() != nil, nodes.next() != nil,  // serial number and inner signature algorithm
                  let issuer = nodes.next(), let validity = nodes.next(),
                  let subject = nodes.next(), let publicKey = nodes.next() else {
                throw ValidationParseError("the certificate's TBSCertificate is incomplete")
            }
            let dates = try DER.sequence(validity, identifier: .sequence) { times in
                guard let from = times.next(), let to = times.next() else {
                    throw ValidationParseError("the validity has no end")
                }
                return (try ValidationASN1.date(from), try ValidationASN1.date(to))
            }
            var extensions: [Certificate.Extension] = []
            let extensionsTag = ASN1Identifier(tagWithNumber: 3, tagClass: .contextSpecific)
            while let node = nodes.next() {
                guard node.identifier == extensionsTag, case .constructed(let children) = node.content else { continue }
                var inner = children.makeIterator()
                if let list = inner.next() {
                    extensions = try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: list)
                }
            }
            return (version + 1, try DistinguishedName(derEncoded: issuer), dates,
                    try DistinguishedName(derEncoded: subject), try ValidationPublicKey(spki: publicKey), extensions)
        }
        self.der = der
        self.tbs = outer.0.encodedBytes
        self.signatureAlgorithm = outer.1
        self.signature = Array(outer.2.bytes)
        self.version = fields.0
        self.issuer = fields.1
        self.notBefore = fields.2.0
        self.notAfter = fields.2.1
        self.subject = fields.3
        self.publicKey = fields.4
        self.extensions = try Certificate.Extensions(fields.5)
    }

    var subjectText: String { CertificateDescription.name(subject) }
    var issuerText: String { CertificateDescription.name(issuer) }

    var isSelfIssued: Bool { subject == issuer }

    /// Whether this certificate's key made `child`'s signature: nil when the algorithm is
    /// one that cannot be checked here (MD5, RSA-PSS, or an unknown one), so that callers
    /// can fall back on the names alone instead of calling a good chain broken.
    func signed(_ child: ValidationCertificate) -> Bool? {
        guard let scheme = ValidationSignatureScheme(child.signatureAlgorithm) else { return nil }
        switch (scheme, publicKey) {
        case (.rsa(let hash), .rsa(_, _, let spki)):
            guard let hash, let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: spki) else { return nil }
            let signature = _RSA.Signing.RSASignature(rawRepresentation: child.signature)
            return key.isValidSignature(signature, for: hash.digest(child.tbs), padding: .insecurePKCS1v1_5)
        case (.ecdsa(let hash), .ec(let curve, _, let spki)):
            let digest = hash.digest(child.tbs)
            switch curve {
            case .p256:
                guard let key = try? P256.Signing.PublicKey(derRepresentation: spki),
                      let signature = try? P256.Signing.ECDSASignature(derRepresentation: child.signature) else { return false }
                return key.isValidSignature(signature, for: digest)
            case .p384:
                guard let key = try? P384.Signing.PublicKey(derRepresentation: spki),
                      let signature = try? P384.Signing.ECDSASignature(derRepresentation: child.signature) else { return false }
                return key.isValidSignature(signature, for: digest)
            case .p521:
                guard let key = try? P521.Signing.PublicKey(derRepresentation: spki),
                      let signature = try? P521.Signing.ECDSASignature(derRepresentation: child.signature) else { return false }
                return key.isValidSignature(signature, for: digest)
            case .other:
                return nil
            }
        case (.ed25519, .ed25519(let raw)):
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return key.isValidSignature(child.signature, for: child.tbs)
        case (_, .other):
            return nil
        default:
            // The algorithm names a key type this certificate does not have.
            return false
        }
    }

    /// Whether the self-signature verifies: a root, as opposed to a certificate whose
    /// issuer merely has the same name.
    var isSelfSigned: Bool { isSelfIssued && signed(self) != false }

    /// What is weak about the key and the signature, in words.
    func weaknesses(includingSignature: Bool) -> [String] {
        var out: [String] = []
        if case .rsa = publicKey, let bits = publicKey.rsaBits, bits < 2048 {
            out.append("RSA \(bits)-bit key")
        }
        if includingSignature {
            switch ValidationSignatureScheme.weakHashName(signatureAlgorithm) {
            case .some(let name): out.append("\(name) signature")
            case .none: break
            }
        }
        return out
    }
}

struct ValidationParseError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum ValidationCurve: Sendable, Equatable {
    case p256, p384, p521, other(ASN1ObjectIdentifier)

    init(_ oid: ASN1ObjectIdentifier?) {
        switch oid {
        case ValidationOID.p256: self = .p256
        case ValidationOID.p384: self = .p384
        case ValidationOID.p521: self = .p521
        default: self = .other(oid ?? [0, 0])
        }
    }
}

/// A public key reduced to what the checks compare: RSA by modulus and exponent (so that
/// any encoding of the same key compares equal), EC by curve and uncompressed point.
enum ValidationPublicKey: Sendable, Equatable {
    case rsa(modulus: [UInt8], exponent: [UInt8], spki: [UInt8])
    case ec(curve: ValidationCurve, point: [UInt8], spki: [UInt8])
    case ed25519(raw: [UInt8])
    case other(algorithm: ASN1ObjectIdentifier)

    init(spki node: ASN1Node) throws {
        let spki = Array(node.encodedBytes)
        let (algorithm, bits) = try DER.sequence(node, identifier: .sequence) { nodes in
            guard let algorithm = nodes.next(), let bits = nodes.next() else {
                throw ValidationParseError("the SubjectPublicKeyInfo is incomplete")
            }
            return (try ValidationASN1.algorithm(algorithm), try ASN1BitString(derEncoded: bits))
        }
        switch algorithm.oid {
        case ValidationOID.rsaEncryption:
            let key = try DER.sequence(try DER.parse(bits.bytes), identifier: .sequence) { nodes in
                (try ArraySlice<UInt8>(derEncoded: &nodes), try ArraySlice<UInt8>(derEncoded: &nodes))
            }
            self = .rsa(modulus: ValidationASN1.unsigned(key.0), exponent: ValidationASN1.unsigned(key.1), spki: spki)
        case ValidationOID.ecPublicKey:
            let curve = ValidationCurve(algorithm.parameterOID)
            self = .ec(curve: curve, point: Self.uncompressed(Array(bits.bytes), curve: curve), spki: spki)
        case ValidationOID.ed25519:
            self = .ed25519(raw: Array(bits.bytes))
        default:
            self = .other(algorithm: algorithm.oid)
        }
    }

    /// The key of a private key: PKCS#8 (`PRIVATE KEY`, and every key a PKCS#12 store
    /// holds), PKCS#1 (`RSA PRIVATE KEY`) or SEC 1 (`EC PRIVATE KEY`). Nil for a key type
    /// that cannot be compared; throws when the bytes are not a key at all.
    init?(privateKeyDER der: [UInt8], label: String = "PRIVATE KEY") throws {
        switch label {
        case "RSA PRIVATE KEY":
            self = try Self.rsaPrivate(der[...])
        case "EC PRIVATE KEY":
            guard let key = try Self.ecPrivate(der[...], curve: nil) else { return nil }
            self = key
        default:
            let node = try DER.parse(der)
            let parts = try DER.sequence(node, identifier: .sequence) { nodes in
                _ = try Int(derEncoded: &nodes)
                guard let algorithm = nodes.next() else { throw ValidationParseError("the PKCS#8 key has no algorithm") }
                let parts = (try ValidationASN1.algorithm(algorithm), try ASN1OctetString(derEncoded: &nodes))
                ValidationASN1.skipRest(&nodes)  // attributes, and the public key of a v2 PKCS#8
                return parts
            }
            switch parts.0.oid {
            case ValidationOID.rsaEncryption:
                self = try Self.rsaPrivate(parts.1.bytes)
            case ValidationOID.ecPublicKey:
                guard let key = try Self.ecPrivate(parts.1.bytes, curve: ValidationCurve(parts.0.parameterOID)) else { return nil }
                self = key
            case ValidationOID.ed25519:
                let seed = try ASN1OctetString(derEncoded: try DER.parse(parts.1.bytes))
                let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed.bytes)
                self = .ed25519(raw: Array(key.publicKey.rawRepresentation))
            default:
                return nil
            }
        }
    }

    /// Whether two keys are the same key (the encoding kept for signatures is ignored).
    func sameKey(as other: ValidationPublicKey) -> Bool {
        switch (self, other) {
        case (.rsa(let n1, let e1, _), .rsa(let n2, let e2, _)): n1 == n2 && e1 == e2
        case (.ec(let c1, let p1, _), .ec(let c2, let p2, _)): c1 == c2 && p1 == p2
        case (.ed25519(let a), .ed25519(let b)): a == b
        default: false
        }
    }

    var rsaBits: Int? {
        guard case .rsa(let modulus, _, _) = self, let first = modulus.first else { return nil }
        return (modulus.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    }

    private static func rsaPrivate(_ bytes: ArraySlice<UInt8>) throws -> ValidationPublicKey {
        try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            _ = try ArraySlice<UInt8>(derEncoded: &nodes)  // version
            let modulus = try ArraySlice<UInt8>(derEncoded: &nodes)
            let exponent = try ArraySlice<UInt8>(derEncoded: &nodes)
            ValidationASN1.skipRest(&nodes)  // the private parts
            return .rsa(modulus: ValidationASN1.unsigned(modulus), exponent: ValidationASN1.unsigned(exponent), spki: [])
        }
    }

    /// SEC 1 ECPrivateKey. The public point is usually stored with it; when it is not, it is
    /// computed from the secret, which needs a curve that swift-crypto knows.
    private static func ecPrivate(_ bytes: ArraySlice<UInt8>, curve known: ValidationCurve?) throws -> ValidationPublicKey? {
        let parts = try DER.sequence(try DER.parse(bytes), identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)
            let secret = try ASN1OctetString(derEncoded: &nodes)
            let parameters = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                try ASN1ObjectIdentifier(derEncoded: $0)
            }
            let point = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) {
                try ASN1BitString(derEncoded: $0)
            }
            return (secret, parameters, point)
        }
        let curve = known ?? ValidationCurve(parts.1)
        if let point = parts.2 {
            return .ec(curve: curve, point: uncompressed(Array(point.bytes), curve: curve), spki: [])
        }
        let secret = parts.0.bytes
        switch curve {
        case .p256: return .ec(curve: curve, point: Array(try P256.Signing.PrivateKey(rawRepresentation: secret).publicKey.x963Representation), spki: [])
        case .p384: return .ec(curve: curve, point: Array(try P384.Signing.PrivateKey(rawRepresentation: secret).publicKey.x963Representation), spki: [])
        case .p521: return .ec(curve: curve, point: Array(try P521.Signing.PrivateKey(rawRepresentation: secret).publicKey.x963Representation), spki: [])
        case .other: return nil
        }
    }

    /// Compressed points are rare but legal; comparing needs one form.
    private static func uncompressed(_ point: [UInt8], curve: ValidationCurve) -> [UInt8] {
        guard let first = point.first, first == 0x02 || first == 0x03 else { return point }
        switch curve {
        case .p256: return (try? P256.Signing.PublicKey(compressedRepresentation: point)).map { Array($0.x963Representation) } ?? point
        case .p384: return (try? P384.Signing.PublicKey(compressedRepresentation: point)).map { Array($0.x963Representation) } ?? point
        case .p521: return (try? P521.Signing.PublicKey(compressedRepresentation: point)).map { Array($0.x963Representation) } ?? point
        case .other: return point
        }
    }
}

enum ValidationHash: Sendable {
    case sha1, sha256, sha384, sha512

    func digest(_ data: ArraySlice<UInt8>) -> any Digest {
        switch self {
        case .sha1: Insecure.SHA1.hash(data: data)
        case .sha256: SHA256.hash(data: data)
        case .sha384: SHA384.hash(data: data)
        case .sha512: SHA512.hash(data: data)
        }
    }
}

enum ValidationSignatureScheme: Sendable {
    case rsa(ValidationHash?)
    case ecdsa(ValidationHash)
    case ed25519

    /// Nil for algorithms outside these three families (DSA, RSA-PSS, ...). MD5 with RSA
    /// has no hash here: swift-crypto cannot check such a signature.
    init?(_ oid: ASN1ObjectIdentifier) {
        switch oid {
        case ValidationOID.md5WithRSA: self = .rsa(nil)
        case ValidationOID.sha1WithRSA: self = .rsa(.sha1)
        case ValidationOID.sha256WithRSA: self = .rsa(.sha256)
        case ValidationOID.sha384WithRSA: self = .rsa(.sha384)
        case ValidationOID.sha512WithRSA: self = .rsa(.sha512)
        case ValidationOID.ecdsaWithSHA1: self = .ecdsa(.sha1)
        case ValidationOID.ecdsaWithSHA256: self = .ecdsa(.sha256)
        case ValidationOID.ecdsaWithSHA384: self = .ecdsa(.sha384)
        case ValidationOID.ecdsaWithSHA512: self = .ecdsa(.sha512)
        case ValidationOID.ed25519: self = .ed25519
        default: return nil
        }
    }

    static func weakHashName(_ oid: ASN1ObjectIdentifier) -> String? {
        switch oid {
        case ValidationOID.md5WithRSA, ValidationOID.md2WithRSA: "MD5"
        case ValidationOID.sha1WithRSA, ValidationOID.ecdsaWithSHA1, ValidationOID.dsaWithSHA1: "SHA-1"
        default: nil
        }
    }
}

enum ValidationOID {
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let md2WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 2]
    static let md5WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 4]
    static let sha1WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 5]
    static let sha256WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
    static let sha384WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 12]
    static let sha512WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 13]
    static let ecPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]
    static let ecdsaWithSHA1: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
    static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 4]
    static let dsaWithSHA1: ASN1ObjectIdentifier = [1, 2, 840, 10040, 4, 3]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let p256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 3, 1, 7]
    static let p384: ASN1ObjectIdentifier = [1, 3, 132, 0, 34]
    static let p521: ASN1ObjectIdentifier = [1, 3, 132, 0, 35]
    static let serverAuth = "1.3.6.1.5.5.7.3.1"
    static let clientAuth = "1.3.6.1.5.5.7.3.2"
}

enum ValidationASN1 {
    struct Algorithm {
        let oid: ASN1ObjectIdentifier
        /// The parameters when they are an OID (the curve of an EC key).
        let parameterOID: ASN1ObjectIdentifier?
    }

    static func algorithm(_ node: ASN1Node) throws -> Algorithm {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            var parameter: ASN1ObjectIdentifier?
            if let next = nodes.next(), next.identifier == .objectIdentifier {
                parameter = try ASN1ObjectIdentifier(derEncoded: next)
            }
            return Algorithm(oid: oid, parameterOID: parameter)
        }
    }

    /// UTCTime or GeneralizedTime, both always UTC in certificates (RFC 5280 4.1.2.5).
    static func date(_ node: ASN1Node) throws -> Date {
        switch node.identifier {
        case .utcTime:
            let time = try UTCTime(derEncoded: node)
            return date(time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        case .generalizedTime:
            let time = try GeneralizedTime(derEncoded: node)
            return date(time.year, time.month, time.day, time.hours, time.minutes, time.seconds)
        default:
            throw ValidationParseError("a validity time is neither UTCTime nor GeneralizedTime")
        }
    }

    /// Days from the civil date by arithmetic: exact for the proleptic Gregorian calendar
    /// and free of Calendar's time-zone machinery, which certificates never need.
    static func date(_ year: Int, _ month: Int, _ day: Int, _ hours: Int, _ minutes: Int, _ seconds: Int) -> Date {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hours * 3_600 + minutes * 60 + seconds))
    }

    /// DER.sequence refuses to return while nodes are left; the fields after the ones the
    /// checks need are read past.
    static func skipRest(_ nodes: inout ASN1NodeCollection.Iterator) {
        while nodes.next() != nil {}
    }

    /// INTEGER content as an unsigned magnitude: DER adds a 0x00 in front of a set top bit.
    static func unsigned(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.drop(while: { $0 == 0 }))
    }
}

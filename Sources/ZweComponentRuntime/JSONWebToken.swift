import _CryptoExtras
import Crypto
import Foundation
import ZweKeyMaterial
import ZweMessages

/// The claims of an apimlAuthenticationToken.
public struct TokenClaims: Codable, Sendable, Equatable {
    /// The user id.
    public var sub: String
    /// Issued at and expires, seconds since 1970.
    public var iat: Int64
    public var exp: Int64
    /// Not before, seconds since 1970: this gateway does not set it, but a token that carries
    /// it is not valid before it.
    public var nbf: Int64?
    public var iss: String
    /// A unique id, by which a logout ends the token.
    public var jti: String
    /// The z/OSMF session cookie (`name=value`) got at login, sealed with AES-GCM under a key
    /// derived from the jwtsecret key and bound to `jti` (`TokenSigner.seal`): whoever holds
    /// the token cannot read or reuse the session; the gateway and the services that hold the
    /// keystore open it, to send it instead of the Zowe token to `zosmf` services.
    public var zss: String?

    public init(sub: String, iat: Int64, exp: Int64, nbf: Int64? = nil, iss: String, jti: String, zss: String?) {
        self.sub = sub
        self.iat = iat
        self.exp = exp
        self.nbf = nbf
        self.iss = iss
        self.jti = jti
        self.zss = zss
    }
}

/// Signs and checks apimlAuthenticationToken JWTs with the keystore's `jwtsecret` key entry:
/// RS256 for an RSA key, ES256/ES384/ES512 for an EC key, as the key's type says. The gateway
/// signs; services that need the user's z/OSMF session (the jobs API) check and read them.
public struct TokenSigner: Sendable {
    public enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case p521(P521.Signing.PrivateKey)
    }

    public let key: Key
    /// The AES-256 key that seals the z/OSMF session inside a token: HKDF-SHA256 of the
    /// private key, so that every holder of the keystore derives the same one and nobody else can.
    private let sessionKey: SymmetricKey
    public static let issuer = "APIML"

    public init(key: Key) {
        self.key = key
        let secret: Data
        switch key {
        case .rsa(let key): secret = key.derRepresentation
        case .p256(let key): secret = key.rawRepresentation
        case .p384(let key): secret = key.rawRepresentation
        case .p521(let key): secret = key.rawRepresentation
        }
        sessionKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), salt: Data("zwe-apiml-token".utf8),
            info: Data("z/OSMF session".utf8), outputByteCount: 32)
    }

    public var algorithm: String {
        switch key {
        case .rsa: "RS256"
        case .p256: "ES256"
        case .p384: "ES384"
        case .p521: "ES512"
        }
    }

    /// The signing key of a component's keystore: the `jwtsecret` entry of a PKCS#12 file, or,
    /// in a key ring, the certificate labelled `jwtsecret` if the ring connects one, else the
    /// Zowe certificate's own key (labelled KEY_ALIAS), as Zowe signs with a ring's key; and so
    /// for a v2 keystore (a start from zowe.yaml), which has no jwtsecret entry.
    public static func load(_ environment: ComponentEnvironment) throws(Diagnostic) -> TokenSigner {
        try load(environment.stores, password: environment.keystorePassword, keyAliasFallback: environment.signsWithKeyAlias)
    }

    static func load(_ stores: KeyMaterialStores, password: String, keyAliasFallback: Bool = false) throws(Diagnostic) -> TokenSigner {
        func missing(_ reason: String) -> Diagnostic {
            Diagnostic(MessageCatalog.gatewayJWTKeyMissing, ["path": stores.keystore.description, "reason": reason])
        }
        let entry: KeyEntry
        do throws(KeyMaterialError) {
            do throws(KeyMaterialError) {
                entry = try stores.key(alias: "jwtsecret", password: password)
            } catch {
                guard stores.keystore.isKeyring || keyAliasFallback else { throw error }
                entry = try stores.key(alias: stores.keyAlias, password: password)
            }
        } catch .wrongPassword {
            throw missing("the keystore cannot be opened with KEYSTORE_PASSWORD")
        } catch .aliasNotFound, .aliasNotAKey {
            throw missing("no key entry with the alias jwtsecret")
        } catch {
            throw missing(error.reason)
        }
        return try signer(Data(entry.privateKeyDER), missing)
    }

    /// A PKCS#8 key as a signer.
    private static func signer(_ der: Data, _ missing: (String) -> Diagnostic) throws(Diagnostic) -> TokenSigner {
        if let key = try? P256.Signing.PrivateKey(derRepresentation: der) { return TokenSigner(key: .p256(key)) }
        if let key = try? P384.Signing.PrivateKey(derRepresentation: der) { return TokenSigner(key: .p384(key)) }
        if let key = try? P521.Signing.PrivateKey(derRepresentation: der) { return TokenSigner(key: .p521(key)) }
        if let key = try? _RSA.Signing.PrivateKey(derRepresentation: der) { return TokenSigner(key: .rsa(key)) }
        throw missing("the key is neither RSA nor EC P-256, P-384 or P-521")
    }

    /// `header.payload.signature`, each base64url without padding.
    public func sign(_ claims: TokenClaims) throws -> String {
        let header = #"{"alg":"\#(algorithm)","typ":"JWT"}"#
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let signingInput = Self.base64URL(Data(header.utf8)) + "." + Self.base64URL(try encoder.encode(claims))
        let input = Data(signingInput.utf8)
        let signature: Data
        switch key {
        case .rsa(let key): signature = try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
        case .p256(let key): signature = try key.signature(for: input).rawRepresentation
        case .p384(let key): signature = try key.signature(for: input).rawRepresentation
        case .p521(let key): signature = try key.signature(for: input).rawRepresentation
        }
        return signingInput + "." + Self.base64URL(signature)
    }

    public enum VerifyFailure: Error, Equatable {
        case malformed
        case badSignature
    }

    /// The claims of a token this key signed. Only the signature, the algorithm and the issuer
    /// are judged here; times and revocation are `TokenValidator`'s.
    public func verifiedClaims(_ token: String) throws(VerifyFailure) -> TokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Self.decode(parts[0]), let payload = Self.decode(parts[1]),
              let signature = Self.decode(parts[2]) else { throw .malformed }
        // The algorithm is ours, never the token's: a token that names another one ("none",
        // HS256 with the public key as secret) is refused. So is one with critical extensions
        // (RFC 7515 4.1.11): none is understood here.
        guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              header["alg"] as? String == algorithm, header["crit"] == nil else { throw .badSignature }
        let input = Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8)
        let valid: Bool
        switch key {
        case .rsa(let key):
            valid = key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input,
                                                   padding: .insecurePKCS1v1_5)
        case .p256(let key):
            valid = (try? P256.Signing.ECDSASignature(rawRepresentation: signature))
                .map { key.publicKey.isValidSignature($0, for: input) } ?? false
        case .p384(let key):
            valid = (try? P384.Signing.ECDSASignature(rawRepresentation: signature))
                .map { key.publicKey.isValidSignature($0, for: input) } ?? false
        case .p521(let key):
            valid = (try? P521.Signing.ECDSASignature(rawRepresentation: signature))
                .map { key.publicKey.isValidSignature($0, for: input) } ?? false
        }
        guard valid else { throw .badSignature }
        guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: payload), claims.iss == Self.issuer else {
            throw .malformed
        }
        return claims
    }

    /// The z/OSMF session `name=value`, sealed for a token with the id `jti`.
    public func seal(session: String, jti: String) throws -> String {
        let box = try AES.GCM.seal(Data(session.utf8), using: sessionKey, authenticating: Data(jti.utf8))
        guard let combined = box.combined else { throw VerifyFailure.malformed }
        return Self.base64URL(combined)
    }

    /// The z/OSMF session of a token, or nil when it carries none or the seal does not open
    /// (another key sealed it, or it was moved from another token).
    public func session(of claims: TokenClaims) -> String? {
        guard let sealed = claims.zss, let data = Self.decode(sealed[...]),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: sessionKey, authenticating: Data(claims.jti.utf8)) else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}

/// Where a request carries the apimlAuthenticationToken: its cookie, or `Authorization: Bearer`.
/// The gateway and the services that read the token (the jobs API) find it the same way.
public enum ZoweTokenLocation {
    public static let cookieName = "apimlAuthenticationToken"

    /// The token of a request, from its `Cookie` and `Authorization` header values.
    public static func token(cookies: [String], authorization: [String]) -> String? {
        for header in cookies {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix(cookieName + "=") { return String(trimmed.dropFirst(cookieName.count + 1)) }
            }
        }
        for value in authorization where value.lowercased().hasPrefix("bearer ") {
            return value.dropFirst(7).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}

import _CryptoExtras
import Crypto
import Foundation
import Testing
import ZweComponentRuntime
import ZweTestSupport

// The one token check every component makes, judged on tokens made here: the forgeries an
// attacker would try, the times, the revocation list as another process sees it, and the
// sealed z/OSMF session.
@Suite("token validation: signature, times, revocation, sealed session")
struct TokenValidatorTests {
    static let now = Int64(Date().timeIntervalSince1970)

    static func claims(sub: String = "IBMUSER", iat: Int64 = now - 10, exp: Int64 = now + 3600, nbf: Int64? = nil,
                       jti: String = UUID().uuidString) -> TokenClaims {
        TokenClaims(sub: sub, iat: iat, exp: exp, nbf: nbf, iss: TokenSigner.issuer, jti: jti, zss: nil)
    }

    static func validator(_ key: TokenSigner.Key) throws -> (TokenValidator, String) {
        let workspace = try TemporaryPaths.makeDirectory("tokens")
        return (TokenValidator(signer: TokenSigner(key: key), revocations: TokenRevocations(workspace: workspace)), workspace)
    }

    static func encode(_ text: String) -> String { encode(Data(text.utf8)) }
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func payload(_ claims: TokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encode(try encoder.encode(claims))
    }

    @Test("RS256: a token of this key passes; none, HS256 keyed with the public key, a foreign key, changed claims and crit fail")
    func forgedRSA() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let (validator, _) = try Self.validator(.rsa(key))
        let claims = Self.claims()
        let token = try validator.signer.sign(claims)
        #expect(try validator.validate(token, now: Self.now).get() == claims)

        let payload = try Self.payload(claims)
        // alg none, with and without a signature part.
        let none = Self.encode(#"{"alg":"none","typ":"JWT"}"#) + "." + payload
        #expect(validator.validate(none + ".", now: Self.now) == .failure(.invalid))
        #expect(validator.validate(none, now: Self.now) == .failure(.invalid))
        // HS256 with the public key (PEM and DER, as libraries take it) as the HMAC secret.
        for secret in [Data(key.publicKey.pemRepresentation.utf8), key.publicKey.derRepresentation] {
            let input = Self.encode(#"{"alg":"HS256","typ":"JWT"}"#) + "." + payload
            let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
            #expect(validator.validate(input + "." + Self.encode(Data(mac)), now: Self.now) == .failure(.invalid))
        }
        // RS256 by another RSA key.
        let foreign = TokenSigner(key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        #expect(validator.validate(try foreign.sign(claims), now: Self.now) == .failure(.invalid))
        // Claims changed after signing.
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = try Self.payload(Self.claims(sub: "MALLORY", jti: claims.jti))
        #expect(validator.validate(parts.joined(separator: "."), now: Self.now) == .failure(.invalid))
        // A critical header extension nobody here understands, even with a good signature
        // over it, is refused.
        let critical = Self.encode(#"{"alg":"RS256","crit":["exp"],"exp":1,"typ":"JWT"}"#) + "." + payload
        let signature = try key.signature(for: Data(critical.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
        #expect(validator.validate(critical + "." + Self.encode(signature), now: Self.now) == .failure(.invalid))
        // Not a JWT at all.
        #expect(validator.validate("a.b", now: Self.now) == .failure(.invalid))
        #expect(validator.validate("", now: Self.now) == .failure(.missing))
        #expect(validator.validate(nil, now: Self.now) == .failure(.missing))
    }

    @Test("ES256: a foreign EC key and an RS256 header fail; the times are checked with a minute of skew")
    func forgedECAndTimes() throws {
        let key = P256.Signing.PrivateKey()
        let (validator, _) = try Self.validator(.p256(key))
        let foreign = TokenSigner(key: .p256(P256.Signing.PrivateKey()))
        #expect(validator.validate(try foreign.sign(Self.claims()), now: Self.now) == .failure(.invalid))
        let rsa = TokenSigner(key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        #expect(validator.validate(try rsa.sign(Self.claims()), now: Self.now) == .failure(.invalid))

        let signer = validator.signer
        #expect(validator.validate(try signer.sign(Self.claims(iat: Self.now - 7200, exp: Self.now - 1)), now: Self.now) == .failure(.expired))
        #expect(validator.validate(try signer.sign(Self.claims(iat: Self.now + 600, exp: Self.now + 4000)), now: Self.now) == .failure(.notYetValid))
        #expect(validator.validate(try signer.sign(Self.claims(nbf: Self.now + 600)), now: Self.now) == .failure(.notYetValid))
        // Thirty seconds ahead is clock skew, not the future.
        #expect(validator.validate(try signer.sign(Self.claims(iat: Self.now + 30)), now: Self.now).map(\.sub) == .success("IBMUSER"))
        #expect(validator.validate(try signer.sign(Self.claims(nbf: Self.now - 1)), now: Self.now).map(\.sub) == .success("IBMUSER"))
        // exp not after iat: never valid.
        #expect(validator.validate(try signer.sign(Self.claims(iat: Self.now, exp: Self.now)), now: Self.now - 1) == .failure(.invalid))
    }

    @Test("A revocation written by one process is seen by another at once, is 0600, and expired entries are dropped")
    func revocationAcrossReaders() throws {
        let key = P256.Signing.PrivateKey()
        let (gateway, workspace) = try Self.validator(.p256(key))
        // Another component of the same instance: its own objects, the same workspace.
        let service = TokenValidator(signer: TokenSigner(key: .p256(key)), revocations: TokenRevocations(workspace: workspace))
        let claims = Self.claims()
        let token = try gateway.signer.sign(claims)
        #expect(service.validate(token, now: Self.now).map(\.jti) == .success(claims.jti))

        try gateway.revocations.revoke(claims.jti, expires: claims.exp, now: Self.now)
        #expect(gateway.validate(token, now: Self.now) == .failure(.revoked))
        #expect(service.validate(token, now: Self.now) == .failure(.revoked))
        // A reader made after the revocation (a restarted gateway) sees it too.
        let restarted = TokenValidator(signer: TokenSigner(key: .p256(key)), revocations: TokenRevocations(workspace: workspace))
        #expect(restarted.validate(token, now: Self.now) == .failure(.revoked))

        let path = workspace + "/api-mediation/revoked-tokens.json"
        var info = stat()
        #expect(stat(path, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // An entry whose token has expired is gone after the next write; other tokens pass.
        let later = Self.claims(exp: Self.now + 7200)
        try gateway.revocations.revoke(later.jti, expires: later.exp, now: claims.exp + 1)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(claims.jti) && text.contains(later.jti), "\(text)")
        #expect(service.validate(try gateway.signer.sign(Self.claims()), now: Self.now).map(\.sub) == .success("IBMUSER"))
        // No temporary file is left beside it.
        let left = try FileManager.default.contentsOfDirectory(atPath: workspace + "/api-mediation").sorted()
        #expect(left == ["revoked-tokens.json", "revoked-tokens.json.lock"], "\(left)")
    }

    @Test("A revocation list that cannot be read refuses every token and is not overwritten")
    func unreadableList() throws {
        let (validator, workspace) = try Self.validator(.p256(P256.Signing.PrivateKey()))
        let token = try validator.signer.sign(Self.claims())
        #expect(validator.validate(token, now: Self.now).map(\.sub) == .success("IBMUSER"))
        try FileManager.default.createDirectory(atPath: workspace + "/api-mediation", withIntermediateDirectories: true)
        let path = workspace + "/api-mediation/revoked-tokens.json"
        try "{ not json".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(validator.validate(token, now: Self.now) == .failure(.revoked))
        #expect(throws: TokenRevocations.WriteError.self) { try validator.revocations.revoke("x", expires: Self.now + 10, now: Self.now) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{ not json")
    }

    @Test("The z/OSMF session is sealed: not in the token's text, opened by the same key for the same jti only")
    func sealedSession() throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let signer = TokenSigner(key: .rsa(key))
        let session = "jwtToken=eyJzZXNzaW9uIjoic2VjcmV0In0"
        var claims = Self.claims()
        claims.zss = try signer.seal(session: session, jti: claims.jti)
        let token = try signer.sign(claims)
        let payload = token.split(separator: ".")[1]
        var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let text = String(decoding: Data(base64Encoded: base64) ?? Data(), as: UTF8.self)
        #expect(text.contains("\"zss\"") && !text.contains("jwtToken") && !text.contains("eyJzZXNzaW9uIjoic2VjcmV0In0"), "\(text)")
        #expect(signer.session(of: claims) == session)
        // Another keystore's key cannot open it; nor can it be moved into another token.
        #expect(TokenSigner(key: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048))).session(of: claims) == nil)
        var moved = Self.claims()
        moved.zss = claims.zss
        #expect(signer.session(of: moved) == nil)
    }
}

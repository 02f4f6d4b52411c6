import _CryptoExtras
import Crypto
import Foundation
import Testing
import ZwePKCS12
import ZweTestSupport

@Suite("gateway: login, query, logout")
struct GatewayAuthenticationTests {
    @Test("Login sets a Secure, HttpOnly apimlAuthenticationToken; query returns the user; tampered, foreign, expired and logged-out tokens are 401",
          arguments: ["EC-P256", "RSA-2048"])
    func loginQueryLogout(algorithm: String) async throws {
        let keystore = try await Keystore.make(algorithm)
        let folder = try TemporaryPaths.makeDirectory("users")
        let hashed = SHA256.hash(data: Data("wonder land".utf8)).map { String(format: "%02x", $0) }.joined()
        try "# test users\nalice:{SHA256}\(hashed)\nbob:builder$1\n".write(toFile: folder + "/users", atomically: true, encoding: .utf8)
        chmod(folder + "/users", 0o600)
        let apiml = try await APIML(keystore, gatewayEnvironment: [
            "APIML_SECURITY_AUTH_PROVIDER": "file", "ZWE_USERS_FILE": folder + "/users",
        ])
        defer { apiml.stop() }

        let login = try await apiml.call("/gateway/api/v1/auth/login", method: "POST", extra: [
            "--header", "Content-Type: application/json", "--data-binary", #"{"username":"alice","password":"wonder land"}"#,
        ])
        #expect(login.status == 204, "\(login)")
        let cookieLine = login.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: apimlauthenticationtoken=") }
        let cookie = String(cookieLine ?? "")
        #expect(cookie.contains("; Secure") && cookie.contains("; HttpOnly"), "\(login)")
        let token = cookie.split(separator: ";").first.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") } ?? ""
        #expect(token.split(separator: ".").count == 3, "a JWT: \(token)")

        let query = try await apiml.call("/gateway/api/v1/auth/query", extra: ["--cookie", "apimlAuthenticationToken=\(token)"])
        #expect(query.status == 200 && query.json["userId"] as? String == "alice", "\(query)")
        #expect(query.json["creation"] is String && query.json["expiration"] is String, "\(query)")
        // The v1 path and a bearer token work too.
        let bearer = try await apiml.call("/api/v1/gateway/auth/query", extra: ["--header", "Authorization: Bearer \(token)"])
        #expect(bearer.status == 200 && bearer.json["userId"] as? String == "alice", "\(bearer)")

        // Basic credentials; a password holding '$'.
        let basic = try await apiml.call("/gateway/api/v1/auth/login", method: "POST", extra: ["--user", "bob:builder$1"])
        #expect(basic.status == 204, "\(basic)")
        let wrong = try await apiml.call("/gateway/api/v1/auth/login", method: "POST", extra: ["--user", "bob:builder"])
        #expect(wrong.status == 401 && wrong.message?.number == "ZWEAG120E", "\(wrong)")
        #expect(wrong.message?.content == "Invalid username or password for URL '/gateway/api/v1/auth/login'")
        let nobody = try await apiml.call("/gateway/api/v1/auth/login", method: "POST", extra: ["--user", "carol:x"])
        #expect(nobody.status == 401, "\(nobody)")

        // One changed character in the payload breaks the signature.
        var parts = token.split(separator: ".").map(String.init)
        let claims = try #require(try JSONSerialization.jsonObject(with: base64URLDecode(parts[1])) as? [String: Any])
        var changed = claims
        changed["sub"] = "mallory"
        parts[1] = base64URL(try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]))
        let tampered = try await apiml.call("/gateway/api/v1/auth/query", extra: ["--cookie", "apimlAuthenticationToken=\(parts.joined(separator: "."))"])
        #expect(tampered.status == 401 && tampered.message?.number == "ZWEAG102E", "\(tampered)")

        // Signed by the jwtsecret key but expired: 401 ZWEAG103E.
        let signer = try JWTSigner(keystore: keystore)
        var expired = claims
        expired["iat"] = Int(Date().timeIntervalSince1970) - 7200
        expired["exp"] = Int(Date().timeIntervalSince1970) - 3600
        let expiredAnswer = try await apiml.call("/gateway/api/v1/auth/query",
                                                 extra: ["--cookie", "apimlAuthenticationToken=\(try signer.sign(expired))"])
        #expect(expiredAnswer.status == 401 && expiredAnswer.message?.number == "ZWEAG103E", "\(expiredAnswer)")
        // The same claims signed by the right key are accepted: the test signer is a fair forger.
        let forged = try await apiml.call("/gateway/api/v1/auth/query",
                                          extra: ["--cookie", "apimlAuthenticationToken=\(try signer.sign(claims))"])
        #expect(forged.status == 200, "\(forged)")
        // alg "none" is refused.
        let unsigned = base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "."
        let none = try await apiml.call("/gateway/api/v1/auth/query", extra: ["--cookie", "apimlAuthenticationToken=\(unsigned)"])
        #expect(none.status == 401, "\(none)")
        let missing = try await apiml.call("/gateway/api/v1/auth/query")
        #expect(missing.status == 401 && missing.message?.number == "ZWEAG105E", "\(missing)")

        let logout = try await apiml.call("/gateway/api/v1/auth/logout", method: "POST", extra: ["--cookie", "apimlAuthenticationToken=\(token)"])
        #expect(logout.status == 204, "\(logout)")
        let after = try await apiml.call("/gateway/api/v1/auth/query", extra: ["--cookie", "apimlAuthenticationToken=\(token)"])
        #expect(after.status == 401 && after.message?.number == "ZWEAG102E", "\(after)")
        let get = try await apiml.call("/gateway/api/v1/auth/login")
        #expect(get.status == 405, "\(get)")
    }
}

/// Signs claims with the keystore's jwtsecret key, as the gateway does, to make tokens the
/// gateway must judge by their claims alone.
struct JWTSigner {
    let pkcs8: [UInt8]

    init(keystore: Keystore) throws {
        let path = keystore.environment["KEYSTORE"] ?? ""
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let entries = try PKCS12Store.read(bytes, password: keystore.environment["KEYSTORE_PASSWORD"] ?? "")
        guard let entry = entries.first(where: { $0.alias == "jwtsecret" }), case .privateKey(_, let key, _) = entry else {
            throw TestFailure("no jwtsecret in \(path)")
        }
        pkcs8 = key
    }

    func sign(_ claims: [String: Any]) throws -> String {
        let der = Data(pkcs8)
        let p256 = try? P256.Signing.PrivateKey(derRepresentation: der)
        let header = p256 != nil ? #"{"alg":"ES256","typ":"JWT"}"# : #"{"alg":"RS256","typ":"JWT"}"#
        let input = base64URL(Data(header.utf8)) + "." + base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature: Data
        if let p256 {
            signature = try p256.signature(for: Data(input.utf8)).rawRepresentation
        } else {
            let rsa = try _RSA.Signing.PrivateKey(derRepresentation: der)
            signature = try rsa.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
        }
        return input + "." + base64URL(signature)
    }
}

func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func base64URLDecode(_ text: String) -> Data {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return Data(base64Encoded: base64) ?? Data()
}

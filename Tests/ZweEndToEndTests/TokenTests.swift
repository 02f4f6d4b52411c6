import Crypto
import Foundation
import Testing
import ZweConfiguration
import ZwePKCS12
import ZweTestSupport

// One token model for the whole instance, tried on a real one (launcher, every component,
// z/OSMF as the authentication provider) with curl: forged tokens are refused by every
// component that reads tokens, and a logout ends the token on the gateway, on the jobs API
// called directly and through the gateway, after a restart of the gateway, and ends the z/OSMF
// session behind it.
@Suite("tokens across an instance")
struct TokenTests {
    static let basic = ["--user", "IBMUSER:SYS1"]

    /// Makes tokens with the instance's own jwtsecret key (an EC P-256 key in these fixtures),
    /// or with what an attacker has: the public key, another key, no key.
    struct Forger {
        let key: P256.Signing.PrivateKey

        init(keystore: String) throws {
            let values = try EnvFile.load(path: keystore + "/zowe-certificates.env", environment: [:])
            let path = try #require(values["KEYSTORE"])
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let entries = try PKCS12Store.read(bytes, password: values["KEYSTORE_PASSWORD"] ?? "")
            guard let entry = entries.first(where: { $0.alias == "jwtsecret" }), case .privateKey(_, let der, _) = entry else {
                throw TestFailure("no jwtsecret key in \(path)")
            }
            key = try P256.Signing.PrivateKey(derRepresentation: Data(der))
        }

        static func encode(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }

        static func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
            let now = Int(Date().timeIntervalSince1970)
            var claims: [String: Any] = ["sub": "IBMUSER", "iat": now - 5, "exp": now + 3600, "iss": "APIML", "jti": UUID().uuidString]
            claims.merge(changes) { _, new in new }
            return claims
        }

        static func input(_ header: String, _ claims: [String: Any]) throws -> String {
            encode(Data(header.utf8)) + "." + encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        }

        func es256(_ claims: [String: Any], key: P256.Signing.PrivateKey? = nil) throws -> String {
            let input = try Self.input(#"{"alg":"ES256","typ":"JWT"}"#, claims)
            return input + "." + Self.encode(try (key ?? self.key).signature(for: Data(input.utf8)).rawRepresentation)
        }

        /// Every kind of token no component may accept, by name.
        func forgeries() throws -> [(String, String)] {
            let good = try es256(Self.claims())
            var parts = good.split(separator: ".").map(String.init)
            parts[1] = Self.encode(try JSONSerialization.data(withJSONObject: Self.claims(["sub": "MALLORY"]), options: [.sortedKeys]))
            let hs256 = try Self.input(#"{"alg":"HS256","typ":"JWT"}"#, Self.claims())
            let mac = HMAC<SHA256>.authenticationCode(for: Data(hs256.utf8), using: SymmetricKey(data: Data(key.publicKey.pemRepresentation.utf8)))
            let now = Int(Date().timeIntervalSince1970)
            return [
                ("alg none", try Self.input(#"{"alg":"none","typ":"JWT"}"#, Self.claims()) + "."),
                ("HS256 keyed with the public key", hs256 + "." + Self.encode(Data(mac))),
                ("ES256 by a foreign key", try es256(Self.claims(), key: P256.Signing.PrivateKey())),
                ("expired", try es256(Self.claims(["iat": now - 7200, "exp": now - 60]))),
                ("not yet valid", try es256(Self.claims(["iat": now + 3600, "exp": now + 7200]))),
                ("nbf in the future", try es256(Self.claims(["nbf": now + 3600]))),
                ("tampered claims", parts.joined(separator: ".")),
            ]
        }
    }

    static func token(_ login: TopologyFixture.Answer) -> String {
        let line = login.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: apimlauthenticationtoken=") }
        return String(line?.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last ?? "")
    }

    /// The live z/OSMF sessions of a user, from the stub's own record of them.
    static func zosmfSessions(_ topology: TopologyFixture, user: String) -> Int {
        let now = Int(Date().timeIntervalSince1970)
        guard let data = FileManager.default.contents(atPath: topology.zosmfData + "/sessions.json"),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let sessions = object["sessions"] as? [String: [String: Any]] else { return 0 }
        return sessions.values.filter { $0["user"] as? String == user && ($0["expires"] as? Int ?? 0) > now }.count
    }

    @Test("Forged tokens are refused by the gateway, the jobs API directly and through the gateway, and z/OSMF behind it; a logout ends the token everywhere, after a gateway restart too, and the z/OSMF session")
    func oneTokenModel() throws {
        let topology = try TopologyFixture()
        defer { topology.stop() }
        let values = try EnvFile.load(path: topology.instance + "/instance.env", environment: [:])
        let jobsPort = try #require(values["JOBS_API_PORT"])
        let direct = "https://localhost:\(jobsPort)/api/v2/jobs?owner=IBMUSER&prefix=*"
        let viaGateway = topology.gateway + "/jobs/api/v2?owner=IBMUSER&prefix=*"
        let zosmf = topology.gateway + "/ibmzosmf/api/v1/zosmf/restjobs/jobs?owner=IBMUSER"
        let query = topology.gateway + "/gateway/api/v1/auth/query"
        func with(_ token: String) -> [String] { ["--cookie", "apimlAuthenticationToken=\(token)"] }

        let login = try topology.curl(topology.gateway + "/gateway/api/v1/auth/login", method: "POST", Self.basic)
        #expect(login.status == 204, "\(login)")
        let token = Self.token(login)
        #expect(Self.zosmfSessions(topology, user: "IBMUSER") == 1)
        // The token does not carry the z/OSMF session in a form its holder can read or use.
        let payload = token.split(separator: ".").dropFirst().first.map(String.init) ?? ""
        var base64 = payload.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let claims = String(decoding: Data(base64Encoded: base64) ?? Data(), as: UTF8.self)
        #expect(claims.contains("\"sub\":\"IBMUSER\"") && claims.contains("\"zss\"") && !claims.contains("jwtToken"), "\(claims)")

        for url in [query, direct, viaGateway, zosmf] {
            let answer = try topology.curl(url, with(token))
            #expect(answer.status == 200, "\(url) with the login's token: \(answer)")
        }

        // Every forgery, everywhere: 401. A good token signed by the right key passes first,
        // so that the forger is known to be fair.
        let forger = try Forger(keystore: topology.launcher.keystore)
        let fair = try topology.curl(query, with(try forger.es256(Forger.claims())))
        #expect(fair.status == 200, "\(fair)")
        for (kind, forged) in try forger.forgeries() {
            for url in [query, direct, viaGateway, zosmf] {
                let answer = try topology.curl(url, with(forged))
                #expect(answer.status == 401, "\(kind) at \(url): \(answer)")
            }
        }

        let logout = try topology.curl(topology.gateway + "/gateway/api/v1/auth/logout", method: "POST", with(token))
        #expect(logout.status == 204, "\(logout)")
        #expect(Self.zosmfSessions(topology, user: "IBMUSER") == 0, "the z/OSMF session ends with the token")
        for url in [query, direct, viaGateway, zosmf] {
            let answer = try topology.curl(url, with(token))
            #expect(answer.status == 401, "\(url) after the logout: \(answer)")
        }
        let revoked = try String(contentsOfFile: topology.instance + "/workspace/api-mediation/revoked-tokens.json", encoding: .utf8)
        #expect(!revoked.contains("IBMUSER") && !revoked.contains("jwtToken"), "only ids and expiries: \(revoked)")

        // A restarted gateway still refuses it, and a new login works.
        let restarted = try topology.launcher.zwe(["restart", "-c", topology.instance, "--component", "gateway"])
        #expect(restarted.status == 0, "\(restarted)")
        try topology.waitForRoutes(["jobs"], seconds: 30)
        let afterRestart = try topology.curl(query, with(token))
        #expect(afterRestart.status == 401, "\(afterRestart)")
        let again = try topology.curl(topology.gateway + "/gateway/api/v1/auth/login", method: "POST", Self.basic)
        #expect(again.status == 204, "\(again)")
        let fresh = try topology.curl(direct, with(Self.token(again)))
        #expect(fresh.status == 200, "\(fresh)")
    }
}

import Crypto
import Foundation
import Logging
import Synchronization
import ZweComponentRuntime
import ZweMessages

/// Logins, tokens and logouts: checks a user name and password with the configured provider
/// (z/OSMF, or a users file), issues the apimlAuthenticationToken signed with the jwtsecret
/// key, checks tokens, and remembers the ones ended by a logout until they expire.
final class Authenticator: Sendable {
    enum LoginOutcome: Sendable, Equatable {
        /// Accepted; with the z/OSMF session cookie (`name=value`) when z/OSMF issued one.
        case accepted(zosmfCookie: String?)
        case rejected
        case unavailable(reason: String)
    }

    let signer: TokenSigner
    let provider: AuthenticationProvider
    let lifetime: Duration
    private let client: SouthboundClient
    private let loggedOut = Mutex([String: Int64]())

    static let cookieName = ZoweTokenLocation.cookieName

    init(signer: TokenSigner, provider: AuthenticationProvider, lifetime: Duration, client: SouthboundClient) {
        self.signer = signer
        self.provider = provider
        self.lifetime = lifetime
        self.client = client
    }

    // MARK: - Credentials

    func login(user: String, password: String) async -> LoginOutcome {
        switch provider {
        case .file(let path):
            return Self.checkUsersFile(path, user: user, password: password)
        case .zosmf(let host, let port):
            return await checkZOSMF(host: host, port: port, user: user, password: password)
        }
    }

    /// A users file: `user:password` or `user:{SHA256}hex` per line; `#` starts a comment.
    static func checkUsersFile(_ path: String, user: String, password: String) -> LoginOutcome {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read as UTF-8 text" : "it does not exist"
            return .unavailable(reason: "the users file \(path) cannot be used: \(reason)")
        }
        var accepted = false
        for line in text.split(whereSeparator: \.isNewline) {
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard !entry.isEmpty, !entry.hasPrefix("#"), let colon = entry.firstIndex(of: ":") else { continue }
            guard entry[..<colon] == user[...] else { continue }
            let stored = entry[entry.index(after: colon)...]
            if stored.hasPrefix("{SHA256}") {
                let digest = SHA256.hash(data: Data(password.utf8)).map { String(format: "%02x", $0) }.joined()
                accepted = constantTimeEqual(Array(digest.utf8), Array(stored.dropFirst(8).lowercased().utf8))
            } else {
                accepted = constantTimeEqual(Array(password.utf8), Array(stored.utf8))
            }
            break
        }
        return accepted ? .accepted(zosmfCookie: nil) : .rejected
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// `POST /zosmf/services/authenticate` with Basic credentials; z/OSMF answers with a
    /// `jwtToken` or `LtpaToken2` cookie, kept in the Zowe token for `zosmf` services.
    private func checkZOSMF(host: String, port: Int, user: String, password: String) async -> LoginOutcome {
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let url = "https://\(urlHost):\(port)/zosmf/services/authenticate"
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        do {
            let response = try await client.request(
                "POST", url, headers: [("Authorization", "Basic \(basic)"), ("X-CSRF-ZOSMF-HEADER", "true")],
                timeout: .seconds(30), maxBodyBytes: 1024 * 1024)
            switch response.status {
            case 200..<300:
                let cookies = response.headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value)
                let session = cookies.compactMap { cookie -> String? in
                    let pair = cookie.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
                    let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                    return ["jwtToken", "LtpaToken2"].contains(name) ? pair : nil
                }.first
                return .accepted(zosmfCookie: session)
            case 401, 403:
                return .rejected
            default:
                return .unavailable(reason: "z/OSMF at \(url) answered HTTP status \(response.status)")
            }
        } catch {
            return .unavailable(reason: "z/OSMF at \(url): \(error.reason)")
        }
    }

    // MARK: - Tokens

    func issue(user: String, zosmfCookie: String?, now: Date = Date()) throws -> (token: String, claims: TokenClaims) {
        let issued = Int64(now.timeIntervalSince1970)
        let claims = TokenClaims(sub: user, iat: issued, exp: issued + lifetime.components.seconds,
                                 iss: TokenSigner.issuer, jti: UUID().uuidString, zosmf: zosmfCookie)
        return (try signer.sign(claims), claims)
    }

    enum TokenProblem: Error, Equatable {
        case missing
        case invalid
        case expired
    }

    /// The claims of a valid token that no logout has ended.
    func check(_ token: String?, now: Date = Date()) -> Result<TokenClaims, TokenProblem> {
        guard let token, !token.isEmpty else { return .failure(.missing) }
        let seconds = Int64(now.timeIntervalSince1970)
        do {
            let claims = try signer.verify(token, now: seconds)
            if loggedOut.withLock({ $0[claims.jti] != nil }) { return .failure(.invalid) }
            return .success(claims)
        } catch .expired {
            return .failure(.expired)
        } catch {
            return .failure(.invalid)
        }
    }

    /// Ends a token; forgotten once it would have expired anyway.
    func logout(_ claims: TokenClaims, now: Date = Date()) {
        let seconds = Int64(now.timeIntervalSince1970)
        loggedOut.withLock { ended in
            ended = ended.filter { $0.value > seconds }
            ended[claims.jti] = claims.exp
        }
    }

    /// The token of a request: the cookie, or `Authorization: Bearer`.
    static func token(cookies: [String], authorization: [String]) -> String? {
        ZoweTokenLocation.token(cookies: cookies, authorization: authorization)
    }

    /// `user:password` of `Authorization: Basic`.
    static func basicCredentials(_ authorization: [String]) -> (user: String, password: String)? {
        for value in authorization where value.lowercased().hasPrefix("basic ") {
            guard let data = Data(base64Encoded: value.dropFirst(6).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
            return (String(text[..<colon]), String(text[text.index(after: colon)...]))
        }
        return nil
    }
}

import Crypto
import Foundation
import Logging
import ZweComponentRuntime
import ZweMessages

/// Logins, tokens and logouts: checks a user name and password with the configured provider
/// (z/OSMF, or a users file), issues the apimlAuthenticationToken signed with the jwtsecret
/// key, checks tokens with the instance's one `TokenValidator`, and ends them at logout in the
/// instance's revocation list, with the z/OSMF session behind them.
final class Authenticator: Sendable {
    enum LoginOutcome: Sendable, Equatable {
        /// Accepted; with the z/OSMF session cookie (`name=value`) when z/OSMF issued one.
        case accepted(zosmfCookie: String?)
        case rejected
        case unavailable(reason: String)
    }

    let validator: TokenValidator
    let provider: AuthenticationProvider
    let lifetime: Duration
    private let client: SouthboundClient
    private let logger: Logger

    var signer: TokenSigner { validator.signer }
    static let cookieName = ZoweTokenLocation.cookieName

    init(validator: TokenValidator, provider: AuthenticationProvider, lifetime: Duration, client: SouthboundClient, logger: Logger) {
        self.validator = validator
        self.provider = provider
        self.lifetime = lifetime
        self.client = client
        self.logger = logger
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
        let jti = UUID().uuidString
        let sealed = try zosmfCookie.map { try signer.seal(session: $0, jti: jti) }
        let claims = TokenClaims(sub: user, iat: issued, exp: issued + lifetime.components.seconds,
                                 iss: TokenSigner.issuer, jti: jti, zss: sealed)
        return (try signer.sign(claims), claims)
    }

    /// The claims of a valid token that no logout has ended.
    func check(_ token: String?, now: Date = Date()) -> Result<TokenClaims, TokenValidator.Problem> {
        validator.validate(token, now: Int64(now.timeIntervalSince1970))
    }

    /// The z/OSMF session (`name=value`) a token was issued with.
    func zosmfSession(_ claims: TokenClaims) -> String? {
        signer.session(of: claims)
    }

    /// Ends a token for every component of the instance, then the z/OSMF session behind it.
    /// The token is ended even when z/OSMF cannot be reached; that is logged.
    func logout(_ claims: TokenClaims) async throws(TokenRevocations.WriteError) {
        try validator.revocations.revoke(claims.jti, expires: claims.exp)
        guard case .zosmf(let host, let port) = provider, let session = zosmfSession(claims) else { return }
        let urlHost = host.contains(":") ? "[\(host)]" : host
        let url = "https://\(urlHost):\(port)/zosmf/services/authenticate"
        do {
            let response = try await client.request(
                "DELETE", url, headers: [("Cookie", session), ("X-CSRF-ZOSMF-HEADER", "true")],
                timeout: .seconds(30), maxBodyBytes: 64 * 1024)
            // 401: z/OSMF had already ended the session (it expired, or it was restarted without it).
            guard (200..<300).contains(response.status) || response.status == 401 else {
                logger.warning("\(Diagnostic(MessageCatalog.gatewayZOSMFLogoutFailed, ["user": claims.sub, "reason": "z/OSMF at \(url) answered HTTP status \(response.status)"]))")
                return
            }
        } catch {
            logger.warning("\(Diagnostic(MessageCatalog.gatewayZOSMFLogoutFailed, ["user": claims.sub, "reason": "z/OSMF at \(url): \(error.reason)"]))")
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

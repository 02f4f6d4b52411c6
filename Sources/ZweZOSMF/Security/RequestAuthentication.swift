import Foundation
import Hummingbird

/// Who sends a request: the `jwtToken` cookie of a session, or Basic credentials, checked on
/// every request but `/zosmf/info`; and the cross-site request check z/OSMF makes on changes.
struct RequestAuthentication: Sendable {
    let users: UserRegistry
    let sessions: SessionTokens

    static let csrfHeader = HTTPFields.Element.Name("X-CSRF-ZOSMF-HEADER")!

    /// PUT, POST and DELETE must carry X-CSRF-ZOSMF-HEADER (any value, also empty): a browser
    /// sends custom headers cross-site only after a CORS preflight, which z/OSMF refuses.
    static func checkCrossSite(_ request: Request) throws(ZOSMFError) {
        switch request.method {
        case .put, .post, .delete, .patch:
            if request.headers[csrfHeader] == nil {
                throw ZOSMFError.csrfHeaderMissing(method: request.method.rawValue)
            }
        default:
            break
        }
    }

    /// The user id, upper-case. A valid session cookie wins; else Basic credentials must be valid.
    func user(of request: Request) throws(ZOSMFError) -> String {
        if let token = Self.sessionToken(request), let user = sessions.user(of: token) {
            return user
        }
        if let (user, password) = Self.basicCredentials(request) {
            if let id = users.check(user: user, password: password) { return id }
            throw ZOSMFError.unauthorized("The user id or password is not valid")
        }
        if Self.sessionToken(request) != nil {
            throw ZOSMFError.unauthorized("The jwtToken is not valid or has expired; authenticate again")
        }
        throw ZOSMFError.unauthorized("Authentication is required: send Basic credentials, or the jwtToken cookie that POST /zosmf/services/authenticate returns")
    }

    /// `Authorization: Basic base64(user:password)`.
    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let value = request.headers[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// The value of the `jwtToken` cookie, from any Cookie header.
    static func sessionToken(_ request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == SessionTokens.cookieName[...] {
                    let value = String(trimmed[trimmed.index(after: equals)...])
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }
}

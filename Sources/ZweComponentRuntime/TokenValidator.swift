import Foundation
import ZweMessages

/// The one check of an apimlAuthenticationToken that every component makes, the gateway and
/// each service that reads tokens (the jobs API) alike: signed by the instance's jwtsecret key
/// with that key's algorithm (so `alg: none`, HS256 keyed with the public key, a foreign key
/// and changed claims all fail), issued by APIML, inside its validity (not expired, not issued
/// or valid only in the future beyond a small clock skew), and not ended by a logout anywhere
/// in the instance (`TokenRevocations`).
public struct TokenValidator: Sendable {
    public enum Problem: Error, Equatable, Sendable {
        case missing
        /// Not signed by this key, changed, malformed, or not from APIML.
        case invalid
        case expired
        /// Issued in the future, or `nbf` later than now.
        case notYetValid
        /// Ended by a logout.
        case revoked
    }

    public let signer: TokenSigner
    public let revocations: TokenRevocations
    /// How far the clocks of the issuer and the checker may disagree.
    public static let clockSkewSeconds: Int64 = 60

    public init(signer: TokenSigner, revocations: TokenRevocations) {
        self.signer = signer
        self.revocations = revocations
    }

    /// The validator of a component: the jwtsecret key of its keystore and the revocation list
    /// of its instance's workspace (WORKSPACE_DIR, which the launcher always sets).
    public static func load(_ environment: ComponentEnvironment) throws(Diagnostic) -> TokenValidator {
        guard let workspace = environment.workspaceDirectory else {
            throw Diagnostic(MessageCatalog.runtimeVariableMissing, ["component": environment.componentID, "name": "WORKSPACE_DIR"])
        }
        return TokenValidator(signer: try TokenSigner.load(environment), revocations: TokenRevocations(workspace: workspace))
    }

    /// The claims of a valid token.
    public func validate(_ token: String?, now: Int64 = Int64(Date().timeIntervalSince1970)) -> Result<TokenClaims, Problem> {
        guard let token, !token.isEmpty else { return .failure(.missing) }
        let claims: TokenClaims
        do {
            claims = try signer.verifiedClaims(token)
        } catch {
            return .failure(.invalid)
        }
        guard claims.exp > claims.iat else { return .failure(.invalid) }
        guard claims.iat <= now + Self.clockSkewSeconds, (claims.nbf ?? now) <= now + Self.clockSkewSeconds else {
            return .failure(.notYetValid)
        }
        guard claims.exp > now else { return .failure(.expired) }
        guard !revocations.isRevoked(claims.jti) else { return .failure(.revoked) }
        return .success(claims)
    }
}

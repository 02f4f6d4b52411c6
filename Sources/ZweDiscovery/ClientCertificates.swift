// The client-certificate rule of /eureka/**: in STRICT and NONSTRICT a request needs a client
// certificate that chains to the truststore. The TLS layer lets every handshake complete and
// runs `ClientCertificateVerifier` on the presented chain once per connection; the middleware
// answers requests of connections without a trusted chain with 403 and a message body.

import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOSSL
import X509
import ZweComponentRuntime
import ZweKeyMaterial
import ZweMessages

/// Checks a presented chain against the truststore: each link's issuer names the next one's
/// subject and the next one's key verifies its signature, every certificate is within its
/// validity dates, intermediates are CAs, and the leaf may be used for client authentication
/// (when it says what it may be used for). The chain ends at a truststore certificate, which
/// may also be the leaf itself.
public struct ClientCertificateVerifier: Sendable {
    private let roots: [(certificate: Certificate, nio: NIOSSLCertificate)]
    /// The longest chain followed from the leaf to a trust root.
    public static let maximumDepth = 8

    public enum Verdict: Sendable, Equatable {
        /// Leaf first, trust root last.
        case trusted([NIOSSLCertificate])
        case refused(String)
    }

    public init(trustRoots: [NIOSSLCertificate]) {
        roots = trustRoots.compactMap { nio in
            guard let der = try? nio.toDERBytes(), let certificate = try? Certificate(derEncoded: der) else { return nil }
            return (certificate, nio)
        }
    }

    /// The validated chain for the TLS layer, nil when the chain is not trusted.
    public func check(_ presented: [NIOSSLCertificate]) -> NIOSSL.ValidatedCertificateChain? {
        if case .trusted(let chain) = evaluate(presented) { return NIOSSL.ValidatedCertificateChain(chain) }
        return nil
    }

    public func evaluate(_ presented: [NIOSSLCertificate], at now: Date = Date()) -> Verdict {
        guard !presented.isEmpty else { return .refused("no certificate was presented") }
        var parsed: [Certificate] = []
        for nio in presented {
            guard let der = try? nio.toDERBytes(), let certificate = try? Certificate(derEncoded: der) else {
                return .refused("a certificate of the chain cannot be read")
            }
            parsed.append(certificate)
        }
        let leaf = parsed[0]
        if let problem = Self.dateProblem(leaf, now) { return .refused(problem) }
        if let usages = try? leaf.extensions.extendedKeyUsage,
           !usages.contains(.clientAuth), !usages.contains(.any) {
            return .refused("its extended key usage does not include client authentication")
        }

        var chain = [presented[0]]
        var current = leaf
        var used: Set<Int> = [0]
        for _ in 0..<Self.maximumDepth {
            if roots.contains(where: { $0.certificate == current }) {
                return .trusted(chain)
            }
            if let root = roots.first(where: {
                $0.certificate.subject == current.issuer && Self.dateProblem($0.certificate, now) == nil
                    && $0.certificate.publicKey.isValidSignature(current.signature, for: current)
            }) {
                return .trusted(chain + [root.nio])
            }
            guard let next = parsed.indices.first(where: { index in
                let candidate = parsed[index]
                return !used.contains(index) && candidate.subject == current.issuer && Self.isCA(candidate)
                    && Self.dateProblem(candidate, now) == nil
                    && candidate.publicKey.isValidSignature(current.signature, for: current)
            }) else {
                return .refused("it is issued by '\(current.issuer)', which does not lead to a certificate of the truststore")
            }
            used.insert(next)
            chain.append(presented[next])
            current = parsed[next]
        }
        return .refused("its chain is longer than \(Self.maximumDepth) certificates")
    }

    private static func dateProblem(_ certificate: Certificate, _ now: Date) -> String? {
        if now < certificate.notValidBefore {
            return "'\(certificate.subject)' is not valid before \(certificate.notValidBefore)"
        }
        if now > certificate.notValidAfter {
            return "'\(certificate.subject)' expired on \(certificate.notValidAfter)"
        }
        return nil
    }

    private static func isCA(_ certificate: Certificate) -> Bool {
        if case .isCertificateAuthority = try? certificate.extensions.basicConstraints { return true }
        return false
    }

    /// The subject of a certificate as text, for messages.
    static func subject(of certificate: NIOSSLCertificate) -> String {
        guard let der = try? certificate.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else {
            return "(unreadable certificate)"
        }
        return "\(parsed.subject)"
    }
}

/// 403 for requests whose connection has no client certificate chaining to the truststore;
/// in DISABLED mode every request passes.
struct ClientCertificateMiddleware: RouterMiddleware {
    typealias Context = ComponentRequestContext
    let mode: VerifyMode
    let verifier: ClientCertificateVerifier
    let logger: Logger

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard mode != .disabled else { return try await next(request, context) }
        let peer = await context.peerCertificates()
        if peer.validated != nil { return try await next(request, context) }

        let diagnostic: Diagnostic
        if let presented = peer.presented {
            // The verdict's reason, worked out again: this is the rare path.
            var reason = "it does not chain to the truststore"
            if case .refused(let why) = verifier.evaluate([presented]) { reason = why }
            diagnostic = Diagnostic(MessageCatalog.discoveryClientCertificateUntrusted, [
                "path": request.uri.path, "subject": ClientCertificateVerifier.subject(of: presented), "reason": reason,
            ])
        } else {
            diagnostic = Diagnostic(MessageCatalog.discoveryClientCertificateMissing, ["path": request.uri.path])
        }
        let client = context.channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "unknown"
        logger.warning("\(diagnostic.description) (\(request.method.rawValue) from \(client))")
        return EurekaResponses.apimlError(.forbidden, diagnostic)
    }
}

import Crypto
import Foundation
import NIOSSL
import Testing
import X509
@testable import ZweDiscovery

/// The truststore check behind 403 on /eureka/**, with chains made in process.
@Suite("Client certificate check")
struct ClientCertificateVerifierTests {
    struct Authority {
        let name: String
        let key = P256.Signing.PrivateKey()
    }

    static let now = Date()

    static func certificate(
        _ subject: String, key: P256.Signing.PrivateKey, issuer: Authority, isCA: Bool = false,
        notBefore: Date = now - 3600, notAfter: Date = now + 3600, usages: [ExtendedKeyUsage.Usage]? = [.clientAuth, .serverAuth]
    ) throws -> NIOSSLCertificate {
        let extensions = try Certificate.Extensions {
            Critical(isCA ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : BasicConstraints.notCertificateAuthority)
            if let usages { try ExtendedKeyUsage(usages) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: try DistinguishedName { CommonName(issuer.name) },
            subject: try DistinguishedName { CommonName(subject) },
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(issuer.key))
        return try NIOSSLCertificate(bytes: Array(try certificate.serializeAsPEM().pemString.utf8), format: .pem)
    }

    static func root(_ authority: Authority) throws -> NIOSSLCertificate {
        try certificate(authority.name, key: authority.key, issuer: authority, isCA: true, usages: nil)
    }

    func refused(_ verdict: ClientCertificateVerifier.Verdict, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard case .refused(let reason) = verdict else {
            Issue.record("trusted, expected refused with '\(text)'", sourceLocation: sourceLocation)
            return
        }
        #expect(reason.contains(text), "\(reason)", sourceLocation: sourceLocation)
    }

    @Test("A leaf of a trusted root, directly or through presented intermediates, is trusted")
    func trustedChains() throws {
        let rootCA = Authority(name: "Root CA")
        let intermediateCA = Authority(name: "Intermediate CA")
        let root = try Self.root(rootCA)
        let verifier = ClientCertificateVerifier(trustRoots: [root])

        let direct = try Self.certificate("direct", key: .init(), issuer: rootCA)
        #expect(verifier.evaluate([direct]) == .trusted([direct, root]))
        #expect(verifier.check([direct])?.count == 2)

        let intermediate = try Self.certificate(intermediateCA.name, key: intermediateCA.key, issuer: rootCA, isCA: true, usages: nil)
        let leaf = try Self.certificate("leaf", key: .init(), issuer: intermediateCA)
        #expect(verifier.evaluate([leaf, intermediate]) == .trusted([leaf, intermediate, root]))
        refused(verifier.evaluate([leaf]), "issued by 'CN=Intermediate CA'")

        // A certificate of the truststore itself is trusted as it is.
        let pinned = try Self.certificate("pinned", key: .init(), issuer: Authority(name: "elsewhere"))
        #expect(ClientCertificateVerifier(trustRoots: [pinned]).evaluate([pinned]) == .trusted([pinned]))
    }

    @Test("Refused: another CA, a look-alike root, a non-CA intermediate, dates, key usage, nothing presented")
    func refusedChains() throws {
        let rootCA = Authority(name: "Root CA")
        let verifier = ClientCertificateVerifier(trustRoots: [try Self.root(rootCA)])

        refused(verifier.evaluate([try Self.certificate("x", key: .init(), issuer: Authority(name: "Other CA"))]), "issued by 'CN=Other CA'")
        // Same issuer name, another key: the signature does not verify.
        refused(verifier.evaluate([try Self.certificate("x", key: .init(), issuer: Authority(name: "Root CA"))]), "issued by 'CN=Root CA'")

        let notCA = Authority(name: "Not a CA")
        let middle = try Self.certificate(notCA.name, key: notCA.key, issuer: rootCA, isCA: false)
        refused(verifier.evaluate([try Self.certificate("x", key: .init(), issuer: notCA), middle]), "issued by 'CN=Not a CA'")

        refused(verifier.evaluate([try Self.certificate("old", key: .init(), issuer: rootCA, notBefore: Self.now - 7200, notAfter: Self.now - 3600)]),
                "'CN=old' expired on")
        refused(verifier.evaluate([try Self.certificate("early", key: .init(), issuer: rootCA, notBefore: Self.now + 3600, notAfter: Self.now + 7200)]),
                "'CN=early' is not valid before")
        refused(verifier.evaluate([try Self.certificate("server", key: .init(), issuer: rootCA, usages: [.serverAuth])]),
                "does not include client authentication")
        // No EKU at all: any use, as RFC 5280 has it.
        #expect(verifier.check([try Self.certificate("any", key: .init(), issuer: rootCA, usages: nil)]) != nil)
        refused(verifier.evaluate([]), "no certificate")
    }
}

import Crypto
import Foundation
import ZweKeyMaterial
import ZweMessages
import ZwePKCS12

/// What the truststore gets as `zosmf00`, `zosmf01`, ...: the PEM files of ZOSMF_CERTIFICATE, or
/// (trust-zosmf) the chain z/OSMF presents in a TLS handshake with ZOWE_ZOSMF_HOST:ZOWE_ZOSMF_PORT.
/// Both give the same result: trusted entries in the truststore, and nothing else on disk,
/// because Zowe's layout has no file for z/OSMF's certificates.
public enum ZosmfTrust {
    /// The setup runs once, by hand, possibly far from z/OSMF: it waits longer than preflight does.
    public static let fetchTimeoutMilliseconds = 10_000

    public struct Outcome: Sendable {
        /// DER certificates in truststore order.
        public var certificates: [[UInt8]] = []
        /// One line per certificate trusted (subject and SHA-256 fingerprint), and why nothing
        /// was fetched when that was asked for in mode DISABLED.
        public var messages: [Diagnostic] = []
    }

    /// Reads the files or fetches the chain; every failure is a finding with id, cause and fix,
    /// raised before anything is written. `onMessage` hears of the fetch before it starts, since
    /// it may take up to the time limit.
    public static func resolve(
        _ settings: SetupSettings, timeoutMilliseconds: Int = fetchTimeoutMilliseconds,
        onMessage: (Diagnostic) -> Void = { _ in }
    ) throws(Diagnostic) -> Outcome {
        var outcome = Outcome()
        if !settings.zosmfCertificates.isEmpty {
            for path in settings.zosmfCertificates {
                for certificate in try CertificateFile.read(path) {
                    outcome.certificates.append(certificate.der)
                    outcome.messages.append(imported(certificate.der, index: outcome.certificates.count - 1, source: path))
                }
            }
            return outcome
        }
        guard let endpoint = settings.zosmfEndpoint else { return outcome }
        let place = ["host": endpoint.host, "port": "\(endpoint.port)"]
        let mode = settings.verifyMode
        guard mode != .disabled else {
            outcome.messages.append(Diagnostic(MessageCatalog.trustNotNeeded, place))
            return outcome
        }
        onMessage(Diagnostic(MessageCatalog.trustFetching, place.merging(["mode": mode.rawValue]) { $1 }))
        let chain = try fetch(endpoint, mode: mode, timeoutMilliseconds: timeoutMilliseconds)
        let source = "z/OSMF at \(endpoint.host):\(endpoint.port)"
        for (index, der) in chain.enumerated() {
            outcome.certificates.append(der)
            outcome.messages.append(imported(der, index: index, source: source))
        }
        return outcome
    }

    /// The whole presented chain, the leaf included even when it signed itself: trusting
    /// exactly what z/OSMF presents is the point. STRICT first checks that the leaf names the
    /// host, as Zowe's services will; NONSTRICT trusts it without that check.
    static func fetch(_ endpoint: SetupSettings.ZosmfEndpoint, mode: VerifyMode, timeoutMilliseconds: Int) throws(Diagnostic) -> [[UInt8]] {
        let values = ["host": endpoint.host, "port": "\(endpoint.port)"]
        let peer: TLSProbe.Peer
        switch TLSProbe.handshake(host: endpoint.host, port: endpoint.port, anchors: nil, timeoutMilliseconds: timeoutMilliseconds) {
        case .success(let presented):
            peer = presented
        case .failure(let failure) where failure.isUnreachable:
            throw Diagnostic(MessageCatalog.trustUnreachable, values.merging([
                "reason": failure.reason, "seconds": "\(timeoutMilliseconds / 1000)",
            ]) { $1 })
        case .failure(let failure):
            throw Diagnostic(MessageCatalog.trustNotTLS, values.merging(["reason": failure.reason]) { $1 })
        }
        // Read leniently (ValidationCertificate): an old z/OSMF certificate with a small RSA key
        // must still be trusted; the preflight's rule 12 warns about it.
        var certificates: [ValidationCertificate] = []
        for (index, der) in peer.chain.enumerated() {
            do {
                certificates.append(try ValidationCertificate(der: der))
            } catch {
                throw Diagnostic(MessageCatalog.trustChainUnreadable, values.merging([
                    "reason": "certificate \(index + 1) of \(peer.chain.count) is not valid X.509 (\(error))",
                ]) { $1 })
            }
        }
        guard let leaf = certificates.first else {
            throw Diagnostic(MessageCatalog.trustChainUnreadable, values.merging(["reason": "it holds no certificate"]) { $1 })
        }
        if mode == .strict {
            let names = ValidationHostnames(leaf)
            if !names.covers(endpoint.host) {
                throw Diagnostic(MessageCatalog.trustHostMismatch, values.merging(["names": names.listed]) { $1 })
            }
        }
        return peer.chain
    }

    static func imported(_ der: [UInt8], index: Int, source: String) -> Diagnostic {
        let subject = (try? ValidationCertificate(der: der))?.subjectText ?? "?"
        return Diagnostic(MessageCatalog.trustImported, [
            "alias": alias(index), "subject": subject, "fingerprint": fingerprint(der), "source": source,
        ])
    }

    /// `zosmf00`, `zosmf01`, ...: Zowe's names for the z/OSMF entries of the truststore.
    public static func alias(_ index: Int) -> String {
        index < 10 ? "zosmf0\(index)" : "zosmf\(index)"
    }

    /// As keytool and `openssl x509 -fingerprint -sha256` print it: upper-case hex pairs joined by ':'.
    public static func fingerprint(_ der: [UInt8]) -> String {
        SHA256.hash(data: der).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}

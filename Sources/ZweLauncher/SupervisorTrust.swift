import Foundation
import ZweCertificates
import ZweKeyring
import ZwePKCS12

/// The trust anchors of the launcher's health checks, as DER: what the instance's truststore
/// (TRUSTSTORE of zowe-certificates.env) trusts. A PKCS#12 truststore is decrypted with
/// KEYSTORE_PASSWORD and gives its trusted certificates and the root of each key entry's
/// chain; a SAF key ring (`safkeyring://`) gives its certificate authorities. A truststore
/// that cannot be read gives no anchors: every check then fails and the component is
/// reported not READY, rather than the launcher ending. Read once per launcher start.
enum SupervisorTrust {
    static func anchors(_ certificates: [String: String]) -> [[UInt8]] {
        if let ring = certificates["TRUSTSTORE"].flatMap(KeyringName.init) {
            let database = SAFDatabase(root: certificates["ZWE_SAF_DIR"] ?? "")
            let authorities = (try? database.open(ring, label: nil))?.authorities ?? []
            return authorities.flatMap { entry in ((try? PEM.decode(entry.certificatePEM)) ?? []).map(\.der) }
        }
        guard let path = certificates["TRUSTSTORE"], let data = FileManager.default.contents(atPath: path),
              let entries = try? PKCS12Store.read(Array(data), password: certificates["KEYSTORE_PASSWORD"] ?? "") else { return [] }
        return entries.compactMap { entry in
            switch entry {
            case .trustedCertificate(_, let der): der
            case .privateKey(_, _, let chain): chain.last
            }
        }
    }
}

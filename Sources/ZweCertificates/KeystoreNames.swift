import Foundation
import X509
import ZweConfiguration
import ZweKeyMaterial

/// The host name and address a keystore directory's server certificate was made for: its
/// first DNS and IP SAN entries that are not the localhost names Zowe always adds.
public enum KeystoreNames {
    public static func primary(keystoreDirectory: String) -> (host: String, address: String)? {
        guard let path = (try? CertificateEnvironment.load(keystoreDirectory: keystoreDirectory))?.keystoreCertificate,
              let certificate = (try? CertificateFile.read(path))?.first?.certificate,
              let names = (try? certificate.extensions.subjectAlternativeNames) ?? nil else { return nil }
        var host: String?
        var address: String?
        for name in names {
            switch name {
            case .dnsName(let dns) where host == nil && !ZoweNames.alwaysDNS.contains(dns.lowercased()):
                host = dns.lowercased()
            case .ipAddress(let bytes) where address == nil:
                if let text = IPAddressText.text(bytes.bytes), !ZoweNames.alwaysIP.contains(text), text != "::1" { address = text }
            default:
                break
            }
        }
        return (host ?? "localhost", address ?? "127.0.0.1")
    }
}

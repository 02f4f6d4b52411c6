import Foundation
import SwiftASN1
import Testing
import X509
@testable import ZweCertificates
import ZweKeyMaterial

@Suite("Certificate factory")
struct CertificateFactoryTests {
    @Test("The local CA and server certificate carry Zowe's names and extensions", arguments: [KeyAlgorithm.ecP256, .rsa(bits: 2048)])
    func zoweCertificates(algorithm: KeyAlgorithm) throws {
        let factory = CertificateFactory(validityDays: 10)
        let caKey = try algorithm.generate()
        let ca = try factory.localCA(key: caKey)
        #expect(ca.isSelfSigned)
        #expect(CertificateDescription.name(ca.subject) == "CN=Zowe Development Instances Certificate Authority, OU=API Mediation Layer, O=Zowe Sample, L=Prague, ST=Prague, C=CZ")
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        let caUsage = try #require(try ca.extensions.keyUsage)
        #expect(caUsage.keyCertSign && caUsage.cRLSign && !caUsage.digitalSignature)

        let serverKey = try algorithm.generate()
        let server = try factory.server(commonName: "Zowe Service", dnsNames: ["zowe.example.test", "localhost"], ipAddresses: ["127.0.0.1", "::1"], key: serverKey, issuer: ca, issuerKey: caKey.privateKey)
        #expect(ca.publicKey.isValidSignature(server.signature, for: server))
        #expect(server.issuer == ca.subject)
        let description = CertificateDescription(server, der: try server.derBytes())
        #expect(description.subjectAlternativeNames == ["DNS:zowe.example.test", "DNS:localhost", "IP:127.0.0.1", "IP:::1"])
        #expect(description.extendedKeyUsage == ["serverAuth", "clientAuth"])
        #expect(description.keyUsage == ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment"])
        #expect(description.signatureAlgorithm.hasPrefix("SHA256"))
        #expect(description.daysToExpiry == 9 || description.daysToExpiry == 10)
        #expect(try server.extensions.authorityKeyIdentifier?.keyIdentifier == ca.extensions.subjectKeyIdentifier?.keyIdentifier)
        let keyUsage = try #require(server.extensions.first { $0.oid == .X509ExtensionID.keyUsage })
        #expect(keyUsage.critical)
        #expect(server.serialNumber.bytes.first.map { $0 & 0x80 == 0 && $0 != 0 } == true, "serial is positive and 16 bytes")
        #expect(server.serialNumber.bytes.count == 16)
    }

    @Test("An IP address that is not one is refused")
    func badAddress() throws {
        let factory = CertificateFactory(validityDays: 1)
        let key = try KeyAlgorithm.ecP256.generate()
        let ca = try factory.localCA(key: key)
        #expect(throws: CertificateFactoryError.self) {
            try factory.server(commonName: "x", dnsNames: [], ipAddresses: ["1.2.3"], key: key, issuer: ca, issuerKey: key.privateKey)
        }
    }

    @Test("KEY_ALGORITHM values", arguments: [("RSA-2048", KeyAlgorithm.rsa(bits: 2048)), ("rsa-4096", .rsa(bits: 4096)), ("EC-P256", .ecP256)])
    func algorithms(text: String, expected: KeyAlgorithm) {
        #expect(KeyAlgorithm(setting: text) == expected)
    }

    @Test("PEM blocks round-trip and mixed files decode in order")
    func pem() throws {
        let der = Array((0..<200).map { UInt8($0 & 0xFF) })
        let text = PEM.encode(der, label: "CERTIFICATE") + PEM.encode([1, 2, 3], label: "PRIVATE KEY")
        #expect(text.hasSuffix("-----END PRIVATE KEY-----\n"))
        let blocks = try PEM.decode(text)
        #expect(blocks.map(\.label) == ["CERTIFICATE", "PRIVATE KEY"])
        #expect(blocks[0].der == der && blocks[1].der == [1, 2, 3])
        #expect(throws: PEMError.self) { try PEM.decode("-----BEGIN CERTIFICATE-----\nAAAA\n") }
    }
}

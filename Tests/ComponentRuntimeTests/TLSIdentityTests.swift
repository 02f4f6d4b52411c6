import Foundation
import NIOSSL
import Testing
@testable import ZweComponentRuntime
import ZweKeyMaterial
import ZweMessages
import ZwePKCS12
import ZweTestSupport

@Suite("TLS identity from the stores")
struct TLSIdentityTests {
    func load(_ keystore: Keystore, _ changes: [String: String] = [:]) throws(Diagnostic) -> TLSIdentity {
        var environment = keystore.environment
        environment.merge(changes) { _, new in new }
        return try TLSIdentity.load(keystore: environment["KEYSTORE"]!, truststore: environment["TRUSTSTORE"]!,
                                    password: environment["KEYSTORE_PASSWORD"]!, alias: environment["KEY_ALIAS"]!,
                                    component: "gateway")
    }

    func failure(_ keystore: Keystore, _ changes: [String: String]) -> Diagnostic? {
        do {
            _ = try load(keystore, changes)
            return nil
        } catch {
            return error
        }
    }

    @Test("RSA and EC PKCS#8 keys load as DER; the chain is leaf first; the local CA is trusted",
          arguments: ["RSA-2048", "EC-P256"])
    func loads(algorithm: String) async throws {
        let keystore = try await Keystore.make(algorithm)
        let identity = try load(keystore)
        #expect(identity.alias == "localhost")
        #expect(identity.certificateChain.count == 2)
        #expect(identity.trustRoots.count == 1)
        let ca = try NIOSSLCertificate.fromPEMFile(keystore.caCertificate)
        #expect(identity.certificateChain.last == ca.first)
        #expect(identity.trustRoots.first == ca.first)
        // The TLS library accepts the pair: a context holds key and certificate together.
        _ = try NIOSSLContext(configuration: try identity.serverConfiguration(clientCertificates: .none))
        _ = try NIOSSLContext(configuration: try identity.clientConfiguration(mode: .strict))
    }

    @Test("KEY_ALIAS is matched ignoring case")
    func aliasCase() async throws {
        let keystore = try await Keystore.make("EC-P256")
        #expect(try load(keystore, ["KEY_ALIAS": "LocalHost"]).alias == "localhost")
    }

    @Test("Store problems are told apart")
    func problems() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let alias = failure(keystore, ["KEY_ALIAS": "gateway"])
        #expect(alias?.id == "ZWEL1506E")
        #expect(alias?.message.contains("its entries are 'localhost'") == true)
        #expect(failure(keystore, ["KEYSTORE_PASSWORD": "wrong"])?.id == "ZWEL1504E")
        #expect(failure(keystore, ["KEYSTORE": "/nonexistent/x.p12"])?.message.contains("No such file or directory") == true)
        #expect(failure(keystore, ["KEYSTORE": keystore.root])?.id == "ZWEL1503E")
        #expect(failure(keystore, ["KEYSTORE": keystore.caCertificate])?.id == "ZWEL1505E")
        // The truststore as keystore: its one entry is the CA, a certificate without key.
        let trustAsKey = failure(keystore, ["KEYSTORE": keystore.environment["TRUSTSTORE"]!, "KEY_ALIAS": "localca"])
        #expect(trustAsKey?.id == "ZWEL1507E")
    }

    @Test("A truststore written by openssl without Java's trust attribute still gives its certificate as root")
    func opensslTruststore() async throws {
        let keystore = try await Keystore.make("RSA-2048")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("openssl-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let password = keystore.environment["KEYSTORE_PASSWORD"]!
        let made = try await runTool("openssl", ["pkcs12", "-export", "-nokeys", "-in", keystore.caCertificate,
                                                 "-out", folder + "/trust.p12", "-passout", "pass:\(password)"])
        #expect(made.status == 0, "\(made)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder + "/trust.p12")))
        #expect(try PKCS12Store.read(bytes, password: password).isEmpty, "Java would list no entry either")
        let identity = try load(keystore, ["TRUSTSTORE": folder + "/trust.p12"])
        #expect(identity.trustRoots == (try NIOSSLCertificate.fromPEMFile(keystore.caCertificate)))
    }

    @Test("Server configuration: TLS 1.2 to 1.3; client certificates as asked")
    func serverConfiguration() async throws {
        let identity = try load(try await Keystore.make("RSA-2048"))
        let plain = try identity.serverConfiguration(requireClientCertificate: false)
        #expect(plain.minimumTLSVersion == .tlsv12)
        #expect(plain.maximumTLSVersion == .tlsv13)
        #expect(plain.certificateVerification == .none)
        #expect(plain.shutdownTimeout <= .milliseconds(500))
        #expect(plain.trustRoots == nil || plain.trustRoots == .default)
        let required = try identity.serverConfiguration(requireClientCertificate: true)
        #expect(required.certificateVerification == .noHostnameVerification)
        #expect(required.trustRoots == .certificates(identity.trustRoots))
        let requested = try identity.serverConfiguration(clientCertificates: .request)
        #expect(requested.certificateVerification == .optionalVerification)
        #expect(requested.sendCANameList)
    }

    @Test("Client configuration follows the verify mode", arguments: VerifyMode.allCases)
    func clientConfiguration(mode: VerifyMode) async throws {
        let identity = try load(try await Keystore.make("RSA-2048"))
        let configuration = try identity.clientConfiguration(mode: mode)
        #expect(configuration.minimumTLSVersion == .tlsv12)
        switch mode {
        case .strict:
            #expect(configuration.certificateVerification == .fullVerification)
        case .nonStrict:
            #expect(configuration.certificateVerification == .noHostnameVerification)
        case .disabled:
            #expect(configuration.certificateVerification == .none)
        }
        #expect(configuration.certificateChain.isEmpty == (mode == .disabled))
        #expect((configuration.privateKey == nil) == (mode == .disabled))
        #expect((configuration.trustRoots == .certificates(identity.trustRoots)) == (mode != .disabled))
    }

    @Test("An empty truststore is reported when trust is needed, not before")
    func emptyTruststore() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("empty-trust-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = folder + "/empty.p12"
        let bytes = try PKCS12Store.write([], password: keystore.environment["KEYSTORE_PASSWORD"]!)
        _ = FileManager.default.createFile(atPath: empty, contents: Data(bytes))
        let identity = try load(keystore, ["TRUSTSTORE": empty])
        #expect(identity.trustRoots.isEmpty)
        _ = try identity.serverConfiguration(clientCertificates: .none)
        _ = try identity.clientConfiguration(mode: .disabled)
        #expect(throws: Diagnostic.self) { try identity.serverConfiguration(clientCertificates: .require) }
        do {
            _ = try identity.clientConfiguration(mode: .nonStrict)
            Issue.record("an empty truststore was accepted for NONSTRICT")
        } catch {
            #expect(error.id == "ZWEL1509E")
        }
    }

    @Test("Client-certificate anchors are the truststore's CAs: not a leaf, not an entry trusted as z/OSMF's")
    func clientAnchors() async throws {
        let keystore = try await Keystore.make("EC-P256")
        let identity = try load(keystore)
        let ca = try NIOSSLCertificate.fromPEMFile(keystore.caCertificate)[0].toDERBytes()
        let leaf = try NIOSSLCertificate.fromPEMFile(keystore.certificate)[0].toDERBytes()
        #expect(TLSIdentity.mayVouchForClients(ca, alias: "localca"))
        #expect(TLSIdentity.mayVouchForClients(ca, alias: nil))
        #expect(!TLSIdentity.mayVouchForClients(leaf, alias: "localhost"))
        #expect(!TLSIdentity.mayVouchForClients(ca, alias: "zosmf00") && !TLSIdentity.mayVouchForClients(ca, alias: "ZOSMF12"))
        #expect(TLSIdentity.mayVouchForClients(ca, alias: "zosmfca"), "only Zowe's zosmfNN names mark z/OSMF's entries")
        #expect(try identity.clientCertificateAnchors.map { try $0.toDERBytes() } == [ca])
    }
}

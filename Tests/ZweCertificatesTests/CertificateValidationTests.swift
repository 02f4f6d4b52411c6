import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import ZweConfiguration
import ZweKeyMaterial
@testable import ZweMessages
import ZwePKCS12
@testable import ZweCertificates

@Suite("Certificate validation: good directories")
struct CertificateValidationGoodTests {
    @Test("A directory written by our own setup, with a component certificate, has no findings")
    func ownSetup() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ZweCertificateValidation-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = try EnvFile.parse("""
            KEYSTORE_DIRECTORY=\(root)
            HOSTNAME=zowe.example.test
            IPADDRESS=10.1.2.3
            KEYSTORE_PASSWORD='pa$$ word'
            COMPONENT_LEVEL_CERTIFICATES=gateway
            ZOWE_USER_ID=\(NSUserName())
            """, path: "setup.env", environment: [:])
        let settings = try SetupSettings.resolve(defaults: nil, file: file, overrides: .init(), workingDirectory: "/")
        _ = try await KeystoreSetup(settings: settings).run()

        let check = CertificateCheck(keystoreDirectory: root, hosts: [
            ("zowe.example.test", "instance.env:ZOWE_EXPLORER_HOST"), ("10.1.2.3", "instance.env:ZOWE_IP_ADDRESS"),
            ("localhost", "instance.env:GATEWAY_HOST"),
        ])
        let started = ContinuousClock.now
        let report = CertificateValidator.check(check)
        let elapsed = ContinuousClock.now - started
        #expect(report.findings.isEmpty, "\(report.listing)")
        #expect(report.verifyMode == .strict)
        #expect(report.expiresInDays.map { (3_649...3_650).contains($0) } == true)
        print("checked a good keystore directory in \(elapsed)")
    }

    @Test("A directory built the way Zowe's keytool script builds it has no errors")
    func zoweKeytoolLayout() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ZweCertificateValidation-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for folder in ["local_ca", "localhost"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        let caDN = "CN=Zowe Development Instances Certificate Authority, OU=API Mediation Layer, O=Zowe Sample, L=Prague, ST=Prague, C=CZ"
        let serverDN = "CN=Zowe Service, OU=API Mediation Layer, O=Zowe Sample, L=Prague, ST=Prague, C=CZ"
        let store = ["-storetype", "PKCS12", "-storepass:env", "ZWE_TEST_PASSWORD"]
        let serverExtensions = ["-ext", "SAN=dns:localhost,ip:127.0.0.1",
                                "-ext", "KeyUsage:critical=keyEncipherment,digitalSignature,nonRepudiation,dataEncipherment",
                                "-ext", "ExtendedKeyUsage=clientAuth,serverAuth"]
        let keystore = ["-keystore", "localhost/localhost.keystore.p12"] + store
        let run = { (tool: String, arguments: [String]) throws in _ = try ValidationTools.run(tool, arguments, in: root) }
        try run("keytool", ["-genkeypair", "-alias", "localca", "-keyalg", "RSA", "-keysize", "2048", "-dname", caDN,
                            "-validity", "3650", "-ext", "BasicConstraints:critical=ca:true", "-ext", "KeyUsage:critical=keyCertSign,cRLSign",
                            "-keystore", "local_ca/localca.keystore.p12", "-keypass:env", "ZWE_TEST_PASSWORD"] + store)
        try run("keytool", ["-exportcert", "-alias", "localca", "-keystore", "local_ca/localca.keystore.p12", "-rfc", "-file", "local_ca/localca.cer"] + store)
        try run("keytool", ["-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048", "-dname", serverDN,
                            "-validity", "3650", "-keypass:env", "ZWE_TEST_PASSWORD"] + keystore)
        try run("keytool", ["-certreq", "-alias", "localhost", "-file", "localhost/localhost.keystore.csr"] + serverExtensions + keystore)
        try run("keytool", ["-gencert", "-infile", "localhost/localhost.keystore.csr", "-outfile", "localhost/localhost.keystore_signed.cer",
                            "-alias", "localca", "-keystore", "local_ca/localca.keystore.p12", "-rfc", "-validity", "3650"] + serverExtensions + store)
        try run("keytool", ["-importcert", "-trustcacerts", "-noprompt", "-file", "local_ca/localca.cer", "-alias", "localca"] + keystore)
        try run("keytool", ["-importcert", "-trustcacerts", "-noprompt", "-file", "localhost/localhost.keystore_signed.cer", "-alias", "localhost"] + keystore)
        try run("keytool", ["-importcert", "-trustcacerts", "-noprompt", "-file", "local_ca/localca.cer", "-alias", "localca",
                            "-keystore", "localhost/localhost.truststore.p12"] + store)
        try run("keytool", ["-exportcert", "-alias", "localhost", "-rfc", "-file", "localhost/localhost.keystore.cer"] + keystore)
        try run("openssl", ["pkcs12", "-in", "localhost/localhost.keystore.p12", "-nocerts", "-nodes", "-passin", "env:ZWE_TEST_PASSWORD",
                            "-out", "localhost/localhost.keystore.key"])
        try FileManager.default.copyItem(atPath: "\(root)/localhost/localhost.keystore.cer", toPath: "\(root)/localhost/localhost.keystore.cer-ebcdic")
        let env = ShellQuoting.render([
            ("KEY_ALIAS", "localhost"), ("KEYSTORE_PASSWORD", "password"),
            ("KEYSTORE", "\(root)/localhost/localhost.keystore.p12"), ("KEYSTORE_TYPE", "PKCS12"),
            ("TRUSTSTORE", "\(root)/localhost/localhost.truststore.p12"), ("KEYSTORE_KEY", "\(root)/localhost/localhost.keystore.key"),
            ("KEYSTORE_CERTIFICATE", "\(root)/localhost/localhost.keystore.cer-ebcdic"),
            ("KEYSTORE_CERTIFICATE_AUTHORITY", "\(root)/local_ca/localca.cer"),
            ("EXTERNAL_ROOT_CA", ""), ("EXTERNAL_CERTIFICATE_AUTHORITIES", ""),
            ("ZOWE_APIM_VERIFY_CERTIFICATES", "true"), ("ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES", "true"),
            ("SSO_FALLBACK_TO_NATIVE_AUTH", "true"),
        ], header: [])
        try env.write(toFile: "\(root)/zowe-certificates.env", atomically: false, encoding: .utf8)
        // Zowe's script locks the directory down after writing it; keytool and openssl follow the umask.
        try run("chmod", ["-R", "go-rwx", root])

        let report = CertificateValidator.check(CertificateCheck(keystoreDirectory: root, hosts: ValidationFixture.hosts))
        #expect(report.errorCount == 0, "\(report.listing)")
        #expect(report.warningCount == 0, "\(report.listing)")
        #expect(report.expiresInDays.map { (3_648...3_650).contains($0) } == true)
    }

    @Test("A fixture directory has no findings, in every verify mode")
    func fixture() throws {
        let fixture = try ValidationFixture()
        try fixture.write()
        for mode in [VerifyMode.strict, .nonStrict, .disabled] {
            let report = fixture.check { $0.verifyMode = mode }
            #expect(report.findings.isEmpty, "\(report.listing)")
            #expect(report.verifyMode == mode)
        }
    }

    @Test("Verify mode comes from zowe-certificates.env", arguments: [
        ("true", "false", VerifyMode.strict), ("false", "true", .nonStrict), ("false", "false", .disabled), ("", "", .strict),
    ])
    func verifyModeFromEnv(verify: String, nonStrict: String, expected: VerifyMode) throws {
        let fixture = try ValidationFixture()
        fixture.env = ["ZOWE_APIM_VERIFY_CERTIFICATES": verify, "ZOWE_APIM_NONSTRICT_VERIFY_CERTIFICATES": nonStrict]
        try fixture.write()
        #expect(fixture.check().verifyMode == expected)
        #expect(VerifyMode(verify: verify != "false", nonStrict: nonStrict != "false") == expected)
    }
}

@Suite("Certificate validation: one finding per problem")
struct CertificateValidationProblemTests {
    /// The only error of the report, checked for id and location.
    @discardableResult
    func onlyError(_ report: CertificateReport, _ id: String, location: String, sourceLocation: SourceLocation = #_sourceLocation) -> Diagnostic? {
        #expect(report.errors.map(\.id) == [id], "\(report.listing)", sourceLocation: sourceLocation)
        let error = report.errors.first
        #expect(error?.location == location, "\(report.listing)", sourceLocation: sourceLocation)
        return error
    }

    func clean(_ report: CertificateReport, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.errorCount == 0, "\(report.listing)", sourceLocation: sourceLocation)
    }

    @Test("Wrong password: one error naming both stores, and one note for what was skipped")
    func wrongPassword() throws {
        let fixture = try ValidationFixture()
        try fixture.write()
        let report = fixture.check { $0.password = "not-the-password" }
        let error = onlyError(report, "ZWEL1308E", location: fixture.keystorePath)
        #expect(error?.message.contains(fixture.keystorePath) == true && error?.message.contains(fixture.truststorePath) == true)
        #expect(error?.message.contains("ZWE_KEYSTORE_PASSWORD") == true)
        #expect(report.warningCount == 0)
        #expect(report.ids == ["ZWEL1308E", "ZWEL1302I"], "\(report.listing)")
        #expect(report.expiresInDays == nil)
        #expect(fixture.check { $0.password = "password" }.findings.isEmpty)
    }

    @Test("KEY_ALIAS that is not in the keystore: the error lists the aliases there")
    func unknownAlias() throws {
        let fixture = try ValidationFixture()
        fixture.env["KEY_ALIAS"] = "zowe"
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1309E", location: "\(fixture.keystorePath):zowe")
        #expect(error?.message.contains("'localhost', 'localca'") == true, "\(error?.message ?? "")")
        fixture.env = [:]
        try fixture.write()
        clean(fixture.check())
    }

    @Test("KEY_ALIAS that names a trusted certificate")
    func aliasIsTrustedEntry() throws {
        let fixture = try ValidationFixture()
        fixture.env["KEY_ALIAS"] = "localca"
        try fixture.write()
        let report = fixture.check()
        let error = onlyError(report, "ZWEL1310E", location: "\(fixture.keystorePath):localca")
        #expect(error?.severity == .error)
        #expect(report.findings.last?.id == "ZWEL1302I")
    }

    @Test("A PEM key that does not belong to the PEM certificate")
    func pemKeyMismatch() throws {
        let fixture = try ValidationFixture()
        fixture.keyPEM = try KeyAlgorithm.ecP256.generate().pkcs8PEM
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1312E", location: fixture.keyPath)
        #expect(error?.message.contains(fixture.certificatePath) == true)
        fixture.keyPEM = nil
        try fixture.write()
        clean(fixture.check())
    }

    @Test("A key entry whose certificate is not its key's (a store patched after writing)")
    func keystoreKeyMismatch() throws {
        let fixture = try ValidationFixture(caAlgorithm: .rsa(bits: 2048))
        let work = fixture.root + "-work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        // Two certificates alike but for their keys: RSA signatures and P-256 keys have fixed
        // sizes and the serial is fixed, so their encodings have the same length.
        let certificateA = fixture.leafDER
        let otherKey = try KeyAlgorithm.ecP256.generate()
        let originalKey = fixture.leafKeyDER
        try fixture.reissueLeaf(key: otherKey)
        let certificateB = fixture.leafDER
        #expect(certificateA.count == certificateB.count)
        try Data(PEM.encode(originalKey, label: "PRIVATE KEY").utf8).write(to: URL(fileURLWithPath: "\(work)/a.key"))
        try Data(PEM.encode(certificateA, label: "CERTIFICATE").utf8).write(to: URL(fileURLWithPath: "\(work)/a.pem"))
        try ValidationTools.run("openssl", ["pkcs12", "-export", "-inkey", "a.key", "-in", "a.pem", "-name", "localhost",
                                            "-keypbe", "NONE", "-certpbe", "NONE", "-nomac", "-passout", "env:ZWE_TEST_PASSWORD",
                                            "-out", "a.p12"], in: work)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(work)/a.p12")))
        let start = try #require(bytes.indices.first { bytes[$0...].starts(with: certificateA) })
        bytes.replaceSubrange(start..<(start + certificateA.count), with: certificateB)
        fixture.keystoreBytes = bytes
        // The PEM pair (the other key and certificate B) stays consistent: only the store is wrong.
        try fixture.write()
        let report = fixture.check()
        let errors = report.errors.filter { $0.id == "ZWEL1312E" }
        #expect(errors.count == 1, "\(report.listing)")
        #expect(errors.first?.location == "\(fixture.keystorePath):localhost")
        #expect(errors.first?.message.contains("of 'localhost'") == true)
    }

    @Test("A server-only certificate names the missing clientAuth OID")
    func serverAuthOnly() throws {
        let fixture = try ValidationFixture()
        var profile = ValidationProfile.server
        profile.extendedKeyUsage = [.serverAuth]
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1313E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains("1.3.6.1.5.5.7.3.2") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("TLS client") == true)

        profile.extendedKeyUsage = [.clientAuth]
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        #expect(onlyError(fixture.check(), "ZWEL1313E", location: "\(fixture.keystorePath):localhost")?.message.contains("1.3.6.1.5.5.7.3.1") == true)

        for usages in [[ExtendedKeyUsage.Usage.any], [.serverAuth, .clientAuth]] {
            profile.extendedKeyUsage = usages
            try fixture.reissueLeaf(profile: profile)
            try fixture.write()
            clean(fixture.check())
        }
        profile.extendedKeyUsage = nil
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        clean(fixture.check())
    }

    @Test("A key usage that allows neither a TLS client nor a server")
    func badKeyUsage() throws {
        let fixture = try ValidationFixture()
        var profile = ValidationProfile.server
        profile.keyUsage = KeyUsage(keyEncipherment: true)
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1314E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains("keyEncipherment") == true && error?.message.contains("TLS client") == true, "\(error?.message ?? "")")

        profile.keyUsage = KeyUsage(digitalSignature: true)
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        clean(fixture.check())
    }

    @Test("An expired certificate")
    func expired() throws {
        let fixture = try ValidationFixture()
        try fixture.reissueLeaf(notBefore: fixture.now.addingTimeInterval(-400 * 86_400), notAfter: fixture.now.addingTimeInterval(-35 * 86_400))
        try fixture.write()
        let report = fixture.check()
        let error = onlyError(report, "ZWEL1315E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains(CertificateDescription.time(fixture.now.addingTimeInterval(-35 * 86_400))) == true, "\(error?.message ?? "")")
        #expect(report.expiresInDays == -35)
        try fixture.reissueLeaf()
        try fixture.write()
        clean(fixture.check())
    }

    @Test("A certificate that is not valid yet")
    func notYetValid() throws {
        let fixture = try ValidationFixture()
        try fixture.reissueLeaf(notBefore: fixture.now.addingTimeInterval(2 * 86_400))
        try fixture.write()
        onlyError(fixture.check(), "ZWEL1316E", location: "\(fixture.keystorePath):localhost")
    }

    @Test("A certificate that expires in 10 days is a warning with the days left")
    func expiringSoon() throws {
        let fixture = try ValidationFixture()
        try fixture.reissueLeaf(notAfter: fixture.now.addingTimeInterval(10 * 86_400))
        try fixture.write()
        let report = fixture.check()
        #expect(report.errorCount == 0)
        #expect(report.warnings.map(\.id) == ["ZWEL1317W"], "\(report.listing)")
        #expect(report.warnings.first?.message.contains("expires in 10 days") == true)
        #expect(report.warnings.first?.location == "\(fixture.keystorePath):localhost")
        #expect(report.expiresInDays == 10)
        #expect(fixture.check { $0.expiryWarningDays = 5 }.findings.isEmpty)
    }

    @Test("An expired CA in the truststore is an error too")
    func expiredTrustedCertificate() throws {
        let fixture = try ValidationFixture()
        let oldKey = try KeyAlgorithm.ecP256.generate()
        let old = try ValidationCertificates.issue(
            try ValidationCertificates.name("Old z/OSMF"), key: oldKey.privateKey.publicKey, profile: .server, issuer: nil,
            selfKey: oldKey.privateKey, notBefore: fixture.now.addingTimeInterval(-800 * 86_400), notAfter: fixture.now.addingTimeInterval(-86_400))
        fixture.truststoreEntries.append(.trustedCertificate(alias: "zosmf00", der: try old.derBytes()))
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1315E", location: "\(fixture.truststorePath):zosmf00")
        #expect(error?.message.contains("CN=Old z/OSMF") == true)
    }

    @Test("A host missing from the SAN: an error in STRICT mode, a warning in NONSTRICT")
    func hostMissing() throws {
        let fixture = try ValidationFixture()
        try fixture.write()
        let hosts = ValidationFixture.hosts + [("zowe.example.test", "instance.env:12")]
        let strict = fixture.check(hosts: hosts)
        let error = onlyError(strict, "ZWEL1318E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains("zowe.example.test (from instance.env:12)") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("DNS:localhost, IP:127.0.0.1") == true)

        fixture.env["ZOWE_APIM_VERIFY_CERTIFICATES"] = "false"
        try fixture.write()
        let lenient = fixture.check(hosts: hosts)
        #expect(lenient.verifyMode == .nonStrict)
        #expect(lenient.errorCount == 0)
        #expect(lenient.warnings.map(\.id) == ["ZWEL1319W"], "\(lenient.listing)")
        #expect(lenient.warnings.first?.cause.contains("NONSTRICT") == true)

        var profile = ValidationProfile.server
        profile.dnsNames.append("Zowe.Example.Test")
        try fixture.reissueLeaf(profile: profile)
        fixture.env = [:]
        try fixture.write()
        clean(fixture.check(hosts: hosts + [("ZOWE.example.test.", "instance.env:13")]))
    }

    @Test("A wildcard covers one label only")
    func wildcard() throws {
        let fixture = try ValidationFixture()
        var profile = ValidationProfile.server
        profile.dnsNames = ["*.example.test"]
        profile.ipAddresses = []
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        clean(fixture.check(hosts: [("a.example.test", "test")]))
        for host in ["a.b.example.test", "example.test"] {
            let error = onlyError(fixture.check(hosts: [(host, "test")]), "ZWEL1318E", location: "\(fixture.keystorePath):localhost")
            #expect(error?.message.contains("host \(host) ") == true)
        }
    }

    @Test("Wildcard and name matching rules", arguments: [
        ("*.example.test", "a.example.test", true), ("*.example.test", "A.EXAMPLE.TEST", true),
        ("*.example.test", "a.b.example.test", false), ("*.example.test", "example.test", false),
        ("*.test", "example.test", false), ("a*.example.test", "ab.example.test", false),
        ("*.*.test", "a.b.test", false), ("example.test", "example.test", true), ("example.test", "other.test", false),
    ])
    func matching(pattern: String, host: String, expected: Bool) {
        #expect(ValidationHostnames.matches(pattern: ValidationHostnames.normalised(pattern), host: ValidationHostnames.normalised(host)) == expected)
    }

    @Test("An IP host needs an iPAddress entry; a DNS entry that spells it does not count")
    func ipHost() throws {
        let fixture = try ValidationFixture()
        var profile = ValidationProfile.server
        profile.dnsNames = ["localhost", "10.0.0.7"]
        profile.ipAddresses = []
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        let error = onlyError(fixture.check(hosts: [("10.0.0.7", "instance.env:ZOWE_IP_ADDRESS")]), "ZWEL1318E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains("10.0.0.7 (from instance.env:ZOWE_IP_ADDRESS)") == true)
        profile.ipAddresses = ["10.0.0.7", "::1"]
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        clean(fixture.check(hosts: [("10.0.0.7", "a"), ("0:0::1", "b"), ("localhost", "c")]))
    }

    @Test("A leaf signed by an intermediate that is in neither store names the intermediate")
    func missingIntermediate() throws {
        let fixture = try ValidationFixture()
        let intermediateKey = try KeyAlgorithm.ecP256.generate()
        let intermediateName = try ValidationCertificates.name("Zowe Intermediate CA", organization: "Example")
        let intermediate = try ValidationCertificates.issue(
            intermediateName, key: intermediateKey.privateKey.publicKey, profile: .authority, issuer: try fixture.issuerOfLeaf,
            notBefore: fixture.now.addingTimeInterval(-86_400), notAfter: fixture.now.addingTimeInterval(1_000 * 86_400))
        try fixture.reissueLeaf(issuer: (intermediateName, intermediateKey.privateKey))
        fixture.chainTail = []
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1320E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains("'O=Example, CN=Zowe Intermediate CA'") == true || error?.message.contains("CN=Zowe Intermediate CA, O=Example") == true, "\(error?.message ?? "")")

        fixture.chainTail = [try intermediate.derBytes(), fixture.caDER]
        try fixture.write()
        #expect(fixture.check().findings.isEmpty, "\(fixture.check().listing)")
    }

    @Test("A truststore CA of the right name but another key: the old CA is named")
    func replacedCA() throws {
        let fixture = try ValidationFixture()
        let otherKey = try KeyAlgorithm.ecP256.generate()
        let other = try ValidationCertificates.issue(
            try fixture.caName, key: otherKey.privateKey.publicKey, profile: .authority, issuer: nil, selfKey: otherKey.privateKey,
            notBefore: fixture.now.addingTimeInterval(-86_400), notAfter: fixture.now.addingTimeInterval(1_000 * 86_400))
        fixture.truststoreEntries = [.trustedCertificate(alias: "localca", der: try other.derBytes())]
        fixture.chainTail = []
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1321E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains(ZoweNames.localCACommonName) == true)
    }

    @Test("A root CA that is only in the keystore is not trusted")
    func rootNotInTruststore() throws {
        let fixture = try ValidationFixture()
        let otherKey = try KeyAlgorithm.ecP256.generate()
        let other = try ValidationCertificates.issue(
            try ValidationCertificates.name("Somebody Else's CA"), key: otherKey.privateKey.publicKey, profile: .authority, issuer: nil,
            selfKey: otherKey.privateKey, notBefore: fixture.now.addingTimeInterval(-86_400), notAfter: fixture.now.addingTimeInterval(1_000 * 86_400))
        fixture.truststoreEntries = [.trustedCertificate(alias: "other", der: try other.derBytes())]
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1322E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains(ZoweNames.localCACommonName) == true && error?.message.contains(fixture.truststorePath) == true)
    }

    @Test("A CA without CA:TRUE (or without keyCertSign) in the chain")
    func notACA() throws {
        let fixture = try ValidationFixture()
        var profile = ValidationProfile.authority
        profile.basicConstraints = .notCertificateAuthority
        let ca = try ValidationCertificates.issue(
            try fixture.caName, key: fixture.caKey.privateKey.publicKey, profile: profile, issuer: nil, selfKey: fixture.caKey.privateKey,
            notBefore: fixture.now.addingTimeInterval(-86_400), notAfter: fixture.now.addingTimeInterval(1_000 * 86_400))
        fixture.caDER = try ca.derBytes()
        fixture.chainTail = [fixture.caDER]
        fixture.truststoreEntries = [.trustedCertificate(alias: "localca", der: fixture.caDER)]
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1323E", location: "\(fixture.keystorePath):localhost")
        #expect(error?.message.contains(ZoweNames.localCACommonName) == true && error?.message.contains("CA:FALSE") == true, "\(error?.message ?? "")")

        profile = .authority
        profile.keyUsage = KeyUsage(digitalSignature: true)
        let ca2 = try ValidationCertificates.issue(
            try fixture.caName, key: fixture.caKey.privateKey.publicKey, profile: profile, issuer: nil, selfKey: fixture.caKey.privateKey,
            notBefore: fixture.now.addingTimeInterval(-86_400), notAfter: fixture.now.addingTimeInterval(1_000 * 86_400))
        fixture.caDER = try ca2.derBytes()
        fixture.chainTail = [fixture.caDER]
        fixture.truststoreEntries = [.trustedCertificate(alias: "localca", der: fixture.caDER)]
        try fixture.write()
        #expect(onlyError(fixture.check(), "ZWEL1323E", location: "\(fixture.keystorePath):localhost")?.message.contains("lacks keyCertSign") == true)
    }

    @Test("A self-signed z/OSMF certificate in the truststore is not held to CA rules")
    func trustedLeafExempt() throws {
        let fixture = try ValidationFixture()
        let key = try KeyAlgorithm.ecP256.generate()
        let zosmf = try ValidationCertificates.issue(
            try ValidationCertificates.name("zosmf.example.test"), key: key.privateKey.publicKey, profile: .server, issuer: nil,
            selfKey: key.privateKey, notBefore: fixture.now.addingTimeInterval(-86_400), notAfter: fixture.now.addingTimeInterval(900 * 86_400))
        fixture.truststoreEntries.append(.trustedCertificate(alias: "zosmf00", der: try zosmf.derBytes()))
        try fixture.write()
        #expect(fixture.check().findings.isEmpty, "\(fixture.check().listing)")
    }

    /// A leaf made by openssl from a CSR, signed by the fixture's CA.
    func opensslLeaf(_ fixture: ValidationFixture, keyBits: Int, digest: String) throws -> (key: [UInt8], certificate: [UInt8]) {
        let work = fixture.root + "-openssl"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data(PEM.encode(fixture.caDER, label: "CERTIFICATE").utf8).write(to: URL(fileURLWithPath: "\(work)/ca.pem"))
        try Data(fixture.caKey.pkcs8PEM.utf8).write(to: URL(fileURLWithPath: "\(work)/ca.key"))
        try """
            subjectAltName=DNS:localhost,IP:127.0.0.1
            keyUsage=critical,digitalSignature,keyEncipherment
            extendedKeyUsage=serverAuth,clientAuth
            basicConstraints=CA:FALSE
            """.write(toFile: "\(work)/ext.cnf", atomically: false, encoding: .utf8)
        try ValidationTools.run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:\(keyBits)", "-out", "leaf.key"], in: work)
        try ValidationTools.run("openssl", ["req", "-new", "-key", "leaf.key", "-subj", "/O=Zowe Sample/CN=Zowe Service", "-out", "leaf.csr"], in: work)
        try ValidationTools.run("openssl", ["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "0x1234",
                                            "-days", "300", "-\(digest)", "-extfile", "ext.cnf", "-out", "leaf.pem"], in: work)
        let key = try #require(try PEM.decode(String(contentsOfFile: "\(work)/leaf.key", encoding: .utf8)).first).der
        return (key, try ValidationTools.pemDER("\(work)/leaf.pem"))
    }

    @Test("An RSA-1024 key is a warning, and nothing else fails because of it")
    func rsa1024() throws {
        let fixture = try ValidationFixture(caAlgorithm: .rsa(bits: 2048))
        (fixture.leafKeyDER, fixture.leafDER) = try opensslLeaf(fixture, keyBits: 1024, digest: "sha256")
        try fixture.write()
        let report = fixture.check { $0.now = Date() }  // openssl's certificate starts when it was made
        #expect(report.errorCount == 0, "\(report.listing)")
        #expect(report.warnings.map(\.id) == ["ZWEL1324W"], "\(report.listing)")
        #expect(report.warnings.first?.message.contains("RSA 1024-bit key") == true)
        #expect(report.warnings.first?.location == "\(fixture.keystorePath):localhost")
    }

    @Test("A SHA-1 signature is a warning")
    func sha1Signature() throws {
        let fixture = try ValidationFixture(caAlgorithm: .rsa(bits: 2048))
        (fixture.leafKeyDER, fixture.leafDER) = try opensslLeaf(fixture, keyBits: 2048, digest: "sha1")
        try fixture.write()
        let report = fixture.check { $0.now = Date() }  // openssl's certificate starts when it was made
        #expect(report.errorCount == 0, "\(report.listing)")
        #expect(report.warnings.map(\.id) == ["ZWEL1324W"], "\(report.listing)")
        #expect(report.warnings.first?.message.contains("SHA-1 signature") == true)
    }

    @Test("A group-writable store")
    func groupWritableStore() throws {
        let fixture = try ValidationFixture()
        try fixture.write()
        chmod(fixture.truststorePath, 0o660)
        let error = onlyError(fixture.check(), "ZWEL1326E", location: fixture.truststorePath)
        #expect(error?.message.contains("0660") == true && error?.message.contains("its group can change it") == true, "\(error?.message ?? "")")
        #expect(error?.fix.contains("chmod g-w \(fixture.truststorePath)") == true, "\(error?.fix ?? "")")
        chmod(fixture.truststorePath, 0o644)  // a world-readable truststore holds no secret
        clean(fixture.check())
    }

    @Test("A world-readable private key, reached through a symbolic link")
    func worldReadableKey() throws {
        let fixture = try ValidationFixture()
        try fixture.write()
        let target = fixture.root + "/real.key"
        try FileManager.default.moveItem(atPath: fixture.keyPath, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: fixture.keyPath, withDestinationPath: target)
        chmod(target, 0o644)
        let error = onlyError(fixture.check(), "ZWEL1326E", location: fixture.keyPath)
        #expect(error?.message.contains("everyone can read the private key") == true, "\(error?.message ?? "")")
        chmod(target, 0o640)
        clean(fixture.check())
    }

    @Test("A directory without zowe-certificates.env: one error, nothing else checked")
    func missingEnv() throws {
        let fixture = try ValidationFixture()
        try fixture.write()
        try FileManager.default.removeItem(atPath: fixture.envPath)
        let report = fixture.check()
        onlyError(report, "ZWEL1301E", location: fixture.envPath)
        #expect(report.ids == ["ZWEL1301E", "ZWEL1302I"])
    }

    @Test("A keystore directory that does not exist")
    func missingDirectory() throws {
        let fixture = try ValidationFixture()
        let report = fixture.check()
        onlyError(report, "ZWEL1300E", location: fixture.root)
        #expect(report.ids == ["ZWEL1300E", "ZWEL1302I"])
        #expect(report.expiresInDays == nil)
    }

    @Test("A path in zowe-certificates.env that does not exist is reported at its line")
    func missingPath() throws {
        let fixture = try ValidationFixture()
        fixture.env["KEYSTORE_CERTIFICATE_AUTHORITY"] = fixture.root + "/local_ca/nothing.cer"
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1303E", location: "\(fixture.envPath):9")
        #expect(error?.message == "KEYSTORE_CERTIFICATE_AUTHORITY names \(fixture.root)/local_ca/nothing.cer, which does not exist")

        fixture.env = ["KEYSTORE": fixture.root + "/gone.p12"]
        try fixture.write()
        let report = fixture.check()
        onlyError(report, "ZWEL1303E", location: "\(fixture.envPath):4")
        #expect(report.findings.contains { $0.id == "ZWEL1302I" && $0.message.contains("gone.p12") }, "\(report.listing)")
    }

    @Test("A keystore that is not PKCS#12, and a KEYSTORE_TYPE that is not PKCS12")
    func storeFormat() throws {
        let fixture = try ValidationFixture()
        fixture.keystoreBytes = [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2]
        try fixture.write()
        let error = onlyError(fixture.check(), "ZWEL1306E", location: "\(fixture.envPath):4")
        #expect(error?.message.contains("JKS") == true)

        fixture.env["KEYSTORE_TYPE"] = "JKS"
        try fixture.write()
        onlyError(fixture.check(), "ZWEL1305E", location: "\(fixture.envPath):5")
    }

    @Test("Keyring mode: without ZWE_SAF_DIR one error and no store rules; with a database that lacks the ring, the ring is named")
    func keyring() throws {
        let fixture = try ValidationFixture()
        fixture.env = ["KEYSTORE_TYPE": "JCERACFKS", "KEYSTORE": "safkeyring:////ZWESVUSR/ZoweKeyring", "TRUSTSTORE": "safkeyring:////ZWESVUSR/ZoweKeyring"]
        try fixture.write()
        let report = fixture.check()
        #expect(report.ids == ["ZWEL1331E", "ZWEL1302I"], "\(report.listing)")
        fixture.env["ZWE_SAF_DIR"] = fixture.root + "-saf"
        try fixture.write()
        let missing = fixture.check()
        #expect(missing.ids == ["ZWEL1330E", "ZWEL1307I", "ZWEL1302I"], "\(missing.listing)")
    }

    @Test("A truststore written without Java's trusted attribute")
    func notJavaTrusted() throws {
        let fixture = try ValidationFixture()
        let work = fixture.root + "-trust"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Data(PEM.encode(fixture.caDER, label: "CERTIFICATE").utf8).write(to: URL(fileURLWithPath: "\(work)/ca.pem"))
        try ValidationTools.run("openssl", ["pkcs12", "-export", "-nokeys", "-in", "ca.pem", "-caname", "localca",
                                            "-passout", "env:ZWE_TEST_PASSWORD", "-out", "trust.p12"], in: work)
        fixture.truststoreBytes = Array(try Data(contentsOf: URL(fileURLWithPath: "\(work)/trust.p12")))
        try fixture.write()
        let report = fixture.check()
        #expect(report.errorCount == 0, "\(report.listing)")
        #expect(report.warnings.map(\.id) == ["ZWEL1325W"], "\(report.listing)")
        #expect(report.warnings.first?.location == "\(fixture.truststorePath):localca")
        #expect(report.warnings.first?.message.contains("Java will not list this certificate as trusted") == true)
    }

    @Test("A component's key entry is checked like the Zowe certificate")
    func componentEntry() throws {
        let fixture = try ValidationFixture()
        let key = try KeyAlgorithm.ecP256.generate()
        var profile = ValidationProfile.server
        profile.extendedKeyUsage = [.serverAuth]
        let component = try ValidationCertificates.issue(
            try ZoweNames.distinguishedName(commonName: "Zowe Service - gateway"), key: key.privateKey.publicKey, profile: profile,
            issuer: try fixture.issuerOfLeaf, notBefore: fixture.now.addingTimeInterval(-60), notAfter: fixture.now.addingTimeInterval(300 * 86_400))
        fixture.extraKeystoreEntries = [.privateKey(alias: "gateway", pkcs8DER: key.pkcs8DER, chain: [try component.derBytes(), fixture.caDER])]
        try fixture.write()
        onlyError(fixture.check(), "ZWEL1313E", location: "\(fixture.keystorePath):gateway")
    }

    @Test("Two independent problems give two errors, in rule order")
    func twoProblems() throws {
        let fixture = try ValidationFixture()
        var profile = ValidationProfile.server
        profile.extendedKeyUsage = [.serverAuth]
        try fixture.reissueLeaf(profile: profile)
        try fixture.write()
        chmod(fixture.keystorePath, 0o606)
        let report = fixture.check()
        #expect(report.errors.map(\.id) == ["ZWEL1313E", "ZWEL1326E"], "\(report.listing)")
        #expect(report.errors.last?.message.contains("everyone can change it, and everyone can read the private key it holds") == true, "\(report.listing)")
        try fixture.reissueLeaf()
        try fixture.write()
        clean(fixture.check())
    }

    @Test("Findings are ordered errors, warnings, notes")
    func ordering() throws {
        let fixture = try ValidationFixture()
        try fixture.reissueLeaf(notAfter: fixture.now.addingTimeInterval(3 * 86_400))
        fixture.env["KEY_ALIAS"] = "nothere"
        fixture.extraKeystoreEntries = []
        try fixture.write()
        chmod(fixture.truststorePath, 0o666)
        let report = fixture.check(hosts: [("elsewhere.test", "x")])
        let severities = report.findings.map(\.severity)
        #expect(severities == severities.sorted(by: >), "\(report.listing)")
        #expect(report.ids.first == "ZWEL1309E")
        #expect(report.ids.last == "ZWEL1302I")
    }
}

@Suite("Certificate validation: messages")
struct CertificateValidationMessageTests {
    @Test("Validation messages use ZWEL1300-1399, each once, with a cause and a fix")
    func table() {
        let messages = MessageCatalog.validationMessages
        #expect(Set(messages.map(\.id)).count == messages.count)
        for message in messages {
            let number = Int(message.id.dropFirst(4).prefix(4)) ?? 0
            #expect((1300...1399).contains(number), "\(message.id)")
            #expect(!message.cause.isEmpty && !message.fix.isEmpty)
            #expect(!(MessageCatalog.all.contains { $0.id == message.id && $0 != message }), "\(message.id) clashes")
        }
    }
}

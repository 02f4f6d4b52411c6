import Foundation
import ZweTestSupport
import Testing

/// The certificate problems of quality.md's bad-input list, each built for real, found by
/// `zwe validate`, and fixed again.
@Suite("Certificate problems found by zwe validate")
struct CertificatePreflightTests {
    /// Breaks the fixture, validates, checks the one finding, then restores the keystore with a new setup.
    func expectFinding(_ fixture: InstanceFixture, id: String, severity: String = "error", contains: [String] = [], location: String? = nil, status: Int32 = 1) throws {
        let (code, report, raw) = try fixture.validate()
        #expect(code == status, "\(id): \(raw)")
        let finding = report.finding(id)
        #expect(finding != nil, "\(id) missing: \(report.findings)")
        #expect(finding?["severity"] as? String == severity)
        let message = finding?["message"] as? String ?? ""
        for text in contains { #expect(message.contains(text), "\(id) message lacks \(text): \(message)") }
        if let location { #expect((finding?["location"] as? String ?? "").contains(location), "\(id) location: \(String(describing: finding?["location"]))") }
        let fix = finding?["fix"] as? String ?? ""
        #expect(fix.count > 10, "\(id) has no fix")
    }

    @Test("A wrong keystore password is one error, not a cascade")
    func wrongPassword() throws {
        let fixture = try InstanceFixture()
        let (_, report, _) = try fixture.validate(environment: ["ZWE_KEYSTORE_PASSWORD": "not-the-password"])
        #expect(report.ids() == ["ZWEL1308E"], "\(report.findings)")
        #expect(report.ids(severity: "info").contains("ZWEL1302I"))
        let message = report.finding("ZWEL1308E")?["message"] as? String ?? ""
        #expect(message.contains("ZWE_KEYSTORE_PASSWORD"))
        #expect(message.contains("not-the-password") == false, "the password must never be printed")
        #expect(try fixture.validate().status == 0)
    }

    @Test("An unknown alias names the entries the keystore has")
    func unknownAlias() throws {
        let fixture = try InstanceFixture()
        let env = fixture.keystore + "/zowe-certificates.env"
        let original = try String(contentsOfFile: env, encoding: .utf8)
        // Written in place (not atomically): the file is a link into the current set, and keeps its mode.
        try original.replacingOccurrences(of: "KEY_ALIAS='localhost'", with: "KEY_ALIAS='apiml'").write(toFile: env, atomically: false, encoding: .utf8)
        try expectFinding(fixture, id: "ZWEL1309E", contains: ["apiml", "localhost"], location: "localhost.keystore.p12")
        try original.write(toFile: env, atomically: false, encoding: .utf8)
        #expect(try fixture.validate().status == 0)
    }

    @Test("Expired and not-yet-valid certificates are errors")
    func validity() throws {
        let fixture = try InstanceFixture()
        try replaceLeaf(fixture, LeafSpec(startDate: "20200101000000Z", endDate: "20210101000000Z"))
        try expectFinding(fixture, id: "ZWEL1315E", contains: ["2021"])
        try replaceLeaf(fixture, LeafSpec(startDate: "20400101000000Z", endDate: "20410101000000Z"))
        try expectFinding(fixture, id: "ZWEL1316E", contains: ["2040"])
        try replaceLeaf(fixture, LeafSpec())
        #expect(try fixture.validate().status == 0)
    }

    @Test("A serverAuth-only certificate names the missing clientAuth OID")
    func serverOnly() throws {
        let fixture = try InstanceFixture()
        try replaceLeaf(fixture, LeafSpec(extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"))
        try expectFinding(fixture, id: "ZWEL1313E", contains: ["1.3.6.1.5.5.7.3.2"], location: "localhost.keystore.p12:localhost")
        try replaceLeaf(fixture, LeafSpec())
        #expect(try fixture.validate().status == 0)
    }

    @Test("A SAN without the instance's host is an error in STRICT mode")
    func hostMissing() throws {
        let fixture = try InstanceFixture()
        try fixture.setInstance("ZOWE_EXPLORER_HOST=zowe.example.test")
        try expectFinding(fixture, id: "ZWEL1318E", contains: ["zowe.example.test", "instance.env:"])
        try fixture.setInstance("ZOWE_EXPLORER_HOST=localhost")
        #expect(try fixture.validate().status == 0)
    }

    @Test("A chain missing its intermediate names the missing issuer")
    func missingIntermediate() throws {
        let fixture = try InstanceFixture()
        try replaceLeaf(fixture, LeafSpec(viaHiddenIntermediate: true))
        try expectFinding(fixture, id: "ZWEL1320E", contains: ["Hidden Intermediate CA"])
        try replaceLeaf(fixture, LeafSpec())
        #expect(try fixture.validate().status == 0)
    }

    @Test("A private key that does not match the certificate is an error")
    func keyMismatch() throws {
        let fixture = try InstanceFixture()
        let other = try Harness.run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", fixture.keystore + "/localhost/localhost.keystore.key"])
        #expect(other.status == 0)
        try expectFinding(fixture, id: "ZWEL1312E", contains: ["localhost.keystore.key"])
        try replaceLeaf(fixture, LeafSpec())
        #expect(try fixture.validate().status == 0)
    }

    @Test("RSA-1024 and SHA-1 are warnings")
    func weakCrypto() throws {
        let fixture = try InstanceFixture()
        try replaceLeaf(fixture, LeafSpec(key: "rsa:1024", digest: "sha1"))
        try expectFinding(fixture, id: "ZWEL1324W", severity: "warning", status: 0)
        let (_, report, _) = try fixture.validate()
        let message = report.finding("ZWEL1324W")?["message"] as? String ?? ""
        #expect(message.contains("1024") && message.uppercased().contains("SHA-1") || message.uppercased().contains("SHA1"), "\(message)")
    }

    @Test("zwe certificate verify checks a keystore directory without an instance")
    func verifyCommand() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/ks"
        #expect(try Harness.zwe(["init", "certificate", "-p", setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"), ("HOSTNAME", "zowe.example.test")])]).status == 0)
        let good = try Harness.zwe(["certificate", "verify", "--keystore-dir", keystore, "--host", "zowe.example.test", "--host", "127.0.0.1"])
        #expect(good.status == 0, "\(good)")
        let bad = try Harness.zwe(["certificate", "verify", "--keystore-dir", keystore, "--host", "other.example.test", "--json"])
        #expect(bad.status == 1, "\(bad)")
        let report = try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as? [String: Any] ?? [:]
        #expect(report.ids() == ["ZWEL1318E"], "\(report.findings)")
        #expect(report.finding("ZWEL1318E")?["message"] as? String != nil)
    }
}

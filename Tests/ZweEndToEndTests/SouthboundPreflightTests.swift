import Foundation
import ZweTestSupport
import Testing

/// Preflight rule 9: `zwe validate` makes a live TLS handshake with the instance's z/OSMF and its
/// static services and checks it against the instance truststore; `openssl s_server` stands in
/// for them (helpers in TrustZosmfTests.swift).
@Suite("Preflight rule 9: live handshakes with the instance truststore")
struct SouthboundPreflightTests {
    @Test("Preflight: an untrusted z/OSMF is an error in STRICT and NONSTRICT, and trust-zosmf clears it",
          arguments: [("STRICT", "true"), ("NONSTRICT", "false")])
    func preflightUntrusted(mode: String, verify: String) throws {
        let scratch = TemporaryDirectory()
        let zosmf = try StandInZosmf(try makeCertificate(scratch, "zosmf", subject: "/CN=localhost/O=Stand-in", extensions: ["subjectAltName=DNS:localhost,IP:127.0.0.1"]))
        defer { zosmf.stop() }
        let flags = [("VERIFY_CERTIFICATES", verify), ("NONSTRICT_VERIFY_CERTIFICATES", "true")]
        let fixture = try InstanceFixture(setup: flags, instanceSets: ["ZOSMF_HOST": "localhost", "ZOSMF_PORT": "\(zosmf.port)"])

        let (status, report, raw) = try fixture.validate()
        #expect(status == 1, "\(raw)")
        #expect(report.ids() == ["ZWEL1960E"], "\(report.findings)")
        let finding = report.finding("ZWEL1960E") ?? [:]
        let message = finding.text("message")
        #expect(message.contains("z/OSMF at localhost:\(zosmf.port) presents 'O=Stand-in, CN=localhost' issued by 'O=Stand-in, CN=localhost'"), "\(message)")
        #expect(finding.text("fix").contains("ZOWE_ZOSMF_HOST=localhost and ZOWE_ZOSMF_PORT=\(zosmf.port)"))
        #expect(finding.text("cause").contains(mode))
        #expect(finding.text("location").contains("instance.env:"))

        // trust-zosmf on the same keystore directory: the error goes away.
        let trust = setupFile(in: fixture.scratch, name: "trust.env", [
            ("KEYSTORE_DIRECTORY", fixture.keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("ZOWE_ZOSMF_HOST", "localhost"), ("ZOWE_ZOSMF_PORT", "\(zosmf.port)"),
        ] + flags)
        let setup = try Harness.zwe(["init", "certificate", "-p", trust])
        #expect(setup.status == 0, "\(setup)")
        let after = try fixture.validate()
        #expect(after.status == 0, "\(after.raw)")
        #expect(after.report.findings.allSatisfy { !$0.text("id").hasPrefix("ZWEL196") }, "\(after.report.findings)")
    }

    @Test("Preflight: a trusted z/OSMF certificate for another host is an error in STRICT only")
    func preflightHostMismatch() throws {
        let scratch = TemporaryDirectory()
        let wrong = try makeCertificate(scratch, "wrong", subject: "/CN=wrong.example", extensions: ["subjectAltName=DNS:wrong.example"])
        let zosmf = try StandInZosmf(wrong)
        defer { zosmf.stop() }
        // Trusted through ZOSMF_CERTIFICATE: the files are taken as they are, without a host check.
        let strict = try InstanceFixture(setup: [("ZOSMF_CERTIFICATE", wrong.certificate)], instanceSets: ["ZOSMF_HOST": "localhost", "ZOSMF_PORT": "\(zosmf.port)"])
        let (status, report, raw) = try strict.validate()
        #expect(status == 1, "\(raw)")
        #expect(report.ids() == ["ZWEL1962E"], "\(report.findings)")
        let finding = report.finding("ZWEL1962E") ?? [:]
        let message = finding.text("message")
        #expect(message == "The certificate z/OSMF presents at localhost:\(zosmf.port) is not valid for localhost: it names DNS:wrong.example", "\(message)")
        #expect(finding.text("fix").contains("NONSTRICT_VERIFY_CERTIFICATES=true"))

        let nonStrict = try InstanceFixture(setup: [("ZOSMF_CERTIFICATE", wrong.certificate), ("VERIFY_CERTIFICATES", "false")], instanceSets: ["ZOSMF_HOST": "localhost", "ZOSMF_PORT": "\(zosmf.port)"])
        let lenient = try nonStrict.validate()
        #expect(lenient.status == 0, "\(lenient.raw)")
        #expect(lenient.report.ids(severity: "warning").isEmpty, "\(lenient.report.findings)")
    }

    @Test("Preflight: a z/OSMF that does not answer is a warning, within the short time limit")
    func preflightUnreachable() throws {
        let fixture = try InstanceFixture(instanceSets: ["ZOSMF_HOST": "127.0.0.1", "ZOSMF_PORT": "\(freePort())"])
        let refused = try fixture.validate()
        #expect(refused.status == 0, "\(refused.raw)")
        #expect(refused.report.ids(severity: "warning") == ["ZWEL1963W"], "\(refused.report.findings)")
        #expect((refused.report.finding("ZWEL1963W") ?? [:]).text("message").contains("Connection refused"))

        // Accepts connections (the kernel does) but never answers the ClientHello.
        let silent = try SilentSocket()
        try fixture.setInstance("ZOSMF_PORT=\(silent.port)")
        let started = ContinuousClock.now
        let timedOut = try fixture.validate()
        let elapsed = ContinuousClock.now - started
        #expect(timedOut.status == 0, "\(timedOut.raw)")
        #expect(timedOut.report.ids(severity: "warning") == ["ZWEL1963W"], "\(timedOut.report.findings)")
        #expect((timedOut.report.finding("ZWEL1963W") ?? [:]).text("message").contains("no TLS handshake within the time limit"))
        #expect(elapsed < .seconds(5), "validate took \(elapsed)")
    }

    @Test("Preflight: static definitions' https services are checked; the configure step's ibmzosmf.yml is not")
    func preflightStaticDefinition() throws {
        let scratch = TemporaryDirectory()
        let service = try StandInZosmf(try makeCertificate(scratch, "svc", subject: "/CN=localhost", extensions: ["subjectAltName=DNS:localhost"]))
        defer { service.stop() }
        let fixture = try InstanceFixture()
        let folder = fixture.instance + "/workspace/api-mediation/api-defs"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            services:
              - serviceId: hello
                instanceBaseUrls:
                  - https://localhost:\(service.port)/
                  - http://localhost:\(freePort())/
            """.write(toFile: folder + "/hello.yml", atomically: true, encoding: .utf8)
        // Stale: nothing listens there, and ZOSMF_HOST is not set; it must not be contacted.
        try "services:\n  - serviceId: ibmzosmf\n    instanceBaseUrls:\n      - https://127.0.0.1:\(freePort())/\n"
            .write(toFile: folder + "/ibmzosmf.yml", atomically: true, encoding: .utf8)
        let (status, report, raw) = try fixture.validate()
        #expect(status == 1, "\(raw)")
        #expect(report.ids() == ["ZWEL1961E"], "\(report.findings)")
        #expect(report.ids(severity: "warning").isEmpty, "\(report.findings)")
        let finding = report.finding("ZWEL1961E") ?? [:]
        #expect(finding.text("message").hasPrefix("Static service 'hello' at localhost:\(service.port) presents 'CN=localhost'"), "\(finding)")
        #expect(finding.text("location").contains("hello.yml:4"), "\(finding)")
    }

    @Test("Preflight: in DISABLED mode nothing is contacted")
    func preflightDisabled() throws {
        let scratch = TemporaryDirectory()
        let zosmf = try StandInZosmf(try makeCertificate(scratch, "zosmf", subject: "/CN=other.example", extensions: ["subjectAltName=DNS:other.example"]))
        defer { zosmf.stop() }
        let fixture = try InstanceFixture(setup: [("VERIFY_CERTIFICATES", "false"), ("NONSTRICT_VERIFY_CERTIFICATES", "false")],
                                          instanceSets: ["ZOSMF_HOST": "localhost", "ZOSMF_PORT": "\(zosmf.port)"])
        let (status, report, raw) = try fixture.validate()
        #expect(status == 0, "\(raw)")
        #expect(report.findings.allSatisfy { !$0.text("id").hasPrefix("ZWEL196") }, "\(report.findings)")
    }
}

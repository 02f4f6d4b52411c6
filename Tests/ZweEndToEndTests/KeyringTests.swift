import Foundation
import Testing
import ZweTestSupport

/// `zwe keyring` on a simulated SAF database, checked with openssl, and a component serving
/// the ring's certificate.
@Suite("Key rings: zwe keyring and components on safkeyring:// stores")
struct KeyringTests {
    let scratch = TemporaryDirectory()
    var saf: String { scratch.path + "/saf" }

    func keyring(_ arguments: [String]) throws -> Harness.Result {
        try Harness.zwe(["keyring"] + arguments + ["--saf-dir", saf])
    }

    func listed(_ owner: String, _ ring: String) throws -> [[String: Any]] {
        let list = try keyring(["list", "--owner", owner, "--ring", ring, "--json"])
        #expect(list.status == 0, "\(list)")
        return (jsonObject(list.stdout) as? [String: Any])?["certificates"] as? [[String: Any]] ?? []
    }

    /// The PEM file the database keeps for a label.
    func certificateFile(_ owner: String, _ label: String) -> String {
        saf + "/certificates/\(owner)/" + label.utf8.map { String(format: "%02x", $0) }.joined() + ".pem"
    }

    func fingerprint(_ file: String) throws -> String {
        let result = try Harness.run("openssl", ["x509", "-in", file, "-noout", "-fingerprint", "-sha256"])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A component on the ring; the SHA-256 fingerprint of what it serves, read by openssl
    /// trusting only `ca`.
    func served(ring: String, label: String, ca: String) async throws -> (fingerprint: String, verified: Bool) {
        let port = freePort()
        let running = try Running(Programs.testComponent, [], environment: [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no",
            "TEST_COMPONENT_PORT": "\(port)", "KEYSTORE": ring, "TRUSTSTORE": ring, "KEYSTORE_TYPE": "JCERACFKS",
            "KEYSTORE_PASSWORD": "password", "KEY_ALIAS": label, "ZWE_SAF_DIR": saf, "VERIFY_CERTIFICATES": "true",
        ])
        defer { running.stop() }
        guard await running.waitFor("listening on") != nil else { throw TestFailure("the component did not start\n\(running.output)") }
        let shown = try await runTool("sh", ["-c", "openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile '\(ca)' </dev/null 2>/dev/null"])
        let leaf = scratch.path + "/served-\(port).pem"
        try shown.stdout.write(toFile: leaf, atomically: true, encoding: .utf8)
        return (try fingerprint(leaf), shown.stdout.contains("Verify return code: 0 (ok)"))
    }

    @Test("Case 1: generate a local CA and the Zowe certificate into a ring; a component serves it, verified by the CA")
    func generated() async throws {
        let made = try keyring(["generate", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "localhost", "--ca-label", "localca", "--key-algorithm", "EC-P256"])
        #expect(made.status == 0, "\(made)")
        #expect(made.stdout.contains("ZWEL2010I") && made.stdout.contains("ZWEL2011I") && made.stdout.contains("ZWEL2012I"), "\(made)")
        let certificates = try listed("ZWESVUSR", "ZoweKeyring")
        #expect(certificates.map { "\($0["owner"]!)/\($0["label"]!)/\($0["usage"]!)" } == ["CERTAUTH/localca/CERTAUTH", "ZWESVUSR/localhost/PERSONAL"])
        #expect(certificates.last?["default"] as? Bool == true && certificates.last?["privateKey"] as? Bool == true)

        let ca = certificateFile("CERTAUTH", "localca"), leaf = certificateFile("ZWESVUSR", "localhost")
        let verify = try Harness.run("openssl", ["verify", "-CAfile", ca, leaf])
        #expect(verify.status == 0, "\(verify)")
        let text = try Harness.run("openssl", ["x509", "-in", leaf, "-noout", "-ext", "subjectAltName,extendedKeyUsage"])
        #expect(text.stdout.contains("DNS:localhost") && text.stdout.contains("IP Address:127.0.0.1") && text.stdout.contains("TLS Web Client Authentication"), "\(text)")

        let shown = try await served(ring: "safkeyring:////ZWESVUSR/ZoweKeyring", label: "localhost", ca: ca)
        let expected = try fingerprint(leaf)
        #expect(shown.fingerprint == expected && shown.verified, "served \(shown), ring \(expected)")

        // A second generate signs with the same CA.
        let again = try keyring(["generate", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "second", "--ca-label", "localca"])
        #expect(again.status == 0 && again.stdout.contains("ZWEL2014I"), "\(again)")
        #expect(try Harness.run("openssl", ["verify", "-CAfile", ca, certificateFile("ZWESVUSR", "second")]).status == 0)
    }

    @Test("Case 2: import a certificate signed by an existing CA with its chain; case 3: connect it to another ring; the z/OSMF CA")
    func importedAndConnected() async throws {
        // An external CA with an intermediate, made by openssl.
        let work = scratch.path
        func openssl(_ arguments: [String]) throws {
            let result = try Harness.run("openssl", arguments, directory: work)
            #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result)")
        }
        try "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n".write(toFile: work + "/ca.cnf", atomically: true, encoding: .utf8)
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n".write(toFile: work + "/leaf.cnf", atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.pem", "-subj", "/CN=Site Root CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Site Intermediate CA"])
        try openssl(["x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-out", "int.pem", "-days", "30", "-extfile", "ca.cnf"])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=Zowe Service/O=Site"])
        try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "int.pem", "-CAkey", "int.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "30", "-extfile", "leaf.cnf"])

        let imported = try keyring(["import", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "zowecert",
                                    "--certificate", work + "/leaf.pem", "--key", work + "/leaf.key",
                                    "--ca", work + "/int.pem", "--ca", work + "/root.pem", "--ca-label", "SITEINT", "--ca-label", "SITEROOT"])
        #expect(imported.status == 0, "\(imported)")
        #expect(try listed("ZWESVUSR", "ZoweKeyring").map { "\($0["owner"]!)/\($0["label"]!)" } == ["CERTAUTH/SITEINT", "CERTAUTH/SITEROOT", "ZWESVUSR/zowecert"])
        // The chain goes out with the leaf: a client that trusts the root only verifies it.
        let shown = try await served(ring: "safkeyring:////ZWESVUSR/ZoweKeyring", label: "ZOWECERT", ca: work + "/root.pem")
        let expected = try fingerprint(work + "/leaf.pem")
        #expect(shown.fingerprint == expected && shown.verified, "served \(shown), ring \(expected)")

        // Case 3: the same certificate, already in the database, connected to a second ring.
        #expect(try keyring(["create", "--owner", "ZWESVUSR", "--ring", "Second"]).status == 0)
        for (owner, label) in [("CERTAUTH", "SITEROOT"), ("CERTAUTH", "SITEINT"), ("ZWESVUSR", "zowecert")] {
            let connected = try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "Second", "--label", label, "--certificate-owner", owner] + (owner == "ZWESVUSR" ? ["--default"] : []))
            #expect(connected.status == 0, "\(connected)")
        }
        let fromSecond = try await served(ring: "safkeyring://ZWESVUSR/Second", label: "zowecert", ca: work + "/root.pem")
        #expect(fromSecond.verified && fromSecond.fingerprint == expected, "\(fromSecond)")

        // z/OSMF's CA.
        let zosmf = try keyring(["connect-zosmf", "--owner", "ZWESVUSR", "--ring", "Second", "--certificate", work + "/root.pem", "--label", "ROOTZFCA"])
        #expect(zosmf.status == 0 && zosmf.stdout.contains("ROOTZFCA"), "\(zosmf)")
        #expect(try listed("ZWESVUSR", "Second").contains { $0["label"] as? String == "ROOTZFCA" && $0["usage"] as? String == "CERTAUTH" })

        // ZWENOKYR: removing the first ring keeps what the second still connects.
        let removed = try keyring(["delete", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring"])
        #expect(removed.status == 0 && removed.stdout.contains("with 0 certificates"), "\(removed)")
        let second = try keyring(["delete", "--owner", "ZWESVUSR", "--ring", "Second"])
        #expect(second.status == 0 && second.stdout.contains("with 4 certificates"), "\(second)")
        #expect(try keyring(["list", "--owner", "ZWESVUSR", "--ring", "Second"]).status == 1)
    }

    @Test("Ten zwe keyring imports at once into one ring: every entry there and whole; the database is owner-only")
    func concurrentChanges() throws {
        let work = scratch.path
        #expect(try keyring(["create", "--owner", "ZWESVUSR", "--ring", "Busy"]).status == 0)
        for index in 0..<10 {
            let result = try Harness.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                                     "-keyout", "c\(index).key", "-out", "c\(index).pem", "-subj", "/CN=Concurrent \(index)", "-days", "5"],
                                         directory: work)
            #expect(result.status == 0, "\(result)")
        }
        let running = try (0..<10).map { index in
            try Harness.start(Harness.zwe, ["keyring", "import", "--saf-dir", saf, "--owner", "ZWESVUSR", "--ring", "Busy", "--label", "cert\(index)",
                                            "--certificate", work + "/c\(index).pem", "--key", work + "/c\(index).key"])
        }
        for process in running {
            let result = process.finish()
            #expect(result.status == 0, "\(result)")
        }
        let certificates = try listed("ZWESVUSR", "Busy")
        #expect(Set(certificates.compactMap { $0["label"] as? String }) == Set((0..<10).map { "cert\($0)" }), "\(certificates)")
        #expect(certificates.filter { $0["default"] as? Bool == true }.count == 1)
        for index in 0..<10 {
            let stored = try fingerprint(certificateFile("ZWESVUSR", "cert\(index)")), given = try fingerprint(work + "/c\(index).pem")
            #expect(stored == given && !stored.isEmpty, "cert\(index)")
        }
        var open: [String] = []
        for file in FileManager.default.enumerator(atPath: saf)?.compactMap({ $0 as? String }) ?? [] {
            if mode(saf + "/" + file) & 0o077 != 0 { open.append(file) }
        }
        #expect(open.isEmpty, "not owner-only: \(open)")
        #expect(mode(saf) == 0o700)
        let leftovers = (FileManager.default.enumerator(atPath: saf)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test("Mistakes: no database named, an unknown ring or label, a key of another certificate, a component on a missing label")
    func mistakes() async throws {
        let unnamed = try Harness.zwe(["keyring", "create", "--owner", "ZWESVUSR", "--ring", "R"])
        #expect(unnamed.status == 1 && unnamed.stderr.contains("ZWEL2000E"), "\(unnamed)")
        let noRing = try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "Nowhere", "--label", "x"])
        #expect(noRing.status == 1 && noRing.stderr.contains("ZWEL2001E") && noRing.stderr.contains("does not exist"), "\(noRing)")
        #expect(try keyring(["generate", "--owner", "ZWESVUSR", "--ring", "R", "--key-algorithm", "EC-P256"]).status == 0)
        let noLabel = try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "R", "--label", "missing"])
        #expect(noLabel.status == 1 && noLabel.stderr.contains("no certificate labelled 'missing'"), "\(noLabel)")
        let badOwner = try keyring(["create", "--owner", "much/too/long", "--ring", "R"])
        #expect(badOwner.status == 1 && badOwner.stderr.contains("not a valid user ID"), "\(badOwner)")

        let other = scratch.path + "/other.key"
        #expect(try Harness.run("openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", other]).status == 0)
        let mismatch = try keyring(["import", "--owner", "ZWESVUSR", "--ring", "R", "--label", "bad",
                                    "--certificate", certificateFile("ZWESVUSR", "localhost"), "--key", other])
        #expect(mismatch.status == 1 && mismatch.stderr.contains("ZWEL2003E"), "\(mismatch)")

        let port = freePort()
        let component = try Running(Programs.testComponent, [], environment: [
            "PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no", "TEST_COMPONENT_PORT": "\(port)",
            "KEYSTORE": "safkeyring:////ZWESVUSR/R", "TRUSTSTORE": "safkeyring:////ZWESVUSR/R", "KEYSTORE_TYPE": "JCERACFKS",
            "KEY_ALIAS": "apiml", "ZWE_SAF_DIR": saf, "VERIFY_CERTIFICATES": "true",
        ])
        defer { component.stop() }
        #expect(await component.waitForExit(timeout: .seconds(20)) == 1, "\(component.output)")
        #expect(component.output.contains("ZWEL1515E") && component.output.contains("no certificate labelled 'apiml'") && component.output.contains("'localhost'"), "\(component.output)")
    }

    /// An external CA (root and leaf for localhost) made by openssl in `work`.
    func externalCertificate(_ work: String) throws {
        func openssl(_ arguments: [String]) throws {
            let result = try Harness.run("openssl", arguments, directory: work)
            guard result.status == 0 else { throw TestFailure("openssl \(arguments.joined(separator: " ")): \(result)") }
        }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n"
            .write(toFile: work + "/leaf.cnf", atomically: true, encoding: .utf8)
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "root.key", "-out", "root.pem",
                     "-subj", "/CN=Site Root CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=Zowe Service/O=Site"])
        try openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "30", "-extfile", "leaf.cnf"])
    }

    @Test("Keyring mode, each ZWEKRING case: setup, configure, validate exit 0, start; the gateway serves the ring's certificate and routes to a service over mutual TLS",
          arguments: [1, 2, 3])
    func instanceOnRing(ringCase: Int) async throws {
        let work = scratch.path
        var ca = ""
        switch ringCase {
        case 2:
            try externalCertificate(work)
            let imported = try keyring(["import", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "localhost",
                                        "--certificate", work + "/leaf.pem", "--key", work + "/leaf.key", "--ca", work + "/root.pem", "--ca-label", "SITEROOT"])
            #expect(imported.status == 0, "\(imported)")
            ca = work + "/root.pem"
        case 3:
            try externalCertificate(work)
            let imported = try keyring(["import", "--owner", "ZWESVUSR", "--ring", "Elsewhere", "--label", "localhost",
                                        "--certificate", work + "/leaf.pem", "--key", work + "/leaf.key", "--ca", work + "/root.pem", "--ca-label", "SITEROOT"])
            #expect(imported.status == 0, "\(imported)")
            #expect(try keyring(["create", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring"]).status == 0)
            #expect(try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "SITEROOT", "--certificate-owner", "CERTAUTH"]).status == 0)
            #expect(try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "localhost", "--default"]).status == 0)
            ca = work + "/root.pem"
        default:
            ca = certificateFile("CERTAUTH", "localca")
        }
        let fixture = try LauncherFixture(setup: [
            ("ZOWE_KEYRING", "ZoweKeyring"), ("ZOWE_USER_ID", "ZWESVUSR"), ("ZWE_SAF_DIR", saf),
            ("GENERATE_CERTS_FOR_KEYRING", ringCase == 1 ? "true" : "false"), ("ZOWE_LOCALCA_LABEL", "localca"),
        ])
        let certificatesEnv = try String(contentsOfFile: fixture.keystore + "/zowe-certificates.env", encoding: .utf8)
        #expect(certificatesEnv.contains("KEYSTORE='safkeyring:////ZWESVUSR/ZoweKeyring'") && certificatesEnv.contains("KEYSTORE_TYPE='JCERACFKS'")
                && certificatesEnv.contains("KEYRING_OWNER='ZWESVUSR'") && certificatesEnv.contains("KEYRING_NAME='ZoweKeyring'")
                && certificatesEnv.contains("LOCAL_CA='localca'") && certificatesEnv.contains("ZWE_SAF_DIR="), "\(certificatesEnv)")
        let stored = ((try? FileManager.default.contentsOfDirectory(atPath: fixture.keystore)) ?? []).filter { !$0.hasPrefix(".") }
        #expect(stored == ["zowe-certificates.env"], "the keystore directory holds no certificate in keyring mode: \(stored)")

        let instance = try fixture.instance("instance")
        let validated = try fixture.zwe(["validate", "-c", instance, "--json"])
        #expect(validated.status == 0, "\(validated)")
        #expect(validated.stdout.contains("ZWEL1307I"), "the ring is said to be checked: \(validated)")
        let started = try fixture.zwe(["start", "-c", instance])
        #expect(started.status == 0, "\(started)\n\(fixture.launcherLog(instance))")
        defer { _ = try? fixture.zwe(["stop", "-c", instance]) }

        let gateway = try #require(try fixture.component("gateway", of: instance)?["port"] as? Int)
        let shown = try await runTool("sh", ["-c", "openssl s_client -connect 127.0.0.1:\(gateway) -servername localhost -CAfile '\(ca)' </dev/null 2>/dev/null"])
        try shown.stdout.write(toFile: work + "/gateway.pem", atomically: true, encoding: .utf8)
        let served = try fingerprint(work + "/gateway.pem"), ring = try fingerprint(certificateFile("ZWESVUSR", "localhost"))
        #expect(served == ring && !served.isEmpty && shown.stdout.contains("Verify return code: 0 (ok)"), "the gateway serves \(served), the ring holds \(ring)")

        // Through the gateway to the API catalog: gateway to catalog and catalog to discovery
        // are mutual TLS with the ring's certificate.
        let routed = await eventually(timeout: .seconds(30), every: .milliseconds(300)) { () async -> (status: Int, body: String)? in
            guard let answer = try? await curl("https://localhost:\(gateway)/apicatalog/api/v1/containers", ca: ca), answer.status == 200 else { return nil }
            return (answer.status, answer.body)
        }
        #expect(routed?.status == 200, "no answer through the gateway\n\(fixture.launcherLog(instance))")
    }

    @Test("Preflight on a ring: missing ring, missing label, label without key, z/OSMF's CA not connected; each with its id and fix")
    func preflightOnRing() throws {
        let fixture = try LauncherFixture(setup: [
            ("ZOWE_KEYRING", "ZoweKeyring"), ("ZWE_SAF_DIR", saf), ("GENERATE_CERTS_FOR_KEYRING", "true"),
        ])
        let instance = try fixture.instance("instance")
        func findings() throws -> (status: Int32, ids: [String], report: [String: Any]) {
            let result = try fixture.zwe(["validate", "-c", instance, "--json"])
            let report = jsonObject(result.stdout) as? [String: Any] ?? [:]
            for finding in report.findings where finding["severity"] as? String == "error" {
                #expect(((finding["fix"] as? String) ?? "").count > 10, "no fix: \(finding)")
            }
            return (result.status, report.ids(), report)
        }
        #expect(try findings().status == 0)

        // z/OSMF with its own self-signed certificate, which the ring does not connect.
        let zosmfPort = freePort()
        let zosmf = try Harness.start(Harness.zwe, ["zosmf-stub", "--port", "\(zosmfPort)", "--data", scratch.path + "/zosmf"])
        defer { zosmf.stop() }
        #expect(TopologyFixture.waitForPort(zosmfPort, seconds: 15))
        try fixture.zwe(["configure-instance", "-c", instance, "--keystore", fixture.keystore, "--set", "ZOSMF_HOST=localhost", "--set", "ZOSMF_PORT=\(zosmfPort)"])
        #expect(try findings().ids == ["ZWEL1960E"])
        let connected = try keyring(["connect-zosmf", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--certificate", scratch.path + "/zosmf/zosmf.cer"])
        #expect(connected.status == 0, "\(connected)")
        #expect(try findings().status == 0, "with ROOTZFCA connected")

        // A label without its key: a certificate of the ring's CA only, connected as the key.
        #expect(try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "Other", "--label", "x"]).status == 1)
        let keystoreEnv = fixture.keystore + "/zowe-certificates.env"
        let original = try String(contentsOfFile: keystoreEnv, encoding: .utf8)
        try original.replacingOccurrences(of: "KEY_ALIAS='localhost'", with: "KEY_ALIAS='ROOTZFCA'").write(toFile: keystoreEnv, atomically: false, encoding: .utf8)
        #expect(try keyring(["connect", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--label", "ROOTZFCA", "--certificate-owner", "CERTAUTH", "--usage", "PERSONAL"]).status == 0)
        #expect(try findings().ids.contains("ZWEL1310E"))
        try original.replacingOccurrences(of: "KEY_ALIAS='localhost'", with: "KEY_ALIAS='apiml'").write(toFile: keystoreEnv, atomically: false, encoding: .utf8)
        let missingLabel = try findings()
        #expect(missingLabel.ids.contains("ZWEL1309E"), "\(missingLabel.report)")
        try original.write(toFile: keystoreEnv, atomically: false, encoding: .utf8)

        #expect(try keyring(["delete", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring"]).status == 0)
        let missingRing = try findings()
        #expect(missingRing.status == 1 && missingRing.ids == ["ZWEL1330E"], "\(missingRing.report)")
    }
}

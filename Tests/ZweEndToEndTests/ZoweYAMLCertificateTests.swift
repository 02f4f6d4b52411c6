// `zwe init certificate -c zowe.yaml [--update-config]` as users run it: the built zwe on a
// zowe.yaml in a temporary folder, the stores opened with keytool and openssl, the written
// zowe.certificate read back with the configuration reader, the comments of the file kept,
// and a failing run leaving the file byte for byte as it was.

import Foundation
import Testing
import ZweConfiguration
import ZweTestSupport

@Suite("zwe init certificate -c zowe.yaml, end to end")
struct ZoweYAMLCertificateTests {
    func keytool(_ store: String, _ password: String) throws -> Harness.Result {
        try Harness.run("keytool", ["-list", "-v", "-storetype", "PKCS12", "-keystore", store, "-storepass:env", "PW"],
                        environment: Harness.baseEnvironment(["PW": password]))
    }

    func opensslInfo(_ store: String, _ password: String) throws -> Harness.Result {
        try Harness.run("openssl", ["pkcs12", "-in", store, "-passin", "env:PW", "-info", "-noout"], environment: Harness.baseEnvironment(["PW": password]))
    }

    @Test("DISABLED: the v2 layout is written, keytool and openssl read it, and --update-config sets zowe.certificate keeping the comments")
    func pkcs12WithUpdate() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let password = "s3cret-\(UUID().uuidString.prefix(8))"
        let extra = try makeCertificate(scratch, "extra-ca", subject: "/CN=Extra Test CA/O=Example",
                                        extensions: ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,keyCertSign,cRLSign"])
        let yaml = scratch.write("zowe.yaml", """
            # Zowe configuration for the test
            zowe:
              setup:
                certificate:
                  type: PKCS12   # the keystore kind
                  dname:
                    commonName: Test Service
                    org: Test Org
                  validity: 30
                  keyAlgorithm: EC-P256
                  pkcs12:
                    directory: \(keystore)
                    name: localhost
                    password: \(password)
                    caAlias: local_ca
                    caPassword: ca-secret
                  importCertificateAuthorities:
                    - \(extra.certificate)
                  san:
                    - zowe.example.test
                    - 10.1.2.3

              # the runtime certificate (filled by --update-config)
              certificate:
                keystore:
                  type: PKCS12
              verifyCertificates: DISABLED   # no z/OSMF here
            zOSMF:
              host: localhost
              port: \(freePort())

            """)
        let run = try Harness.zwe(["init", "certificate", "-c", yaml, "--update-config"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("ZWEL2230I") && run.stdout.contains("ZWEL2225I Updated \(yaml)"), "\(run)")
        #expect(!run.stdout.contains(password) && !run.stderr.contains(password), "the password is never printed")

        for name in ["localhost/localhost.keystore.p12", "localhost/localhost.truststore.p12", "localhost/localhost.key", "localhost/localhost.cer",
                     "localhost/local_ca.cer", "localhost/extca1.cer", "local_ca/local_ca.cer", "local_ca/local_ca.keystore.p12"] {
            #expect(FileManager.default.fileExists(atPath: keystore + "/" + name), "missing \(name)")
        }
        let stores: [(String, String, [String])] = [
            ("localhost/localhost.keystore.p12", password, ["localhost", "local_ca", "extca1"]),
            ("localhost/localhost.truststore.p12", password, ["local_ca", "extca1"]),
            ("local_ca/local_ca.keystore.p12", "ca-secret", ["local_ca"]),
        ]
        for (store, secret, aliases) in stores {
            let list = try keytool(keystore + "/" + store, secret)
            #expect(list.status == 0 && list.stdout.contains("contains \(aliases.count) entr"), "keytool \(store): \(list)")
            for alias in aliases { #expect(list.stdout.contains("Alias name: \(alias)\n"), "\(store) lacks \(alias): \(list.stdout)") }
            let info = try opensslInfo(keystore + "/" + store, secret)
            #expect(info.status == 0, "openssl pkcs12 \(store): \(info)")
        }
        let keyEntry = try keytool(keystore + "/localhost/localhost.keystore.p12", password)
        #expect(keyEntry.stdout.contains("Entry type: PrivateKeyEntry") && keyEntry.stdout.contains("Certificate chain length: 2"), "\(keyEntry)")
        let verify = try Harness.run("openssl", ["verify", "-CAfile", "local_ca/local_ca.cer", "localhost/localhost.cer"], directory: keystore)
        #expect(verify.status == 0 && verify.stdout.contains(": OK"), "\(verify)")
        let leaf = try Harness.run("openssl", ["x509", "-text", "-noout", "-in", keystore + "/localhost/localhost.cer"])
        for expected in ["CN = Test Service", "O = Test Org", "OU = API Mediation Layer", "DNS:zowe.example.test", "IP Address:10.1.2.3", "DNS:localhost"] {
            #expect(leaf.stdout.contains(expected), "leaf lacks \(expected): \(leaf.stdout)")
        }
        let key = try Harness.run("openssl", ["pkey", "-in", keystore + "/localhost/localhost.key", "-noout"])
        #expect(key.status == 0, "\(key)")

        // zowe.certificate as the instance reads it, the password named rather than copied.
        let config = try ZoweConfig.load(paths: [yaml], environment: [:])
        #expect(config.string("zowe.certificate.keystore.type") == "PKCS12")
        #expect(config.string("zowe.certificate.keystore.file") == keystore + "/localhost/localhost.keystore.p12")
        #expect(config.string("zowe.certificate.keystore.password") == password)
        #expect(config.string("zowe.certificate.keystore.alias") == "localhost")
        #expect(config.string("zowe.certificate.truststore.type") == "PKCS12")
        #expect(config.string("zowe.certificate.truststore.file") == keystore + "/localhost/localhost.truststore.p12")
        #expect(config.string("zowe.certificate.truststore.password") == password)
        #expect(config.string("zowe.certificate.pem.key") == keystore + "/localhost/localhost.key")
        #expect(config.string("zowe.certificate.pem.certificate") == keystore + "/localhost/localhost.cer")
        #expect(config.strings("zowe.certificate.pem.certificateAuthorities") == [keystore + "/local_ca/local_ca.cer", keystore + "/localhost/extca1.cer"])
        let text = try String(contentsOfFile: yaml, encoding: .utf8)
        for comment in ["# Zowe configuration for the test", "      type: PKCS12   # the keystore kind", "  # the runtime certificate (filled by --update-config)",
                        "  verifyCertificates: DISABLED   # no z/OSMF here"] {
            #expect(text.contains(comment + "\n"), "lost: \(comment)\n\(text)")
        }
        #expect(text.components(separatedBy: password).count == 2, "the password is in the file once:\n\(text)")

        // Again without --update-config: the values are printed, the file is not touched.
        let before = try #require(FileManager.default.contents(atPath: yaml))
        let again = try Harness.zwe(["init", "certificate", "-c", yaml])
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("ZWEL2228I") && again.stdout.contains("    keystore:\n      type: PKCS12\n      file: \(keystore)/localhost/localhost.keystore.p12"), "\(again)")
        #expect(again.stdout.contains("      certificateAuthorities:\n        - \(keystore)/local_ca/local_ca.cer"), "\(again)")
        #expect(!again.stdout.contains(password), "the password is never printed")
        #expect(FileManager.default.contents(atPath: yaml) == before)
    }

    @Test("NONSTRICT: z/OSMF's certificate (zwe zosmf-stub) is trusted as zosmf00; the password from ZWE_KEYSTORE_PASSWORD is named, not written")
    func nonStrictTrustsZosmf() throws {
        let scratch = TemporaryDirectory()
        let port = freePort()
        let stub = try Harness.start(Harness.binDirectory + "/zwe", ["zosmf-stub", "--port", "\(port)", "--data", scratch.path + "/zosmf"])
        defer { stub.stop() }
        #expect(TopologyFixture.waitForPort(port, seconds: 15), "zwe zosmf-stub did not listen")
        let keystore = scratch.path + "/keystore"
        let yaml = scratch.write("zowe.yaml", """
            zowe:
              setup:
                certificate:
                  type: PKCS12
                  keyAlgorithm: EC-P256
                  pkcs12:
                    directory: \(keystore)
              externalDomains: [zowe.example.test]
              verifyCertificates: NONSTRICT
            zOSMF:
              host: localhost
              port: \(port)
            """)
        let environment = Harness.baseEnvironment(["ZWE_KEYSTORE_PASSWORD": "from-the-environment"])
        let run = try Harness.zwe(["init", "certificate", "-c", yaml, "--update-config"], environment: environment)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("ZWEL1951I Trusted zosmf00"), "\(run)")
        let list = try keytool(keystore + "/localhost/localhost.truststore.p12", "from-the-environment")
        #expect(list.stdout.contains("Alias name: zosmf00") && list.stdout.contains("Alias name: local_ca"), "\(list)")
        #expect(FileManager.default.fileExists(atPath: keystore + "/localhost/zosmf00.cer"))
        let leaf = try Harness.run("openssl", ["x509", "-text", "-noout", "-in", keystore + "/localhost/localhost.cer"])
        #expect(leaf.stdout.contains("DNS:zowe.example.test") && leaf.stdout.contains("CN = Zowe Service"), "\(leaf.stdout)")
        let text = try String(contentsOfFile: yaml, encoding: .utf8)
        #expect(text.contains("password: \"${{ process.env.ZWE_KEYSTORE_PASSWORD }}\""), "\(text)")
        #expect(!text.contains("from-the-environment"))
        let config = try ZoweConfig.load(paths: [yaml], environment: ["ZWE_KEYSTORE_PASSWORD": "from-the-environment"])
        #expect(config.string("zowe.certificate.keystore.password") == "from-the-environment")
    }

    @Test("JCERACFKS: the local CA and the Zowe certificate go into the simulated SAF key ring, and zowe.certificate names the ring")
    func keyring() throws {
        let scratch = TemporaryDirectory()
        let saf = scratch.path + "/saf"
        let yaml = scratch.write("zowe.yaml", """
            zowe:
              setup:
                certificate:
                  type: JCERACFKS
                  keyAlgorithm: EC-P256
                  keyring:
                    owner: ZWESVUSR
                    name: ZoweKeyring
                    label: localhost
              verifyCertificates: DISABLED
            """)
        let without = try Harness.zwe(["init", "certificate", "-c", yaml, "--update-config"])
        #expect(without.status == 1 && without.stderr.contains("ZWEL2227E") && without.stderr.contains("(\(yaml):4:13)"), "\(without)")
        let run = try Harness.zwe(["init", "certificate", "-c", yaml, "--update-config"], environment: Harness.baseEnvironment(["ZWE_SAF_DIR": saf]))
        #expect(run.status == 0, "\(run)")
        let list = try Harness.zwe(["keyring", "list", "--owner", "ZWESVUSR", "--ring", "ZoweKeyring", "--saf-dir", saf])
        #expect(list.status == 0 && list.stdout.contains("localhost") && list.stdout.contains("localca"), "\(list)")
        let config = try ZoweConfig.load(paths: [yaml], environment: [:])
        #expect(config.string("zowe.certificate.keystore.type") == "JCERACFKS")
        #expect(config.string("zowe.certificate.keystore.file") == "safkeyring:////ZWESVUSR/ZoweKeyring")
        #expect(config.string("zowe.certificate.truststore.file") == "safkeyring:////ZWESVUSR/ZoweKeyring")
        #expect(config.string("zowe.certificate.keystore.alias") == "localhost")
        #expect(config.strings("zowe.certificate.pem.certificateAuthorities") == ["safkeyring:////ZWESVUSR/ZoweKeyring&localca"])
    }

    @Test("Failures name the key and its place, exit 1, write nothing, and leave the zowe.yaml byte for byte as it was")
    func failures() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        func check(_ name: String, _ text: String, arguments: [String] = ["--update-config"], _ expected: [String]) throws {
            let yaml = scratch.write(name, text)
            let before = try #require(FileManager.default.contents(atPath: yaml))
            let run = try Harness.zwe(["init", "certificate", "-c", yaml] + arguments)
            #expect(run.status == 1, "\(name): \(run)")
            for words in expected { #expect(run.stderr.contains(words.replacingOccurrences(of: "FILE", with: yaml)), "\(name): \(run.stderr)") }
            #expect(FileManager.default.contents(atPath: yaml) == before, "\(name) changed")
            #expect(!FileManager.default.fileExists(atPath: keystore), "\(name) wrote the keystore")
        }
        try check("no-directory.yaml", "zowe:\n  setup:\n    certificate:\n      type: PKCS12\n      pkcs12:\n        name: localhost\n", [
            "ZWEL0157E Keystore directory (zowe.setup.certificate.pkcs12.directory) is not defined in Zowe YAML configuration file. (FILE:6:9)",
        ])
        try check("no-type.yaml", "zowe:\n  setup:\n    certificate:\n      pkcs12:\n        directory: \(keystore)\n", [
            "ZWEL0157E Certificate type (zowe.setup.certificate.type) is not defined in Zowe YAML configuration file. (FILE:4:7)",
        ])
        try check("bad-type.yaml", "zowe:\n  setup:\n    certificate:\n      type: JKS\n      validity: forever\n", [
            "ZWEL0164E Value of certificate type (zowe.setup.certificate.type) defined in Zowe YAML configuration file is invalid. Valid values are PKCS12 or JCERACFKS. (FILE:4:13)",
            "ZWEL0164E Value of certificate validity (zowe.setup.certificate.validity) defined in Zowe YAML configuration file is invalid.",
        ])
        // zowe.certificate is a value, so --update-config could not write into it: found before anything is made.
        try check("not-editable.yaml", "zowe:\n  certificate: none  # filled in later\n  verifyCertificates: DISABLED\n  setup:\n    certificate:\n      type: PKCS12\n      keyAlgorithm: EC-P256\n      pkcs12:\n        directory: \(keystore)\n", [
            "ZWEL2221E Cannot set zowe.certificate.keystore.type in FILE: zowe.certificate is a value, not a mapping (FILE:2:16)",
        ])
        // STRICT against a port nobody listens on: Zowe's ZWEL0170E with the reason in the cause.
        try check("unreachable.yaml", "zowe:\n  verifyCertificates: STRICT\n  setup:\n    certificate:\n      type: PKCS12\n      keyAlgorithm: EC-P256\n      pkcs12:\n        directory: \(keystore)\nzOSMF:\n  host: 127.0.0.1\n  port: \(freePort())\n", [
            "ZWEL0170E Failed to trust z/OSMF \"127.0.0.1:", "ZWEL1953E", "Connection refused",
        ])
        let both = try Harness.zwe(["init", "certificate", "-c", "x.yaml", "-p", "x.env"])
        #expect(both.status == 1 && both.stderr.contains("ZWEL2229E Give either -p FILE.env or -c zowe.yaml, not both"), "\(both)")
    }
}

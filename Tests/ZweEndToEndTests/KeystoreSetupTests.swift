import Foundation
import ZweKeyMaterial
import ZweTestSupport
import Testing

/// `zwe init certificate` as users run it, checked with the tools they would check it with.
@Suite("Keystore setup, end to end")
struct KeystoreSetupTests {
    /// A password with every character a shell treats specially in a value.
    static let awkwardPassword = #"pa$$ w'o"rd\x`$(id)"#

    @Test("A full setup writes the whole layout, and Java, OpenSSL and sh read it")
    func fullSetup() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore),
            ("HOSTNAME", "zowe.example.test,zowe"),
            ("IPADDRESS", "127.0.0.1"),
            ("KEYSTORE_PASSWORD", Self.awkwardPassword),
        ])
        let setup = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(setup.status == 0, "\(setup)")
        #expect(setup.stdout.contains("ZWEL1100I"))

        for name in layoutFiles() {
            #expect(FileManager.default.fileExists(atPath: keystore + "/" + name), "missing \(name)")
        }

        let env = Harness.baseEnvironment(["PW": Self.awkwardPassword])
        let stores = [
            ("localhost/localhost.keystore.p12", ["localhost", "localca", "jwtsecret"]),
            ("localhost/localhost.truststore.p12", ["localca"]),
            ("local_ca/localca.keystore.p12", ["localca"]),
        ]
        for (store, aliases) in stores {
            let list = try Harness.run("keytool", ["-list", "-storetype", "PKCS12", "-keystore", keystore + "/" + store, "-storepass:env", "PW"], environment: env)
            #expect(list.status == 0, "keytool \(store): \(list)")
            #expect(list.stdout.contains("contains \(aliases.count) entr"), "keytool \(store): \(list.stdout)")
            for alias in aliases {
                #expect(list.stdout.contains("\(alias),"), "keytool \(store) lacks \(alias): \(list.stdout)")
            }
            let info = try Harness.run("openssl", ["pkcs12", "-in", keystore + "/" + store, "-passin", "env:PW", "-info", "-noout"], environment: env)
            #expect(info.status == 0, "openssl pkcs12 \(store): \(info)")
        }

        // The key entry carries the whole chain, as keytool would have written it.
        let verbose = try Harness.run("keytool", ["-list", "-v", "-alias", "localhost", "-storetype", "PKCS12", "-keystore", keystore + "/localhost/localhost.keystore.p12", "-storepass:env", "PW"], environment: env)
        #expect(verbose.stdout.contains("Entry type: PrivateKeyEntry"), "\(verbose)")
        #expect(verbose.stdout.contains("Certificate chain length: 2"), "\(verbose)")

        let verify = try Harness.run("openssl", ["verify", "-CAfile", "local_ca/localca.cer", "localhost/localhost.keystore.cer"], directory: keystore)
        #expect(verify.status == 0 && verify.stdout.contains(": OK"), "\(verify)")

        let leaf = try Harness.run("openssl", ["x509", "-text", "-noout", "-in", keystore + "/localhost/localhost.keystore.cer"])
        for expected in [
            "DNS:zowe.example.test", "DNS:zowe", "IP Address:127.0.0.1", "DNS:localhost.localdomain", "DNS:localhost",
            "X509v3 Key Usage: critical", "Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment",
            "TLS Web Server Authentication, TLS Web Client Authentication",
            "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier",
            "Subject: C = CZ, ST = Prague, L = Prague, O = Zowe Sample, OU = API Mediation Layer, CN = Zowe Service",
            "Signature Algorithm: sha256WithRSAEncryption", "Public-Key: (2048 bit)",
        ] {
            #expect(leaf.stdout.contains(expected), "leaf lacks \(expected)")
        }
        let ca = try Harness.run("openssl", ["x509", "-text", "-noout", "-in", keystore + "/local_ca/localca.cer"])
        #expect(ca.stdout.contains("CA:TRUE"))
        #expect(ca.stdout.contains("Certificate Sign, CRL Sign"))
        #expect(ca.stdout.contains("CN = Zowe Development Instances Certificate Authority"))

        // The PEM key is PKCS#8 and belongs to the certificate.
        let keyText = try String(contentsOfFile: keystore + "/localhost/localhost.keystore.key", encoding: .utf8)
        #expect(keyText.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let fromKey = try Harness.run("openssl", ["pkey", "-in", keystore + "/localhost/localhost.keystore.key", "-pubout"])
        let fromCertificate = try Harness.run("openssl", ["x509", "-in", keystore + "/localhost/localhost.keystore.cer", "-pubkey", "-noout"])
        #expect(fromKey.status == 0 && fromKey.stdout == fromCertificate.stdout)
        let ebcdic = FileManager.default.contents(atPath: keystore + "/localhost/localhost.keystore.cer-ebcdic")
        #expect(ebcdic != nil && ebcdic == FileManager.default.contents(atPath: keystore + "/localhost/localhost.keystore.cer"))
        let jwt = try String(contentsOfFile: keystore + "/localhost/localhost.keystore.jwtsecret.pem", encoding: .utf8)
        #expect(jwt.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))

        // A POSIX shell that sources zowe-certificates.env reads the exact password.
        let sourced = try Harness.run("/bin/sh", ["-c", #". ./zowe-certificates.env; printf %s "$KEYSTORE_PASSWORD""#], directory: keystore)
        #expect(sourced.status == 0)
        #expect(sourced.stdout == Self.awkwardPassword)
        let types = try Harness.run("/bin/sh", ["-c", #". ./zowe-certificates.env; printf '%s|%s|%s|%s' "$KEYSTORE_TYPE" "$KEY_ALIAS" "$KEYSTORE" "$ZOWE_APIM_VERIFY_CERTIFICATES""#], directory: keystore)
        #expect(types.stdout == "PKCS12|localhost|\(keystore)/localhost/localhost.keystore.p12|true")
    }

    @Test("A half-filled external certificate is refused with Zowe's message and changes nothing")
    func halfFilledExternal() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let good = setupFile(in: scratch, name: "good.env", [("KEYSTORE_DIRECTORY", keystore)])
        #expect(try Harness.zwe(["init", "certificate", "-p", good]).status == 0)
        let before = treeFingerprint(keystore)

        let bad = setupFile(in: scratch, name: "bad.env", [
            ("KEYSTORE_DIRECTORY", keystore),
            ("EXTERNAL_CERTIFICATE", scratch.path + "/ext.p12"),
            ("EXTERNAL_CERTIFICATE_ALIAS", "ext"),
        ])
        let result = try Harness.zwe(["init", "certificate", "-p", bad])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Some external apiml certificate fields are supplied...Fields must be filled out in full or left completely blank."))
        #expect(result.stderr.contains("ZWEL1102E"))
        #expect(result.stderr.contains("bad.env:2"), "the message names the file and line: \(result.stderr)")
        #expect(treeFingerprint(keystore) == before)
    }

    @Test("An external certificate made by openssl with its CA is imported and verifies")
    func externalCertificate() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.path
        let env = Harness.baseEnvironment(["PW": "ext secret$"])
        func openssl(_ arguments: [String]) throws {
            let result = try Harness.run("openssl", arguments, environment: env, directory: dir)
            #expect(result.status == 0, "openssl \(arguments): \(result)")
        }
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.cer", "-days", "30", "-subj", "/CN=Example External CA/O=Example", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=zowe.example.test"])
        _ = scratch.write("ext.cnf", "subjectAltName=DNS:zowe.example.test,DNS:localhost,IP:127.0.0.1\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n")
        try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.cer", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.cer", "-days", "30", "-extfile", "ext.cnf"])
        try openssl(["pkcs12", "-export", "-in", "server.cer", "-inkey", "server.key", "-name", "apiml", "-out", "ext.p12", "-passout", "env:PW"])

        let keystore = dir + "/keystore"
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore),
            ("KEYSTORE_PASSWORD", "ext secret$"),
            ("EXTERNAL_CERTIFICATE", dir + "/ext.p12"),
            ("EXTERNAL_CERTIFICATE_ALIAS", "apiml"),
            ("EXTERNAL_CERTIFICATE_AUTHORITIES", dir + "/ca.cer"),
        ])
        let setup = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(setup.status == 0, "\(setup)")

        let verify = try Harness.run("openssl", ["verify", "-CAfile", "local_ca/extca.1.cer", "localhost/localhost.keystore.cer"], directory: keystore)
        #expect(verify.status == 0 && verify.stdout.contains(": OK"), "\(verify)")
        let sameCertificate = try Harness.run("openssl", ["x509", "-in", keystore + "/localhost/localhost.keystore.cer", "-noout", "-fingerprint", "-sha256"])
        let original = try Harness.run("openssl", ["x509", "-in", dir + "/server.cer", "-noout", "-fingerprint", "-sha256"])
        #expect(sameCertificate.stdout == original.stdout)

        let trust = try Harness.run("keytool", ["-list", "-storetype", "PKCS12", "-keystore", keystore + "/localhost/localhost.truststore.p12", "-storepass:env", "PW"], environment: env)
        #expect(trust.stdout.contains("extca1,") && trust.stdout.contains("localca,"), "\(trust)")
        let chain = try Harness.run("keytool", ["-list", "-v", "-alias", "localhost", "-storetype", "PKCS12", "-keystore", keystore + "/localhost/localhost.keystore.p12", "-storepass:env", "PW"], environment: env)
        #expect(chain.stdout.contains("Certificate chain length: 2"), "\(chain)")
        let roots = try Harness.run("/bin/sh", ["-c", #". ./zowe-certificates.env; printf '%s|%s' "$EXTERNAL_ROOT_CA" "$EXTERNAL_CERTIFICATE_AUTHORITIES""#], directory: keystore)
        #expect(roots.stdout == "\(keystore)/local_ca/extca.1.cer|\(keystore)/local_ca/extca.1.cer")
    }

    @Test("An external certificate whose CA is not given is refused")
    func externalWithoutItsCA() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.path
        let env = Harness.baseEnvironment(["PW": "password"])
        for arguments in [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.cer", "-days", "30", "-subj", "/CN=Real CA"],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key", "-out", "other.cer", "-days", "30", "-subj", "/CN=Other CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "s.key", "-out", "s.csr", "-subj", "/CN=server"],
            ["x509", "-req", "-in", "s.csr", "-CA", "ca.cer", "-CAkey", "ca.key", "-CAcreateserial", "-out", "s.cer", "-days", "30"],
            ["pkcs12", "-export", "-in", "s.cer", "-inkey", "s.key", "-name", "apiml", "-out", "ext.p12", "-passout", "env:PW"],
        ] {
            #expect(try Harness.run("openssl", arguments, environment: env, directory: dir).status == 0)
        }
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", dir + "/keystore"),
            ("EXTERNAL_CERTIFICATE", dir + "/ext.p12"),
            ("EXTERNAL_CERTIFICATE_ALIAS", "apiml"),
            ("EXTERNAL_CERTIFICATE_AUTHORITIES", dir + "/other.cer"),
        ])
        let result = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ZWEL1113E") && result.stderr.contains("CN=Real CA"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/keystore"))

        let wrongAlias = setupFile(in: scratch, name: "alias.env", [
            ("KEYSTORE_DIRECTORY", dir + "/keystore"),
            ("EXTERNAL_CERTIFICATE", dir + "/ext.p12"),
            ("EXTERNAL_CERTIFICATE_ALIAS", "nothere"),
            ("EXTERNAL_CERTIFICATE_AUTHORITIES", dir + "/ca.cer"),
        ])
        let aliasResult = try Harness.zwe(["init", "certificate", "-p", wrongAlias])
        #expect(aliasResult.status == 1)
        #expect(aliasResult.stderr.contains("ZWEL1112E") && aliasResult.stderr.contains("apiml"), "\(aliasResult)")
    }

    @Test("A setup killed at any moment leaves the previous complete set")
    func killedSetup() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"), ("COMPONENT_LEVEL_CERTIFICATES", "gateway")])
        #expect(try Harness.zwe(["init", "certificate", "-p", file]).status == 0)
        for delay in stride(from: 0, through: 190_000, by: 10_000) {
            let running = try Harness.start(Harness.zwe, ["init", "certificate", "-p", file])
            usleep(UInt32(delay))
            kill(running.process.pid, SIGKILL)
            _ = running.finish()
            for name in layoutFiles() + ["localhost/localhost.keystore.gateway.cer", "localhost/localhost.keystore.gateway.key"] {
                #expect(FileManager.default.fileExists(atPath: keystore + "/" + name), "after a kill at \(delay / 1000) ms: \(name) missing")
            }
            let verify = try Harness.run("openssl", ["verify", "-CAfile", "local_ca/localca.cer", "localhost/localhost.keystore.cer", "localhost/localhost.keystore.gateway.cer"], directory: keystore)
            #expect(verify.status == 0, "after a kill at \(delay / 1000) ms: \(verify)")
            let fromKey = try Harness.run("openssl", ["pkey", "-in", keystore + "/localhost/localhost.keystore.key", "-pubout"])
            let fromCertificate = try Harness.run("openssl", ["x509", "-in", keystore + "/localhost/localhost.keystore.cer", "-pubkey", "-noout"])
            #expect(fromKey.stdout == fromCertificate.stdout, "after a kill at \(delay / 1000) ms the key does not match")
        }
        // The next setup cleans what killed ones left behind.
        #expect(try Harness.zwe(["init", "certificate", "-p", file]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: keystore + "/.zwe/sets").count == 1)
    }

    @Test("ZOWE_LOCK_KEYSTORE: true is owner-only, false owner and group, never world", arguments: [true, false])
    func permissions(lock: Bool) throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("ZOWE_LOCK_KEYSTORE", lock ? "true" : "false"), ("KEY_ALGORITHM", "EC-P256"), ("COMPONENT_LEVEL_CERTIFICATES", "gateway")])
        #expect(try Harness.zwe(["init", "certificate", "-p", file]).status == 0)
        let expectedFile: mode_t = lock ? 0o600 : 0o640
        let expectedFolder: mode_t = lock ? 0o700 : 0o750
        #expect(mode(keystore) == expectedFolder)
        let manager = FileManager.default
        let real = keystore + "/.zwe"
        var checked = 0
        for relative in manager.enumerator(atPath: real)!.compactMap({ $0 as? String }) {
            let path = real + "/" + relative
            var info = stat()
            #expect(lstat(path, &info) == 0)
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK { continue }
            let bits = info.st_mode & 0o7777
            #expect(bits & 0o007 == 0, "\(relative) is open to others: \(String(bits, radix: 8))")
            #expect(bits == (kind == S_IFDIR ? expectedFolder : expectedFile), "\(relative): \(String(bits, radix: 8))")
            checked += 1
        }
        #expect(checked >= 14)
        for name in layoutFiles() { #expect(mode(keystore + "/" + name) == expectedFile, "\(name)") }
    }

    @Test("No password in any log line, console line, or process argument during a setup")
    func noPasswordLeaks() throws {
        let scratch = TemporaryDirectory()
        let password = "Leak-Canary-\(UUID().uuidString.prefix(8))"
        let keystore = scratch.path + "/keystore"
        let logs = scratch.path + "/logs"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("COMPONENT_LEVEL_CERTIFICATES", "gateway,discovery")])
        // The password travels in the environment, the way scripts are told to pass it.
        let env = Harness.baseEnvironment(["ZWE_KEYSTORE_PASSWORD": password])
        let running = try Harness.start(Harness.runtime + "/bin/zowe-setup-certificates.sh", ["-p", file, "-l", logs], environment: env)
        var samples = 0
        var leaks: [String] = []
        while running.process.isRunning {
            for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { continue }
                let arguments = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
                if arguments.contains(password) { leaks.append("pid \(pid): \(arguments)") }
            }
            samples += 1
            usleep(1_000)
        }
        let result = running.finish()
        #expect(result.status == 0, "\(result)")
        #expect(samples > 0)
        #expect(leaks.isEmpty, "password in process arguments: \(leaks)")
        #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
        let logFiles = try FileManager.default.contentsOfDirectory(atPath: logs)
        #expect(logFiles.count == 1 && logFiles[0].hasPrefix("zowe-setup-certificates-") && logFiles[0].hasSuffix(".log"), "\(logFiles)")
        let logText = try String(contentsOfFile: logs + "/" + logFiles[0], encoding: .utf8)
        #expect(logText.contains("ZWEL1100I"))
        #expect(logText.split(separator: "\n").allSatisfy { $0.contains("<ZWESETUP:") && ($0.contains(" INFO ") || $0.contains(" WARN ")) }, "\(logText)")
        #expect(!logText.contains(password))
        // The environment's password won over the file's default.
        let sourced = try Harness.run("/bin/sh", ["-c", #". ./zowe-certificates.env; printf %s "$KEYSTORE_PASSWORD""#], directory: keystore)
        #expect(sourced.stdout == password)
    }

    @Test("EC-P256 keys and component certificates")
    func ecAndComponents() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [
            ("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"),
            ("COMPONENT_LEVEL_CERTIFICATES", "gateway,discovery"), ("CERTIFICATE_VALIDITY_DAYS", "30"),
            ("KEYSTORE_ALIAS", "zowecert"),
        ])
        let setup = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(setup.status == 0, "\(setup)")
        let env = Harness.baseEnvironment(["PW": "password"])
        let list = try Harness.run("keytool", ["-list", "-storetype", "PKCS12", "-keystore", keystore + "/zowecert/zowecert.keystore.p12", "-storepass:env", "PW"], environment: env)
        #expect(list.stdout.contains("contains 5 entries"), "\(list)")
        for alias in ["zowecert,", "localca,", "jwtsecret,", "gateway,", "discovery,"] { #expect(list.stdout.contains(alias)) }
        for id in ["gateway", "discovery"] {
            let text = try Harness.run("openssl", ["x509", "-text", "-noout", "-in", "\(keystore)/zowecert/zowecert.keystore.\(id).cer"])
            #expect(text.stdout.contains("CN = Zowe Service - \(id)"))
            #expect(text.stdout.contains("prime256v1") && text.stdout.contains("ecdsa-with-SHA256"))
            #expect(text.stdout.contains("TLS Web Server Authentication, TLS Web Client Authentication"))
            let verify = try Harness.run("openssl", ["verify", "-CAfile", "local_ca/localca.cer", "zowecert/zowecert.keystore.\(id).cer"], directory: keystore)
            #expect(verify.status == 0)
            let key = try String(contentsOfFile: "\(keystore)/zowecert/zowecert.keystore.\(id).key", encoding: .utf8)
            #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        }
        let dates = try Harness.run("openssl", ["x509", "-noout", "-checkend", "\(31 * 86_400)", "-in", keystore + "/zowecert/zowecert.keystore.cer"])
        #expect(dates.status == 1, "a 30-day certificate must end within 31 days")
        let sourced = try Harness.run("/bin/sh", ["-c", #". ./zowe-certificates.env; printf %s "$KEY_ALIAS""#], directory: keystore)
        #expect(sourced.stdout == "zowecert")
    }

    @Test("ZOSMF_CERTIFICATE files are trusted as zosmf00, zosmf01, ...")
    func zosmfCertificates() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.path
        for name in ["zosmf-a", "zosmf-b"] {
            let made = try Harness.run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key", "-out", "\(name).cer", "-days", "10", "-subj", "/CN=\(name)"], directory: dir)
            #expect(made.status == 0)
        }
        let keystore = dir + "/keystore"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("ZOSMF_CERTIFICATE", "\(dir)/zosmf-a.cer \(dir)/zosmf-b.cer")])
        #expect(try Harness.zwe(["init", "certificate", "-p", file]).status == 0)
        let list = try Harness.run("keytool", ["-list", "-v", "-storetype", "PKCS12", "-keystore", keystore + "/localhost/localhost.truststore.p12", "-storepass:env", "PW"], environment: Harness.baseEnvironment(["PW": "password"]))
        #expect(list.stdout.contains("contains 3 entries"), "\(list)")
        #expect(list.stdout.contains("Alias name: zosmf00") && list.stdout.contains("Alias name: zosmf01"))
        #expect(list.stdout.contains("CN=zosmf-a") && list.stdout.contains("CN=zosmf-b"))
    }

    @Test("A bad ZOWE_ZOSMF_HOST or ZOWE_ZOSMF_PORT is reported with its line, and nothing is written")
    func zosmfSettingsInvalid() throws {
        let scratch = TemporaryDirectory()
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", scratch.path + "/keystore"), ("ZOWE_ZOSMF_HOST", "zosmf example"), ("ZOWE_ZOSMF_PORT", "70000")])
        let result = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(result.status == 1)
        #expect(result.stderr.contains("ZWEL1956E ZOWE_ZOSMF_HOST 'zosmf example'") && result.stderr.contains("setup.env:2"), "\(result)")
        #expect(result.stderr.contains("ZWEL1956E ZOWE_ZOSMF_PORT '70000'") && result.stderr.contains("setup.env:3"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/keystore"))
    }

    @Test("Bad values are all reported in one run with file and line, and nothing is written")
    func badValues() throws {
        let scratch = TemporaryDirectory()
        let file = scratch.write("bad.env", """
            KEYSTORE_DIRECTORY=\(scratch.path)/keystore
            # three mistakes follow
            KEY_ALGORITHM=DSA-1024
            IPADDRESS=127.0.0.1,300.1.1.1
            VERIFY_CERTIFICATES=yes
            CERTIFICATE_VALIDITY_DAYS=0

            """)
        let result = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(result.status == 1)
        for (id, line) in [("ZWEL1104E", 3), ("ZWEL1106E", 4), ("ZWEL1103E", 5), ("ZWEL1105E", 6)] {
            #expect(result.stderr.contains(id), "\(id) missing: \(result.stderr)")
            #expect(result.stderr.contains("bad.env:\(line)"), "line \(line) not named")
        }
        #expect(result.stderr.contains("fix:"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/keystore"))
    }

    @Test("Command substitution in the setup file is refused and never run")
    func commandSubstitution() throws {
        let scratch = TemporaryDirectory()
        let marker = scratch.path + "/pwned"
        for line in ["HOSTNAME=$(touch \(marker))", "HOSTNAME=`touch \(marker)`", "HOSTNAME=\"a$(touch \(marker))\""] {
            let file = scratch.write("subst.env", "KEYSTORE_DIRECTORY=\(scratch.path)/keystore\n\(line)\n")
            let result = try Harness.zwe(["init", "certificate", "-p", file])
            #expect(result.status == 1)
            #expect(result.stderr.contains("ZWEL1002E") && result.stderr.contains("subst.env:2:"), "\(result)")
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.path + "/keystore"))
    }

    @Test("A missing -p file is an error that names the path")
    func missingParameterFile() throws {
        let result = try Harness.zwe(["init", "certificate", "-p", "/nonexistent/setup.env"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/setup.env") && result.stderr.contains("ZWEL1001E"))
    }

    @Test("A second setup with another alias replaces the set and drops the old alias")
    func aliasChange() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        #expect(try Harness.zwe(["init", "certificate", "-p", setupFile(in: scratch, name: "a.env", [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256")])]).status == 0)
        #expect(try Harness.zwe(["init", "certificate", "-p", setupFile(in: scratch, name: "b.env", [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"), ("KEYSTORE_ALIAS", "apiml")])]).status == 0)
        #expect(FileManager.default.fileExists(atPath: keystore + "/apiml/apiml.keystore.p12"))
        var info = stat()
        #expect(lstat(keystore + "/localhost", &info) != 0, "the old alias folder is gone")
        let names = try FileManager.default.contentsOfDirectory(atPath: keystore).sorted()
        #expect(names == [".zwe", "apiml", "local_ca", "zowe-certificates.env"])
    }

    @Test("A keystore directory from another tool is kept aside, not overwritten")
    func foreignFilesMovedAside() throws {
        let scratch = TemporaryDirectory()
        let keystore = scratch.path + "/keystore"
        try FileManager.default.createDirectory(atPath: keystore + "/localhost", withIntermediateDirectories: true)
        _ = scratch.write("keystore/localhost/old.txt", "old")
        let result = try Harness.zwe(["init", "certificate", "-p", setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256")])])
        #expect(result.status == 0)
        #expect(result.stderr.contains("ZWEL1125W"))
        let backups = try FileManager.default.contentsOfDirectory(atPath: keystore + "/.zwe").filter { $0.hasPrefix("replaced-") }
        #expect(backups.count == 1)
        #expect(FileManager.default.fileExists(atPath: "\(keystore)/.zwe/\(backups[0])/localhost/old.txt"))
        #expect(FileManager.default.fileExists(atPath: keystore + "/localhost/localhost.keystore.p12"))
    }
}

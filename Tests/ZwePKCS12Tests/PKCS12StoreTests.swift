import Foundation
import Testing
import ZweKeyMaterial
import ZwePKCS12

@Suite("PKCS#12 stores")
struct PKCS12StoreTests {
    // MARK: 1. Keystore written by us, read by keytool, openssl and us

    @Test("A keystore with two keys and a trusted CA is listed by keytool, read by openssl and read back")
    func keystoreRoundTrip() throws {
        let ws = try Workspace()
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        let rsa = try ws.makeRSALeaf(name: "server", commonName: "localhost", signedBy: ca)
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        let entries: [PKCS12Entry] = [
            .privateKey(alias: "localhost", pkcs8DER: rsa.pkcs8DER, chain: [rsa.certificateDER, ca.certificateDER]),
            .privateKey(alias: "ecsigner", pkcs8DER: ec.pkcs8DER, chain: [ec.certificateDER]),
            .trustedCertificate(alias: "localca", der: ca.certificateDER),
        ]

        let bytes = try PKCS12Store.write(entries, password: awkwardPassword)
        try ws.write(bytes, to: "keystore.p12")

        let list = try ws.keytool(["-list", "-v", "-storetype", "PKCS12", "-keystore", ws.path("keystore.p12"),
                                   "-storepass:env", "PW"], password: awkwardPassword)
        #expect(list.status == 0, "keytool: \(list.errorOutput)")
        let parsed = parseKeytoolList(list.output)
        #expect(parsed.declared == 3)
        #expect(parsed.entries.sorted { $0.alias < $1.alias } == [
            KeytoolEntry(alias: "ecsigner", type: "PrivateKeyEntry", chainLength: 1),
            KeytoolEntry(alias: "localca", type: "trustedCertEntry", chainLength: nil),
            KeytoolEntry(alias: "localhost", type: "PrivateKeyEntry", chainLength: 2),
        ])

        // -list decrypts only the certificates; copying the store makes Java decrypt the keys too.
        let copy = try ws.keytool(["-importkeystore", "-noprompt",
                                   "-srckeystore", ws.path("keystore.p12"), "-srcstoretype", "PKCS12",
                                   "-srcstorepass:env", "PW",
                                   "-destkeystore", ws.path("copy.p12"), "-deststoretype", "PKCS12",
                                   "-deststorepass:env", "PW"], password: awkwardPassword)
        #expect(copy.status == 0, "keytool -importkeystore: \(copy.errorOutput)\(copy.output)")
        if copy.status == 0 {
            let copied = try PKCS12Store.read(ws.read("copy.p12"), password: awkwardPassword)
            #expect(Set(copied.map(\.alias)) == ["localhost", "ecsigner", "localca"])
            for entry in entries {
                #expect(copied.contains(entry), "keytool's copy lost or changed \(entry.alias)")
            }
        }

        let info = try ws.run("openssl", ["pkcs12", "-in", ws.path("keystore.p12"), "-info", "-noout",
                                          "-passin", "env:PW"], environment: ["PW": awkwardPassword])
        #expect(info.status == 0, "openssl: \(info.errorOutput)")
        #expect(info.errorOutput.contains("MAC: sha256, Iteration 2048"))
        #expect(info.errorOutput.contains("PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256"))

        // openssl can also take the keys out; they are the keys we put in.
        try ws.openssl("pkcs12", "-in", "keystore.p12", "-nocerts", "-noenc", "-passin", "env:PW",
                       "-out", "keys.pem", password: awkwardPassword)
        let keysPEM = try String(decoding: ws.read("keys.pem"), as: UTF8.self)
        #expect(keysPEM.components(separatedBy: "-----BEGIN PRIVATE KEY-----").count - 1 == 2)

        let read = try PKCS12Store.read(bytes, password: awkwardPassword)
        #expect(read == entries)
        for (entry, original) in zip(read, entries) {
            if case .privateKey(_, let key, _) = entry, case .privateKey(_, let originalKey, _) = original {
                #expect(try ws.normalisedPKCS8(key) == originalKey)
            }
        }

        let certificates = try PKCS12Store.certificates(in: bytes, password: awkwardPassword)
        #expect(certificates.map(\.alias) == ["localhost", nil, "ecsigner", "localca"])
        #expect(certificates.map(\.trusted) == [false, false, false, true])
        #expect(certificates[0].localKeyID != nil)
        #expect(certificates[0].localKeyID != certificates[2].localKeyID)
        #expect(certificates[3].localKeyID == nil)
        #expect(certificates[0].issuerDER == certificates[1].subjectDER)
        #expect(certificates[3].subjectDER == certificates[3].issuerDER)
    }

    // MARK: 2. Certificates-only truststore

    @Test("A truststore of three certificates is listed by keytool, read by openssl and read back")
    func truststoreRoundTrip() throws {
        let ws = try Workspace()
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        let other = try ws.makeCA(name: "other", commonName: "Zowe Test Other CA")
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        let entries: [PKCS12Entry] = [
            .trustedCertificate(alias: "localca", der: ca.certificateDER),
            .trustedCertificate(alias: "otherca", der: other.certificateDER),
            .trustedCertificate(alias: "ec", der: ec.certificateDER),
        ]
        let bytes = try PKCS12Store.write(entries, password: awkwardPassword)
        try ws.write(bytes, to: "truststore.p12")

        let list = try ws.keytool(["-list", "-v", "-storetype", "PKCS12", "-keystore", ws.path("truststore.p12"),
                                   "-storepass:env", "PW"], password: awkwardPassword)
        #expect(list.status == 0, "keytool: \(list.errorOutput)")
        let parsed = parseKeytoolList(list.output)
        #expect(parsed.declared == 3)
        #expect(Set(parsed.entries.map(\.alias)) == ["localca", "otherca", "ec"])
        #expect(parsed.entries.allSatisfy { $0.type == "trustedCertEntry" })

        let info = try ws.run("openssl", ["pkcs12", "-in", ws.path("truststore.p12"), "-info", "-noout",
                                          "-passin", "env:PW"], environment: ["PW": awkwardPassword])
        #expect(info.status == 0, "openssl: \(info.errorOutput)")
        try ws.openssl("pkcs12", "-in", "truststore.p12", "-nokeys", "-passin", "env:PW", "-out", "certs.pem",
                       password: awkwardPassword)
        let certsPEM = try String(decoding: ws.read("certs.pem"), as: UTF8.self)
        #expect(certsPEM.components(separatedBy: "-----BEGIN CERTIFICATE-----").count - 1 == 3)

        #expect(try PKCS12Store.read(bytes, password: awkwardPassword) == entries)
        let certificates = try PKCS12Store.certificates(in: bytes, password: awkwardPassword)
        #expect(certificates.map(\.trusted) == [true, true, true])
        #expect(certificates.map(\.alias) == ["localca", "otherca", "ec"])
    }

    // MARK: 3. Stores made by keytool and by openssl

    @Test("A keystore made by keytool -genkeypair is read, and a certificate imported by keytool is trusted")
    func readsKeytoolKeystore() throws {
        let ws = try Workspace()
        let store = ws.path("keytool.p12")
        let gen = try ws.keytool(["-genkeypair", "-alias", "localhost", "-keyalg", "RSA", "-keysize", "2048",
                                  "-dname", "CN=localhost, O=Zowe Test", "-validity", "30",
                                  "-storetype", "PKCS12", "-keystore", store,
                                  "-storepass:env", "PW", "-keypass:env", "PW"], password: awkwardPassword)
        try #require(gen.status == 0, "keytool -genkeypair: \(gen.errorOutput)")
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        let imp = try ws.keytool(["-importcert", "-noprompt", "-alias", "localca", "-file", ws.path("ca.pem"),
                                  "-storetype", "PKCS12", "-keystore", store, "-storepass:env", "PW"],
                                 password: awkwardPassword)
        try #require(imp.status == 0, "keytool -importcert: \(imp.errorOutput)")
        let export = try ws.keytool(["-exportcert", "-alias", "localhost", "-file", ws.path("localhost.der"),
                                     "-storetype", "PKCS12", "-keystore", store, "-storepass:env", "PW"],
                                    password: awkwardPassword)
        try #require(export.status == 0, "keytool -exportcert: \(export.errorOutput)")
        try ws.openssl("pkcs12", "-in", "keytool.p12", "-nocerts", "-noenc", "-passin", "env:PW", "-out", "key.pem",
                       password: awkwardPassword)
        let expectedKey = try ws.normalisedPKCS8(ofKeyFile: "key.pem")
        let leaf = try ws.read("localhost.der")

        let bytes = try ws.read("keytool.p12")
        let entries = try PKCS12Store.read(bytes, password: awkwardPassword)
        try #require(entries.count == 2)
        guard case .privateKey(let alias, let key, let chain) = entries[0] else {
            Issue.record("expected a key entry first, got \(entries[0])")
            return
        }
        #expect(alias == "localhost")
        #expect(try ws.normalisedPKCS8(key) == expectedKey)
        #expect(chain == [leaf])
        #expect(entries[1] == .trustedCertificate(alias: "localca", der: ca.certificateDER))

        let certificates = try PKCS12Store.certificates(in: bytes, password: awkwardPassword)
        #expect(certificates.count == 2)
        #expect(certificates.first { $0.alias == "localca" }?.trusted == true)
        // keytool's localKeyID is "Time <milliseconds>".
        let keyID = certificates.first { $0.alias == "localhost" }?.localKeyID ?? []
        #expect(String(decoding: keyID, as: UTF8.self).hasPrefix("Time "))
    }

    @Test("A keystore made by openssl pkcs12 -export with a CA is read as one key entry with its chain")
    func readsOpenSSLKeystore() throws {
        let ws = try Workspace()
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        let rsa = try ws.makeRSALeaf(name: "server", commonName: "localhost", signedBy: ca)
        try ws.openssl("pkcs12", "-export", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
                       "-name", "localhost", "-caname", "localca", "-out", "openssl.p12", "-passout", "env:PW",
                       password: awkwardPassword)
        let bytes = try ws.read("openssl.p12")

        let entries = try PKCS12Store.read(bytes, password: awkwardPassword)
        #expect(entries == [.privateKey(alias: "localhost", pkcs8DER: rsa.pkcs8DER,
                                        chain: [rsa.certificateDER, ca.certificateDER])])

        let certificates = try PKCS12Store.certificates(in: bytes, password: awkwardPassword)
        #expect(certificates.count == 2)
        let caBag = certificates.first { $0.der == ca.certificateDER }
        #expect(caBag?.alias == "localca")
        #expect(caBag?.trusted == false)
    }

    @Test("An openssl-made truststore (friendly names, no Java trust attribute) reads as trusted entries keytool does not list")
    func readsOpenSSLTruststore() throws {
        let ws = try Workspace()
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        // With -nokeys, -name is ignored; -caname names the certificates.
        try ws.openssl("pkcs12", "-export", "-nokeys", "-in", "ca.pem", "-caname", "localca",
                       "-out", "trust.p12", "-passout", "env:PW", password: awkwardPassword)
        let bytes = try ws.read("trust.p12")

        #expect(try PKCS12Store.read(bytes, password: awkwardPassword)
                == [.trustedCertificate(alias: "localca", der: ca.certificateDER)])
        let certificates = try PKCS12Store.certificates(in: bytes, password: awkwardPassword)
        #expect(certificates.map(\.trusted) == [false])

        let list = try ws.keytool(["-list", "-storetype", "PKCS12", "-keystore", ws.path("trust.p12"),
                                   "-storepass:env", "PW"], password: awkwardPassword)
        #expect(list.status == 0)
        #expect(parseKeytoolList(list.output).declared == 0)
    }

    // MARK: 4. Errors

    @Test("A wrong password is reported as such, for our stores and for keytool's")
    func wrongPassword() throws {
        let ws = try Workspace()
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        let bytes = try PKCS12Store.write([.privateKey(alias: "ec", pkcs8DER: ec.pkcs8DER, chain: [ec.certificateDER])],
                                          password: awkwardPassword)
        #expect(throws: PKCS12Error.wrongPassword) { try PKCS12Store.read(bytes, password: "not the password") }
        #expect(throws: PKCS12Error.wrongPassword) { try PKCS12Store.read(bytes, password: "") }
        #expect(throws: PKCS12Error.wrongPassword) {
            try PKCS12Store.certificates(in: bytes, password: String(awkwardPassword.dropLast()))
        }

        let gen = try ws.keytool(["-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1",
                                  "-dname", "CN=localhost", "-validity", "30", "-storetype", "PKCS12",
                                  "-keystore", ws.path("k.p12"), "-storepass:env", "PW"], password: "secret-password")
        try #require(gen.status == 0, "keytool: \(gen.errorOutput)")
        let keytoolBytes = try ws.read("k.p12")
        #expect(throws: PKCS12Error.wrongPassword) { try PKCS12Store.read(keytoolBytes, password: "secret-passwore") }
        #expect(try PKCS12Store.read(keytoolBytes, password: "secret-password").map(\.alias) == ["localhost"])
    }

    @Test("Without a MAC, a wrong password is found when decrypting")
    func wrongPasswordWithoutMAC() throws {
        let ws = try Workspace()
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        try ws.openssl("pkcs12", "-export", "-nomac", "-in", "ec.pem", "-inkey", "ec.key", "-name", "ec",
                       "-out", "nomac.p12", "-passout", "env:PW", password: awkwardPassword)
        let bytes = try ws.read("nomac.p12")
        #expect(try PKCS12Store.read(bytes, password: awkwardPassword)
                == [.privateKey(alias: "ec", pkcs8DER: ec.pkcs8DER, chain: [ec.certificateDER])])
        #expect(throws: PKCS12Error.wrongPassword) { try PKCS12Store.read(bytes, password: "wrong") }
    }

    @Test("A legacy RC2-encrypted store is unsupported unless OpenSSL's legacy provider is loaded")
    func legacyStore() throws {
        let ws = try Workspace()
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        let rsa = try ws.makeRSALeaf(name: "server", commonName: "localhost", signedBy: ca)
        try ws.openssl("pkcs12", "-export", "-legacy", "-in", "server.pem", "-inkey", "server.key", "-certfile", "ca.pem",
                       "-name", "localhost", "-out", "legacy.p12", "-passout", "env:PW", password: awkwardPassword)
        let bytes = try ws.read("legacy.p12")
        do {
            // Only possible where the process's OpenSSL configuration activates the legacy provider.
            let entries = try PKCS12Store.read(bytes, password: awkwardPassword)
            #expect(entries == [.privateKey(alias: "localhost", pkcs8DER: rsa.pkcs8DER,
                                            chain: [rsa.certificateDER, ca.certificateDER])])
        } catch {
            guard case .unsupported(let reason) = error else {
                Issue.record("expected .unsupported, got \(error)")
                return
            }
            #expect(reason.contains("unsupported"))
        }
        #expect(throws: PKCS12Error.wrongPassword) { try PKCS12Store.read(bytes, password: "wrong") }
    }

    @Test("Garbage, truncated, PEM and empty input are malformed")
    func malformedInput() throws {
        func isMalformed(_ bytes: [UInt8]) -> Bool {
            do {
                _ = try PKCS12Store.read(bytes, password: "password")
                return false
            } catch {
                if case .malformed = error { return true }
                return false
            }
        }
        #expect(isMalformed([]))
        #expect(isMalformed(Array("this is not a keystore".utf8)))
        #expect(isMalformed((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }))
        #expect(isMalformed(Array("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".utf8)))

        let ws = try Workspace()
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        let bytes = try PKCS12Store.write([.trustedCertificate(alias: "ec", der: ec.certificateDER)], password: "password")
        #expect(isMalformed(Array(bytes.prefix(bytes.count / 2))))
        #expect(isMalformed(bytes + [0]))
        #expect(throws: PKCS12Error.malformed("the file is empty")) { try PKCS12Store.certificates(in: [], password: "x") }
    }

    @Test("Writing refuses a key that does not match its certificate, duplicate aliases and bad input")
    func writeRefusals() throws {
        let ws = try Workspace()
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        let other = try ws.makeECSelfSigned(name: "other", commonName: "other.zowe.test")
        func failure(_ entries: [PKCS12Entry], password: String = "password") -> String? {
            do {
                _ = try PKCS12Store.write(entries, password: password)
                return nil
            } catch {
                if case .failed(let reason) = error { return reason }
                return "unexpected \(error)"
            }
        }
        #expect(failure([.privateKey(alias: "ec", pkcs8DER: ec.pkcs8DER, chain: [other.certificateDER])])?
            .contains("does not match") == true)
        #expect(failure([.privateKey(alias: "ec", pkcs8DER: ec.pkcs8DER, chain: [])]) != nil)
        #expect(failure([.trustedCertificate(alias: "a", der: [1, 2, 3])])?.contains("not a DER X.509") == true)
        #expect(failure([.privateKey(alias: "ec", pkcs8DER: [0x30, 0x00], chain: [ec.certificateDER])]) != nil)
        #expect(failure([.trustedCertificate(alias: "CA", der: ec.certificateDER),
                         .trustedCertificate(alias: "ca", der: other.certificateDER)]) != nil)
        #expect(failure([.trustedCertificate(alias: "", der: ec.certificateDER)]) != nil)
        #expect(failure([.trustedCertificate(alias: "ec", der: ec.certificateDER)], password: "two\nlines") != nil)
    }

    @Test("An empty password and a non-ASCII password round-trip; keytool refuses the non-ASCII one")
    func unusualPasswordsAndAliases() throws {
        let ws = try Workspace()
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")
        let entries: [PKCS12Entry] = [.privateKey(alias: "clé", pkcs8DER: ec.pkcs8DER, chain: [ec.certificateDER])]
        for password in ["", "pässwörd €"] {
            let bytes = try PKCS12Store.write(entries, password: password)
            #expect(try PKCS12Store.read(bytes, password: password) == entries)
            try ws.write(bytes, to: "unusual.p12")
            let info = try ws.run("openssl", ["pkcs12", "-in", ws.path("unusual.p12"), "-info", "-noout",
                                              "-passin", "env:PW"], environment: ["PW": password])
            #expect(info.status == 0, "openssl with password '\(password)': \(info.errorOutput)")
        }
        // Java 17 derives PBES2 keys only from ASCII passwords ("Password is not ASCII"), so keytool
        // can open neither our store nor one of its own with such a password.
        let bytes = try PKCS12Store.write(entries, password: "pässwörd €")
        try ws.write(bytes, to: "unusual.p12")
        let list = try ws.keytool(["-list", "-storetype", "PKCS12", "-keystore", ws.path("unusual.p12"),
                                   "-storepass:env", "PW"], password: "pässwörd €")
        #expect(list.status != 0)
        // The non-ASCII alias itself is fine for keytool.
        let ascii = try PKCS12Store.write(entries, password: "password")
        try ws.write(ascii, to: "alias.p12")
        let aliasList = try ws.keytool(["-list", "-storetype", "PKCS12", "-keystore", ws.path("alias.p12"),
                                        "-storepass:env", "PW"], password: "password")
        #expect(aliasList.status == 0, "keytool: \(aliasList.errorOutput)")
        #expect(aliasList.output.contains("clé,"))
    }

    // MARK: 5. Concurrency

    @Test("Eight concurrent writes and reads all succeed")
    func concurrentWritesAndReads() async throws {
        let ws = try Workspace()
        let ca = try ws.makeCA(name: "ca", commonName: "Zowe Test Local CA")
        let rsa = try ws.makeRSALeaf(name: "server", commonName: "localhost", signedBy: ca)
        let ec = try ws.makeECSelfSigned(name: "ec", commonName: "ec.zowe.test")

        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    let password = "\(awkwardPassword)-\(index)"
                    let entries: [PKCS12Entry] = [
                        .privateKey(alias: "localhost-\(index)", pkcs8DER: rsa.pkcs8DER,
                                    chain: [rsa.certificateDER, ca.certificateDER]),
                        .privateKey(alias: "ec-\(index)", pkcs8DER: ec.pkcs8DER, chain: [ec.certificateDER]),
                        .trustedCertificate(alias: "localca", der: ca.certificateDER),
                    ]
                    let bytes = try PKCS12Store.write(entries, password: password)
                    let read = try PKCS12Store.read(bytes, password: password)
                    let wrong: Bool
                    do {
                        _ = try PKCS12Store.read(bytes, password: password + "x")
                        wrong = false
                    } catch let error as PKCS12Error {
                        wrong = error == .wrongPassword
                    } catch {
                        wrong = false
                    }
                    return read == entries && wrong
                }
            }
            var all: [Bool] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 8)
        #expect(results.allSatisfy { $0 })
    }
}

import Foundation
import ZweKeyMaterial
import ZweTestSupport
import Testing

@Suite("Certificate inspection and help, end to end")
struct InspectAndHelpTests {
    /// One EC keystore directory for the inspection tests (EC keeps it fast).
    static func makeKeystore(_ scratch: TemporaryDirectory) throws -> String {
        let keystore = scratch.path + "/keystore"
        let file = setupFile(in: scratch, [("KEYSTORE_DIRECTORY", keystore), ("KEY_ALGORITHM", "EC-P256"), ("HOSTNAME", "zowe.example.test")])
        let setup = try Harness.zwe(["init", "certificate", "-p", file])
        #expect(setup.status == 0, "\(setup)")
        return keystore
    }

    @Test("inspect --json lists every entry of a keystore with its certificate facts")
    func inspectKeystoreJSON() throws {
        let scratch = TemporaryDirectory()
        let keystore = try Self.makeKeystore(scratch)
        let result = try Harness.zwe(["certificate", "inspect", keystore + "/localhost/localhost.keystore.p12", "--json"],
                                     environment: Harness.baseEnvironment(["ZWE_KEYSTORE_PASSWORD": "password"]))
        #expect(result.status == 0, "\(result)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        #expect(object["format"] as? String == "PKCS12")
        let entries = object["entries"] as! [[String: Any]]
        #expect(entries.compactMap { $0["alias"] as? String }.sorted() == ["jwtsecret", "localca", "localhost"])
        let server = entries.first { $0["alias"] as? String == "localhost" }!
        #expect(server["kind"] as? String == "PrivateKeyEntry")
        #expect(server["key"] as? String == "EC P-256")
        let chain = server["chain"] as! [[String: Any]]
        #expect(chain.count == 2)
        #expect((chain[0]["subjectAlternativeNames"] as? [String])?.contains("DNS:zowe.example.test") == true)
        #expect((chain[0]["subjectAlternativeNames"] as? [String])?.contains("IP:127.0.0.1") == true)
        #expect(chain[0]["extendedKeyUsage"] as? [String] == ["serverAuth", "clientAuth"])
        #expect(chain[0]["keyUsage"] as? [String] == ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment"])
        #expect(chain[1]["basicConstraints"] as? String == "CA:TRUE")
        #expect((chain[0]["daysToExpiry"] as? Int).map { $0 >= 3648 } == true)

        // The fingerprint is the one openssl computes.
        let openssl = try Harness.run("openssl", ["x509", "-in", keystore + "/localhost/localhost.keystore.cer", "-noout", "-fingerprint", "-sha256"])
        let fingerprint = openssl.stdout.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(chain[0]["sha256Fingerprint"] as? String == fingerprint)
    }

    @Test("inspect reads PEM files and takes the password from --password-file")
    func inspectPEMAndPasswordFile() throws {
        let scratch = TemporaryDirectory()
        let keystore = try Self.makeKeystore(scratch)
        let text = try Harness.zwe(["certificate", "inspect", keystore + "/localhost/localhost.keystore.cer"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Subject:  CN=Zowe Service, OU=API Mediation Layer, O=Zowe Sample, L=Prague, ST=Prague, C=CZ"), "\(text)")
        #expect(text.stdout.contains("SAN:      DNS:zowe.example.test"))
        #expect(text.stdout.contains("EKU:      serverAuth, clientAuth"))
        let key = try Harness.zwe(["certificate", "inspect", keystore + "/localhost/localhost.keystore.key"])
        #expect(key.stdout.contains("Entry type: privateKey (EC P-256)"), "\(key)")

        let passwordFile = scratch.write("pw", "password\n")
        let store = try Harness.zwe(["certificate", "inspect", keystore + "/localhost/localhost.truststore.p12", "--password-file", passwordFile])
        #expect(store.status == 0, "\(store)")
        #expect(store.stdout.contains("Alias: localca") && store.stdout.contains("Entry type: trustedCertEntry"))
    }

    @Test("inspect with a wrong password fails with ZWEL1120E and no prompt without a terminal")
    func inspectWrongPassword() throws {
        let scratch = TemporaryDirectory()
        let keystore = try Self.makeKeystore(scratch)
        let wrong = try Harness.zwe(["certificate", "inspect", keystore + "/localhost/localhost.keystore.p12"],
                                    environment: Harness.baseEnvironment(["ZWE_KEYSTORE_PASSWORD": "not-it"]))
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("ZWEL1120E"), "\(wrong)")
        #expect(!wrong.stderr.contains("not-it"))
        let garbage = scratch.write("garbage.p12", "this is not a store")
        let notStore = try Harness.zwe(["certificate", "inspect", garbage], environment: Harness.baseEnvironment(["ZWE_KEYSTORE_PASSWORD": "x"]))
        #expect(notStore.status == 1 && notStore.stderr.contains("ZWEL1121E"), "\(notStore)")
    }

    @Test("Every command has --help", arguments: [
        ["--help"], ["init", "--help"], ["init", "certificate", "--help"],
        ["certificate", "--help"], ["certificate", "inspect", "--help"], ["messages", "--help"],
    ])
    func help(arguments: [String]) throws {
        let result = try Harness.zwe(arguments)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("USAGE:"))
    }

    @Test("docs/messages.md is the message table's current output")
    func messagesDocument() throws {
        let result = try Harness.zwe(["messages", "--markdown"])
        #expect(result.status == 0)
        let committed = try String(contentsOfFile: Harness.packageRoot + "/docs/messages.md", encoding: .utf8)
        #expect(committed == result.stdout, "regenerate with: zwe messages --markdown > docs/messages.md")
        #expect(result.stdout.contains("| ZWEL1102E | Some external apiml certificate fields are supplied"))
    }
}

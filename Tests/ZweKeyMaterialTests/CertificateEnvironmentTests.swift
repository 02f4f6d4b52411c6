import Foundation
import Testing
import ZweConfiguration
import ZweKeyMaterial
import ZweTestSupport

@Suite("zowe-certificates.env as a type")
struct CertificateEnvironmentTests {
    static let pkcs12 = CertificateEnvironment.pkcs12(
        alias: "localhost", password: " it's a secret ", keystore: "/k/localhost/localhost.keystore.p12",
        truststore: "/k/localhost/localhost.truststore.p12", key: "/k/localhost/localhost.keystore.key",
        certificate: "/k/localhost/localhost.keystore.cer-ebcdic", authority: "/k/local_ca/localca.cer",
        externalRootCA: "", externalAuthorities: ["/k/a_1.cer", "/k/b.cer"],
        verify: false, nonStrict: true, ssoFallbackToNativeAuth: "true")

    @Test("What the setup renders, the planner reads back the same, through a real file and the env-file reader")
    func roundTrip() throws {
        let scratch = TemporaryDirectory("certificate-environment")
        let keyring = CertificateEnvironment.keyring(
            alias: "localhost", password: "password", owner: "ZWESVUSR", ring: "ZoweKeyring", localCA: "localca",
            safDirectory: scratch.path + "/saf", verify: true, nonStrict: true, ssoFallbackToNativeAuth: "true")
        for written in [Self.pkcs12, keyring] {
            try written.render(header: ["test"]).write(toFile: CertificateEnvironment.path(keystoreDirectory: scratch.path), atomically: true, encoding: .utf8)
            let read = try CertificateEnvironment.load(keystoreDirectory: scratch.path)
            #expect(read == written)
        }
        #expect(keyring.isKeyring && !Self.pkcs12.isKeyring)
        #expect(keyring.stores?.keystore == .keyring(.init(owner: "ZWESVUSR", ring: "ZoweKeyring"), safDirectory: scratch.path + "/saf"))
        #expect(Self.pkcs12.stores?.keystore == .pkcs12(path: "/k/localhost/localhost.keystore.p12"))
        #expect(Self.pkcs12.verifyMode == .nonStrict && keyring.verifyMode == .strict)
    }

    @Test("A component gets every line, the verify flags under its own names, and the password it is given")
    func componentVariables() {
        let variables = Self.pkcs12.componentVariables(password: "override")
        #expect(variables["KEYSTORE_PASSWORD"] == "override")
        #expect(variables["VERIFY_CERTIFICATES"] == "false" && variables["NONSTRICT_VERIFY_CERTIFICATES"] == "true")
        #expect(variables["ZOWE_APIM_VERIFY_CERTIFICATES"] == "false")
        #expect(variables["KEYSTORE"] == "/k/localhost/localhost.keystore.p12" && variables["KEY_ALIAS"] == "localhost")
        #expect(variables["EXTERNAL_CERTIFICATE_AUTHORITIES"] == "/k/a_1.cer /k/b.cer")
        var withOther = CertificateEnvironment(values: ["KEYSTORE": "/k/s.p12", "MY_SITE_VALUE": "kept"])
        #expect(withOther.componentVariables(password: "")["MY_SITE_VALUE"] == "kept")
        withOther.keyAlias = ""
        #expect(withOther.stores == nil, "no TRUSTSTORE: no stores")
    }

    @Test("Flags: unset or anything but false is true, as Zowe reads them; a safkeyring value without OWNER/RING is no store")
    func lenientReading() {
        let read = CertificateEnvironment(values: ["ZOWE_APIM_VERIFY_CERTIFICATES": "FALSE", "KEYSTORE": "safkeyring://x", "TRUSTSTORE": "safkeyring://x"])
        #expect(!read.verifyCertificates && read.nonStrictVerifyCertificates)
        #expect(read.isKeyring && read.stores == nil)
        #expect(StoreReference("safkeyring:////ZWESVUSR/ring", safDirectory: "/saf") == .keyring(.init(owner: "ZWESVUSR", ring: "ring"), safDirectory: "/saf"))
    }

    @Test("The password: --password-file, then ZWE_KEYSTORE_PASSWORD (not when empty), then the file")
    func passwordOrder() {
        let file = CertificateEnvironment(values: ["KEYSTORE_PASSWORD": "from-file"])
        #expect(KeystorePassword.resolve(environment: [:], file: file) == ("from-file", .certificateFile))
        #expect(KeystorePassword.resolve(environment: ["ZWE_KEYSTORE_PASSWORD": ""], file: file).password == "from-file")
        #expect(KeystorePassword.resolve(environment: ["ZWE_KEYSTORE_PASSWORD": "env"], file: file) == ("env", .environment))
        #expect(KeystorePassword.resolve(passwordFile: ("/p", "first line"), environment: ["ZWE_KEYSTORE_PASSWORD": "env"], file: file)
            == ("first line", .passwordFile("/p")))
        #expect(KeystorePassword.override(in: ["ZWE_KEYSTORE_PASSWORD": ""]) == nil)
    }
}

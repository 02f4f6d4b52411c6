import Testing
import ZweConfiguration
import ZweMessages
@testable import ZweCertificates

@Suite("Setup settings")
struct SetupSettingsTests {
    static let defaults = try! EnvFile.parse("""
        KEYSTORE_DIRECTORY=
        HOSTNAME=localhost
        IPADDRESS=127.0.0.1
        KEYSTORE_ALIAS=localhost
        KEYSTORE_PASSWORD=password
        KEY_ALGORITHM=RSA-2048
        """, path: "defaults.env", environment: [:])

    func resolve(_ text: String, password: String? = nil) throws(Diagnostics) -> SetupSettings {
        let file = try! EnvFile.parse(text, path: "setup.env", environment: Self.defaults.values)
        return try SetupSettings.resolve(defaults: Self.defaults, file: file, overrides: .init(password: password), workingDirectory: "/work")
    }

    @Test("The -p file overrides the defaults; names are lower-cased; SAN order is configured names first")
    func layering() throws {
        let settings = try resolve("KEYSTORE_DIRECTORY=keys/../ks\nHOSTNAME=Zowe.Example.Test,zowe,10.0.0.5\nKEY_ALGORITHM=EC-P256\n")
        #expect(settings.keystoreDirectory == "/work/ks")
        #expect(settings.hostnames == ["zowe.example.test", "zowe", "10.0.0.5"])
        #expect(settings.sanDNSNames == ["zowe.example.test", "zowe", "localhost.localdomain", "localhost"])
        #expect(settings.sanIPAddresses == ["127.0.0.1", "10.0.0.5"])
        #expect(settings.keyAlgorithm == .ecP256)
        #expect(settings.password == "password")
        #expect(settings.alias == "localhost")
    }

    @Test("A password from the command line or environment wins over the file")
    func passwordPrecedence() throws {
        #expect(try resolve("KEYSTORE_DIRECTORY=/k\n", password: "from-env").password == "from-env")
    }

    @Test("Every problem is reported at once, each with its file and line")
    func problemsTogether() {
        do {
            _ = try resolve("HOSTNAME=bad_host!\nIPADDRESS=1.2.3.4.5\nKEYSTORE_ALIAS=../x\nVERIFY_CERTIFICATES=maybe\nCOMPONENT_LEVEL_CERTIFICATES=Gateway\n")
            Issue.record("resolve should fail")
        } catch {
            let ids = error.items.map(\.id)
            #expect(ids.sorted() == ["ZWEL1101E", "ZWEL1103E", "ZWEL1106E", "ZWEL1107E", "ZWEL1108E", "ZWEL1118E"])
            #expect(error.items.first { $0.id == "ZWEL1106E" }?.location == "setup.env:2")
            #expect(error.items.first { $0.id == "ZWEL1103E" }?.location == "setup.env:4")
        }
    }

    @Test("External certificate: all three or none")
    func externalAllOrNone() throws {
        let all = try resolve("KEYSTORE_DIRECTORY=/k\nEXTERNAL_CERTIFICATE=a.p12\nEXTERNAL_CERTIFICATE_ALIAS=x\nEXTERNAL_CERTIFICATE_AUTHORITIES=\"/ca1.cer ca2.cer\"\n")
        #expect(all.external == SetupSettings.External(certificate: "/work/a.p12", alias: "x", authorities: ["/ca1.cer", "/work/ca2.cer"]))
        #expect(throws: Diagnostics.self) { try resolve("KEYSTORE_DIRECTORY=/k\nEXTERNAL_CERTIFICATE_ALIAS=x\n") }
    }

    @Test("ZOWE_ZOSMF_HOST names where trust-zosmf fetches, unless ZOSMF_CERTIFICATE lists files")
    func zosmfEndpoint() throws {
        let bracketed = try resolve("KEYSTORE_DIRECTORY=/k\nZOWE_ZOSMF_HOST=[::1]\n")
        #expect(bracketed.zosmfEndpoint == SetupSettings.ZosmfEndpoint(host: "::1", port: 443))
        #expect(bracketed.verifyMode == .strict)
        let named = try resolve("KEYSTORE_DIRECTORY=/k\nZOWE_ZOSMF_HOST=ZOSMF.Example.Test\nZOWE_ZOSMF_PORT=10443\nVERIFY_CERTIFICATES=false\nNONSTRICT_VERIFY_CERTIFICATES=false\n")
        #expect(named.zosmfEndpoint == SetupSettings.ZosmfEndpoint(host: "zosmf.example.test", port: 10443))
        #expect(named.verifyMode == .disabled)
        let files = try resolve("KEYSTORE_DIRECTORY=/k\nZOWE_ZOSMF_HOST=zosmf.example.test\nZOSMF_CERTIFICATE=a.cer\n")
        #expect(files.zosmfEndpoint == nil)
        #expect(files.zosmfCertificates == ["/work/a.cer"])
        do {
            _ = try resolve("KEYSTORE_DIRECTORY=/k\nZOWE_ZOSMF_HOST=*.example.test\nZOWE_ZOSMF_PORT=0\n")
            Issue.record("resolve should fail")
        } catch {
            #expect(error.items.map(\.id) == ["ZWEL1956E", "ZWEL1956E"])
            #expect(error.items.map(\.location) == ["setup.env:2", "setup.env:3"])
        }
    }

    @Test("Aliases and component ids that would break file names are refused", arguments: ["", ".hidden", "a/b", "localca", "jwtsecret"])
    func aliases(alias: String) {
        #expect(SetupSettings.isValidAlias(alias) == false)
    }
}

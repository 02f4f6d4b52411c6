import Testing
@testable import ZweComponentRuntime
import ZweKeyMaterial
import ZweMessages

@Suite("Component environment")
struct EnvironmentTests {
    static let complete: [String: String] = [
        "KEYSTORE": "/k/localhost.keystore.p12", "KEYSTORE_PASSWORD": " pass word ", "KEYSTORE_TYPE": "PKCS12",
        "KEY_ALIAS": "localhost", "TRUSTSTORE": "/k/localhost.truststore.p12",
        "VERIFY_CERTIFICATES": "true", "NONSTRICT_VERIFY_CERTIFICATES": "true", "GATEWAY_PORT": "7554",
    ]

    func read(_ changes: [String: String?]) throws(Diagnostic) -> ComponentEnvironment {
        var environment = Self.complete
        for (key, value) in changes { environment[key] = value }
        return try ComponentEnvironment.read(component: "gateway", portVariable: "GATEWAY_PORT", environment: environment)
    }

    func failure(_ changes: [String: String?]) -> Diagnostic? {
        do {
            _ = try read(changes)
            return nil
        } catch {
            return error
        }
    }

    @Test("A complete environment reads with the documented defaults")
    func defaults() throws {
        let environment = try read([:])
        #expect(environment.port == 7554)
        #expect(environment.bindAddress == "127.0.0.1")
        #expect(environment.componentID == "gateway")
        #expect(environment.jobName == "gateway")
        #expect(environment.keystorePassword == " pass word ")
        #expect(environment.verifyMode == .strict)
        #expect(environment.logLevel == .info)
        let named = try read(["ZWE_COMPONENT_ID": "gateway", "ZWE_JOB_NAME": "ZWE1AG", "ZWE_BIND_ADDRESS": "::1",
                              "ZWE_LOG_LEVEL_ZWELS": "debug"])
        #expect(named.jobName == "ZWE1AG")
        #expect(named.urlHost == "[::1]")
        #expect(named.logLevel == .debug)
    }

    @Test("Verify modes follow the table of certificates.md", arguments: [
        ("true", "true", VerifyMode.strict), ("true", "false", .strict), ("true", nil, .strict),
        ("false", "true", .nonStrict), ("false", "false", .disabled), ("FALSE", "True", .nonStrict),
    ] as [(String, String?, VerifyMode)])
    func verifyModes(verify: String, nonStrict: String?, mode: VerifyMode) throws {
        let environment = try read(["VERIFY_CERTIFICATES": verify, "NONSTRICT_VERIFY_CERTIFICATES": nonStrict])
        #expect(environment.verifyMode == mode)
    }

    @Test("A missing variable is named in a ZWEL1500E message", arguments: [
        "KEYSTORE", "KEYSTORE_PASSWORD", "KEYSTORE_TYPE", "KEY_ALIAS", "TRUSTSTORE", "VERIFY_CERTIFICATES", "GATEWAY_PORT",
    ])
    func missing(name: String) {
        let diagnostic = failure([name: nil])
        #expect(diagnostic?.id == "ZWEL1500E")
        #expect(diagnostic?.message == "gateway: environment variable \(name) is not set")
        #expect(failure([name: ""])?.id == "ZWEL1500E")
    }

    @Test("NONSTRICT_VERIFY_CERTIFICATES is needed when VERIFY_CERTIFICATES is false")
    func nonStrictNeeded() {
        let diagnostic = failure(["VERIFY_CERTIFICATES": "false", "NONSTRICT_VERIFY_CERTIFICATES": nil])
        #expect(diagnostic?.message == "gateway: environment variable NONSTRICT_VERIFY_CERTIFICATES is not set")
    }

    @Test("Invalid values are named in a ZWEL1501E message", arguments: [
        ("GATEWAY_PORT", "0"), ("GATEWAY_PORT", "65536"), ("GATEWAY_PORT", "80a"), ("VERIFY_CERTIFICATES", "yes"),
        ("NONSTRICT_VERIFY_CERTIFICATES", "1"), ("ZWE_LOG_LEVEL_ZWELS", "LOUD"), ("ZWE_BIND_ADDRESS", "10.0.0.0/8"),
    ])
    func invalid(name: String, value: String) {
        let diagnostic = failure([name: value])
        #expect(diagnostic?.id == "ZWEL1501E")
        #expect(diagnostic?.message.hasPrefix("gateway: \(name) is '\(value)', which is not ") == true)
    }

    @Test("A keystore type other than PKCS12 is refused with ZWEL1502E", arguments: ["JCERACFKS", "JKS"])
    func keystoreType(type: String) {
        #expect(failure(["KEYSTORE_TYPE": type])?.id == "ZWEL1502E")
        #expect((try? read(["KEYSTORE_TYPE": "pkcs12"])) != nil)
    }

    @Test("The runtime's messages are ZWEL1500-1549, unique and complete")
    func messages() {
        let ids = MessageCatalog.runtimeMessages.map(\.id)
        #expect(Set(ids).count == ids.count)
        for message in MessageCatalog.runtimeMessages {
            let number = Int(message.id.dropFirst(4).prefix(4)) ?? 0
            #expect((1500...1549).contains(number), "\(message.id)")
            #expect(message.id.count == 9 && "IWE".contains(message.id.last!), "\(message.id)")
            #expect(!message.text.isEmpty && !message.cause.isEmpty && !message.fix.isEmpty)
        }
    }

    @Test("Log lines have the launcher's form")
    func logLine() {
        #expect(ComponentLogHandler.timestamp(0) == "1970-01-01 00:00:00")
        #expect(ComponentLogHandler.timestamp(1_700_000_000) == "2023-11-14 22:13:20")
    }
}

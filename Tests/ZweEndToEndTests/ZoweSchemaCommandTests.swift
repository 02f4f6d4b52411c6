import Foundation
import Testing
import ZweTestSupport

/// `zwe config validate -c FILE[:FILE...]` as a user runs it: output, explanations, exit status.
@Suite("zwe config validate, end to end")
struct ZoweSchemaCommandTests {
    static let fixture = Harness.packageRoot + "/Tests/Fixtures/zowe-yaml/example-zowe.yaml"

    @Test("Zowe's example configuration is valid: one OK line naming the file, exit 0")
    func valid() throws {
        let result = try Harness.zwe(["config", "validate", "-c", Self.fixture])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("ZWEL2219I Zowe configuration is valid: \(Self.fixture) "), "\(result)")
        #expect(result.stdout.contains("components checked: gateway, api-catalog, discovery, explorer-jes"), "\(result)")
        #expect(result.stderr.isEmpty, "\(result)")
    }

    @Test("Every finding is explained at its file:line:col, and the exit status is the number of errors")
    func findings() throws {
        let scratch = TemporaryDirectory()
        let site = scratch.write("site.yaml", "zowe:\n  verifyCertificates: SOMETIMES\n")
        let base = scratch.write("zowe.yaml", """
            zowe:
              externalDomains: [localhost]
              externalPort: "x"
            components:
              gateway:
                enabled: true
                port: "abc"
            """)
        let result = try Harness.zwe(["config", "validate", "-c", "FILE(\(site)):FILE(\(base))"])
        #expect(result.status == 3, "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "ZWEL0070E Configuration has validity exceptions:")
        let messages = lines.filter { $0.hasPrefix("ZWEL22") }
        #expect(messages == [
            "ZWEL2210E zowe.verifyCertificates is 'SOMETIMES', not one of the allowed values: 'STRICT', 'NONSTRICT', 'DISABLED' (\(site):2:23)",
            "ZWEL2204E zowe.externalPort must be a whole number, not the text 'x' (\(base):3:17)",
            "ZWEL2204E components.gateway.port must be a whole number, not the text 'abc' (\(base):7:11)",
        ])
        #expect(lines.filter { $0.hasPrefix("    cause: ") }.count == 3)
        #expect(lines.contains("    fix:   Set zowe.verifyCertificates to one of: 'STRICT', 'NONSTRICT', 'DISABLED'."))
    }

    @Test("A file that is not there is an error of its own")
    func missingFile() throws {
        let scratch = TemporaryDirectory()
        let result = try Harness.zwe(["config", "validate", "-c", scratch.path + "/none.yaml"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("ZWEL2200E Cannot read the configuration file \(scratch.path)/none.yaml: no such file"), "\(result)")
    }
}

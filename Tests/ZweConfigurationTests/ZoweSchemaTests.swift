import Foundation
import Testing
import ZweConfiguration
import ZweMessages
import ZweTestSupport

/// `zwe config validate` as a library: Zowe's example configuration, bad input at exact
/// positions, components, and each JSON Schema keyword on a hand-made schema.
@Suite("zowe.yaml against the Zowe schemas") struct ZoweSchemaTests {
    static let fixture = Harness.packageRoot + "/Tests/Fixtures/zowe-yaml/example-zowe.yaml"

    /// Writes `files` (name, text) to a fresh folder and validates them, the first file first.
    func validate(_ files: [(String, String)], programRuntime: String? = Harness.runtime,
                  in directory: TemporaryDirectory) throws -> (report: ConfigValidationReport, paths: [String]) {
        let paths = try files.map { try directory.write($0.0, Array($0.1.utf8)) }
        let report = ConfigValidation.run(argument: paths.joined(separator: ":"), environment: [:], programRuntime: programRuntime)
        return (report, paths)
    }

    /// Writes a file below `directory`, making the folders it is in.
    func write(_ directory: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        let path = directory.path + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func summary(_ findings: [Diagnostic]) -> [String] {
        findings.map { "\($0.id) \($0.location ?? "-")" }
    }

    // MARK: - Zowe's example

    @Test func zowesExampleIsValid() throws {
        let report = ConfigValidation.run(argument: Self.fixture, environment: [:], programRuntime: Harness.runtime)
        #expect(report.findings.map(\.description) == [])
        #expect(report.files == [Self.fixture])
        #expect(report.schemaFolder == Harness.runtime + "/schemas")
        // jobs-api is disabled in the example; the other four of ours are enabled.
        #expect(report.componentsChecked == ["gateway", "api-catalog", "discovery", "explorer-jes"])
        #expect(report.exitStatus == 0)
    }

    @Test func zowesExampleWithOneMistakeHasOneError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var text = try String(contentsOfFile: Self.fixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "  verifyCertificates: STRICT", with: "  verifyCertificates: strict")
        let (report, paths) = try validate([("zowe.yaml", text)], in: directory)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("  verifyCertificates:") }! + 1
        #expect(summary(report.findings) == ["ZWEL2210E \(paths[0]):\(line):23"])
        #expect(report.findings.first?.message == "zowe.verifyCertificates is 'strict', not one of the allowed values: 'STRICT', 'NONSTRICT', 'DISABLED'")
    }

    // MARK: - bad input, each at its place

    @Test func wrongType() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, paths) = try validate([("zowe.yaml", "zowe:\n  externalDomains: [localhost]\n  externalPort: \"x\"\n")], in: directory)
        #expect(summary(report.findings) == ["ZWEL2204E \(paths[0]):3:17"])
        #expect(report.findings.first?.message == "zowe.externalPort must be a whole number, not the text 'x'")
        #expect(report.exitStatus == 1)
    }

    @Test func unknownEnumValue() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, paths) = try validate([("zowe.yaml", "zowe:\n  verifyCertificates: SOMETIMES\n")], in: directory)
        #expect(summary(report.findings) == ["ZWEL2210E \(paths[0]):2:23"])
        #expect(report.findings.first?.fix == "Set zowe.verifyCertificates to one of: 'STRICT', 'NONSTRICT', 'DISABLED'.")
    }

    @Test func missingRequiredKeyIsReportedAtItsMapping() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // zowe.certificate is oneOf a PKCS12 and a key ring certificate; the PKCS12 one comes
        // closest, and its one problem is the missing alias.
        let (report, paths) = try validate([("zowe.yaml", """
            zowe:
              certificate:
                keystore:
                  type: PKCS12
                  file: /k/localhost.keystore.p12
                truststore:
                  type: PKCS12
                  file: /k/localhost.truststore.p12
                pem:
                  key: /k/localhost.key
                  certificate: /k/localhost.cer
            """)], in: directory)
        #expect(summary(report.findings) == ["ZWEL2206E \(paths[0]):4:7"])
        #expect(report.findings.first?.message == "zowe.certificate.keystore.alias is required and not set")
    }

    @Test func unknownKeyIsReportedAtTheKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, paths) = try validate([("zowe.yaml", "zowe:\n  externalDomains: [localhost]\n  externalPorts: 7554\n")], in: directory)
        #expect(summary(report.findings) == ["ZWEL2207E \(paths[0]):3:3"])
        #expect(report.findings.first?.message == "zowe.externalPorts is not a key of zowe")
        #expect(report.findings.first?.fix.contains("externalPort,") == true)
    }

    @Test func patternViolation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, paths) = try validate([("zowe.yaml", """
            zowe:
              setup:
                dataset:
                  parmlibMembers:
                    zis: zwesip00
            """)], in: directory)
        #expect(summary(report.findings) == ["ZWEL2211E \(paths[0]):5:14"])
        #expect(report.findings.first?.message.hasPrefix("zowe.setup.dataset.parmlibMembers.zis is 'zwesip00', which does not match the pattern ^") == true)
    }

    @Test func componentSchemaViolation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, paths) = try validate([("zowe.yaml", """
            components:
              gateway:
                enabled: true
                port: "abc"
              discovery:
                enabled: true
                port: 0
            """)], in: directory)
        #expect(summary(report.findings) == ["ZWEL2204E \(paths[0]):4:11", "ZWEL2212E \(paths[0]):7:11"])
        #expect(report.findings.map(\.message) == [
            "components.gateway.port must be a whole number, not the text 'abc'",
            "components.discovery.port is 0, and must be at least 1",
        ])
        #expect(report.componentsChecked == ["gateway", "discovery"])
    }

    @Test func disabledComponentsAreNotChecked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, _) = try validate([("zowe.yaml", "components:\n  gateway:\n    enabled: false\n    port: abc\n  zss:\n    enabled: false\n")], in: directory)
        #expect(report.findings.map(\.description) == [])
        #expect(report.componentsChecked == [])
    }

    @Test func severalErrorsInOnePassSortedByFileAndLine() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let site = """
            zowe:
              verifyCertificates: SOMETIMES
            components:
              gateway:
                port: "abc"
            """
        let defaults = """
            zowe:
              externalDomains: []
              externalPort: "x"
              externalPorts: 1
              verifyCertificates: STRICT
            components:
              gateway:
                enabled: true
              zss:
                enabled: true
            """
        let (report, paths) = try validate([("site.yaml", site), ("defaults.yaml", defaults)], in: directory)
        // The left-most file wins, and each finding is at the file and line its value came from.
        #expect(summary(report.findings) == [
            "ZWEL2210E \(paths[0]):2:23", "ZWEL2204E \(paths[0]):5:11",
            "ZWEL2212E \(paths[1]):2:20", "ZWEL2204E \(paths[1]):3:17", "ZWEL2207E \(paths[1]):4:3", "ZWEL0152E \(paths[1]):9:3",
        ])
        #expect(report.findings[2].message == "zowe.externalDomains is a list of 0 entries, and must be a list of at least 1 entry")
        #expect(report.findings[5].message == "Cannot find component zss.")
        #expect(report.errorCount == 6)
        #expect(report.exitStatus == 6)
    }

    @Test func templatedValuesAreCheckedWhereTheyAreWritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, paths) = try validate([("zowe.yaml", """
            zowe:
              externalPort: ${{ zowe.job.name }}
              job:
                name: ZWE1SV
            """)], in: directory)
        #expect(summary(report.findings) == ["ZWEL2204E \(paths[0]):2:17"])
        #expect(report.findings.first?.message == "zowe.externalPort must be a whole number, not the text 'ZWE1SV'")
    }

    // MARK: - runtime, schemas and extensions

    @Test func noSchemasAnywhereIsOneClearError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (report, _) = try validate([("zowe.yaml", "zowe:\n  externalPort: 7554\n")], programRuntime: directory.path, in: directory)
        #expect(report.findings.map(\.id) == ["ZWEL2216E"])
        #expect(report.findings.first?.message == "The schema zowe-yaml-schema.json cannot be used: there is no schemas folder at \(directory.path)/schemas")
        #expect(report.schemaFolder == nil)
    }

    @Test func theConfiguredRuntimeDirectoryComesFirst() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try FileManager.default.createDirectory(atPath: directory.path + "/runtime/schemas", withIntermediateDirectories: true)
        let (report, _) = try validate([("zowe.yaml", "zowe:\n  runtimeDirectory: \(directory.path)/runtime\n")], in: directory)
        #expect(report.schemaFolder == directory.path + "/runtime/schemas")
        #expect(report.findings.map(\.message) == [
            "The schema \(directory.path)/runtime/schemas/zowe-yaml-schema.json cannot be used: the file is not there",
        ])
    }

    @Test func extensionsAreFoundAndTheirZoweStyleSchemaApplied() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let extensions = directory.path + "/extensions"
        _ = try write(directory, "extensions/myext/manifest.yaml", """
            name: myext
            id: myext
            schemas:
              configs: schema.json
            configs:
              mode: fast
            """)
        // The form of Zowe's own component schemas: the whole configuration, its component added.
        _ = try write(directory, "extensions/myext/schema.json", """
            {
              "$schema": "https://json-schema.org/draft/2019-09/schema",
              "$id": "https://example.test/schemas/v2/myext",
              "allOf": [
                { "$ref": "https://zowe.org/schemas/v2/server-base" },
                { "type": "object", "properties": { "components": { "type": "object", "properties": {
                    "myext": { "$ref": "https://zowe.org/schemas/v2/server-base#zoweComponent",
                               "required": ["mode"], "properties": { "mode": { "enum": ["fast", "slow"] } } } } } } }
              ]
            }
            """)
        let good = try validate([("good.yaml", "zowe:\n  extensionDirectory: \(extensions)\ncomponents:\n  myext:\n    enabled: true\n")], in: directory)
        // mode comes from the manifest's defaults.
        #expect(good.report.findings.map(\.description) == [])
        #expect(good.report.componentsChecked == ["myext"])

        let bad = try validate([("bad.yaml", "zowe:\n  extensionDirectory: \(extensions)\ncomponents:\n  myext:\n    enabled: true\n    mode: medium\n")],
                               in: directory)
        #expect(summary(bad.report.findings) == ["ZWEL2210E \(bad.paths[0]):6:11"])
    }

    @Test func aComponentWithoutSchemaWarnsUnlessValidationIsStrict() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let extensions = directory.path + "/extensions"
        let manifest = try write(directory, "extensions/plain/manifest.yaml", "name: plain\nid: plain\n")
        let compatible = try validate([("a.yaml", "zowe:\n  extensionDirectory: \(extensions)\ncomponents:\n  plain:\n    enabled: true\n")],
                                      in: directory)
        #expect(compatible.report.findings.map(\.id) == ["ZWEL2217W"])
        #expect(compatible.report.findings.first?.location == manifest)
        #expect(compatible.report.exitStatus == 0)

        let strict = try validate([("b.yaml", """
            zowe:
              extensionDirectory: \(extensions)
              configmgr:
                validation: STRICT
            components:
              plain:
                enabled: true
            """)], in: directory)
        #expect(strict.report.findings.map(\.id) == ["ZWEL2218E"])
        #expect(strict.report.exitStatus == 1)
    }

    @Test func manifestsExposeTheirSchemaAndDefaults() throws {
        let manifest = try ComponentManifest.load(componentDirectory: Harness.runtime + "/components/gateway")
        #expect(manifest.schemasConfigs == ["schemas/gateway-schema.json"])
        #expect(manifest.configs?["port"]?.text == "7554")
        #expect(manifest.configs?["port"]?.typeName == "integer")
        #expect(manifest.configs?["port"]?.location.file == manifest.path)
        let listed = try ComponentManifest.parse("id: a\nschemas:\n  configs: [one.json, two.json]\n", path: "m.yaml")
        #expect(listed.schemasConfigs == ["one.json", "two.json"])
        #expect(throws: Diagnostics.self) { try ComponentManifest.parse("id: a\nconfigs: [1]\n", path: "m.yaml") }
    }
}

import Foundation
import Testing
import ZweConfiguration
import ZweMessages

@Suite("zowe.yaml reading") struct ZoweConfigTests {
    func write(_ directory: TemporaryDirectory, _ name: String, _ text: String) throws -> String {
        try directory.write(name, Array(text.utf8))
    }

    @Test func valuesKeepTheirTypesAndPositions() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try write(directory, "zowe.yaml", """
            zowe:
              job:
                prefix: ZWE1
              externalDomains:
                - localhost
              externalPort: 7554
              rbacProfileIdentifier: "1"
              verifyCertificates:
            """)
        let config = try ZoweConfig.load(paths: [file], environment: [:])
        #expect(config.string("zowe.job.prefix") == "ZWE1")
        #expect(config.node("zowe.externalPort")?.typeName == "integer")
        #expect(config.node("zowe.rbacProfileIdentifier")?.typeName == "string")
        #expect(config.node("zowe.verifyCertificates")?.isNull == true)
        #expect(config.strings("zowe.externalDomains") == ["localhost"])
        #expect(config.location("zowe.externalPort") == "\(file):6:17")
        #expect(config.location("zowe.externalDomains[0]") == "\(file):5:7")
        #expect(config.location("zowe.job.name") == "\(file):3:5")
    }

    @Test func theLeftMostFileWins() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let overrides = try write(directory, "site.yaml", "zowe:\n  externalPort: 8000\ncomponents:\n  gateway:\n    port: 8001\n")
        let defaults = try write(directory, "defaults.yaml", "zowe:\n  externalPort: 7554\n  job:\n    prefix: ZWE1\ncomponents:\n  gateway:\n    enabled: true\n    port: 7554\n")
        let config = try ZoweConfig.load(argument: "FILE(\(overrides)):FILE(\(defaults))", environment: [:])
        #expect(config.files == [overrides, defaults])
        #expect(config.int("zowe.externalPort") == 8000)
        #expect(config.string("zowe.job.prefix") == "ZWE1")
        #expect(config.bool("components.gateway.enabled") == true)
        #expect(config.int("components.gateway.port") == 8001)
        #expect(config.location("components.gateway.port") == "\(overrides):5:11")
        let plain = try ZoweConfig.load(argument: "\(overrides):\(defaults)", environment: [:])
        #expect(plain.int("components.gateway.port") == 8001)
    }

    @Test func templatesResolveWithTheirTypes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try write(directory, "zowe.yaml", """
            zowe:
              runtimeDirectory: /opt/zowe
              job:
                name: ${{ zowe.job.prefix }}SV
                prefix: ZWE1
              externalDomains: [zowe.example.com]
              externalPort: ${{ components.gateway.port }}
              workspaceDirectory: ${{ process.env.HOME }}/workspace
              logDirectory: ${{ zowe.nothing || '/tmp/logs' }}
            components:
              gateway:
                port: 7554
              api-catalog:
                host: ${{ zowe.externalDomains[0] }}
                port: ${{ components['gateway'].port }}
            """)
        let config = try ZoweConfig.load(paths: [file], environment: ["HOME": "/home/zowe"])
        #expect(config.string("zowe.job.name") == "ZWE1SV")
        #expect(config.int("zowe.externalPort") == 7554)
        #expect(config.node("zowe.externalPort")?.typeName == "integer")
        #expect(config.string("zowe.workspaceDirectory") == "/home/zowe/workspace")
        #expect(config.string("zowe.logDirectory") == "/tmp/logs")
        #expect(config.string("components.api-catalog.host") == "zowe.example.com")
        #expect(config.int("components.api-catalog.port") == 7554)
        #expect(config.location("zowe.job.name") == "\(file):4:11")
    }

    @Test func everyUnresolvedTemplateIsReportedAtItsValue() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try write(directory, "zowe.yaml", """
            zowe:
              a: ${{ zowe.b }}
              b: ${{ zowe.a }}
              c: ${{ zowe.missing }}/x
              d: ${{ os.platform == 'zos' }}
              e: ${{ zowe.open
            """)
        do {
            _ = try ZoweConfig.load(paths: [file], environment: [:])
            Issue.record("an unresolved template was accepted")
        } catch {
            #expect(error.items.allSatisfy { $0.id == "ZWEL2203E" })
            let locations = Set(error.items.compactMap(\.location))
            #expect(locations.contains("\(file):2:6"))
            #expect(locations.contains("\(file):4:6"))
            #expect(locations.contains("\(file):5:6"))
            #expect(locations.contains("\(file):6:6"))
            #expect(error.items.contains { $0.message.contains("refers back to itself") })
            #expect(error.items.contains { $0.message.contains("zowe.missing is not set") })
        }
    }

    @Test func badFilesAreFindingsWithTheirPosition() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let broken = try write(directory, "broken.yaml", "zowe:\n  job: [ZWE1\n")
        let list = try write(directory, "list.yaml", "- a\n- b\n")
        let missing = directory.path + "/missing.yaml"
        do {
            _ = try ZoweConfig.load(paths: [broken, list, missing], environment: [:])
            Issue.record("bad files were accepted")
        } catch {
            #expect(error.items.map(\.id) == ["ZWEL1200E", "ZWEL2201E", "ZWEL2200E"])
            #expect(error.items[0].location?.hasPrefix("\(broken):") == true)
            #expect(error.items[1].location == "\(list):1:1")
            #expect(error.items[2].location == missing)
        }
    }

    @Test func environmentNamesAreZowes() {
        #expect(ConfigPath("components.api-catalog.port").environmentName == "ZWE_components_api_catalog_port")
        #expect(ConfigPath("zowe.externalDomains[0]").environmentName == "ZWE_zowe_externalDomains_0")
        #expect(ConfigPath(parsing: "components['api-catalog'].port") == ConfigPath("components.api-catalog.port"))
        #expect(ConfigPath(parsing: "a..b") == nil)
    }

    @Test func aFolderIsNotAConfigurationArgument() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(ZoweConfig.files(inArgument: directory.path, relativeTo: "/") == nil)
        #expect(ZoweConfig.files(inArgument: "zowe.yaml", relativeTo: "/x") == ["/x/zowe.yaml"])
        #expect(ZoweConfig.files(inArgument: "FILE(a.yaml):FILE(/b.yaml)", relativeTo: "/x") == ["/x/a.yaml", "/b.yaml"])
    }

    @Test func theExampleFollowsItsSetupByTemplates() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("instance-template/zowe.yaml").path
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let site = try write(directory, "site.yaml", "zowe:\n  setup:\n    certificate:\n      pkcs12:\n        directory: /srv/ks\n        name: zowe\n")
        let config = try ZoweConfig.load(argument: "FILE(\(site)):FILE(\(example))", environment: [:])
        #expect(config.string("zowe.certificate.keystore.file") == "/srv/ks/zowe/zowe.keystore.p12")
        #expect(config.string("zowe.certificate.keystore.alias") == "zowe")
        #expect(config.strings("zowe.certificate.pem.certificateAuthorities") == ["/srv/ks/local_ca/local_ca.cer"])
        #expect(config.string("zowe.job.name") == "ZWE1SV")
        #expect(config.int("zowe.externalPort") == 7554)
    }
}

import Foundation
import Testing
import ZweConfiguration
@testable import ZweMessages

let gatewayManifestYAML = """
    name: gateway
    id: gateway
    title: API Gateway
    version: 1.28.0
    jobCode: AG
    dependsOn: [discovery]
    commands:
      start: bin/start.sh
      validate: bin/validate.sh
    healthCheck:
      portVariable: GATEWAY_PORT
      path: /application/health
    launcher:
      restartIntervals: [1, 1, 1, 5, 5, 10, 20, 60, 120, 240]
      minUptime: 90
      shutdownTimeout: 20
      readyTimeout: 60
    apimlServices:
      static:
        - file: apiml-static-definitions.yaml.template

    """

let gatewayManifestJSON = """
    {
    \t"name": "gateway",
    \t"id": "gateway",
    \t"title": "API Gateway",
    \t"version": "1.28.0",
    \t"jobCode": "AG",
    \t"dependsOn": ["discovery"],
    \t"commands": {"start": "bin/start.sh", "validate": "bin/validate.sh"},
    \t"healthCheck": {"portVariable": "GATEWAY_PORT", "path": "/application/health"},
    \t"launcher": {
    \t\t"restartIntervals": [1, 1, 1, 5, 5, 10, 20, 60, 120, 240],
    \t\t"minUptime":90,
    \t\t"shutdownTimeout": 20,
    \t\t"readyTimeout": 60
    \t},
    \t"apimlServices": {"static": [{"file": "apiml-static-definitions.yaml.template"}]}
    }

    """

func expectedGateway(path: String) -> ComponentManifest {
    ComponentManifest(
        path: path, name: "gateway", id: "gateway", title: "API Gateway", version: "1.28.0",
        commands: .init(start: "bin/start.sh", validate: "bin/validate.sh"),
        staticServiceFiles: ["apiml-static-definitions.yaml.template"], jobCode: "AG",
        dependsOn: ["discovery"],
        healthCheck: .init(portVariable: "GATEWAY_PORT", path: "/application/health"),
        launcher: .init(restartIntervals: [1, 1, 1, 5, 5, 10, 20, 60, 120, 240], minUptime: 90,
                        shutdownTimeout: 20, readyTimeout: 60))
}

/// The diagnostics ComponentManifest.parse throws for `text`; empty when it parses.
func manifestProblems(_ text: String) -> [Diagnostic] {
    do {
        _ = try ComponentManifest.parse(text, path: "m.yaml")
        return []
    } catch {
        return error.items
    }
}

@Suite struct ManifestReading {
    @Test func theExampleManifest() throws {
        let manifest = try ComponentManifest.parse(gatewayManifestYAML, path: "gateway/manifest.yaml")
        #expect(manifest == expectedGateway(path: "gateway/manifest.yaml"))
    }

    @Test func theSameManifestInJSON() throws {
        let manifest = try ComponentManifest.parse(gatewayManifestJSON, path: "gateway/manifest.yaml")
        #expect(manifest == expectedGateway(path: "gateway/manifest.yaml"))
    }

    @Test func onlyTheIDIsRequired() throws {
        let manifest = try ComponentManifest.parse("id: zss\n", path: "m.yaml")
        #expect(manifest == ComponentManifest(path: "m.yaml", id: "zss"))
    }

    @Test func dependsOnMayBeOneID() throws {
        #expect(try ComponentManifest.parse("id: a\ndependsOn: discovery\n", path: "m").dependsOn == ["discovery"])
        #expect(try ComponentManifest.parse("id: a\ndependsOn:\n  - b\n  - c\n", path: "m").dependsOn == ["b", "c"])
    }

    @Test func emptyAndNullValuesAreAbsent() throws {
        let manifest = try ComponentManifest.parse(
            "id: a\ntitle:\nversion: ~\ncommands:\nhealthCheck: null\nlauncher:\n  minUptime:\ndependsOn: []\n", path: "m")
        #expect(manifest == ComponentManifest(path: "m", id: "a"))
    }

    @Test func valuesAreTextAsWritten() throws {
        let manifest = try ComponentManifest.parse("id: a\nversion: 1.10\njobCode: 01\ntitle: yes\n", path: "m")
        #expect(manifest.version == "1.10")
        #expect(manifest.jobCode == "01")
        #expect(manifest.title == "yes")
    }

    @Test func unknownKeysAreIgnored() throws {
        let text = gatewayManifestYAML + """
            license: EPL-2.0
            schemas:
              configs: schemas/gateway-config.json
            configs:
              port: 7554
              debug: false
            appfwPlugins:
              - path: web
            gatewaySharedLibs: [lib/]
            commands2: [a]
            """
        var withExtras = "build:\n  branch: v2.x\n  number: 12\n" + text
        withExtras += "\nlauncher2: 3\n"
        let manifest = try ComponentManifest.parse(withExtras, path: "gateway/manifest.yaml")
        // schemas and configs are read (zwe config validate uses them); the rest is left alone.
        var expected = expectedGateway(path: "gateway/manifest.yaml")
        expected.schemasConfigs = ["schemas/gateway-config.json"]
        #expect(manifest == expected)
        #expect(manifest.configs?["port"]?.text == "7554")
    }

    @Test func unknownKeysInsideKnownSectionsAreIgnored() throws {
        let text = """
            id: a
            commands:
              start: s
              stop: whatever
            launcher:
              minUptime: 5
              priority: [high]
            apimlServices:
              dynamic:
                - serviceId: a
              static:
                - file: one.yaml
                  note: x
                - file: two.yaml
            """
        let manifest = try ComponentManifest.parse(text, path: "m")
        #expect(manifest.commands == .init(start: "s"))
        #expect(manifest.launcher == .init(minUptime: 5))
        #expect(manifest.staticServiceFiles == ["one.yaml", "two.yaml"])
    }

    @Test func locationOfKeys() throws {
        let manifest = try ComponentManifest.parse(gatewayManifestYAML, path: "gateway/manifest.yaml")
        #expect(manifest.location(ofKey: "id") == "gateway/manifest.yaml:2")
        #expect(manifest.location(ofKey: "commands") == "gateway/manifest.yaml:7")
        #expect(manifest.location(ofKey: "launcher") == "gateway/manifest.yaml:13")
        #expect(manifest.location(ofKey: "launcher.minUptime") == "gateway/manifest.yaml:15")
        #expect(manifest.location(ofKey: "healthCheck.path") == "gateway/manifest.yaml:12")
        #expect(manifest.location(ofKey: "configure") == "gateway/manifest.yaml")
    }

    @Test func anEmptyFileLacksOnlyTheID() {
        for text in ["", "---\n", "# nothing\n"] {
            let problems = manifestProblems(text)
            #expect(problems.map(\.id) == ["ZWEL1207E"], "\(text.debugDescription)")
            #expect(problems.first?.message == "id is required and has no value")
        }
    }

    @Test func aSyntaxErrorIsOneDiagnostic() {
        let problems = manifestProblems("id: a\nid: b\n")
        #expect(problems.map(\.id) == ["ZWEL1200E"])
        #expect(problems.first?.location == "m.yaml:2:1")
    }
}

@Suite struct ManifestFiles {
    @Test func yamlIsPreferred() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write("manifest.yaml", Array("id: from-yaml\n".utf8))
        _ = try directory.write("manifest.yml", Array("id: from-yml\n".utf8))
        _ = try directory.write("manifest.json", Array("{\"id\": \"from-json\"}\n".utf8))
        let manifest = try ComponentManifest.load(componentDirectory: directory.path)
        #expect(manifest.id == "from-yaml")
        #expect(manifest.path == directory.path + "/manifest.yaml")
    }

    @Test func ymlIsTheFirstFallback() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write("manifest.yml", Array(gatewayManifestYAML.utf8))
        _ = try directory.write("manifest.json", Array("{\"id\": \"from-json\"}\n".utf8))
        let manifest = try ComponentManifest.load(componentDirectory: directory.path)
        #expect(manifest == expectedGateway(path: directory.path + "/manifest.yml"))
    }

    @Test func jsonIsTheLastFallback() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write("manifest.json", Array(gatewayManifestJSON.utf8))
        let manifest = try ComponentManifest.load(componentDirectory: directory.path)
        #expect(manifest == expectedGateway(path: directory.path + "/manifest.json"))
    }

    @Test func noManifestNamesTheFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write("manifest.txt", Array("id: a\n".utf8))
        let error = #expect(throws: Diagnostics.self) { try ComponentManifest.load(componentDirectory: directory.path) }
        #expect(error?.items.map(\.id) == ["ZWEL1204E"])
        #expect(error?.items.first?.message == "No manifest.yaml, manifest.yml or manifest.json in \(directory.path)")
    }

    @Test func aMissingFolderIsAMissingManifest() {
        let error = #expect(throws: Diagnostics.self) {
            try ComponentManifest.load(componentDirectory: "/nonexistent/zwe-component")
        }
        #expect(error?.items.map(\.id) == ["ZWEL1204E"])
    }

    @Test func textThatIsNotUTF8IsReported() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("manifest.yaml", [0x69, 0x64, 0x3A, 0x20, 0xFF, 0x0A])
        let error = #expect(throws: Diagnostics.self) { try ComponentManifest.load(componentDirectory: directory.path) }
        #expect(error?.items.map(\.id) == ["ZWEL1205E"])
        #expect(error?.items.first?.location == file)
    }

    @Test func problemsInAFileNameIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("manifest.yaml", Array("id: a\njobCode: abc\n".utf8))
        let error = #expect(throws: Diagnostics.self) { try ComponentManifest.load(componentDirectory: directory.path) }
        #expect(error?.items.first?.location == file + ":2:10")
    }
}

@Suite struct ManifestValidation {
    /// One problem expected: its id, location and a piece of its text.
    func expectOne(_ text: String, _ id: String, _ location: String, mentions: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = manifestProblems(text)
        #expect(problems.count == 1, "\(problems)", sourceLocation: sourceLocation)
        #expect(problems.first?.id == id, sourceLocation: sourceLocation)
        #expect(problems.first?.location == location, sourceLocation: sourceLocation)
        #expect(problems.first?.message.contains(mentions) == true, "\(problems)", sourceLocation: sourceLocation)
    }

    @Test func dependsOnANumber() {
        expectOne("id: a\ndependsOn: 3\n", "ZWEL1208E", "m.yaml:2:12", mentions: "dependsOn")
        #expect(manifestProblems("id: a\ndependsOn: 3\n").first?.message == "dependsOn must be a component id, not the number 3")
    }

    @Test func dependsOnAMapping() {
        expectOne("id: a\ndependsOn:\n  b: c\n", "ZWEL1208E", "m.yaml:3:3", mentions: "dependsOn")
    }

    @Test func dependsOnABadEntry() {
        expectOne("id: a\ndependsOn: [b, Caching, d]\n", "ZWEL1209E", "m.yaml:2:16", mentions: "dependsOn[1] 'Caching'")
        expectOne("id: a\ndependsOn: [b, true]\n", "ZWEL1208E", "m.yaml:2:16", mentions: "dependsOn[1]")
    }

    @Test func dependsOnItself() {
        expectOne("id: a\ndependsOn: [b, a]\n", "ZWEL1215E", "m.yaml:2:12", mentions: "Component a")
    }

    @Test func commandsAList() {
        expectOne("id: a\ncommands: [a]\n", "ZWEL1208E", "m.yaml:2:11", mentions: "commands must be a mapping, not a list")
    }

    @Test func aCommandThatIsNotText() {
        expectOne("id: a\ncommands:\n  start:\n    run: x\n", "ZWEL1208E", "m.yaml:4:5", mentions: "commands.start must be text")
    }

    @Test func healthCheckWithoutPortVariable() {
        expectOne("id: a\nhealthCheck:\n  path: /health\n", "ZWEL1207E", "m.yaml:3:3", mentions: "healthCheck.portVariable")
    }

    @Test func healthCheckWithoutPath() {
        expectOne("id: a\nhealthCheck: {portVariable: P}\n", "ZWEL1207E", "m.yaml:2:14", mentions: "healthCheck.path")
    }

    @Test func healthCheckWithBadValues() {
        expectOne("id: a\nhealthCheck:\n  portVariable: ${PORT}\n  path: /h\n", "ZWEL1213E", "m.yaml:3:17",
                  mentions: "healthCheck.portVariable '${PORT}'")
        expectOne("id: a\nhealthCheck:\n  portVariable: PORT\n  path: http://x/h\n", "ZWEL1214E", "m.yaml:4:9",
                  mentions: "healthCheck.path")
    }

    @Test func healthCheckAsText() {
        expectOne("id: a\nhealthCheck: /health\n", "ZWEL1208E", "m.yaml:2:14", mentions: "healthCheck must be a mapping, not the text '/health'")
    }

    @Test func aNonIntegerRestartInterval() {
        expectOne("id: a\nlauncher:\n  restartIntervals: [1, x, 3]\n", "ZWEL1211E", "m.yaml:3:25",
                  mentions: "launcher.restartIntervals[1]")
        expectOne("id: a\nlauncher:\n  restartIntervals: [1, 2.5]\n", "ZWEL1211E", "m.yaml:3:25",
                  mentions: "launcher.restartIntervals[1] must be a whole number of seconds, 0 or more, not '2.5'")
        expectOne("id: a\nlauncher:\n  restartIntervals: [1, [2]]\n", "ZWEL1208E", "m.yaml:3:25",
                  mentions: "launcher.restartIntervals[1]")
    }

    @Test func restartIntervalsNotAList() {
        expectOne("id: a\nlauncher:\n  restartIntervals: 5\n", "ZWEL1208E", "m.yaml:3:21",
                  mentions: "launcher.restartIntervals must be a list, not the number 5")
    }

    @Test func restartIntervalsEmpty() {
        expectOne("id: a\nlauncher:\n  restartIntervals: []\n", "ZWEL1212E", "m.yaml:3:21", mentions: "launcher.restartIntervals")
    }

    @Test func negativeNumbers() {
        expectOne("id: a\nlauncher:\n  minUptime: -5\n", "ZWEL1211E", "m.yaml:3:14", mentions: "launcher.minUptime")
        expectOne("id: a\nlauncher:\n  restartIntervals: [-1]\n", "ZWEL1211E", "m.yaml:3:22", mentions: "launcher.restartIntervals[0]")
        expectOne("id: a\nlauncher:\n  readyTimeout: 99999999999999999999999\n", "ZWEL1211E", "m.yaml:3:17",
                  mentions: "launcher.readyTimeout")
    }

    @Test func launcherNotAMapping() {
        expectOne("id: a\nlauncher: [1]\n", "ZWEL1208E", "m.yaml:2:11", mentions: "launcher must be a mapping")
    }

    @Test func jobCodeOfThreeLetters() {
        expectOne("id: a\njobCode: ABC\n", "ZWEL1210E", "m.yaml:2:10", mentions: "jobCode 'ABC'")
        expectOne("id: a\njobCode: ag\n", "ZWEL1210E", "m.yaml:2:10", mentions: "jobCode 'ag'")
        expectOne("id: a\njobCode: [AG]\n", "ZWEL1208E", "m.yaml:2:10", mentions: "jobCode")
    }

    @Test func idMissing() {
        expectOne("name: gateway\ntitle: x\n", "ZWEL1207E", "m.yaml:1:1", mentions: "id is required")
        expectOne("name: gateway\nid:\n", "ZWEL1207E", "m.yaml:2:4", mentions: "id is required")
    }

    @Test func idNotMatchingThePattern() {
        expectOne("id: API-Gateway\n", "ZWEL1209E", "m.yaml:1:5", mentions: "id 'API-Gateway' is not a component id")
        expectOne("id: -gateway\n", "ZWEL1209E", "m.yaml:1:5", mentions: "id '-gateway'")
        expectOne("id: gate_way\n", "ZWEL1209E", "m.yaml:1:5", mentions: "id 'gate_way'")
        expectOne("id: [gateway]\n", "ZWEL1208E", "m.yaml:1:5", mentions: "id must be a component id, not a list")
        expectOne("id: 12\n", "ZWEL1208E", "m.yaml:1:5", mentions: "id must be a component id, not the number 12")
    }

    @Test func aQuotedNumberIsAnID() throws {
        #expect(try ComponentManifest.parse("id: '12'\n", path: "m").id == "12")
    }

    @Test func staticServiceEntriesNeedAFile() {
        expectOne("id: a\napimlServices:\n  static:\n    - name: x\n", "ZWEL1207E", "m.yaml:4:7",
                  mentions: "apimlServices.static[0].file")
        expectOne("id: a\napimlServices:\n  static: one.yaml\n", "ZWEL1208E", "m.yaml:3:11",
                  mentions: "apimlServices.static must be a list")
    }

    @Test func aTopLevelListIsNotAManifest() {
        expectOne("- id: a\n", "ZWEL1206E", "m.yaml:1:1", mentions: "The manifest is a list")
    }

    @Test func twoProblemsAreTwoDiagnostics() {
        let problems = manifestProblems("id: Gateway\ndependsOn: 3\n")
        #expect(problems.map(\.id) == ["ZWEL1209E", "ZWEL1208E"])
        #expect(problems.map(\.location) == ["m.yaml:1:5", "m.yaml:2:12"])
    }

    @Test func everyProblemOfAFileIsReported() {
        let text = """
            id: a
            jobCode: ABC
            commands: [x]
            healthCheck: {path: /h}
            launcher:
              restartIntervals: [1, -1, x]
              minUptime: 1.5
            """
        let problems = manifestProblems(text)
        #expect(problems.map(\.id) == ["ZWEL1210E", "ZWEL1208E", "ZWEL1207E", "ZWEL1211E", "ZWEL1211E", "ZWEL1211E"])
        #expect(problems.map(\.location) == [
            "m.yaml:2:10", "m.yaml:3:11", "m.yaml:4:14", "m.yaml:6:25", "m.yaml:6:29", "m.yaml:7:14",
        ])
    }
}

@Suite struct ManifestMessages {
    @Test func idsAreInTheManifestRangeAndUnique() {
        let ids = MessageCatalog.manifestMessages.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.hasPrefix("ZWEL12"), "\(id)")
            let number = Int(id.dropFirst(4).prefix(4)) ?? 0
            #expect((1200...1219).contains(number), "\(id)")
        }
    }
}

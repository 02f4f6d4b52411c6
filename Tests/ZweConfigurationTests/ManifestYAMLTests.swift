import Testing
import ZweConfiguration
import ZweMessages

/// The diagnostic YAMLDocument.parse throws for `text`, or nil when it parses.
func yamlError(_ text: String, path: String = "m.yaml") -> Diagnostic? {
    do {
        _ = try YAMLDocument.parse(text, path: path)
        return nil
    } catch {
        return error
    }
}

@Suite struct ManifestYAMLTree {
    @Test func emptyTextIsAnEmptyMapping() throws {
        #expect(try YAMLDocument.parse("", path: "m.yaml") == .mapping([], line: 1, column: 1))
        #expect(try YAMLDocument.parse("# only a comment\n\n", path: "m.yaml") == .mapping([], line: 1, column: 1))
    }

    @Test func nodesKeepTheirPositionsAndOrder() throws {
        let node = try YAMLDocument.parse("b: 1\na:\n  - x\n  - 'true'\nc: {d: e}\n", path: "m.yaml")
        let expected = YAMLNode.mapping([
            (key: "b", value: .scalar("1", line: 1, column: 4)),
            (key: "a", value: .sequence([
                .scalar("x", line: 3, column: 5),
                .scalar("true", line: 4, column: 5),
            ], line: 3, column: 3)),
            (key: "c", value: .mapping([(key: "d", value: .scalar("e", line: 5, column: 8))], line: 5, column: 4)),
        ], line: 1, column: 1)
        #expect(node == expected)
        #expect(node["a"]?.line == 3)
        #expect(node["c"]?["d"]?.text == "e")
        #expect(node["missing"] == nil)
    }

    @Test func tagsAreIgnored() throws {
        let node = try YAMLDocument.parse("a: !!str 3\nb: !custom [x]\n", path: "m.yaml")
        #expect(node["a"]?.text == "3")
        // A node starts at its tag.
        #expect(node["b"] == .sequence([.scalar("x", line: 2, column: 13)], line: 2, column: 4))
    }

    @Test func anchorsAndAliasesResolveToCopies() throws {
        let text = """
            base: &base
              start: bin/start.sh
              list: &list [a, b]
            copy: *base
            items: *list
            key: &k name
            *k : value
            """
        let node = try YAMLDocument.parse(text, path: "m.yaml")
        #expect(node["copy"] == node["base"])
        // A node starts at its anchor.
        #expect(node["items"] == .sequence([.scalar("a", line: 3, column: 16), .scalar("b", line: 3, column: 19)],
                                           line: 3, column: 9))
        #expect(node["name"]?.text == "value")
    }

    @Test func anAliasWithoutAnchorIsRefused() {
        let error = yamlError("a: *nowhere\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:1:4")
    }

    @Test func anAliasInsideItsOwnAnchorIsRefused() {
        // The anchor is complete only at its end, so the alias inside cannot loop.
        #expect(yamlError("a: &x [1, *x]\n")?.id == "ZWEL1200E")
    }
}

@Suite struct ManifestYAMLSyntax {
    @Test func badIndentation() {
        let error = yamlError("id: gateway\ncommands:\n  start: a\n validate: b\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:4:2")
        #expect(error?.message.hasPrefix("Not valid YAML: ") == true)
    }

    @Test func unclosedBracket() {
        let atTheEnd = yamlError("id: gateway\ndependsOn: [discovery, caching\n")
        #expect(atTheEnd?.id == "ZWEL1200E")
        #expect(atTheEnd?.location == "m.yaml:3:1")
        #expect(atTheEnd?.message == "Not valid YAML: did not find expected ',' or ']' "
            + "(while parsing a flow sequence that began at line 2, column 12)")
        // The next line is read as more of the last item, up to its ':'.
        let beforeAKey = yamlError("id: gateway\ndependsOn: [discovery, caching\nname: x\n")
        #expect(beforeAKey?.location == "m.yaml:3:5")
    }

    @Test func tabIndentation() {
        let error = yamlError("id: gateway\ncommands:\n\tstart: a\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:3:1")
    }

    @Test func duplicateKey() {
        let error = yamlError("id: gateway\nname: x\nid: other\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:3:1")
        #expect(error?.message == "Not valid YAML: duplicate key 'id'")
    }

    @Test func duplicateKeyInANestedMapping() {
        let error = yamlError("launcher:\n  minUptime: 1\n  minUptime: 2\n")
        #expect(error?.location == "m.yaml:3:3")
    }

    @Test func unclosedQuote() {
        let error = yamlError("id: 'gateway\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:2:1")
        #expect(error?.message.contains("quoted scalar that began at line 1, column 5") == true)
    }

    @Test func aListAsAMappingKeyIsRefused() {
        let error = yamlError("? [a, b]\n: c\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:1:3")
    }

    @Test func aControlCharacterIsPlacedByLineAndColumn() {
        let error = yamlError("id: a\nname: \u{1}\n")
        #expect(error?.id == "ZWEL1200E")
        #expect(error?.location == "m.yaml:2:7")
    }

    @Test func twoDocumentsAreRefused() {
        let error = yamlError("id: a\n---\nid: b\n")
        #expect(error?.id == "ZWEL1203E")
        #expect(error?.location == "m.yaml:2:1")
    }

    @Test func oneExplicitDocumentIsFine() throws {
        #expect(try YAMLDocument.parse("---\nid: a\n...\n", path: "m.yaml")["id"]?.text == "a")
    }
}

@Suite struct ManifestYAMLLimits {
    @Test func billionLaughsIsRefused() {
        var text = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            let aliases = Array(repeating: "*\(previous)", count: 10).joined(separator: ", ")
            text += "\(name): &\(name) [\(aliases)]\n"
        }
        let error = yamlError(text)
        #expect(error?.id == "ZWEL1202E")
        #expect(error?.message == "YAML aliases expand to more than 10000 nodes")
    }

    @Test func aliasesWithinTheLimitAreFine() throws {
        // 10 copies of a 101-node list: 1,010 nodes expanded.
        let leaf = Array(repeating: "x", count: 100).joined(separator: ", ")
        let aliases = Array(repeating: "*l", count: 10).joined(separator: ", ")
        let node = try YAMLDocument.parse("l: &l [\(leaf)]\nm: [\(aliases)]\n", path: "m.yaml")
        guard case .sequence(let copies, _, _)? = node["m"] else {
            Issue.record("m is not a list")
            return
        }
        #expect(copies.count == 10)
    }

    @Test func deepFlowNestingIsRefused() {
        let depth = 5_000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let error = yamlError(text)
        #expect(error?.id == "ZWEL1201E")
        #expect(error?.location == "m.yaml:1:1001")
    }

    @Test func deepBlockNestingIsRefused() {
        let text = String(repeating: "- ", count: 5_000) + "x\n"
        #expect(yamlError(text)?.id == "ZWEL1201E")
    }

    @Test func deepMappingNestingIsRefused() {
        let depth = 5_000
        let text = String(repeating: "{a: ", count: depth) + "b" + String(repeating: "}", count: depth)
        #expect(yamlError(text)?.id == "ZWEL1201E")
    }

    @Test func anAliasCannotNestDeeperThanTheLimit() {
        // Each part is within the limit; the copy of the anchor inside the nesting is not.
        // Tests/Fuzz/corpus/manifest/alias-nesting-too-deep.yaml is this text, for the fuzz harness.
        let levels = 600
        let text = "a: &a " + String(repeating: "[", count: levels) + String(repeating: "]", count: levels) + "\n"
            + "b: " + String(repeating: "[", count: levels) + "*a" + String(repeating: "]", count: levels) + "\n"
        let error = yamlError(text)
        #expect(error?.id == "ZWEL1201E")
        #expect(error?.location == "m.yaml:2:\(4 + levels)")
    }

    @Test func anAliasUpToTheLimitIsFine() throws {
        // The root mapping, 499 levels around the alias, and the 500 of the anchor: 1,000.
        let text = "a: &a " + String(repeating: "[", count: 500) + "x" + String(repeating: "]", count: 500) + "\n"
            + "b: " + String(repeating: "[", count: 499) + "*a" + String(repeating: "]", count: 499) + "\n"
        var node = try YAMLDocument.parse(text, path: "m.yaml")["b"]
        var levels = 1
        while case .sequence(let items, _, _)? = node, let first = items.first {
            levels += 1
            node = first
        }
        #expect(levels == YAMLDocument.maximumDepth)
        #expect(node?.text == "x")
    }

    @Test func nestingUpToTheLimitIsFine() throws {
        let depth = YAMLDocument.maximumDepth
        let text = String(repeating: "[", count: depth) + "x" + String(repeating: "]", count: depth)
        var node = try YAMLDocument.parse(text, path: "m.yaml")
        var levels = 0
        while case .sequence(let items, _, _) = node, let first = items.first {
            levels += 1
            node = first
        }
        #expect(levels == depth)
        #expect(node.text == "x")
    }
}

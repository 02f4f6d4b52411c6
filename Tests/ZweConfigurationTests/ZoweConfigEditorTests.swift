// ZoweConfigEditor: values set in a zowe.yaml in place, the text of every other line kept
// byte for byte (each case states the whole expected file), the result read back with the
// configuration reader, and a failed edit leaving the file identical.

import Foundation
import Testing
import ZweConfiguration
import ZweMessages

@Suite("zowe.yaml editing in place") struct ZoweConfigEditorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let changes: [ZoweConfigEditor.Change]
        let expected: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "a value is replaced and its comment kept", input: """
            zowe:
              # the job
              job:
                prefix: ZWE1   # keep me
                name: ZWE1SV
            """, changes: [.init("zowe.job.prefix", .string("ZWE2"))], expected: """
            zowe:
              # the job
              job:
                prefix: ZWE2   # keep me
                name: ZWE1SV
            """),
        Case(name: "a quoted value is replaced", input: "zowe:\n  name: 'old value'  # c\n", changes: [.init("zowe.name", .string("new"))],
             expected: "zowe:\n  name: new  # c\n"),
        Case(name: "missing mappings are made after the parent's last key, before the blank line and comment", input: """
            zowe:
              runtimeDirectory: /opt/zowe
              job:
                prefix: ZWE1

            # components
            components:
              gateway:
                enabled: true

            """, changes: [.init("zowe.certificate.keystore.type", .string("PKCS12"))], expected: """
            zowe:
              runtimeDirectory: /opt/zowe
              job:
                prefix: ZWE1
              certificate:
                keystore:
                  type: PKCS12

            # components
            components:
              gateway:
                enabled: true

            """),
        Case(name: "a missing top-level key goes after the last key, before a trailing comment", input: "zowe:\n  a: 1\n# trailing comment\n",
             changes: [.init("haInstances.lpar1.components.gateway.enabled", .boolean(false))],
             expected: "zowe:\n  a: 1\nhaInstances:\n  lpar1:\n    components:\n      gateway:\n        enabled: false\n# trailing comment\n"),
        Case(name: "new lines use the file's indentation", input: "zowe:\n    job:\n        prefix: ZWE1\n",
             changes: [.init("zowe.certificate.pem.key", .string("/k/a.key"))],
             expected: "zowe:\n    job:\n        prefix: ZWE1\n    certificate:\n        pem:\n            key: /k/a.key\n"),
        Case(name: "a block list is replaced, its items' comments with it; a comment above it stays", input: """
            zowe:
              externalDomains:
                # the domains
                - old.example.com   # old
                - other
              port: 1
            """, changes: [.init("zowe.externalDomains", .strings(["a.example.com", "b.example.com"]))], expected: """
            zowe:
              externalDomains:
                # the domains
                - a.example.com
                - b.example.com
              port: 1
            """),
        Case(name: "an indentless list is replaced at its column", input: "zowe:\n  domains:\n  - a\n  - b\n  port: 1\n",
             changes: [.init("zowe.domains", .strings(["c"]))], expected: "zowe:\n  domains:\n  - c\n  port: 1\n"),
        Case(name: "a flow list becomes a block list, the comment stays on the key", input: "zowe:\n  domains: [a, b] # note\n  port: 1\n",
             changes: [.init("zowe.domains", .strings(["x"]))], expected: "zowe:\n  domains: # note\n    - x\n  port: 1\n"),
        Case(name: "a value becomes a list", input: "zowe:\n  domains: a.example.com\n",
             changes: [.init("zowe.domains", .strings(["a.example.com", "b.example.com"]))],
             expected: "zowe:\n  domains:\n    - a.example.com\n    - b.example.com\n"),
        Case(name: "a list becomes a value", input: "zowe:\n  domains:  # c\n    - a\n    - b\n  port: 1\n",
             changes: [.init("zowe.domains", .string("single"))], expected: "zowe:\n  domains: single  # c\n  port: 1\n"),
        Case(name: "an empty list is written []", input: "zowe:\n  domains:\n    - a\n",
             changes: [.init("zowe.domains", .strings([]))], expected: "zowe:\n  domains: []\n"),
        Case(name: "an empty value is filled, its comment kept", input: "zowe:\n  verifyCertificates:   # STRICT or not\n  port: 1\n",
             changes: [.init("zowe.verifyCertificates", .string("STRICT"))], expected: "zowe:\n  verifyCertificates: STRICT   # STRICT or not\n  port: 1\n"),
        Case(name: "an empty value becomes a mapping", input: "components:\n  gateway:   # the gateway\n  discovery:\n    enabled: true\n",
             changes: [.init("components.gateway.enabled", .boolean(true))],
             expected: "components:\n  gateway:   # the gateway\n    enabled: true\n  discovery:\n    enabled: true\n"),
        Case(name: "null and ~ become mappings", input: "components:\n  a: null # n\n  b: ~\n",
             changes: [.init("components.a.enabled", .boolean(true)), .init("components.b.enabled", .boolean(false))],
             expected: "components:\n  a: # n\n    enabled: true\n  b:\n    enabled: false\n"),
        Case(name: "integers and booleans are written plain", input: "zowe:\n  port: '1'\n",
             changes: [.init("zowe.port", .integer(7554)), .init("zowe.enabled", .boolean(true))],
             expected: "zowe:\n  port: 7554\n  enabled: true\n"),
        Case(name: "a value in a flow mapping is replaced in place", input: "components:\n  gateway: { enabled: true, port: 1 } # flow\n",
             changes: [.init("components.gateway.enabled", .boolean(false))], expected: "components:\n  gateway: { enabled: false, port: 1 } # flow\n"),
        Case(name: "a flow mapping that gets a new key is rewritten as block", input: "components:\n  gateway: { enabled: true, port: 1, list: [a, b] } # flow\nzowe: {}\n",
             changes: [.init("components.gateway.debug", .boolean(true))],
             expected: "components:\n  gateway: # flow\n    enabled: true\n    port: 1\n    list: [a, b]\n    debug: true\nzowe: {}\n"),
        Case(name: "nested flow mappings are rewritten as block", input: "zowe: {certificate: {keystore: {type: PKCS12}}}\n",
             changes: [.init("zowe.certificate.keystore.file", .string("/k/ks.p12"))],
             expected: "zowe:\n  certificate:\n    keystore:\n      type: PKCS12\n      file: /k/ks.p12\n"),
        Case(name: "an empty flow mapping gets keys", input: "components: {}\n",
             changes: [.init("components.x.enabled", .boolean(true))], expected: "components:\n  x:\n    enabled: true\n"),
        Case(name: "a literal block value is replaced", input: "zowe:\n  text: |\n    line one\n    line two\n  port: 1\n",
             changes: [.init("zowe.text", .string("one"))], expected: "zowe:\n  text: one\n  port: 1\n"),
        Case(name: "a value on the line below its key is replaced there", input: "zowe:\n  path:\n    /a/b\n  port: 1\n",
             changes: [.init("zowe.path", .string("/c"))], expected: "zowe:\n  path:\n    /c\n  port: 1\n"),
        Case(name: "a key is added to a mapping inside a list", input: "list:\n  - name: a\n    port: 1\n  - name: b\n",
             changes: [.init("list[0].enabled", .boolean(true))], expected: "list:\n  - name: a\n    port: 1\n    enabled: true\n  - name: b\n"),
        Case(name: "a list item is replaced", input: "zowe:\n  domains: [a, b]\n",
             changes: [.init("zowe.domains[1]", .string("c"))], expected: "zowe:\n  domains: [a, c]\n"),
        Case(name: "CR LF line endings are kept, new lines get them too", input: "zowe:\r\n  a: 1\r\nx: 2\r\n",
             changes: [.init("zowe.b", .integer(2))], expected: "zowe:\r\n  a: 1\r\n  b: 2\r\nx: 2\r\n"),
        Case(name: "a file without a final newline stays so", input: "zowe:\n  a: 1",
             changes: [.init("zowe.b", .integer(2))], expected: "zowe:\n  a: 1\n  b: 2"),
        Case(name: "an empty file gets the keys", input: "", changes: [.init("zowe.a", .string("b"))], expected: "zowe:\n  a: b\n"),
        Case(name: "a file of comments gets the keys after them", input: "# only a comment\n",
             changes: [.init("zowe.a", .string("b"))], expected: "# only a comment\nzowe:\n  a: b\n"),
        Case(name: "document markers stay", input: "---\nzowe:\n  a: 1\n...\n",
             changes: [.init("zowe.b", .integer(2))], expected: "---\nzowe:\n  a: 1\n  b: 2\n...\n"),
        Case(name: "keys that need quotes get them", input: "components:\n  x: 1\n",
             changes: [.init(ConfigPath(steps: [.key("components"), .key("1st"), .key("enabled")]), .boolean(true))],
             expected: "components:\n  x: 1\n  \"1st\":\n    enabled: true\n"),
        Case(name: "several changes, one after the other", input: """
            # Zowe configuration
            zowe:
              setup:
                certificate:
                  type: PKCS12   # or JCERACFKS

              # runtime certificate
              certificate:
                keystore:
                  type: PKCS12
                  file: /old/ks.p12
            """, changes: [
                .init("zowe.certificate.keystore.file", .string("/global/zowe/keystore/localhost/localhost.keystore.p12")),
                .init("zowe.certificate.keystore.password", .string("password")),
                .init("zowe.certificate.truststore.type", .string("PKCS12")),
                .init("zowe.certificate.pem.certificateAuthorities", .strings(["/global/zowe/keystore/local_ca/local_ca.cer"])),
            ], expected: """
            # Zowe configuration
            zowe:
              setup:
                certificate:
                  type: PKCS12   # or JCERACFKS

              # runtime certificate
              certificate:
                keystore:
                  type: PKCS12
                  file: /global/zowe/keystore/localhost/localhost.keystore.p12
                  password: password
                truststore:
                  type: PKCS12
                pem:
                  certificateAuthorities:
                    - /global/zowe/keystore/local_ca/local_ca.cer
            """),
    ]

    @Test("The file is changed only where the values are", arguments: cases)
    func edits(_ testCase: Case) throws {
        let result = try ZoweConfigEditor.edit(testCase.input, testCase.changes, file: "zowe.yaml")
        #expect(result == testCase.expected, "got:\n\(result)")
        // Applying the same changes again finds nothing to do.
        #expect(try ZoweConfigEditor.edit(result, testCase.changes, file: "zowe.yaml") == result)
    }

    /// Texts that a careless writer would let a YAML reader take for something else.
    static let awkward = [
        "7554", "0x1F", "1.5", "1e3", ".5", "-1", "+1", "1_000", "12:30", "0777", "true", "False", "yes", "no", "on", "off", "y", "n",
        "null", "~", "", " leading", "trailing ", "a: b", "a:b", "#hash", "a #b", "a#b", "*alias", "&anchor", "!tag", "%directive",
        "@at", "`tick", "-dash", "?question", "[list]", "{map}", "a, b", "|pipe", ">fold", "'single'", "\"double\"", "back\\slash",
        "tab\there", "new\nline", "é accent", "/global/zowe/keystore", "local_ca", "double  space", "2024-01-01",
    ]

    @Test("Strings are quoted when YAML would read them otherwise", arguments: awkward)
    func quoting(_ text: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("zowe.yaml", Array("zowe:\n  value: old\n".utf8))
        try ZoweConfigEditor.apply([.init("zowe.value", .string(text)), .init("zowe.new", .string(text)), .init("zowe.list", .strings([text]))], toFile: file)
        let config = try ZoweConfig.load(paths: [file], environment: [:])
        for path in ["zowe.value", "zowe.new", "zowe.list[0]"] {
            #expect(config.node(ConfigPath(path))?.text == text, "\(path): \(String(describing: config.node(ConfigPath(path))))")
            #expect(config.node(ConfigPath(path))?.typeName == "string", "\(path)")
        }
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let change: ZoweConfigEditor.Change
        let id: String
        let location: String
        let words: String
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "a value where a mapping is needed", input: "zowe: text\n", change: .init("zowe.certificate.file", .string("x")),
                id: "ZWEL2221E", location: "1:7", words: "zowe is a value, not a mapping"),
        Refusal(name: "a list where a mapping is needed", input: "zowe:\n  - a\n", change: .init("zowe.a", .string("x")),
                id: "ZWEL2221E", location: "2:3", words: "zowe is a list"),
        Refusal(name: "a mapping to be replaced by a value", input: "zowe:\n  job:\n    a: 1\n", change: .init("zowe.job", .string("x")),
                id: "ZWEL2220E", location: "3:5", words: "is a mapping"),
        Refusal(name: "an anchored mapping that others share", input: "base: &b\n  a: 1\nother: *b\n", change: .init("base.c", .integer(1)),
                id: "ZWEL2220E", location: "1:7", words: "anchor"),
        Refusal(name: "a value through an alias", input: "base: &b\n  a: 1\nother: *b\n", change: .init("other.a", .integer(2)),
                id: "ZWEL2220E", location: "3:8", words: "alias"),
        Refusal(name: "a flow mapping with a comment inside", input: "gateway: {\n  a: 1, # one\n  b: 2 }\n", change: .init("gateway.c", .integer(3)),
                id: "ZWEL2220E", location: "1:10", words: "comment"),
        Refusal(name: "a key below a flow list", input: "list: [{a: 1}]\n", change: .init("list[0].b", .integer(2)),
                id: "ZWEL2220E", location: "1:7", words: "flow-style list"),
        Refusal(name: "a list item that does not exist", input: "list: [a]\n", change: .init("list[3]", .string("x")),
                id: "ZWEL2220E", location: "1:7", words: "no item 3"),
        Refusal(name: "old Mac line endings", input: "zowe:\r  a: 1\r", change: .init("zowe.a", .integer(2)),
                id: "ZWEL2220E", location: "", words: "carriage return"),
    ]

    @Test("What cannot be edited safely is refused with where and why, and the file stays identical", arguments: refusals)
    func refused(_ refusal: Refusal) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("zowe.yaml", Array(refusal.input.utf8))
        let before = try #require(FileManager.default.contents(atPath: file))
        do {
            try ZoweConfigEditor.apply([refusal.change], toFile: file)
            Issue.record("no error")
        } catch {
            #expect(error.id == refusal.id, "\(error)")
            #expect(error.location == (refusal.location.isEmpty ? file : "\(file):\(refusal.location)"), "\(error)")
            #expect(error.message.contains(refusal.words), "\(error)")
        }
        #expect(FileManager.default.contents(atPath: file) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["zowe.yaml"], "no temporary file is left")
    }

    @Test("The file keeps its mode, a link keeps pointing at it, and an edit that changes nothing does not rewrite it")
    func fileHandling() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("real.yaml", Array("zowe:\n  a: 1\n".utf8))
        chmod(file, 0o640)
        let link = directory.path + "/zowe.yaml"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.yaml")
        #expect(try ZoweConfigEditor.apply([.init("zowe.b", .integer(2))], toFile: link))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.yaml")
        #expect(String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self) == "zowe:\n  a: 1\n  b: 2\n")
        var info = stat()
        stat(file, &info)
        #expect(info.st_mode & 0o7777 == 0o640)
        let inode = info.st_ino
        #expect(try ZoweConfigEditor.apply([.init("zowe.b", .integer(2))], toFile: link) == false)
        stat(file, &info)
        #expect(info.st_ino == inode, "not rewritten")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["real.yaml", "zowe.yaml"])
    }

    @Test("A folder this user cannot write to: ZWEL2223E, the file unchanged")
    func unwritableFolder() throws {
        guard geteuid() != 0 else { return }  // root writes anywhere
        let directory = try TemporaryDirectory()
        defer {
            chmod(directory.path, 0o755)
            directory.remove()
        }
        let file = try directory.write("zowe.yaml", Array("zowe:\n  a: 1\n".utf8))
        chmod(directory.path, 0o555)
        #expect(throws: Diagnostic.self) { try ZoweConfigEditor.apply([.init("zowe.a", .integer(2))], toFile: file) }
        #expect(FileManager.default.contents(atPath: file) == Data("zowe:\n  a: 1\n".utf8))
    }

    @Test("A file that is not YAML is reported with its position, not edited")
    func notYAML() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("zowe.yaml", Array("zowe:\n  a: [1\n".utf8))
        #expect {
            try ZoweConfigEditor.apply([.init("zowe.a", .integer(2))], toFile: file)
        } throws: { error in
            (error as? Diagnostic)?.id == "ZWEL1200E"
        }
        #expect(FileManager.default.contents(atPath: file) == Data("zowe:\n  a: [1\n".utf8))
    }
}

import Foundation
import Testing
import ZweConfiguration
import ZweMessages

/// The whole environment of both /bin/sh and the parser in these tests.
let shellEnvironment = [
    "HOME": "/home/tester",
    "TEST_ENV": "from the environment",
    "TEST_EMPTY": "",
    "PATH": "/usr/bin:/bin",
]

struct ShellCase: Sendable, CustomTestStringConvertible {
    let text: String
    var testDescription: String { text.debugDescription }
    init(_ text: String) { self.text = text }
}

/// Valid files whose values must be byte-for-byte what /bin/sh gets by sourcing them.
let shellCases: [ShellCase] = [
    ShellCase("A=1\nB=\nC=plain-text_with.dots/and:colons"),
    ShellCase("  A=x   # trailing comment\n\tB=y\t#tab comment\n# whole-line comment\nC=z#not-a-comment"),
    ShellCase("A='single $quoted `text` $(not run) \\ \" ;&|<>()'"),
    ShellCase("A='it'\\''s'\nB=''\"\"''\nC='a'\"b\"c\\d"),
    ShellCase("A=\"double \\\"quoted\\\" \\\\ \\$ \\` text\"\nB=\"keeps \\a \\n \\' \\} backslashes\""),
    ShellCase("A=a\\ b\\$c\\'d\\\"e\\\\f\\;g\\&h\\|i\\<j\\>k\\(l\\)m\\`n\\#o\\~p\\x"),
    ShellCase("A=a'b c'd\nB=x\"  y  \"z"),
    ShellCase("A=1\nB=$A\nC=${A}x\nD=$Ax\nE=\"$A\"'$A'$A"),
    ShellCase("A=x\nA=${A}y\nA=\"$A\"z\nB=$A$A"),
    ShellCase("A='a  b   c'\nB=$A\nC=\"$A\"\nD=${A}"),
    ShellCase("A='*'\nB=$A\nC=*\nD=[ab]?\nE={a,b}"),
    ShellCase("A=$TEST_ENV\nB=\"$TEST_ENV\"\nC=${TEST_ENV}!"),
    ShellCase("TEST_ENV=overridden\nA=$TEST_ENV"),
    ShellCase("A=$UNSET_VAR\nB=\"[$UNSET_VAR]\"\nC=${UNSET_VAR}"),
    ShellCase("A=${UNSET_VAR:-default}\nB=${UNSET_VAR-default}\nC=${TEST_EMPTY:-default}\nD=${TEST_EMPTY-default}"),
    ShellCase("E=\nA=${E:-d}\nB=${E-d}\nS=set\nC=${S:-d}\nD=${S-d}"),
    ShellCase("A=${UNSET_VAR:-a b\tc #d}\nB=\"${UNSET_VAR:-a b}\""),
    ShellCase("X=inner\nA=${UNSET_VAR:-$X}\nB=${UNSET_VAR:-${UNSET_2:-deep}}\nC=${UNSET_VAR:-pre${X}post}"),
    ShellCase("A=${UNSET_VAR:-a\\}b\\ c\\'d\\\"e}\nB=\"${UNSET_VAR:-a\\}b\\x\\\"\\$\\\\}\""),
    ShellCase("A=${UNSET_VAR:-{x}}\nB=${UNSET_VAR:-a$}\nC=${UNSET_VAR:-}\nD=${UNSET_VAR:-x:y}"),
    ShellCase("A=$\nB=a$\nC=$/x\nD=a$.b\nE=\"$\"\nF=\"a$\"b\nG=\"$'x'\""),
    ShellCase("A=~\nB=~/x\nC=x:~/y:~\nD=~:x\nE=a::~\nF=~/"),
    ShellCase("A=a~\nB=a/~\nC=\"~\"\nD='~'\nE=x\":\"~\nF=a\\:~\nG=\\~/x"),
    ShellCase("A=${UNSET_VAR:-~/d}\nB=${UNSET_VAR:-~}:~\nC=\"${UNSET_VAR:-~/d}\"\nD=${UNSET_VAR:-x~}\nE=x${UNSET_VAR:-~}"),
    ShellCase("HOME=/elsewhere\nA=~/x\nB=$HOME"),
    ShellCase("export A=1\nexport B='two words'\nexport C=\"$B\"\nexport A"),
    ShellCase("export D=$HOME/bin:$PATH\nexport E=\"$HOME\"/x\nexport F=${UNSET_VAR:-~}"),
    ShellCase("export=1\nexportX=2"),
    ShellCase("A=1\nA=2\nB=$A\nA=3"),
    ShellCase("A=héllo\nB='日本語 😀'\nC=\"ü $TEST_ENV\"\n# ünïcödé ✓\nD=x # ✓"),
    ShellCase("A=a\u{00A0}b\nB=\\é\nC=\"\u{2028}\""),
    ShellCase("A=a\rb\nB='x\ry'"),
    ShellCase("A=a=b=c\nB=x!y%z^,@+-\nC=}\nD=#"),
    ShellCase("A=a\\\tb\nB=\"\ttab\t\""),
    ShellCase("PATH_LIKE=/a:/b\nPATH_LIKE=$PATH_LIKE:/c\nJAVA_OPTS=\"-Xmx512m -Dfile.encoding=UTF-8\""),
    ShellCase("ZWE_zowe_runtimeDirectory=/opt/zowe\nZWE_zowe_logDirectory=${ZWE_zowe_runtimeDirectory}/logs\nLOG=\"$ZWE_zowe_logDirectory/zwe.log\""),
    ShellCase("KEYSTORE_PASSWORD='pa$$w0rd `x` \"q\" '\\'' end'\nCOPY=\"$KEYSTORE_PASSWORD\""),
    ShellCase("_=underscore\n_A=1\nA_=2\nA1_b2=3"),
    ShellCase("A=\"a\"'b'c\"$TEST_ENV\"'$TEST_ENV'$TEST_ENV"),
    ShellCase("GATEWAY_PORT=7554 # the port\nDISCOVERY_PORT=7553\t# another\nPORTS=\"$GATEWAY_PORT,$DISCOVERY_PORT\""),
    ShellCase("A=1\n\n\n   \n\t\nB=2\n"),
    ShellCase("A='no newline at end'"),
]

@Suite struct ShellEquivalenceTests {
    @Test(arguments: shellCases)
    func sameValuesAsShell(_ example: ShellCase) throws {
        let file = try EnvFile.parse(example.text, path: "case.env", environment: shellEnvironment)
        let keys = Array(Set(file.entries.map(\.key))).sorted()
        try #require(!keys.isEmpty)
        let fromShell = try valuesFromShell(example.text, keys: keys, environment: shellEnvironment)
        try #require(fromShell.count == keys.count)
        for (key, shellValue) in zip(keys, fromShell) {
            let parsed = Array((file[key] ?? "").utf8)
            #expect(parsed == shellValue, "\(key): parsed \(String(decoding: parsed, as: UTF8.self).debugDescription), sh \(String(decoding: shellValue, as: UTF8.self).debugDescription)")
        }
    }

    /// The valid-line table of the parser tests, checked against the shell as well.
    @Test(arguments: validCases)
    func validLineMatchesShell(_ example: ValidCase) throws {
        let fromShell = try valuesFromShell(example.text, keys: [example.key], environment: testEnvironment)
        #expect(fromShell == [Array(example.expected.utf8)])
    }

    @Test func quoteWritesOneSingleQuotedWord() {
        #expect(ShellQuoting.quote("") == "''")
        #expect(ShellQuoting.quote("abc") == "'abc'")
        #expect(ShellQuoting.quote("it's") == "'it'\\''s'")
        #expect(ShellQuoting.quote("'") == "''\\'''")
        #expect(ShellQuoting.quote("$(x) `y` \\ \"") == "'$(x) `y` \\ \"'")
    }

    @Test func renderWritesHeaderThenAssignments() {
        let text = ShellQuoting.render(
            [("A", "1"), ("B", "it's"), ("C", "")],
            header: ["Written by a test.", "", "# already a comment", "two\nlines"])
        #expect(text == """
            # Written by a test.
            #
            # already a comment
            # two
            # lines
            A='1'
            B='it'\\''s'
            C=''

            """)
        #expect(ShellQuoting.render([("A", "x")], header: []) == "A='x'\n")
        #expect(ShellQuoting.render([], header: []) == "")
    }

    @Test func renderedNewlineIsRejectedNotMisread() {
        let text = ShellQuoting.render([("A", "two\nlines")], header: [])
        #expect {
            _ = try EnvFile.parse(text, path: "t.env", environment: [:])
        } throws: { error in
            (error as? Diagnostic)?.id == "ZWEL1003E"
        }
    }

    @Test func isNameAcceptsShellNames() {
        #expect(ShellQuoting.isName("A"))
        #expect(ShellQuoting.isName("_a1"))
        #expect(!ShellQuoting.isName(""))
        #expect(!ShellQuoting.isName("1A"))
        #expect(!ShellQuoting.isName("A-B"))
        #expect(!ShellQuoting.isName("É"))
    }

    @Test func quotedValuesRoundTripThroughParserAndShell() throws {
        let values = Self.roundTripValues()
        let pairs = values.enumerated().map { ("V\($0.offset)", $0.element) }
        let text = ShellQuoting.render(pairs, header: ["Round trip test", "values: \(values.count)"])

        let file = try EnvFile.parse(text, path: "roundtrip.env", environment: [:])
        #expect(file.entries.count == values.count)
        for (key, value) in pairs {
            #expect(Array((file[key] ?? "<missing>").utf8) == Array(value.utf8), "\(key): \(value.debugDescription)")
            // Each single value parses back on its own line too.
            let single = try EnvFile.parse("X=" + ShellQuoting.quote(value), path: "one.env", environment: [:])
            #expect(Array((single["X"] ?? "<missing>").utf8) == Array(value.utf8))
        }

        let fromShell = try valuesFromShell(text, keys: pairs.map(\.0), environment: ["PATH": "/usr/bin:/bin"])
        try #require(fromShell.count == values.count)
        for (index, value) in values.enumerated() {
            #expect(fromShell[index] == Array(value.utf8), "V\(index): \(value.debugDescription)")
        }
    }

    /// Hand-picked awkward strings, then random printable ASCII mixed with some non-ASCII
    /// characters, from a fixed seed.
    static func roundTripValues() -> [String] {
        var values = [
            "", " ", "  leading and trailing  ", "'", "''", "'\\''", "\"", "\\", "\\\\", "`", "``",
            "$", "$$", "$(x)", "$((1+2))", "${HOME}", "$HOME", "`id`", "#", " #", "a # b", "~", "~/x",
            "~user", "x:~", "a;b&c|d<e>f(g)", "*", "?", "[a]", "{a,b}", "!", "\t", "tab\there",
            "it's", "\"quoted\"", "back\\slash", "end\\", "\\'", "'\\''\\", "é", "日本語", "😀",
            "\u{00A0}", "\r", "a\rb", "x\r", "=", "A=B", "-n", "--", "%s", "\\0",
        ]
        var generator = SeededGenerator(state: 0x5A0E_E4F1_1E5E_ED01)
        let ascii = (0x20...0x7E).map { Character(Unicode.Scalar(UInt8($0))) }
        let extra: [Character] = ["é", "ß", "→", "日", "😀", "\u{00A0}", "\t", "Ω"]
        for _ in 0..<300 {
            let length = Int.random(in: 0...40, using: &generator)
            var value = ""
            for _ in 0..<length {
                if Int.random(in: 0..<10, using: &generator) == 0 {
                    value.append(extra.randomElement(using: &generator)!)
                } else {
                    value.append(ascii.randomElement(using: &generator)!)
                }
            }
            values.append(value)
        }
        return values
    }
}

import Foundation
import Testing
import ZweConfiguration
import ZweMessages

struct ValidCase: Sendable, CustomTestStringConvertible {
    let text: String
    let key: String
    let expected: String
    var testDescription: String { text.debugDescription }

    init(_ text: String, _ key: String, _ expected: String) {
        self.text = text
        self.key = key
        self.expected = expected
    }

    init(_ text: String, _ expected: String) {
        self.init(text, "A", expected)
    }
}

/// Each text parsed against `testEnvironment` gives `key` the value `expected`.
let validCases: [ValidCase] = [
    // assignments, blanks and comments
    ValidCase("A=1", "1"),
    ValidCase("A=", ""),
    ValidCase("  A=x", "x"),
    ValidCase("\t A=x", "x"),
    ValidCase("A=x   \t", "x"),
    ValidCase("_A1=x", "_A1", "x"),
    ValidCase("lower_case=x", "lower_case", "x"),
    ValidCase("GATEWAY_PORT=7554 # the port", "GATEWAY_PORT", "7554"),
    ValidCase("A=x\t# comment", "x"),
    ValidCase("A= # only a comment", ""),
    ValidCase("A=a#b", "a#b"),
    ValidCase("A=#x", "#x"),
    ValidCase("A='x'#y", "x#y"),
    ValidCase("A='x' # c", "x"),
    ValidCase("# comment\n\n   \t\n  # indented comment\nA=1\n", "1"),
    ValidCase("A=a=b", "a=b"),
    ValidCase("A=x!y%z^,@+", "x!y%z^,@+"),
    ValidCase("A={a,b}", "{a,b}"),
    ValidCase("A=}", "}"),
    ValidCase("A=*.txt", "*.txt"),
    ValidCase("A=[a]?", "[a]?"),
    ValidCase("A=a\rb", "a\rb"),
    // export
    ValidCase("export A=1", "1"),
    ValidCase("export\tA=1", "1"),
    ValidCase("  export   A=1   # c", "1"),
    ValidCase("export=1", "export", "1"),
    ValidCase("exportA=1", "exportA", "1"),
    ValidCase("A=1\nexport A", "1"),
    ValidCase("A=1\nexport A # exported", "1"),
    ValidCase("B='a b'\nexport A=\"$B\"", "a b"),
    ValidCase("export A=$HOME/bin", "/home/zowe/bin"),
    // single quotes
    ValidCase("A='a b'", "a b"),
    ValidCase("A=''", ""),
    ValidCase("A='$B ${B} `id` $(id) \\ \" ;&|<>() ~'", "$B ${B} `id` $(id) \\ \" ;&|<>() ~"),
    ValidCase("A='#not a comment'", "#not a comment"),
    ValidCase("A='it'\\''s'", "it's"),
    ValidCase("A='trailing backslash\\'", "trailing backslash\\"),
    // double quotes
    ValidCase("A=\"a b\"", "a b"),
    ValidCase("A=\"\\\"\\\\\\$\\`\"", "\"\\$`"),
    ValidCase("A=\"\\a\\n\\'\\}\"", "\\a\\n\\'\\}"),
    ValidCase("A=\"'\"", "'"),
    ValidCase("A=\"a;b&c|d<e>f(g)#\"", "a;b&c|d<e>f(g)#"),
    ValidCase("A=\"~/x\"", "~/x"),
    ValidCase("A=\"$\"", "$"),
    ValidCase("A=\"a$\"b", "a$b"),
    ValidCase("A=\"$'x'\"", "$'x'"),
    ValidCase("A=\"$ $. $/\"", "$ $. $/"),
    // backslash outside quotes
    ValidCase("A=a\\ b", "a b"),
    ValidCase("A=\\$B", "$B"),
    ValidCase("A=\\'", "'"),
    ValidCase("A=\\\"", "\""),
    ValidCase("A=\\\\", "\\"),
    ValidCase("A=\\;\\&\\|\\<\\>\\(\\)\\`", ";&|<>()`"),
    ValidCase("A=x\\ #y", "x #y"),
    ValidCase("A=\\~", "~"),
    ValidCase("A=\\x", "x"),
    ValidCase("A=a\\\tb", "a\tb"),
    // concatenation
    ValidCase("A=a'b c'd", "ab cd"),
    ValidCase("A=a\"b\"'c'\\d", "abcd"),
    ValidCase("A=\"\"''", ""),
    ValidCase("B=1\nA=x\"$B\"'$B'$B", "x1$B1"),
    // expansions from the file and the environment
    ValidCase("B=1\nA=$B", "1"),
    ValidCase("B=1\nA=${B}x", "1x"),
    ValidCase("B=1\nA=$Bx", ""),
    ValidCase("B=1\nA=$B_x", ""),
    ValidCase("B=1\nA=\"$B\"", "1"),
    ValidCase("B=x\nA=$B$B", "xx"),
    ValidCase("B=x\nA=$B:$B/$B.$B", "x:x/x.x"),
    ValidCase("A=$FROM_ENV", "environment value"),
    ValidCase("FROM_ENV=file\nA=$FROM_ENV", "file"),
    ValidCase("B=1\nB=2\nA=$B", "2"),
    ValidCase("A=x\nA=${A}y", "xy"),
    ValidCase("A=$UNSET_X", ""),
    ValidCase("B='a  b'\nA=$B", "a  b"),
    ValidCase("B='*'\nA=$B", "*"),
    ValidCase("A=$", "$"),
    ValidCase("A=a$/b", "a$/b"),
    ValidCase("A=$.x", "$.x"),
    ValidCase("A=a$ # c", "a$"),
    // defaults
    ValidCase("A=${UNSET_X:-def}", "def"),
    ValidCase("A=${EMPTY_ENV:-def}", "def"),
    ValidCase("A=${EMPTY_ENV-def}", ""),
    ValidCase("A=${UNSET_X-def}", "def"),
    ValidCase("B=v\nA=${B:-def}", "v"),
    ValidCase("B=v\nA=${B-def}", "v"),
    ValidCase("A=${UNSET_X:-a b}", "a b"),
    ValidCase("A=${UNSET_X:-a\tb #c}", "a\tb #c"),
    ValidCase("A=${UNSET_X:-$FROM_ENV}", "environment value"),
    ValidCase("A=${UNSET_X:-${UNSET_Y:-deep}}", "deep"),
    ValidCase("A=${UNSET_X:-a\\}b\\'c}", "a}b'c"),
    ValidCase("A=\"${UNSET_X:-a\\}b\\x\\\"}\"", "a}b\\x\""),
    ValidCase("A=${UNSET_X:-}", ""),
    ValidCase("A=${UNSET_X:-{x}}", "{x}"),
    ValidCase("A=${UNSET_X:-x:y}", "x:y"),
    ValidCase("A=${UNSET_X:-a$}", "a$"),
    ValidCase("A=\"${UNSET_X:-a b}\"", "a b"),
    ValidCase("A=pre${UNSET_X-mid}post", "premidpost"),
    // tilde
    ValidCase("A=~", "/home/zowe"),
    ValidCase("A=~/x", "/home/zowe/x"),
    ValidCase("A=~ # home", "/home/zowe"),
    ValidCase("A=x:~/y:~", "x:/home/zowe/y:/home/zowe"),
    ValidCase("A=~:x", "/home/zowe:x"),
    ValidCase("A=a::~", "a::/home/zowe"),
    ValidCase("A=a~", "a~"),
    ValidCase("A=a/~", "a/~"),
    ValidCase("A=\"~\"", "~"),
    ValidCase("A='~'", "~"),
    ValidCase("A=x\":\"~", "x:~"),
    ValidCase("A=a\\:~", "a:~"),
    ValidCase("A=${UNSET_X:-~/d}", "/home/zowe/d"),
    ValidCase("A=${UNSET_X:-~}:~", "/home/zowe:/home/zowe"),
    ValidCase("A=\"${UNSET_X:-~/d}\"", "~/d"),
    ValidCase("A=${UNSET_X:-x~}", "x~"),
    ValidCase("HOME=/other\nA=~", "/other"),
    // duplicates
    ValidCase("A=1\nA=2", "2"),
    ValidCase("A=1\nB=2\nA=3\n", "3"),
    // unicode
    ValidCase("A=héllo", "héllo"),
    ValidCase("A='日本語 😀'", "日本語 😀"),
    ValidCase("A=\"ü $FROM_ENV\"", "ü environment value"),
    ValidCase("# ünïcödé comment ✓\nA=1 # ✓ comment", "1"),
    ValidCase("A=a\u{00A0}b", "a\u{00A0}b"),
    ValidCase("A=\\é", "é"),
]

struct InvalidCase: Sendable, CustomTestStringConvertible {
    let text: String
    let id: String
    let location: String
    let environment: [String: String]
    var testDescription: String { text.debugDescription }

    init(_ text: String, _ id: String, _ location: String, environment: [String: String] = testEnvironment) {
        self.text = text
        self.id = id
        self.location = location
        self.environment = environment
    }
}

/// Each text is rejected with message `id` at `location`.
let invalidCases: [InvalidCase] = [
    // command substitution, never run
    InvalidCase("A=$(touch /tmp/x)", "ZWEL1002E", "t.env:1:3"),
    InvalidCase("A=`id`", "ZWEL1002E", "t.env:1:3"),
    InvalidCase("A=\"x$(id)\"", "ZWEL1002E", "t.env:1:5"),
    InvalidCase("A=\"x`id`\"", "ZWEL1002E", "t.env:1:5"),
    InvalidCase("A=$((1+2))", "ZWEL1002E", "t.env:1:3"),
    InvalidCase("A=$[1+2]", "ZWEL1002E", "t.env:1:3"),
    InvalidCase("A=${B:-$(id)}", "ZWEL1002E", "t.env:1:8"),
    InvalidCase("A=${B:-`id`}", "ZWEL1002E", "t.env:1:8"),
    InvalidCase("B=set\nA=${B:-$(id)}", "ZWEL1002E", "t.env:2:8"),
    InvalidCase("A=x$(id", "ZWEL1002E", "t.env:1:4"),
    // not one assignment
    InvalidCase("A=1 B=2", "ZWEL1005E", "t.env:1:5"),
    InvalidCase("A=1 echo", "ZWEL1005E", "t.env:1:5"),
    InvalidCase("A=1\t\tB=2 # c", "ZWEL1005E", "t.env:1:6"),
    InvalidCase("A = 1", "ZWEL1005E", "t.env:1:2"),
    InvalidCase("A =1", "ZWEL1005E", "t.env:1:2"),
    InvalidCase("A= 1", "ZWEL1005E", "t.env:1:4"),
    InvalidCase("1KEY=x", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("  1KEY=x", "ZWEL1005E", "t.env:1:3"),
    InvalidCase("echo hi", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("foo", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("A-B=1", "ZWEL1005E", "t.env:1:2"),
    InvalidCase("  A.B=1", "ZWEL1005E", "t.env:1:4"),
    InvalidCase("A+=1", "ZWEL1005E", "t.env:1:2"),
    InvalidCase("=1", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("$A=1", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("'A'=1", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("export", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("  export   # c", "ZWEL1005E", "t.env:1:3"),
    InvalidCase("export A B", "ZWEL1005E", "t.env:1:10"),
    InvalidCase("export A=1 B=2", "ZWEL1005E", "t.env:1:12"),
    InvalidCase("export 1A", "ZWEL1005E", "t.env:1:8"),
    InvalidCase("export -n A", "ZWEL1005E", "t.env:1:8"),
    InvalidCase("readonly A=1", "ZWEL1005E", "t.env:1:1"),
    InvalidCase("A=1\nB=2 3", "ZWEL1005E", "t.env:2:5"),
    InvalidCase("A='é' B", "ZWEL1005E", "t.env:1:7"),
    InvalidCase("\u{FEFF}A=1", "ZWEL1005E", "t.env:1:1"),
    // quotes
    InvalidCase("A='abc", "ZWEL1003E", "t.env:1:3"),
    InvalidCase("A=\"abc", "ZWEL1003E", "t.env:1:3"),
    InvalidCase("A=x'abc", "ZWEL1003E", "t.env:1:4"),
    InvalidCase("A='it\\'s'", "ZWEL1003E", "t.env:1:9"),
    InvalidCase("B=1\nA=\"abc", "ZWEL1003E", "t.env:2:3"),
    InvalidCase("A=\"abc\\\"", "ZWEL1003E", "t.env:1:3"),
    // line continuation
    InvalidCase("A=abc\\", "ZWEL1004E", "t.env:1:6"),
    InvalidCase("A=abc\\\nB=1", "ZWEL1004E", "t.env:1:6"),
    InvalidCase("A=\"abc\\", "ZWEL1004E", "t.env:1:7"),
    InvalidCase("A=${B:-x\\", "ZWEL1004E", "t.env:1:9"),
    // CR LF
    InvalidCase("A=1\r", "ZWEL1008E", "t.env:1:4"),
    InvalidCase("A=1\r\nB=2\r\n", "ZWEL1008E", "t.env:1:4"),
    InvalidCase("# comment\r\n", "ZWEL1008E", "t.env:1:10"),
    InvalidCase("\r\n", "ZWEL1008E", "t.env:1:1"),
    InvalidCase("B=1\nA='x'\r\n", "ZWEL1008E", "t.env:2:6"),
    // unsupported expansions
    InvalidCase("A=${A:=x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${A=x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${A:+x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${A+x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${A:?x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${#B}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${B%x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${B#x}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${B/a/b}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${B:1}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${!B}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${1}", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=x${B", "ZWEL1006E", "t.env:1:4"),
    InvalidCase("A=${B:-x", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=\"${B:-x\"", "ZWEL1006E", "t.env:1:10"),
    InvalidCase("A=$1", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=\"$0\"", "ZWEL1006E", "t.env:1:4"),
    InvalidCase("A=$@", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$*", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$#", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$?", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$$", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$!", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$-", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${B:-'x'}", "ZWEL1006E", "t.env:1:8"),
    InvalidCase("A=${B:-a\"x\"}", "ZWEL1006E", "t.env:1:9"),
    InvalidCase("A=$'x'", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=$\"x\"", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=~user", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=~user/x", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=x:~root", "ZWEL1006E", "t.env:1:5"),
    InvalidCase("A=~\"x\"", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=~~", "ZWEL1006E", "t.env:1:3"),
    InvalidCase("A=${B:-x:~}", "ZWEL1006E", "t.env:1:10"),
    InvalidCase("A=${B:-~user}", "ZWEL1006E", "t.env:1:8"),
    InvalidCase("A=~", "ZWEL1006E", "t.env:1:3", environment: [:]),
    InvalidCase("A=x:~/y", "ZWEL1006E", "t.env:1:5", environment: ["HOME": ""]),
    InvalidCase("export A=$FROM_ENV", "ZWEL1006E", "t.env:1:10"),
    InvalidCase("B='*'\nexport A=x$B", "ZWEL1006E", "t.env:2:11"),
    InvalidCase("export A=${UNSET_X:-a b}", "ZWEL1006E", "t.env:1:10"),
    InvalidCase("export A=~/x", "ZWEL1006E", "t.env:1:10"),
    InvalidCase("export A=x:~", "ZWEL1006E", "t.env:1:12"),
    // shell syntax
    InvalidCase("A=a;b", "ZWEL1007E", "t.env:1:4"),
    InvalidCase("A=1;", "ZWEL1007E", "t.env:1:4"),
    InvalidCase("A=1 ;", "ZWEL1007E", "t.env:1:5"),
    InvalidCase("A=a&", "ZWEL1007E", "t.env:1:4"),
    InvalidCase("A=a|b", "ZWEL1007E", "t.env:1:4"),
    InvalidCase("A=<x", "ZWEL1007E", "t.env:1:3"),
    InvalidCase("A=1 >x", "ZWEL1007E", "t.env:1:5"),
    InvalidCase("A=(x)", "ZWEL1007E", "t.env:1:3"),
    InvalidCase("A=a)", "ZWEL1007E", "t.env:1:4"),
    InvalidCase("A=é;", "ZWEL1007E", "t.env:1:4"),
    InvalidCase("(A=1)", "ZWEL1007E", "t.env:1:1"),
    InvalidCase("A(=1", "ZWEL1007E", "t.env:1:2"),
    InvalidCase("export A;", "ZWEL1007E", "t.env:1:9"),
    InvalidCase("A=${B:-a;b}", "ZWEL1007E", "t.env:1:9"),
    InvalidCase("A=~;", "ZWEL1007E", "t.env:1:4"),
    // NUL
    InvalidCase("A=a\u{0}b", "ZWEL1010E", "t.env:1:4"),
    InvalidCase("A=1\n# \u{0}", "ZWEL1010E", "t.env:2:3"),
]

@Suite struct EnvFileParseTests {
    @Test(arguments: validCases)
    func validLine(_ example: ValidCase) throws {
        let file = try parse(example.text)
        let value = try #require(file[example.key])
        // Bytes, not String ==, which would accept a different normalization.
        #expect(Array(value.utf8) == Array(example.expected.utf8))
    }

    @Test(arguments: invalidCases)
    func invalidLine(_ example: InvalidCase) {
        #expect {
            _ = try EnvFile.parse(example.text, path: "t.env", environment: example.environment)
        } throws: { error in
            guard let diagnostic = error as? Diagnostic else { return false }
            #expect(diagnostic.id == example.id, "\(diagnostic)")
            #expect(diagnostic.location == example.location, "\(diagnostic)")
            // Every placeholder of the message is filled.
            for placeholder in ["{detail}", "{quote}", "{path}"] {
                #expect(!diagnostic.message.contains(placeholder), "\(diagnostic)")
            }
            return diagnostic.id == example.id && diagnostic.location == example.location
        }
    }

    @Test func messagesNameTheOffendingText() throws {
        func diagnostic(_ text: String) -> Diagnostic? {
            do {
                _ = try parse(text)
                return nil
            } catch {
                return error
            }
        }
        #expect(diagnostic("A=$(touch /tmp/x)")?.values["detail"] == "$(touch /tmp/x)")
        #expect(diagnostic("A=\"`id` x\"")?.values["detail"] == "`id`")
        #expect(diagnostic("A='x")?.values["quote"] == "single")
        #expect(diagnostic("A=\"x")?.values["quote"] == "double")
        #expect(diagnostic("A=${A:=x}")?.values["detail"] == "'${A:=x}'")
        #expect(diagnostic("A=1 B=2")?.values["detail"]?.contains("several words/assignments on one line") == true)
        #expect(diagnostic("A = 1")?.values["detail"]?.contains("spaces around '='") == true)
        #expect(diagnostic("A=a;b")?.values["detail"] == "';'")
        let long = diagnostic("A=$(" + String(repeating: "x", count: 200) + ")")
        #expect((long?.values["detail"]?.count ?? 0) < 80)
    }

    @Test func commandsAreNeverRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.path + "/pwned"
        let attempts = [
            "A=$(touch \(target))",
            "A=`touch \(target)`",
            "A=\"$(touch \(target))\"",
            "A=\"`touch \(target)`\"",
            "A=${UNSET_X:-$(touch \(target))}",
            "A=$((0))$(touch \(target))",
        ]
        for text in attempts {
            #expect(throws: Diagnostic.self) { try parse(text) }
            #expect(throws: Diagnostic.self) {
                _ = try EnvFile.load(path: try directory.write("attempt.env", Array(text.utf8)), environment: testEnvironment)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func entriesKeepFileOrderAndDuplicates() throws {
        let file = try parse("# header\nA=1\n\nexport B=two\nA=3 # again\nexport B\nC=\n")
        #expect(file.entries == [
            EnvEntry(key: "A", value: "1", line: 2, exported: false),
            EnvEntry(key: "B", value: "two", line: 4, exported: true),
            EnvEntry(key: "A", value: "3", line: 5, exported: false),
            EnvEntry(key: "C", value: "", line: 7, exported: false),
        ])
        #expect(file.values == ["A": "3", "B": "two", "C": ""])
        #expect(file["A"] == "3")
        #expect(file["C"] == "")
        #expect(file["MISSING"] == nil)
        #expect(file.location(of: "A") == "t.env:5")
        #expect(file.location(of: "B") == "t.env:4")
        #expect(file.location(of: "MISSING") == nil)
        #expect(file.entry(for: "A")?.line == 5)
        #expect(file.path == "t.env")
    }

    @Test func exportAloneAssignsNothing() throws {
        let file = try parse("export FROM_ENV\nexport NEVER_SET")
        #expect(file.entries.isEmpty)
        #expect(file["FROM_ENV"] == nil)
    }

    @Test func emptyTextHasNoEntries() throws {
        #expect(try parse("").entries.isEmpty)
        #expect(try parse("\n\n  \n# c").entries.isEmpty)
    }

    @Test func environmentIsOnlyAFallback() throws {
        // Assigning a key in the file does not change what the caller passed in, and a key
        // read before its assignment sees the environment.
        let file = try parse("A=$FROM_ENV\nFROM_ENV=mine\nB=$FROM_ENV", environment: ["FROM_ENV": "outer"])
        #expect(file["A"] == "outer")
        #expect(file["B"] == "mine")
        #expect(file["FROM_ENV"] == "mine")
    }

    @Test func unusedDefaultsAreStillChecked() throws {
        #expect(throws: Diagnostic.self) { try parse("B=set\nA=${B:-~user}") }
        // An unused default needs no HOME.
        let file = try parse("B=set\nA=${B:-~/x}", environment: [:])
        #expect(file["A"] == "set")
    }

    @Test func loadReadsAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("instance.env", Array("# instance\nZWE_PORT=7554\nHOST_DIR=~/zowe\n".utf8))
        let file = try EnvFile.load(path: path, environment: ["HOME": "/u/zowe"])
        #expect(file.path == path)
        #expect(file.values == ["ZWE_PORT": "7554", "HOST_DIR": "/u/zowe/zowe"])
        #expect(file.location(of: "HOST_DIR") == "\(path):3")
    }

    @Test func loadReportsAMissingFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.path + "/nope.env"
        #expect {
            _ = try EnvFile.load(path: missing, environment: [:])
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.id == "ZWEL1001E" && diagnostic?.values["path"] == missing
        }
        // A directory cannot be read as a file either.
        #expect {
            _ = try EnvFile.load(path: directory.path, environment: [:])
        } throws: { error in
            (error as? Diagnostic)?.id == "ZWEL1001E"
        }
    }

    @Test func loadRejectsTextThatIsNotUTF8() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Latin-1 é on line 2.
        let path = try directory.write("latin1.env", [0x41, 0x3D, 0x31, 0x0A, 0x42, 0x3D, 0xE9, 0x0A])
        #expect {
            _ = try EnvFile.load(path: path, environment: [:])
        } throws: { error in
            let diagnostic = error as? Diagnostic
            return diagnostic?.id == "ZWEL1009E" && diagnostic?.values["path"] == path
                && diagnostic?.location == "\(path):2"
        }
    }

    @Test func loadReportsErrorsWithThePath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("bad.env", Array("A=1\nB=$(id)\n".utf8))
        #expect {
            _ = try EnvFile.load(path: path, environment: [:])
        } throws: { error in
            (error as? Diagnostic)?.location == "\(path):2:3"
        }
    }

    @Test func manyLinesParse() throws {
        // Not timed: only shows that a large file parses and keeps every line.
        var text = ""
        for i in 0..<5000 {
            text += "KEY_\(i)=\"value ${KEY_0:-none} \(i)\" # comment\n"
        }
        let file = try parse(text)
        #expect(file.entries.count == 5000)
        #expect(file["KEY_4999"]?.hasSuffix(" 4999") == true)
    }
}

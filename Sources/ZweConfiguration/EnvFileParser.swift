import ZweMessages

// The reader works on UTF-8 bytes: every character with a meaning to the grammar is ASCII,
// and UTF-8 never puts an ASCII byte inside a multi-byte character, so other characters
// pass through byte by byte and values come out exactly as written.
private enum Byte {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let nul: UInt8 = 0
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let hash = UInt8(ascii: "#")
    static let equals = UInt8(ascii: "=")
    static let singleQuote = UInt8(ascii: "'")
    static let doubleQuote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let backtick = UInt8(ascii: "`")
    static let dollar = UInt8(ascii: "$")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let colon = UInt8(ascii: ":")
    static let minus = UInt8(ascii: "-")
    static let tilde = UInt8(ascii: "~")
    static let slash = UInt8(ascii: "/")
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let export = Array("export".utf8)

    static func isBlank(_ b: UInt8) -> Bool { b == space || b == tab }
    static func isNameStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
    }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isNameChar(_ b: UInt8) -> Bool { isNameStart(b) || isDigit(b) }
    /// Characters that end a word or start a redirection or subshell in a shell.
    static func isOperator(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "<"),
             UInt8(ascii: ">"), openParen, closeParen: true
        default: false
        }
    }
    /// `$` followed by one of these names a positional or special parameter.
    static func isSpecialParameter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "@"), UInt8(ascii: "*"), UInt8(ascii: "#"), UInt8(ascii: "?"),
             UInt8(ascii: "$"), UInt8(ascii: "!"), minus: true
        default: isDigit(b)
        }
    }
    /// Characters an older shell would split or glob on in `export A=$B`.
    static func isSplitOrGlob(_ b: UInt8) -> Bool {
        switch b {
        case space, tab, newline, UInt8(ascii: "*"), UInt8(ascii: "?"), openBracket: true
        default: false
        }
    }
}

/// Where text is being read; it decides which characters are special.
private enum Context {
    case unquoted
    case doubleQuoted
    /// The default word of `${VAR:-...}` in unquoted text.
    case unquotedDefault
    /// The default word of `"${VAR:-...}"`.
    case doubleQuotedDefault

    var isDoubleQuoted: Bool { self == .doubleQuoted || self == .doubleQuotedDefault }
    var defaultContext: Context { isDoubleQuoted ? .doubleQuotedDefault : .unquotedDefault }
}

/// A one-pass reader over the bytes of an env file. It evaluates while it reads, because a
/// line may refer to keys assigned on the lines before it, exactly as when a shell sources
/// the file.
struct EnvFileParser {
    let text: UnsafeBufferPointer<UInt8>
    let path: String
    let environment: [String: String]

    private var assigned: [String: String] = [:]
    private var entries: [EnvEntry] = []
    private var lineNumber = 0
    private var lineStart = 0
    private var lineEnd = 0
    private var value: [UInt8] = []

    init(text: UnsafeBufferPointer<UInt8>, path: String, environment: [String: String]) {
        self.text = text
        self.path = path
        self.environment = environment
    }

    mutating func parse() throws(Diagnostic) -> [EnvEntry] {
        var start = 0
        let count = text.count
        while start < count {
            var end = start
            while end < count, text[end] != Byte.newline {
                if text[end] == Byte.nul {
                    lineNumber += 1
                    lineStart = start
                    throw diagnostic(MessageCatalog.envNulCharacter, at: end)
                }
                end += 1
            }
            lineNumber += 1
            lineStart = start
            lineEnd = end
            try parseLine()
            start = end + 1
        }
        return entries
    }

    // MARK: lines

    private mutating func parseLine() throws(Diagnostic) {
        if lineEnd > lineStart, text[lineEnd - 1] == Byte.carriageReturn {
            throw diagnostic(MessageCatalog.envCarriageReturn, at: lineEnd - 1)
        }
        var i = skipBlanks(from: lineStart)
        if i == lineEnd || text[i] == Byte.hash { return }
        if lineNumber == 1, i == 0, starts(with: Byte.byteOrderMark, at: 0) {
            throw notAssignment("the file starts with a UTF-8 byte order mark (U+FEFF); save it without one", at: 0)
        }

        var exported = false
        let exportEnd = i + Byte.export.count
        if starts(with: Byte.export, at: i), exportEnd == lineEnd || Byte.isBlank(text[exportEnd]) {
            let exportStart = i
            i = skipBlanks(from: exportEnd)
            if i == lineEnd || text[i] == Byte.hash {
                throw notAssignment("'export' without a NAME or NAME=VALUE", at: exportStart)
            }
            exported = true
        }

        let nameStart = i
        while i < lineEnd, Byte.isNameChar(text[i]) { i += 1 }
        let nameEnd = i

        guard i < lineEnd, text[i] == Byte.equals else {
            try rejectNonAssignment(nameStart: nameStart, nameEnd: nameEnd, exported: exported)
            // `export NAME` alone changes no value.
            return
        }
        if nameStart == nameEnd {
            throw notAssignment("no NAME before '='", at: i)
        }
        if Byte.isDigit(text[nameStart]) {
            throw notAssignment("'\(string(nameStart..<nameEnd))' is not a valid name: a name starts with a letter or '_'", at: nameStart)
        }
        let key = string(nameStart..<nameEnd)

        value.removeAll(keepingCapacity: true)
        let valueEnd = try readAssignedWord(from: i + 1, exported: exported)
        try expectEndOfLine(after: valueEnd)

        let result = String(decoding: value, as: UTF8.self)
        assigned[key] = result
        entries.append(EnvEntry(key: key, value: result, line: lineNumber, exported: exported))
    }

    /// Explains why a line that does not continue with `NAME=` is wrong, or returns for
    /// `export NAME`, the one such line a shell reads without effect on values.
    private func rejectNonAssignment(nameStart: Int, nameEnd: Int, exported: Bool) throws(Diagnostic) {
        let i = nameEnd
        if i < lineEnd, !Byte.isBlank(text[i]) {
            if Byte.isOperator(text[i]) { throw shellSyntax(at: i) }
            if nameStart == nameEnd {
                throw notAssignment("expected a NAME, found '\(character(at: i))'", at: i)
            }
            throw notAssignment("'\(character(at: i))' cannot be part of a name", at: i)
        }
        let next = skipBlanks(from: i)
        if next < lineEnd, text[next] == Byte.equals {
            throw notAssignment("spaces around '=' are not allowed; write NAME=VALUE", at: i)
        }
        if Byte.isDigit(text[nameStart]) {
            throw notAssignment("'\(string(nameStart..<nameEnd))' is not a valid name: a name starts with a letter or '_'", at: nameStart)
        }
        if !exported {
            throw notAssignment("'\(string(nameStart..<nameEnd))' is a word on its own, not NAME=VALUE", at: nameStart)
        }
        try expectEndOfLine(after: i)
    }

    /// After the value only blanks and a comment may follow; a shell would read anything
    /// else as a second assignment or a command to run.
    private func expectEndOfLine(after end: Int) throws(Diagnostic) {
        let next = skipBlanks(from: end)
        guard next < lineEnd, text[next] != Byte.hash else { return }
        if Byte.isOperator(text[next]) { throw shellSyntax(at: next) }
        var wordEnd = next
        while wordEnd < lineEnd, !Byte.isBlank(text[wordEnd]) { wordEnd += 1 }
        throw notAssignment(
            "several words/assignments on one line: '\(excerpt(next..<wordEnd))' comes after the first; "
                + "put each assignment on its own line and quote values that contain spaces",
            at: next)
    }

    // MARK: words

    /// Reads the word after `NAME=` into `value` and returns the index where it ends.
    private mutating func readAssignedWord(from start: Int, exported: Bool) throws(Diagnostic) -> Int {
        var i = start
        // A shell expands `~` at the start of an assignment's value and after each
        // unquoted ':' in it (so PATH-like values work).
        var tildeAllowed = true
        while i < lineEnd {
            let b = text[i]
            if Byte.isBlank(b) { break }
            var afterColon = false
            switch b {
            case Byte.singleQuote:
                i = try readSingleQuoted(at: i)
            case Byte.doubleQuote:
                i = try readDoubleQuoted(at: i)
            case Byte.backslash:
                guard i + 1 < lineEnd else { throw diagnostic(MessageCatalog.envLineContinuation, at: i) }
                value.append(text[i + 1])
                i += 2
            case Byte.dollar:
                let before = value.count
                let next = try expandDollar(at: i, context: .unquoted, active: true)
                if exported, value[before...].contains(where: Byte.isSplitOrGlob) {
                    // Before POSIX.1-2024, `export` arguments were ordinary words, and shells
                    // of that age split and glob this expansion; quoting it means the same
                    // everywhere.
                    throw diagnostic(
                        MessageCatalog.envUnsupportedExpansion,
                        ["detail": "unquoted '\(excerpt(i..<next))' after 'export' gives text with spaces or * ? [, which some shells split; write it in double quotes"],
                        at: i)
                }
                i = next
            case Byte.backtick:
                throw commandSubstitution(at: i)
            case Byte.tilde where tildeAllowed:
                let tilde = i
                i = try expandTilde(at: i, context: .unquoted, active: true)
                if exported {
                    // Shells older than POSIX.1-2024 see `A=~/x` after `export` as a plain
                    // argument, where `~` is not at the start of the word and stays `~`.
                    throw diagnostic(
                        MessageCatalog.envUnsupportedExpansion,
                        ["detail": "'~' after 'export' is not expanded by some shells; write \"$HOME\" instead"],
                        at: tilde)
                }
            case Byte.colon:
                value.append(b)
                afterColon = true
                i += 1
            default:
                if Byte.isOperator(b) { throw shellSyntax(at: i) }
                value.append(b)
                i += 1
            }
            tildeAllowed = afterColon
        }
        return i
    }

    private mutating func readSingleQuoted(at open: Int) throws(Diagnostic) -> Int {
        var i = open + 1
        while i < lineEnd, text[i] != Byte.singleQuote { i += 1 }
        guard i < lineEnd else {
            throw diagnostic(MessageCatalog.envUnterminatedQuote, ["quote": "single"], at: open)
        }
        value.append(contentsOf: UnsafeBufferPointer(rebasing: text[(open + 1)..<i]))
        return i + 1
    }

    private mutating func readDoubleQuoted(at open: Int) throws(Diagnostic) -> Int {
        var i = open + 1
        while i < lineEnd {
            let b = text[i]
            switch b {
            case Byte.doubleQuote:
                return i + 1
            case Byte.backslash:
                guard i + 1 < lineEnd else { throw diagnostic(MessageCatalog.envLineContinuation, at: i) }
                let next = text[i + 1]
                if next == Byte.doubleQuote || next == Byte.backslash || next == Byte.dollar || next == Byte.backtick {
                    value.append(next)
                    i += 2
                } else {
                    // In double quotes a backslash only escapes " \ $ `; elsewhere it is text.
                    value.append(b)
                    i += 1
                }
            case Byte.dollar:
                i = try expandDollar(at: i, context: .doubleQuoted, active: true)
            case Byte.backtick:
                throw commandSubstitution(at: i)
            default:
                value.append(b)
                i += 1
            }
        }
        throw diagnostic(MessageCatalog.envUnterminatedQuote, ["quote": "double"], at: open)
    }

    // MARK: expansions

    /// `dollar` is the index of a `$`; appends what it expands to and returns the index after
    /// the expansion. `active` is false inside a default that will not be used, where only
    /// syntax is checked.
    private mutating func expandDollar(at dollar: Int, context: Context, active: Bool) throws(Diagnostic) -> Int {
        let i = dollar + 1
        guard i < lineEnd else {
            value.append(Byte.dollar)
            return i
        }
        let b = text[i]
        switch b {
        case Byte.openParen, Byte.openBracket:
            // `$[...]` is arithmetic in bash, text in dash: either way not a value to guess at.
            throw commandSubstitution(at: dollar)
        case Byte.openBrace:
            return try expandBraced(at: dollar, context: context, active: active)
        case Byte.singleQuote where context == .unquoted, Byte.doubleQuote where context == .unquoted:
            // `$'...'` and `$"..."` are quoting forms in bash (and `$'...'` in POSIX.1-2024)
            // but plain text in older shells.
            throw diagnostic(
                MessageCatalog.envUnsupportedExpansion,
                ["detail": "'\(excerpt(dollar..<(i + 1)))...' quoting is read differently by different shells; use plain quotes"],
                at: dollar)
        default:
            if Byte.isNameStart(b) {
                var end = i + 1
                while end < lineEnd, Byte.isNameChar(text[end]) { end += 1 }
                if let current = lookup(string(i..<end)) {
                    value.append(contentsOf: current.utf8)
                }
                return end
            }
            if Byte.isSpecialParameter(b) {
                throw diagnostic(
                    MessageCatalog.envUnsupportedExpansion,
                    ["detail": "'$\(character(at: i))': positional and special parameters are not available in an env file"],
                    at: dollar)
            }
            // A `$` that starts no expansion is text to a shell too.
            value.append(Byte.dollar)
            return i
        }
    }

    /// `${NAME}`, `${NAME:-default}` and `${NAME-default}`.
    private mutating func expandBraced(at dollar: Int, context: Context, active: Bool) throws(Diagnostic) -> Int {
        let nameStart = dollar + 2
        var i = nameStart
        guard i < lineEnd, Byte.isNameStart(text[i]) else {
            throw unsupportedBraced(at: dollar)
        }
        while i < lineEnd, Byte.isNameChar(text[i]) { i += 1 }
        guard i < lineEnd else { throw unclosedBrace(at: dollar) }
        let current = lookup(string(nameStart..<i))

        let useDefault: Bool
        let defaultStart: Int
        switch text[i] {
        case Byte.closeBrace:
            if let current { value.append(contentsOf: current.utf8) }
            return i + 1
        case Byte.colon where i + 1 < lineEnd && text[i + 1] == Byte.minus:
            useDefault = current?.isEmpty ?? true
            defaultStart = i + 2
        case Byte.minus:
            useDefault = current == nil
            defaultStart = i + 1
        default:
            throw unsupportedBraced(at: dollar)
        }

        if useDefault {
            return try readDefault(from: defaultStart, dollar: dollar, context: context.defaultContext, active: active)
        }
        // The default is still read, so that an error in it is reported whatever the
        // environment holds, and then dropped.
        let keep = value.count
        let end = try readDefault(from: defaultStart, dollar: dollar, context: context.defaultContext, active: false)
        value.removeSubrange(keep...)
        if let current { value.append(contentsOf: current.utf8) }
        return end
    }

    /// Reads a default word up to its closing `}`, appending its expansion.
    private mutating func readDefault(from start: Int, dollar: Int, context: Context, active: Bool) throws(Diagnostic) -> Int {
        var i = start
        var afterColon = false
        while i < lineEnd {
            let b = text[i]
            var colon = false
            switch b {
            case Byte.closeBrace:
                return i + 1
            case Byte.backslash:
                guard i + 1 < lineEnd else { throw diagnostic(MessageCatalog.envLineContinuation, at: i) }
                let next = text[i + 1]
                if context == .doubleQuotedDefault,
                   next != Byte.doubleQuote, next != Byte.backslash, next != Byte.dollar,
                   next != Byte.backtick, next != Byte.closeBrace {
                    value.append(b)
                    i += 1
                } else {
                    value.append(next)
                    i += 2
                }
            case Byte.singleQuote, Byte.doubleQuote:
                // Shells disagree on quotes nested in a default inside double quotes; one rule
                // for both contexts keeps the subset simple.
                throw diagnostic(
                    MessageCatalog.envUnsupportedExpansion,
                    ["detail": "a quote inside '\(excerpt(dollar..<(i + 1)))...'; a ${...} default may not contain quotes (escape the character with a backslash)"],
                    at: i)
            case Byte.dollar:
                i = try expandDollar(at: i, context: context, active: active)
            case Byte.backtick:
                throw commandSubstitution(at: i)
            case Byte.tilde where context == .unquotedDefault && i == start:
                i = try expandTilde(at: i, context: context, active: active)
            case Byte.tilde where context == .unquotedDefault && afterColon:
                // dash expands this `~`, bash does not.
                throw diagnostic(
                    MessageCatalog.envUnsupportedExpansion,
                    ["detail": "'~' after ':' inside '\(excerpt(dollar..<(i + 1)))...' is read differently by different shells"],
                    at: i)
            default:
                if context == .unquotedDefault, Byte.isOperator(b) { throw shellSyntax(at: i) }
                colon = b == Byte.colon
                value.append(b)
                i += 1
            }
            afterColon = colon
        }
        throw unclosedBrace(at: dollar)
    }

    /// `~` alone or before `/` (or `:`) is the home directory; `~user` is not supported.
    private mutating func expandTilde(at tilde: Int, context: Context, active: Bool) throws(Diagnostic) -> Int {
        let i = tilde + 1
        let ends: Bool
        if i == lineEnd {
            ends = true
        } else {
            let b = text[i]
            ends = b == Byte.slash || b == Byte.colon
                || (context == .unquoted ? (Byte.isBlank(b) || Byte.isOperator(b)) : b == Byte.closeBrace)
        }
        guard ends else {
            var end = i
            while end < lineEnd, !Byte.isBlank(text[end]), text[end] != Byte.slash, text[end] != Byte.colon,
                  text[end] != Byte.closeBrace {
                end += 1
            }
            throw diagnostic(
                MessageCatalog.envUnsupportedExpansion,
                ["detail": "'\(excerpt(tilde..<end))': only '~' and '~/...' are supported, not '~user' or '~' followed by other text"],
                at: tilde)
        }
        if active {
            guard let home = lookup("HOME"), !home.isEmpty else {
                // Shells disagree here (dash keeps '~', bash asks the user database).
                throw diagnostic(
                    MessageCatalog.envUnsupportedExpansion,
                    ["detail": "'~' needs HOME, which is not set"],
                    at: tilde)
            }
            value.append(contentsOf: home.utf8)
        }
        return i
    }

    /// The latest assignment in this text, else the environment; nil when unset.
    private func lookup(_ name: String) -> String? {
        assigned[name] ?? environment[name]
    }

    // MARK: diagnostics

    private func diagnostic(_ definition: MessageDefinition, _ values: [String: String] = [:], at index: Int) -> Diagnostic {
        Diagnostic(definition, values, location: "\(path):\(lineNumber):\(column(of: index))")
    }

    private func notAssignment(_ detail: String, at index: Int) -> Diagnostic {
        diagnostic(MessageCatalog.envNotAnAssignment, ["detail": detail], at: index)
    }

    private func shellSyntax(at index: Int) -> Diagnostic {
        diagnostic(MessageCatalog.envShellSyntax, ["detail": "'\(character(at: index))'"], at: index)
    }

    private func commandSubstitution(at index: Int) -> Diagnostic {
        // Show the whole construct, so the user sees which command the line meant to run.
        var end = index + 1
        if text[index] == Byte.backtick {
            while end < lineEnd, text[end] != Byte.backtick { end += 1 }
        } else {
            let (open, close) = text[end] == Byte.openParen
                ? (Byte.openParen, Byte.closeParen) : (Byte.openBracket, Byte.closeBracket)
            var depth = 0
            while end < lineEnd {
                if text[end] == open { depth += 1 }
                if text[end] == close {
                    depth -= 1
                    if depth == 0 { break }
                }
                end += 1
            }
        }
        return diagnostic(
            MessageCatalog.envCommandSubstitution,
            ["detail": excerpt(index..<min(end + 1, lineEnd))],
            at: index)
    }

    private func unsupportedBraced(at dollar: Int) -> Diagnostic {
        var end = dollar + 2
        while end < lineEnd, text[end] != Byte.closeBrace { end += 1 }
        guard end < lineEnd else { return unclosedBrace(at: dollar) }
        return diagnostic(
            MessageCatalog.envUnsupportedExpansion,
            ["detail": "'\(excerpt(dollar..<(end + 1)))'"],
            at: dollar)
    }

    private func unclosedBrace(at dollar: Int) -> Diagnostic {
        diagnostic(
            MessageCatalog.envUnsupportedExpansion,
            ["detail": "'\(excerpt(dollar..<lineEnd))' has no closing '}'"],
            at: dollar)
    }

    /// 1-based, in Unicode scalars, so that it matches what an editor shows for the line.
    private func column(of index: Int) -> Int {
        var column = 1
        var i = lineStart
        while i < index {
            if text[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return column
    }

    private func starts(with prefix: [UInt8], at index: Int) -> Bool {
        guard lineEnd - index >= prefix.count else { return false }
        for (offset, b) in prefix.enumerated() where text[index + offset] != b { return false }
        return true
    }

    private func skipBlanks(from index: Int) -> Int {
        var i = index
        while i < lineEnd, Byte.isBlank(text[i]) { i += 1 }
        return i
    }

    private func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: text[range]), as: UTF8.self)
    }

    /// The whole character that starts at `index`.
    private func character(at index: Int) -> String {
        var end = index + 1
        while end < lineEnd, text[end] & 0xC0 == 0x80 { end += 1 }
        return string(index..<end)
    }

    /// Source text for a message, shortened so that one long line does not flood it.
    private func excerpt(_ range: Range<Int>) -> String {
        let limit = 60
        guard range.count > limit else { return string(range) }
        var end = range.lowerBound + limit
        while end > range.lowerBound, text[end] & 0xC0 == 0x80 { end -= 1 }
        return string(range.lowerBound..<end) + "..."
    }
}

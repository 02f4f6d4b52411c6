// A YAML text as the in-place editor changes it: lines with their own line endings, so that
// every line the edit does not touch comes out byte for byte as it went in, and positions
// counted the way libyaml counts them (0-based lines, columns in Unicode scalars).

struct YAMLTextLines {
    /// Lines without their endings.
    private(set) var lines: [String]
    /// The ending of each line: "\n", "\r\n", or "" for a last line without one.
    private(set) var endings: [String]
    /// What new lines end with: the ending most lines of the file have.
    let newline: String
    private let byteOrderMark: Bool

    struct Failure: Error {
        let reason: String
    }

    init(_ text: String) throws(Failure) {
        var scalars = Substring(text).unicodeScalars[...]
        byteOrderMark = scalars.first == "\u{FEFF}"
        if byteOrderMark { scalars = scalars.dropFirst() }
        // libyaml also ends lines at a lone CR, NEL, LS and PS: positions would no longer agree.
        if scalars.contains(where: { $0 == "\u{85}" || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            throw Failure(reason: "it holds Unicode line or paragraph separators (U+0085, U+2028, U+2029)")
        }
        var lines: [String] = []
        var endings: [String] = []
        var current = String.UnicodeScalarView()
        var iterator = scalars.makeIterator()
        var pendingCR = false
        while let scalar = iterator.next() {
            if pendingCR {
                pendingCR = false
                guard scalar == "\n" else { throw Failure(reason: "it has a carriage return that does not end a line (old Mac line endings)") }
                lines.append(String(current))
                endings.append("\r\n")
                current = String.UnicodeScalarView()
                continue
            }
            switch scalar {
            case "\r": pendingCR = true
            case "\n":
                lines.append(String(current))
                endings.append("\n")
                current = String.UnicodeScalarView()
            default: current.append(scalar)
            }
        }
        if pendingCR { throw Failure(reason: "it has a carriage return that does not end a line (old Mac line endings)") }
        lines.append(String(current))
        endings.append("")
        self.lines = lines
        self.endings = endings
        let crlf = endings.filter { $0 == "\r\n" }.count
        newline = crlf > endings.filter { $0 == "\n" }.count ? "\r\n" : "\n"
    }

    /// The text as it would be written (with the byte order mark it had).
    var text: String { (byteOrderMark ? "\u{FEFF}" : "") + body }

    /// The text libyaml is given: positions refer to it.
    var body: String {
        var out = ""
        for (line, ending) in zip(lines, endings) {
            out += line
            out += ending
        }
        return out
    }

    var count: Int { lines.count }

    subscript(line: Int) -> String { lines[line] }

    /// The characters of `line` before `column`.
    func prefix(_ line: Int, _ column: Int) -> String {
        String(String.UnicodeScalarView(lines[line].unicodeScalars.prefix(column)))
    }

    /// The characters of `line` from `column` on.
    func suffix(_ line: Int, _ column: Int) -> String {
        String(String.UnicodeScalarView(lines[line].unicodeScalars.dropFirst(column)))
    }

    /// The text from one position to another (the end excluded), lines joined by "\n".
    func slice(from start: YAMLLayout.Mark, to end: YAMLLayout.Mark) -> String {
        if start.line == end.line {
            return String(String.UnicodeScalarView(lines[start.line].unicodeScalars.dropFirst(start.column).prefix(max(0, end.column - start.column))))
        }
        var parts = [suffix(start.line, start.column)]
        if end.line > start.line + 1 { parts += lines[(start.line + 1)..<end.line] }
        parts.append(prefix(end.line, end.column))
        return parts.joined(separator: "\n")
    }

    func isBlank(_ line: Int) -> Bool { lines[line].allSatisfy { $0 == " " || $0 == "\t" } }

    /// Leading spaces of a line.
    func indent(_ line: Int) -> Int { lines[line].unicodeScalars.prefix { $0 == " " }.count }

    /// Replaces lines `first...last` with `new`; the last new line keeps the ending of `last`.
    mutating func replace(_ first: Int, through last: Int, with new: [String]) {
        let kept = endings[last]
        var newEndings = [String](repeating: newline, count: new.count)
        if !new.isEmpty {
            newEndings[new.count - 1] = kept
        } else if first > 0, kept.isEmpty {
            endings[first - 1] = ""  // the removed lines ended the file without a newline
        }
        lines.replaceSubrange(first...last, with: new)
        endings.replaceSubrange(first...last, with: newEndings)
    }

    /// Inserts lines after `line`, each ending as new lines do (a file that ended without a
    /// newline still does).
    mutating func insert(_ new: [String], after line: Int) {
        guard !new.isEmpty else { return }
        var newEndings = [String](repeating: newline, count: new.count)
        if endings[line].isEmpty {
            endings[line] = newline
            newEndings[new.count - 1] = ""
        }
        lines.insert(contentsOf: new, at: line + 1)
        endings.insert(contentsOf: newEndings, at: line + 1)
    }

    /// Adds lines at the end of the text, after its last line that is not blank.
    mutating func append(_ new: [String]) {
        if lines.allSatisfy({ $0.isEmpty }) && lines.count == 1 {
            lines = new
            endings = [String](repeating: newline, count: new.count)
            return
        }
        if lines.last == "", endings.last == "" {
            // The file ends with a newline: the empty "line" after it stays last.
            lines.insert(contentsOf: new, at: lines.count - 1)
            endings.insert(contentsOf: [String](repeating: newline, count: new.count), at: endings.count - 1)
        } else {
            insert(new, after: lines.count - 1)
        }
    }
}

// How a value the editor sets is written as YAML text: plain when no YAML reader could take
// it for anything but the same string, else double-quoted with escapes. The plain form is
// kept to a narrow, safe alphabet on purpose: quoting a string that did not need it costs
// nothing, while a string written plain that a reader takes for a number, a boolean, null,
// an alias or a comment changes the configuration.

/// A value `ZoweConfigEditor` writes at a path.
public enum ConfigValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    /// A block sequence of strings (an empty list is written `[]`).
    case strings([String])

    public var description: String {
        switch self {
        case .string(let text): YAMLScalarText.render(text)
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .strings(let items): "[" + items.map(YAMLScalarText.render).joined(separator: ", ") + "]"
        }
    }

    /// The single-line text of a scalar value; nil for a list.
    var scalarText: String? {
        switch self {
        case .string(let text): YAMLScalarText.render(text)
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .strings: nil
        }
    }
}

enum YAMLScalarText {
    /// Words that YAML 1.1 readers (still common) or the 1.2 core schema read as booleans or null.
    static let reservedWords: Set<String> = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ]

    /// `text` as a YAML scalar, in block or flow context alike (YAMLWriter's plain style too).
    static func render(_ text: String) -> String {
        isSafePlain(text) ? text : YAMLWriter.quoted(text)
    }

    static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        guard !reservedWords.contains(text.lowercased()) else { return false }
        // A leading digit, sign or dot could make a number (1e3, .5, 0x1F, 1_000, 12:30...);
        // leading indicators (- ? : , [ ] { } # & * ! | > ' " % @ `) start other constructs.
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        }
        guard isLetter(first) || first == "/" || first == "_" || first == "$" else { return false }
        guard last != " " else { return false }
        var previous: Unicode.Scalar = first
        for scalar in text.unicodeScalars {
            let allowed = isLetter(scalar) || ("0"..."9").contains(scalar) || "/_-.@=+~$()".unicodeScalars.contains(scalar)
                || (scalar == " " && previous != " ")
            guard allowed else { return false }
            previous = scalar
        }
        return true
    }
}

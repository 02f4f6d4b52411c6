/// Writing values so that both a shell and `EnvFile.parse` read them back unchanged.
public enum ShellQuoting {
    /// A single-quoted shell word for any string without a newline: 'abc', with ' written as '\''.
    /// `sh -c ". file; printf %s \"$KEY\""` and EnvFile.parse must read back the exact bytes.
    ///
    /// Single quotes are the one shell quoting in which every other character is literal,
    /// so nothing in the value can start an expansion or a command.
    public static func quote(_ value: String) -> String {
        var out: [UInt8] = [UInt8(ascii: "'")]
        out.reserveCapacity(value.utf8.count + 2)
        for b in value.utf8 {
            if b == UInt8(ascii: "'") {
                out.append(contentsOf: "'\\''".utf8)
            } else {
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "'"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Renders `KEY='value'` lines (one per pair, in order) after an optional `# comment` header block.
    ///
    /// Header lines are comment text: each gets a `# ` prefix unless it already starts with
    /// `#`, and a header line holding line breaks becomes several comment lines.
    ///
    /// A key that is not a valid name is a programming error (sourcing the file could run a
    /// command). A value with a newline is still written as one correct shell word spanning
    /// lines, which `EnvFile.parse` then rejects (ZWEL1003E) rather than misread: callers
    /// that take values from users should refuse newlines before rendering.
    public static func render(_ pairs: [(String, String)], header: [String]) -> String {
        var out = ""
        for text in header {
            for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                if line.isEmpty {
                    out += "#\n"
                } else if line.hasPrefix("#") {
                    out += line + "\n"
                } else {
                    out += "# " + line + "\n"
                }
            }
        }
        for (key, value) in pairs {
            precondition(isName(key), "not a valid env file key: \(key)")
            out += key + "=" + quote(value) + "\n"
        }
        return out
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, the names a shell assigns.
    public static func isName(_ key: String) -> Bool {
        var first = true
        for b in key.utf8 {
            let letter = (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            let digit = b >= 0x30 && b <= 0x39
            guard letter || (digit && !first) else { return false }
            first = false
        }
        return !first
    }
}

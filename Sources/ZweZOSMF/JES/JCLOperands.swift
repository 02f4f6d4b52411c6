/// A statement's operand field split at its top-level commas: positional parameters and
/// `KEYWORD=value` pairs, values kept as written (parentheses and apostrophes included).
enum JCLOperand: Sendable, Equatable {
    case positional(String)
    case keyword(String, String)
}

enum JCLOperands {
    struct Split: Sendable {
        var values: [JCLOperand]
        /// Unbalanced parentheses or apostrophes; nil when the field is well formed.
        var problem: String?
    }

    static func split(_ field: String) -> Split {
        var values: [JCLOperand] = []
        var problem: String?
        var depth = 0
        var quoted = false
        var current = ""

        func finish() {
            if let equals = firstTopLevelEquals(current) {
                let key = String(current[..<equals])
                let value = String(current[current.index(after: equals)...])
                values.append(.keyword(key, value))
            } else {
                values.append(.positional(current))
            }
            current = ""
        }

        for character in field {
            if character == "'" { quoted.toggle() }
            if !quoted {
                if character == "(" { depth += 1 }
                if character == ")" {
                    depth -= 1
                    if depth < 0 { problem = "IEFC607I UNBALANCED PARENTHESES" }
                }
                if character == "," && depth == 0 {
                    finish()
                    continue
                }
            }
            current.append(character)
        }
        if !field.isEmpty { finish() }
        if quoted { problem = "IEFC624I UNBALANCED APOSTROPHES" }
        if depth > 0 { problem = "IEFC607I UNBALANCED PARENTHESES" }
        return Split(values: values, problem: problem)
    }

    /// The '=' of `KEY=value`, when the text before it is a keyword (not inside quotes or
    /// parentheses, as in a programmer name or PARM='A=B').
    private static func firstTopLevelEquals(_ text: String) -> String.Index? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals]
        guard !key.isEmpty, key.allSatisfy({ $0.isUppercase || $0.isNumber }) else { return nil }
        return equals
    }

    /// A value without one pair of enclosing apostrophes; `''` inside stands for one.
    static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") else { return value }
        return String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
    }

    /// A JCL name: 1 to 8 of A-Z, 0-9, @, #, $, not starting with a digit.
    static func isName(_ text: String) -> Bool {
        guard (1...8).contains(text.count), let first = text.first, !first.isNumber else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isUppercase || $0.isNumber)) || "@#$".contains($0) }
    }
}

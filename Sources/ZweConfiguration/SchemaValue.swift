// A configuration value as JSON Schema sees it: its JSON type (a quoted "7554" is a string,
// an integer is also a number), the number a YAML integer or float stands for, JSON equality
// for enum, const and uniqueItems (1 and 1.0 are equal, "1" and 1 are not, mappings compare
// without regard to key order), and the words messages use for types and values.

extension ConfigNode {
    /// The value of an integer or float scalar, in any form of the YAML core schema
    /// (`0x1F`, `0o17`, `1e3`, `.inf`); nil for anything else.
    var numberValue: Double? {
        guard case .scalar(let text, let kind, _) = self, kind == .integer || kind == .float else { return nil }
        return Self.number(text)
    }

    /// An integer, or a float without a fractional part (JSON Schema counts 1.0 as an integer).
    var isIntegral: Bool {
        guard let value = numberValue, value.isFinite else { return false }
        return value.rounded(.towardZero) == value
    }

    /// Whether this value is of the JSON Schema type `name`.
    func hasSchemaType(_ name: String) -> Bool {
        switch (name, self) {
        case ("object", .mapping), ("array", .sequence): true
        case ("string", .scalar(_, .string, _)), ("null", .scalar(_, .null, _)), ("boolean", .scalar(_, .boolean, _)): true
        case ("number", .scalar(_, let kind, _)): kind == .integer || kind == .float
        case ("integer", .scalar): isIntegral
        default: false
        }
    }

    /// JSON equality.
    func schemaEquals(_ other: ConfigNode) -> Bool {
        switch (self, other) {
        case (.scalar(let a, let aKind, _), .scalar(let b, let bKind, _)):
            if let x = numberValue, let y = other.numberValue { return x == y || (x.isNaN && y.isNaN) }
            guard aKind == bKind else { return false }
            switch aKind {
            case .null: return true
            case .boolean: return a.lowercased() == b.lowercased()
            default: return a == b
            }
        case (.sequence(let a, _), .sequence(let b, _)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.schemaEquals($1) }
        case (.mapping(let a, _), .mapping(let b, _)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { entry in other[entry.key].map { entry.value.schemaEquals($0) } ?? false }
        default:
            return false
        }
    }

    /// "the text 'x'", "the integer 7", "a mapping": what a message says this value is.
    var valueDescription: String {
        switch self {
        case .mapping: "a mapping"
        case .sequence(let items, _): items.isEmpty ? "an empty list" : "a list"
        case .scalar(let text, let kind, _):
            switch kind {
            case .string: text.isEmpty ? "an empty text" : "the text '\(Self.clipped(text))'"
            case .null: "null (no value)"
            case .boolean: "the boolean \(text)"
            case .integer: "the integer \(text)"
            case .float: "the number \(text)"
            }
        }
    }

    /// The value as a message quotes it: `'text'`, `7`, `true`, `null`, `[a, b]`, `{...}`.
    var quotedValue: String {
        switch self {
        case .mapping: "{...}"
        case .sequence(let items, _): "[" + items.map(\.quotedValue).joined(separator: ", ") + "]"
        case .scalar(let text, let kind, _):
            switch kind {
            case .string: "'\(Self.clipped(text))'"
            case .null: "null"
            default: text
            }
        }
    }

    /// A schema type name in the words of the messages: "a text", "a whole number", "a mapping".
    static func typeWords(_ name: String) -> String {
        switch name {
        case "string": "a text"
        case "integer": "a whole number"
        case "number": "a number"
        case "boolean": "true or false"
        case "object": "a mapping"
        case "array": "a list"
        case "null": "null (no value)"
        default: name
        }
    }

    static func number(_ text: String) -> Double? {
        var body = Substring(text)
        var sign = 1.0
        if let first = body.first, first == "-" || first == "+" {
            if first == "-" { sign = -1 }
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case ".inf": return sign * .infinity
        case ".nan": return .nan
        default: break
        }
        if body.hasPrefix("0x"), let value = UInt64(body.dropFirst(2), radix: 16) { return sign * Double(value) }
        if body.hasPrefix("0o"), let value = UInt64(body.dropFirst(2), radix: 8) { return sign * Double(value) }
        return Double(String(body)).map { sign * $0 }
    }

    static func clipped(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(77)) + "..." : text
    }
}

// Writes new YAML files (a migrated zowe.yaml): block mappings and sequences, two spaces per
// level, comments where the writer is told, and every string that YAML would read as
// something else (a number, a boolean, null, text with `: ` or ` #`, a leading indicator)
// in double quotes, so that what is read back is exactly what was written.

/// A value to write, in the order given.
public indirect enum YAMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case sequence([YAMLValue])
    case mapping([YAMLEntry])

    /// The entry's value at a key of a mapping.
    public subscript(key: String) -> YAMLValue? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// Sets `value` at the path of keys, making the mappings on the way; a new key goes last.
    public mutating func set(_ keys: [String], _ value: YAMLValue, comment: String? = nil) {
        guard let first = keys.first else {
            self = value
            return
        }
        guard case .mapping(var entries) = self else {
            self = .mapping([])
            set(keys, value, comment: comment)
            return
        }
        if let index = entries.firstIndex(where: { $0.key == first }) {
            if keys.count == 1 {
                entries[index].value = value
                if let comment { entries[index].comment = comment }
            } else {
                entries[index].value.set(Array(keys.dropFirst()), value, comment: comment)
            }
        } else {
            var child = YAMLValue.mapping([])
            child.set(Array(keys.dropFirst()), value, comment: keys.count == 1 ? nil : comment)
            entries.append(YAMLEntry(key: first, value: keys.count == 1 ? value : child, comment: keys.count == 1 ? comment : nil))
        }
        self = .mapping(entries)
    }
}

public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var value: YAMLValue
    /// Written as `# comment` lines above the key.
    public var comment: String?

    public init(key: String, value: YAMLValue, comment: String? = nil) {
        self.key = key
        self.value = value
        self.comment = comment
    }
}

public enum YAMLWriter {
    /// The text of a document: `header` lines as comments, then the value.
    public static func render(_ value: YAMLValue, header: [String] = []) -> String {
        var lines = header.map { $0.isEmpty ? "#" : "# " + $0 }
        write(value, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func write(_ value: YAMLValue, indent: Int, into lines: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .mapping(let entries):
            for entry in entries {
                if let comment = entry.comment {
                    lines += comment.split(separator: "\n", omittingEmptySubsequences: false).map { pad + "# " + $0 }
                }
                let key = pad + scalar(entry.key) + ":"
                switch entry.value {
                case .mapping(let inner) where !inner.isEmpty:
                    lines.append(key)
                    write(entry.value, indent: indent + 2, into: &lines)
                case .sequence(let items) where items.allSatisfy({ if case .integer = $0 { true } else { false } }):
                    // Numbers stay on one line, as Zowe's files write restartIntervals.
                    lines.append(key + " [" + items.map(inline).joined(separator: ", ") + "]")
                case .sequence(let items) where !items.isEmpty:
                    lines.append(key)
                    write(entry.value, indent: indent + 2, into: &lines)
                default:
                    lines.append(key + " " + inline(entry.value))
                }
            }
        case .sequence(let items):
            for item in items {
                switch item {
                case .mapping(let inner) where !inner.isEmpty:
                    var nested: [String] = []
                    write(item, indent: indent + 2, into: &nested)
                    if let first = nested.first {
                        lines.append(pad + "- " + first.dropFirst(indent + 2))
                        lines += nested.dropFirst()
                    }
                case .sequence(let inner) where !inner.isEmpty:
                    lines.append(pad + "-")
                    write(item, indent: indent + 2, into: &lines)
                default:
                    lines.append(pad + "- " + inline(item))
                }
            }
        default:
            lines.append(pad + inline(value))
        }
    }

    private static func inline(_ value: YAMLValue) -> String {
        switch value {
        case .string(let text): scalar(text)
        case .integer(let number): String(number)
        case .boolean(let flag): flag ? "true" : "false"
        case .sequence: "[]"
        case .mapping: "{}"
        }
    }

    /// A string as plain text when YAML reads it back as the same string, else double-quoted.
    public static func scalar(_ text: String) -> String {
        needsQuotes(text) ? quoted(text) : text
    }

    static func needsQuotes(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last else { return true }
        if YAMLDocument.coreType(of: text) != nil { return true }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) || first == " " || last == " " { return true }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return true }
        return text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{FEFF}" }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{FEFF}" {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

// The one YAML writer of the product: Kubernetes manifests (`zwe export kubernetes`) and
// migrated zowe.yaml files (`zwe migrate`). Block style, two spaces per level, keys in the
// order given. In the quoted style every string is a double-quoted scalar with JSON-style
// escapes (valid YAML 1.1 and 1.2, never read as a number, boolean or null); in the plain
// style, for files people edit, a string is written bare unless YAML would read it as
// something else, and entries may carry comments.

import Foundation

/// A YAML document to write, as a small tree.
public indirect enum YAMLValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([YAMLValue])
    case map([YAMLEntry])

    public static func map(_ pairs: KeyValuePairs<String, YAMLValue>) -> YAMLValue {
        .map(pairs.map { YAMLEntry($0.key, $0.value) })
    }

    /// The value under `key` of a map, for reading back what was built.
    public subscript(key: String) -> YAMLValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }
}

/// One key of a YAML map; maps keep their order.
public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var value: YAMLValue
    /// Written as `# ...` lines above the key in the plain style.
    public var comment: String?

    public init(_ key: String, _ value: YAMLValue, comment: String? = nil) {
        self.key = key
        self.value = value
        self.comment = comment
    }
}

extension YAMLValue {
    /// Sets `value` at the path of keys, making the maps on the way; a new key goes last.
    public mutating func set(_ keys: [String], _ value: YAMLValue, comment: String? = nil) {
        guard let first = keys.first else {
            self = value
            return
        }
        guard case .map(var entries) = self else {
            self = .map([YAMLEntry]())
            set(keys, value, comment: comment)
            return
        }
        let last = keys.count == 1
        if let index = entries.firstIndex(where: { $0.key == first }) {
            if last {
                entries[index].value = value
                if let comment { entries[index].comment = comment }
            } else {
                entries[index].value.set(Array(keys.dropFirst()), value, comment: comment)
            }
        } else {
            var child = YAMLValue.map([YAMLEntry]())
            if !last { child.set(Array(keys.dropFirst()), value, comment: comment) }
            entries.append(YAMLEntry(first, last ? value : child, comment: last ? comment : nil))
        }
        self = .map(entries)
    }
}

public enum YAMLWriter {
    public enum Style: Sendable {
        /// Every string double-quoted.
        case quoted
        /// Strings bare where they read back the same, comments, lists of numbers on one line.
        case plain
    }

    /// Documents separated by `---` lines.
    public static func stream(_ documents: [YAMLValue], style: Style = .quoted) -> String {
        documents.map { "---\n" + document($0, style: style) }.joined()
    }

    /// One document, block style, two spaces per level, after `header` as comment lines.
    public static func document(_ node: YAMLValue, style: Style = .quoted, header: [String] = []) -> String {
        let comments = header.map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()
        switch node {
        case .map(let entries) where !entries.isEmpty: return comments + block(node, indent: 0, style: style)
        case .list(let items) where !items.isEmpty: return comments + block(node, indent: 0, style: style)
        default: return comments + inline(node, style: style)! + "\n"
        }
    }

    /// A scalar or an empty collection on one line; nil for a collection with content.
    static func inline(_ node: YAMLValue, style: Style) -> String? {
        switch node {
        case .string(let text): style == .quoted ? quoted(text) : plain(text)
        case .list(let items) where style == .plain && items.allSatisfy({ if case .int = $0 { true } else { false } }):
            // Numbers on one line, as Zowe's own files write restartIntervals.
            "[" + items.map { inline($0, style: style)! }.joined(separator: ", ") + "]"
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .list(let items): items.isEmpty ? "[]" : nil
        case .map(let entries): entries.isEmpty ? "{}" : nil
        }
    }

    static func block(_ node: YAMLValue, indent: Int, style: Style) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = ""
        switch node {
        case .map(let entries):
            for entry in entries {
                if style == .plain, let comment = entry.comment {
                    out += comment.split(separator: "\n", omittingEmptySubsequences: false).map { "\(pad)# \($0)\n" }.joined()
                }
                let key = self.key(entry.key)
                if let scalar = inline(entry.value, style: style) {
                    out += "\(pad)\(key): \(scalar)\n"
                } else {
                    out += "\(pad)\(key):\n" + block(entry.value, indent: indent + 2, style: style)
                }
            }
        case .list(let items):
            for item in items {
                if let scalar = inline(item, style: style) {
                    out += "\(pad)- \(scalar)\n"
                } else {
                    // The item's block one level deeper, its first indentation replaced by "- ".
                    let nested = block(item, indent: indent + 2, style: style)
                    out += pad + "- " + nested.dropFirst(indent + 2)
                }
            }
        default:
            out += pad + inline(node, style: style)! + "\n"
        }
        return out
    }

    /// Keys are written plain when nothing could misread them, else quoted.
    static func key(_ text: String) -> String {
        let reserved: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"]
        let plain = text.first.map { $0.isASCII && ($0.isLetter || $0 == "_") } == true
            && text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-/".unicodeScalars.contains($0)) }
            && !reserved.contains(text.lowercased())
        return plain ? text : quoted(text)
    }

    /// A string bare when no YAML reader (1.2 core or 1.1) could take it for anything but the
    /// same string (a narrow, safe alphabet: see YAMLScalarText), else double-quoted.
    public static func plain(_ text: String) -> String {
        YAMLScalarText.render(text)
    }

    /// A double-quoted scalar: `"` and `\` escaped, control characters, DEL, C1 controls and
    /// the Unicode line and byte-order characters as `\uXXXX` (or their short escapes).
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) || value == 0x2028 || value == 0x2029 || value == 0xFEFF {
                    out += String(format: "\\u%04X", value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

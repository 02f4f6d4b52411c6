// ZweExport owns turning an instance into files for other service managers: the Kubernetes
// manifests of `zwe export kubernetes` (workloads, Services, the keystore Secret, the
// ConfigMap and the certificate's cluster-name check) and the systemd unit of
// `zwe export systemd`, with the YAML writer and the file writing they share. It reads the
// instance only through a `LaunchPlan` (the launcher's own parsers), never by running
// anything, and leaves the command line and its messages' printing to ZweCLI.

import Foundation

/// A YAML document as a small tree. Every string is written as a double-quoted scalar with
/// JSON-style escapes (valid YAML 1.1 and 1.2, never read as a number, boolean or null).
public indirect enum YAMLNode: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([YAMLNode])
    case map([YAMLEntry])

    public static func map(_ pairs: KeyValuePairs<String, YAMLNode>) -> YAMLNode {
        .map(pairs.map { YAMLEntry($0.key, $0.value) })
    }

    /// The value under `key` of a map, for reading back what was built.
    public subscript(key: String) -> YAMLNode? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }
}

/// One key of a YAML map; maps keep their order.
public struct YAMLEntry: Sendable, Equatable {
    public var key: String
    public var value: YAMLNode

    public init(_ key: String, _ value: YAMLNode) {
        self.key = key
        self.value = value
    }
}

public enum YAMLWriter {
    /// Documents separated by `---` lines.
    public static func stream(_ documents: [YAMLNode]) -> String {
        documents.map { "---\n" + document($0) }.joined()
    }

    /// One document, block style, two spaces per level.
    public static func document(_ node: YAMLNode) -> String {
        switch node {
        case .map(let entries) where !entries.isEmpty: return block(node, indent: 0)
        case .list(let items) where !items.isEmpty: return block(node, indent: 0)
        default: return inline(node)! + "\n"
        }
    }

    /// A scalar or an empty collection on one line; nil for a collection with content.
    static func inline(_ node: YAMLNode) -> String? {
        switch node {
        case .string(let text): quoted(text)
        case .int(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .list(let items): items.isEmpty ? "[]" : nil
        case .map(let entries): entries.isEmpty ? "{}" : nil
        }
    }

    static func block(_ node: YAMLNode, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var out = ""
        switch node {
        case .map(let entries):
            for entry in entries {
                let key = self.key(entry.key)
                if let scalar = inline(entry.value) {
                    out += "\(pad)\(key): \(scalar)\n"
                } else {
                    out += "\(pad)\(key):\n" + block(entry.value, indent: indent + 2)
                }
            }
        case .list(let items):
            for item in items {
                if let scalar = inline(item) {
                    out += "\(pad)- \(scalar)\n"
                } else {
                    // The item's block one level deeper, its first indentation replaced by "- ".
                    let nested = block(item, indent: indent + 2)
                    out += pad + "- " + nested.dropFirst(indent + 2)
                }
            }
        default:
            out += pad + inline(node)! + "\n"
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

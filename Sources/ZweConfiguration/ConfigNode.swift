// The tree of a Zowe v2/v3 configuration (zowe.yaml): every value with the file, line and
// column it came from, and what the YAML core schema makes of each plain scalar, so that
// schema checks can tell `port: 7554` from `port: "7554"` and every finding can point at the
// text it is about, even after several files were merged into one tree.

/// `file:line:column` of a value or a key.
public struct ConfigLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// What a scalar is under the YAML 1.2 core schema: quoted text is always a string.
public enum ScalarKind: String, Sendable, Hashable {
    case string, null, boolean, integer, float
}

/// One key of a mapping, where the key itself was written, and its value.
public struct ConfigEntry: Sendable {
    public var key: String
    public var keyLocation: ConfigLocation
    public var value: ConfigNode

    public init(key: String, keyLocation: ConfigLocation, value: ConfigNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

public indirect enum ConfigNode: Sendable {
    case scalar(String, ScalarKind, ConfigLocation)
    case sequence([ConfigNode], ConfigLocation)
    /// Keys in file order, each once.
    case mapping([ConfigEntry], ConfigLocation)

    public var location: ConfigLocation {
        switch self {
        case .scalar(_, _, let location), .sequence(_, let location), .mapping(_, let location): location
        }
    }

    /// The text of a scalar that is not null; nil for null and for collections.
    public var text: String? {
        if case .scalar(let text, let kind, _) = self, kind != .null { return text }
        return nil
    }

    public var entries: [ConfigEntry]? {
        if case .mapping(let entries, _) = self { return entries }
        return nil
    }

    public var items: [ConfigNode]? {
        if case .sequence(let items, _) = self { return items }
        return nil
    }

    public var isNull: Bool {
        if case .scalar(_, .null, _) = self { return true }
        return false
    }

    /// The schema's name for what this node is: string, null, boolean, integer, number, array, object.
    public var typeName: String {
        switch self {
        case .scalar(_, let kind, _):
            switch kind {
            case .string: "string"
            case .null: "null"
            case .boolean: "boolean"
            case .integer: "integer"
            case .float: "number"
            }
        case .sequence: "array"
        case .mapping: "object"
        }
    }

    public subscript(key: String) -> ConfigNode? {
        entries?.first { $0.key == key }?.value
    }

    /// The node at a dotted path (`zowe.certificate.keystore.file`, `zowe.externalDomains[0]`).
    public func node(at path: ConfigPath) -> ConfigNode? {
        var node: ConfigNode? = self
        for step in path.steps {
            switch step {
            case .key(let key): node = node?[key]
            case .index(let index):
                guard let items = node?.items, items.indices.contains(index) else { return nil }
                node = items[index]
            }
        }
        return node
    }

    /// This tree with `higher`'s values over it: mappings merge key by key (this tree's order,
    /// then the new keys); anything else in `higher` replaces what is here.
    public func overlaid(by higher: ConfigNode) -> ConfigNode {
        guard case .mapping(var entries, let location) = self, case .mapping(let over, _) = higher else { return higher }
        for entry in over {
            if let index = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[index].value = entries[index].value.overlaid(by: entry.value)
                entries[index].keyLocation = entry.keyLocation
            } else {
                entries.append(entry)
            }
        }
        return .mapping(entries, location)
    }

    /// Every leaf with its path, depth first in file order (collections that are empty count as leaves).
    public func leaves(prefix: [ConfigPath.Step] = []) -> [(path: ConfigPath, node: ConfigNode)] {
        switch self {
        case .scalar: return [(ConfigPath(steps: prefix), self)]
        case .sequence(let items, _):
            if items.isEmpty { return [(ConfigPath(steps: prefix), self)] }
            return items.enumerated().flatMap { $0.element.leaves(prefix: prefix + [.index($0.offset)]) }
        case .mapping(let entries, _):
            if entries.isEmpty { return [(ConfigPath(steps: prefix), self)] }
            return entries.flatMap { $0.value.leaves(prefix: prefix + [.key($0.key)]) }
        }
    }

    /// The tree of one parsed YAML file.
    static func from(_ parsed: YAMLDocument.Parsed, file: String) -> ConfigNode {
        func convert(_ node: YAMLNode) -> ConfigNode {
            let position = YAMLDocument.Position(line: node.line, column: node.column)
            let location = ConfigLocation(file: file, line: node.line, column: node.column)
            switch node {
            case .scalar(let text, _, _):
                let kind: ScalarKind
                if parsed.emptyPlainScalars.contains(position) {
                    kind = .null
                } else {
                    switch parsed.scalarTypes[position] {
                    case .null: kind = .null
                    case .boolean: kind = .boolean
                    case .integer: kind = .integer
                    case .float: kind = .float
                    case nil: kind = .string
                    }
                }
                return .scalar(text, kind, location)
            case .sequence(let items, _, _):
                return .sequence(items.map(convert), location)
            case .mapping(let pairs, _, _):
                let keys = parsed.keyPositions[position] ?? [:]
                return .mapping(pairs.map { pair in
                    let keyPosition = keys[pair.key] ?? position
                    return ConfigEntry(key: pair.key, keyLocation: ConfigLocation(file: file, line: keyPosition.line, column: keyPosition.column),
                                       value: convert(pair.value))
                }, location)
            }
        }
        return convert(parsed.root)
    }
}

/// A path into the tree: `zowe.job.prefix`, `zowe.externalDomains[0]`, `components['api-catalog'].port`.
public struct ConfigPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    public init(stringLiteral value: String) {
        self = ConfigPath(parsing: value) ?? ConfigPath(steps: value.split(separator: ".").map { .key(String($0)) })
    }

    /// A dotted path as `init(parsing:)` reads it; a text it cannot read is one key per dot.
    public init(_ text: String) {
        self.init(stringLiteral: text)
    }

    public func appending(_ key: String) -> ConfigPath { ConfigPath(steps: steps + [.key(key)]) }

    /// JavaScript's member syntax: names joined by dots, `[N]` and `['name']` or `["name"]`.
    public init?(parsing text: String) {
        var steps: [Step] = []
        var rest = Substring(text.trimmingBlanks())
        var expectName = true
        while !rest.isEmpty {
            if rest.first == "[" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[..<close].trimmingBlanks()
                rest = rest[rest.index(after: close)...]
                if let index = Int(inside), index >= 0 {
                    steps.append(.index(index))
                } else if inside.count >= 2, let quote = inside.first, quote == "'" || quote == "\"", inside.last == quote {
                    steps.append(.key(String(inside.dropFirst().dropLast())))
                } else {
                    return nil
                }
                expectName = false
            } else if rest.first == "." {
                guard !expectName else { return nil }
                rest = rest.dropFirst()
                expectName = true
            } else {
                guard expectName else { return nil }
                let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" || $0 == "-" }
                guard !name.isEmpty else { return nil }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
                expectName = false
            }
        }
        guard !steps.isEmpty, !expectName else { return nil }
        self.steps = steps
    }

    public var description: String {
        var text = ""
        for step in steps {
            switch step {
            case .key(let key):
                if key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !key.isEmpty {
                    text += text.isEmpty ? key : "." + key
                } else {
                    text += "['\(key)']"
                }
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The name of this path's environment variable: `ZWE_` and the steps joined by `_`, every
    /// character that cannot be in a shell name as `_` (`ZWE_components_api_catalog_port`).
    public var environmentName: String {
        "ZWE_" + steps.map { step -> String in
            switch step {
            case .key(let key): String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
            case .index(let index): String(index)
            }
        }.joined(separator: "_")
    }
}

extension StringProtocol {
    func trimmingBlanks() -> String {
        let scalars = unicodeScalars.drop { $0 == " " || $0 == "\t" }
        var text = String(String.UnicodeScalarView(scalars))
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}

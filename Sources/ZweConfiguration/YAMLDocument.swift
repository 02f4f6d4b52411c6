// YAML is read through libyaml's event API into a small tree that keeps where each node
// started, so that a finding about a value can point at it. The tree is built with an
// explicit stack rather than by recursion, and both the nesting and the copying of aliases
// are bounded: a manifest comes from a component folder that anyone may have packaged, and
// reading it must not be a way to exhaust the stack or memory of the launcher.

import CZweYAML
import ZweMessages

/// A YAML node with the position it started at (1-based line and column): that of its
/// anchor or tag when it has one, else that of its first character.
public indirect enum YAMLNode: Sendable, Equatable {
    /// Plain or quoted, as written: no type is resolved, so `true` and `1` stay text.
    case scalar(String, line: Int, column: Int)
    case sequence([YAMLNode], line: Int, column: Int)
    /// Keys are scalars, kept in file order and unique.
    case mapping([(key: String, value: YAMLNode)], line: Int, column: Int)

    public var line: Int {
        switch self {
        case .scalar(_, let line, _), .sequence(_, let line, _), .mapping(_, let line, _): line
        }
    }

    public var column: Int {
        switch self {
        case .scalar(_, _, let column), .sequence(_, _, let column), .mapping(_, _, let column): column
        }
    }

    /// The text of a scalar; nil for a collection.
    public var text: String? {
        if case .scalar(let text, _, _) = self { return text }
        return nil
    }

    /// The value of `key` in a mapping; nil when absent or when this is not a mapping.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs, _, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    // Written out because tuples do not conform to Equatable.
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a, aLine, aColumn), .scalar(b, bLine, bColumn)):
            return a == b && aLine == bLine && aColumn == bColumn
        case let (.sequence(a, aLine, aColumn), .sequence(b, bLine, bColumn)):
            return aLine == bLine && aColumn == bColumn && a == b
        case let (.mapping(a, aLine, aColumn), .mapping(b, bLine, bColumn)):
            return aLine == bLine && aColumn == bColumn && a.count == b.count
                && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }
}

public enum YAMLDocument {
    /// Deeper nesting than this is refused, counting the levels an alias copies in.
    public static let maximumDepth = 1_000
    /// More nodes than this copied in for aliases, in total, is refused.
    public static let maximumAliasExpansion = 10_000

    /// Parses one document; text without a document (empty, or only comments) gives an
    /// empty mapping. Syntax errors are ZWEL1200E at `path:line:col`. Tags are ignored, and
    /// an alias is read as a copy of the node anchored under its name.
    public static func parse(_ text: String, path: String) throws(Diagnostic) -> YAMLNode {
        try parseDetailed(text, path: path).root
    }

    // MARK: - what the manifest reader needs besides the tree

    struct Position: Hashable, Sendable {
        let line: Int
        let column: Int
    }

    /// What the YAML core schema would make of an untagged plain scalar that is not text.
    enum ScalarType: Sendable {
        case null, boolean, integer, float
    }

    struct Parsed: Sendable {
        var root: YAMLNode
        /// Non-empty plain untagged scalars that the core schema reads as something other
        /// than a string, by position (no two non-empty scalars start at the same place).
        /// Empty scalars are left out: being empty already marks them as null.
        var scalarTypes: [Position: ScalarType]
        /// Where each key of each mapping was written, by the mapping's position; the tree
        /// keeps only the positions of values.
        var keyPositions: [Position: [String: Position]]
        /// Empty plain untagged scalars (`key:` with nothing after it), which the core schema
        /// reads as null, unlike `key: ""`.
        var emptyPlainScalars: Set<Position> = []
    }

    /// What the core schema makes of `text` as an untagged plain scalar; nil for a string.
    static func coreType(of text: String) -> ScalarType? {
        TreeBuilder.coreSchemaType(of: text)
    }

    static func parseDetailed(_ text: String, path: String) throws(Diagnostic) -> Parsed {
        var builder = TreeBuilder(path: path)
        let utf8 = text.utf8
        guard !utf8.isEmpty else { return builder.finish() }

        // libyaml reads from this buffer until the parser is deleted, so it must not be
        // storage that Swift may move or free in the meantime.
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
        defer { input.deallocate() }
        _ = input.initialize(from: utf8)

        // The parser keeps a pointer to itself once it has an input, so it too lives at a
        // fixed address.
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            throw Diagnostic(MessageCatalog.yamlSyntax, ["detail": "out of memory"], location: path)
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)

        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        while true {
            guard yaml_parser_parse(parser, event) == 1 else {
                throw syntaxError(parser.pointee, input: UnsafeBufferPointer(input), path: path)
            }
            defer { yaml_event_delete(event) }
            if try builder.consume(event.pointee) { break }
        }
        return builder.finish()
    }

    private static func syntaxError(_ parser: yaml_parser_t, input: UnsafeBufferPointer<UInt8>, path: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return Diagnostic(MessageCatalog.yamlSyntax, ["detail": "out of memory"], location: path)
        case YAML_READER_ERROR:
            // The reader reports a byte offset instead of a mark.
            let position = position(ofByte: parser.problem_offset, in: input)
            return Diagnostic(MessageCatalog.yamlSyntax, ["detail": problem],
                              location: "\(path):\(position.line):\(position.column)")
        default:
            // An unclosed quote or bracket is found only where the text ends; the context
            // says where the construct began, which is where the mistake usually is.
            var detail = problem
            let start = parser.context_mark
            if let context = parser.context,
               start.line != parser.problem_mark.line || start.column != parser.problem_mark.column {
                detail += " (\(String(cString: context)) that began at line \(start.line + 1), column \(start.column + 1))"
            }
            let mark = parser.problem_mark
            return Diagnostic(MessageCatalog.yamlSyntax, ["detail": detail],
                              location: "\(path):\(mark.line + 1):\(mark.column + 1)")
        }
    }

    // Counts as libyaml does: a column is a character, not a byte.
    private static func position(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> Position {
        var line = 1
        var column = 1
        for byte in input.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return Position(line: line, column: column)
    }
}

/// Turns libyaml events into a `YAMLNode`, one event at a time.
private struct TreeBuilder {
    private struct Frame {
        let isMapping: Bool
        let position: YAMLDocument.Position
        let anchor: String?
        var items: [YAMLNode] = []
        var pairs: [(key: String, value: YAMLNode)] = []
        var pendingKey: String?
        var keys: [String: YAMLDocument.Position] = [:]
        /// Nodes in this collection, itself included, counting alias copies in full.
        var size = 1
        /// Levels of collections from this one down, itself included, alias copies too.
        var height = 1
    }

    private let path: String
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var documents = 0
    private var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]
    private var expanded = 0
    private var scalarTypes: [YAMLDocument.Position: YAMLDocument.ScalarType] = [:]
    private var keyPositions: [YAMLDocument.Position: [String: YAMLDocument.Position]] = [:]
    private var emptyPlainScalars: Set<YAMLDocument.Position> = []

    init(path: String) {
        self.path = path
    }

    func finish() -> YAMLDocument.Parsed {
        YAMLDocument.Parsed(root: root ?? .mapping([], line: 1, column: 1),
                            scalarTypes: scalarTypes, keyPositions: keyPositions, emptyPlainScalars: emptyPlainScalars)
    }

    /// True at the end of the stream.
    mutating func consume(_ event: yaml_event_t) throws(Diagnostic) -> Bool {
        let position = YAMLDocument.Position(line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw Diagnostic(MessageCatalog.yamlMultipleDocuments, location: location(position))
            }
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            if scalar.style == YAML_PLAIN_SCALAR_STYLE, scalar.plain_implicit != 0, !text.isEmpty,
               let type = Self.coreSchemaType(of: text) {
                scalarTypes[position] = type
            } else if text.isEmpty, scalar.style == YAML_PLAIN_SCALAR_STYLE, scalar.plain_implicit != 0 {
                emptyPlainScalars.insert(position)
            }
            let node = YAMLNode.scalar(text, line: position.line, column: position.column)
            remember(node, size: 1, height: 0, anchor: Self.string(scalar.anchor))
            try attach(node, size: 1, height: 0)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw Diagnostic(MessageCatalog.yamlSyntax, ["detail": "alias *\(name) does not name an earlier anchor"],
                                 location: location(position))
            }
            expanded += anchored.size
            if expanded > YAMLDocument.maximumAliasExpansion {
                throw Diagnostic(MessageCatalog.yamlAliasExpansion, ["limit": String(YAMLDocument.maximumAliasExpansion)],
                                 location: location(position))
            }
            // A copy of a deep anchor inside deep nesting is as deep as the two together,
            // and the tree is compared and freed by recursion.
            if stack.count + anchored.height > YAMLDocument.maximumDepth {
                throw Diagnostic(MessageCatalog.yamlTooDeep, ["limit": String(YAMLDocument.maximumDepth)],
                                 location: location(position))
            }
            try attach(anchored.node, size: anchored.size, height: anchored.height)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            if stack.count >= YAMLDocument.maximumDepth {
                throw Diagnostic(MessageCatalog.yamlTooDeep, ["limit": String(YAMLDocument.maximumDepth)],
                                 location: location(position))
            }
            let isMapping = event.type == YAML_MAPPING_START_EVENT
            let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            stack.append(Frame(isMapping: isMapping, position: position, anchor: Self.string(anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            let node: YAMLNode
            if frame.isMapping {
                node = .mapping(frame.pairs, line: frame.position.line, column: frame.position.column)
                keyPositions[frame.position] = frame.keys
            } else {
                node = .sequence(frame.items, line: frame.position.line, column: frame.position.column)
            }
            remember(node, size: frame.size, height: frame.height, anchor: frame.anchor)
            try attach(node, size: frame.size, height: frame.height)
        default:
            break
        }
        return false
    }

    private mutating func remember(_ node: YAMLNode, size: Int, height: Int, anchor: String?) {
        if let anchor { anchors[anchor] = (node, size, height) }
    }

    /// `height`: levels of collections in `node`, 0 for a scalar.
    private mutating func attach(_ node: YAMLNode, size: Int, height: Int) throws(Diagnostic) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].size += size
        stack[top].height = max(stack[top].height, height + 1)
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            guard case .scalar(let key, let line, let column) = node else {
                throw Diagnostic(MessageCatalog.yamlSyntax, ["detail": "a mapping key must be a single value, not a list or mapping"],
                                 location: location(.init(line: node.line, column: node.column)))
            }
            let position = YAMLDocument.Position(line: line, column: column)
            if stack[top].keys[key] != nil {
                throw Diagnostic(MessageCatalog.yamlSyntax, ["detail": "duplicate key '\(key)'"], location: location(position))
            }
            stack[top].keys[key] = position
            stack[top].pendingKey = key
            return
        }
        stack[top].pairs.append((key, node))
        stack[top].pendingKey = nil
    }

    private func location(_ position: YAMLDocument.Position) -> String {
        "\(path):\(position.line):\(position.column)"
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// The YAML 1.2 core schema's reading of a plain scalar, when it is not a string.
    static func coreSchemaType(of text: String) -> YAMLDocument.ScalarType? {
        switch text {
        case "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE": return .boolean
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
             ".nan", ".NaN", ".NAN": return .float
        default: break
        }
        var bytes = Substring(text).utf8[...]
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if bytes.starts(with: "0o".utf8) {
            let digits = bytes.dropFirst(2)
            return !digits.isEmpty && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") } ? .integer : nil
        }
        if bytes.starts(with: "0x".utf8) {
            let digits = bytes.dropFirst(2)
            return !digits.isEmpty && digits.allSatisfy { isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }
                ? .integer : nil
        }
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        // [0-9]+ is an integer; (\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? a float.
        let whole = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(whole.count)
        if bytes.isEmpty { return whole.isEmpty ? nil : .integer }
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit).count
            bytes = bytes.dropFirst(fraction)
        }
        guard !whole.isEmpty || fraction > 0 else { return nil }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
            }
            let exponent = bytes.prefix(while: isDigit).count
            guard exponent > 0 else { return nil }
            bytes = bytes.dropFirst(exponent)
        }
        return bytes.isEmpty ? .float : nil
    }
}

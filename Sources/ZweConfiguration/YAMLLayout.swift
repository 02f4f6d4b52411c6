// Where each node of a YAML text is written and how: its start and end marks, block or flow
// style, scalar style, and whether it has an anchor or tag or is an alias. This is what an
// in-place edit of the text needs and what `YAMLDocument`'s value tree does not keep. Read
// with libyaml's event API; it is used only on files that `YAMLDocument` has already read
// without an error, so it reports failures without positions of its own.

import CZweYAML

/// The layout of one YAML document: nodes with their positions in the text.
struct YAMLLayout {
    /// A place in the text: 0-based line and column, the column counted in characters
    /// (Unicode scalars), as libyaml counts it.
    struct Mark: Equatable, Comparable {
        var line: Int
        var column: Int

        static func < (lhs: Mark, rhs: Mark) -> Bool {
            (lhs.line, lhs.column) < (rhs.line, rhs.column)
        }
    }

    enum ScalarStyle: Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded

        var isBlock: Bool { self == .literal || self == .folded }
    }

    indirect enum Kind {
        /// `isEmpty`: a plain scalar with no text (`key:` with nothing after it), whose marks
        /// libyaml puts at the next token, possibly lines further on: they are not used.
        case scalar(String, ScalarStyle, isEmpty: Bool)
        case sequence([Node])
        case mapping([Entry])
        case alias
    }

    struct Node {
        var kind: Kind
        var isFlow: Bool
        var start: Mark
        /// Exact for scalars, aliases and flow collections; for a block collection libyaml's
        /// end is where the next token starts, so the editor works its end out from the children.
        var end: Mark
        var hasAnchorOrTag: Bool

        var entries: [Entry]? {
            if case .mapping(let entries) = kind { return entries }
            return nil
        }

        var items: [Node]? {
            if case .sequence(let items) = kind { return items }
            return nil
        }

        var isEmptyScalar: Bool {
            if case .scalar(_, _, true) = kind { return true }
            return false
        }
    }

    struct Entry {
        var key: String
        var keyStart: Mark
        var keyEnd: Mark
        var value: Node
    }

    struct Failure: Error {
        let reason: String
    }

    /// The root node; nil for a text without a document (empty, or only comments).
    static func parse(_ text: String) throws(Failure) -> Node? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return nil }
        let input = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
        defer { input.deallocate() }
        _ = input.initialize(from: utf8)
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { throw Failure(reason: "out of memory") }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, input.baseAddress, input.count)

        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer { event.deallocate() }
        var builder = Builder()
        while true {
            guard yaml_parser_parse(parser, event) == 1 else {
                let problem = parser.pointee.problem.map { String(cString: $0) } ?? "unknown error"
                throw Failure(reason: problem)
            }
            defer { yaml_event_delete(event) }
            if try builder.consume(event.pointee) { break }
        }
        return builder.root
    }

    private struct Builder {
        struct Frame {
            var node: Node
            var items: [Node] = []
            var entries: [Entry] = []
            var pendingKey: (text: String, start: Mark, end: Mark)?
        }

        var stack: [Frame] = []
        var root: Node?
        var documents = 0

        static func mark(_ mark: yaml_mark_t) -> Mark { Mark(line: Int(mark.line), column: Int(mark.column)) }

        /// True at the end of the stream.
        mutating func consume(_ event: yaml_event_t) throws(Failure) -> Bool {
            let start = Self.mark(event.start_mark)
            let end = Self.mark(event.end_mark)
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return true
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                if documents > 1 { throw Failure(reason: "the file holds more than one YAML document") }
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                let style: ScalarStyle
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: style = .literal
                case YAML_FOLDED_SCALAR_STYLE: style = .folded
                default: style = .plain
                }
                let decorated = scalar.anchor != nil || scalar.tag != nil
                let node = Node(kind: .scalar(text, style, isEmpty: text.isEmpty && style == .plain),
                                isFlow: false, start: start, end: end, hasAnchorOrTag: decorated)
                try attach(node, keyText: text)
            case YAML_ALIAS_EVENT:
                try attach(Node(kind: .alias, isFlow: false, start: start, end: end, hasAnchorOrTag: false), keyText: nil)
            case YAML_SEQUENCE_START_EVENT:
                let data = event.data.sequence_start
                stack.append(Frame(node: Node(kind: .sequence([]), isFlow: data.style == YAML_FLOW_SEQUENCE_STYLE,
                                              start: start, end: end, hasAnchorOrTag: data.anchor != nil || data.tag != nil)))
            case YAML_MAPPING_START_EVENT:
                let data = event.data.mapping_start
                stack.append(Frame(node: Node(kind: .mapping([]), isFlow: data.style == YAML_FLOW_MAPPING_STYLE,
                                              start: start, end: end, hasAnchorOrTag: data.anchor != nil || data.tag != nil)))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                var frame = stack.removeLast()
                frame.node.kind = event.type == YAML_SEQUENCE_END_EVENT ? .sequence(frame.items) : .mapping(frame.entries)
                frame.node.end = end
                try attach(frame.node, keyText: nil)
            default:
                break
            }
            return false
        }

        private mutating func attach(_ node: Node, keyText: String?) throws(Failure) {
            guard !stack.isEmpty else {
                root = node
                return
            }
            let top = stack.count - 1
            guard case .mapping = stack[top].node.kind else {
                stack[top].items.append(node)
                return
            }
            if let key = stack[top].pendingKey {
                stack[top].entries.append(Entry(key: key.text, keyStart: key.start, keyEnd: key.end, value: node))
                stack[top].pendingKey = nil
            } else {
                guard let keyText, case .scalar = node.kind else {
                    throw Failure(reason: "a mapping key is not a single value")
                }
                stack[top].pendingKey = (keyText, node.start, node.end)
            }
        }
    }
}

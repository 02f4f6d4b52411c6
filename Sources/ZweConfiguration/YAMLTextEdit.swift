// The in-place edit of a YAML text: one value set at one path by changing only the lines
// that hold it (or the lines after which it is added), so that comments, blank lines, key
// order and the formatting of every other line stay as they were. Each call makes one
// change and re-reads the layout before the next: the text is small, and working from a
// fresh layout every time is simpler to get right than tracking shifted positions.

struct YAMLTextEdit {
    private(set) var text: YAMLTextLines

    /// Why a value cannot be set; `at` is the place in the text the reason is about.
    struct Failure: Error {
        enum Kind {
            /// A value on the path is not a mapping, so nothing can be set below it.
            case notMapping(parent: ConfigPath, actual: String)
            /// The text is written in a way this editor does not change without risk.
            case unsupported(String)
        }

        let kind: Kind
        let at: YAMLLayout.Mark?
    }

    init(_ text: String) throws(Failure) {
        do {
            self.text = try YAMLTextLines(text)
        } catch {
            throw Failure(kind: .unsupported(error.reason), at: nil)
        }
    }

    /// Sets `value` at `path`, creating the mappings that are missing.
    mutating func set(_ path: ConfigPath, _ value: ConfigValue) throws(Failure) {
        guard !path.steps.isEmpty else { throw Failure(kind: .unsupported("the path is empty"), at: nil) }
        // Each round either finishes or rewrites one flow mapping on the path in block style.
        for _ in 0...(path.steps.count + 1) {
            let root: YAMLLayout.Node?
            do {
                root = try YAMLLayout.parse(text.body)
            } catch {
                throw Failure(kind: .unsupported("the file does not read as YAML (\(error.reason))"), at: nil)
            }
            if try step(root, path, value) { return }
        }
        throw Failure(kind: .unsupported("the flow-style mappings on the path could not be rewritten in block style"), at: nil)
    }

    // MARK: - one round

    /// Who holds a node: the document, a mapping entry, or a sequence.
    private enum Owner {
        case document
        case entry(YAMLLayout.Entry)
        case item
    }

    /// True when the value is set; false when the text was restructured and must be read again.
    private mutating func step(_ root: YAMLLayout.Node?, _ path: ConfigPath, _ value: ConfigValue) throws(Failure) -> Bool {
        let unit = Self.indentUnit(root)
        guard let root else {
            text.append(try Self.newLines(path.steps[...], value, indent: 0, unit: unit))
            return true
        }
        var node = root
        var owner = Owner.document
        var outermostFlow: (node: YAMLLayout.Node, owner: Owner)?
        for (index, step) in path.steps.enumerated() {
            let here = ConfigPath(steps: Array(path.steps[..<index]))
            if node.isFlow, outermostFlow == nil { outermostFlow = (node, owner) }
            if case .alias = node.kind {
                throw Failure(kind: .unsupported("\(here) is an alias (*name) of a value written elsewhere; set the value where it is anchored, or write it out"), at: node.start)
            }
            switch step {
            case .key(let key):
                guard let entries = node.entries else {
                    if case .entry(let entry) = owner, Self.isNull(node) {
                        if let flow = outermostFlow { try rewriteAsBlock(flow.node, flow.owner, unit: unit); return false }
                        try checkUndecorated(node, here)
                        let remaining = path.steps[index...]
                        try replace(node, of: entry, unit: unit, with: .block { indent throws(Failure) in
                            try Self.newLines(remaining, value, indent: indent, unit: unit)
                        })
                        return true
                    }
                    throw Failure(kind: .notMapping(parent: here, actual: Self.typeName(node)), at: node.start)
                }
                if let entry = entries.first(where: { $0.key == key }) {
                    owner = .entry(entry)
                    node = entry.value
                    continue
                }
                if let flow = outermostFlow { try rewriteAsBlock(flow.node, flow.owner, unit: unit); return false }
                try checkUndecorated(node, here)
                guard let column = entries.first?.keyStart.column else {
                    throw Failure(kind: .unsupported("\(here) is an empty mapping"), at: node.start)
                }
                text.insert(try Self.newLines(path.steps[index...], value, indent: column, unit: unit), after: try span(of: node, parentColumn: column).end.line)
                return true
            case .index(let position):
                guard let items = node.items else {
                    throw Failure(kind: .unsupported("\(here) is \(Self.typeName(node)), not a list, so it has no item \(position)"), at: node.start)
                }
                guard items.indices.contains(position) else {
                    throw Failure(kind: .unsupported("\(here) has \(items.count) items, so there is no item \(position) to set (new items are not added)"), at: node.start)
                }
                owner = .item
                node = items[position]
            }
        }
        // The value is there: replace it.
        try checkUndecorated(node, path)
        if case .alias = node.kind {
            throw Failure(kind: .unsupported("\(path) is an alias (*name) of a value written elsewhere; set the value where it is anchored, or write it out"), at: node.start)
        }
        if case .mapping = node.kind {
            throw Failure(kind: .unsupported("\(path) is a mapping; set the keys below it instead"), at: node.start)
        }
        let replacement: Replacement
        switch value {
        case .strings(let items) where !items.isEmpty:
            if let flow = outermostFlow { try rewriteAsBlock(flow.node, flow.owner, unit: unit); return false }
            replacement = .block { indent in items.map { String(repeating: " ", count: indent) + "- " + YAMLScalarText.render($0) } }
        case .strings:
            replacement = .inline("[]")
        default:
            replacement = .inline(value.scalarText ?? "")
        }
        switch owner {
        case .entry(let entry):
            try replace(node, of: entry, unit: unit, with: replacement)
        case .item, .document:
            guard case .inline(let new) = replacement, !node.isEmptyScalar, node.isFlow || Self.isScalar(node),
                  !Self.isBlockScalar(node) else {
                throw Failure(kind: .unsupported("\(path) is a list item written in a way that is only replaced by hand"), at: node.start)
            }
            let whole = try span(of: node, parentColumn: node.start.column)
            replaceText(from: whole.start, to: whole.end, with: new)
        }
        return true
    }

    private enum Replacement {
        case inline(String)
        /// Lines for an indentation.
        case block((Int) throws(Failure) -> [String])
    }

    /// Replaces the value of a mapping entry.
    private mutating func replace(_ node: YAMLLayout.Node, of entry: YAMLLayout.Entry, unit: Int, with replacement: Replacement) throws(Failure) {
        let keyLine = entry.keyStart.line
        let keyColumn = entry.keyStart.column
        if node.isEmptyScalar {
            let colon = try colonAfter(entry)
            switch replacement {
            case .inline(let new): replaceText(from: colon, to: colon, with: " " + new)
            case .block(let lines): text.insert(try lines(keyColumn + unit), after: keyLine)
            }
            return
        }
        let whole = try span(of: node, parentColumn: keyColumn)
        let isBlockCollection = !node.isFlow && !Self.isScalar(node)
        if case .inline(let new) = replacement, !isBlockCollection {
            // A value, or a flow collection, replaced where it is written (in flow context too).
            replaceText(from: whole.start, to: whole.end, with: new)
            return
        }
        let tail = text.suffix(whole.end.line, whole.end.column).trimmingBlanks()
        let ownLines = whole.start.line > keyLine
        if ownLines && !text.prefix(whole.start.line, whole.start.column).allSatisfy({ $0 == " " }) {
            throw Failure(kind: .unsupported("its value shares a line with other text"), at: whole.start)
        }
        guard tail.isEmpty || tail.hasPrefix("#") else {
            throw Failure(kind: .unsupported("text follows the value on its line"), at: whole.end)
        }
        switch replacement {
        case .inline(let new):
            // `key:` then a block list on the lines below: the new value goes after the colon.
            let colon = try colonAfter(entry)
            text.replace(whole.start.line, through: whole.end.line, with: [])
            replaceText(from: colon, to: colon, with: " " + new)
        case .block(let lines):
            if ownLines {
                text.replace(whole.start.line, through: whole.end.line, with: try lines(whole.start.column))
            } else {
                // `key: value  # note` becomes `key:  # note` with the lines of the new value below.
                let head = Self.droppingTrailingBlanks(text.prefix(whole.start.line, whole.start.column))
                let keyText = head + (tail.isEmpty ? "" : " " + tail)
                text.replace(whole.start.line, through: whole.end.line, with: [keyText] + (try lines(keyColumn + unit)))
            }
        }
    }

    /// Rewrites a flow mapping (`key: { a: 1, b: 2 }`) as the block mapping it stands for, so
    /// that keys can be added to it. Refused when it holds a comment, which would be lost.
    private mutating func rewriteAsBlock(_ flow: YAMLLayout.Node, _ owner: Owner, unit: Int) throws(Failure) {
        guard flow.entries != nil, !flow.hasAnchorOrTag else {
            throw Failure(kind: .unsupported("a flow-style list ([ ... ]) or an anchored value is on the path; write it in block style (one item or key per line)"), at: flow.start)
        }
        let source = text.slice(from: flow.start, to: flow.end)
        var outside = Substring(source)
        for range in Self.scalarRanges(flow).reversed() {
            let from = Self.offset(of: range.start, from: flow.start, in: source)
            let to = Self.offset(of: range.end, from: flow.start, in: source)
            let scalars = outside.unicodeScalars
            outside = Substring(String(String.UnicodeScalarView(scalars.prefix(from))) + String(String.UnicodeScalarView(scalars.dropFirst(to))))
        }
        if outside.contains("#") {
            throw Failure(kind: .unsupported("the flow-style mapping holds a comment, which rewriting it in block style would lose; write it in block style by hand"), at: flow.start)
        }
        func blockLines(_ node: YAMLLayout.Node, _ indent: Int) throws(Failure) -> [String] {
            var lines: [String] = []
            for entry in node.entries ?? [] {
                let key = String(repeating: " ", count: indent) + text.slice(from: entry.keyStart, to: entry.keyEnd)
                let value = entry.value
                if value.isFlow, let inner = value.entries, !inner.isEmpty, !value.hasAnchorOrTag {
                    lines.append(key + ":")
                    lines += try blockLines(value, indent + unit)
                } else if value.isEmptyScalar {
                    lines.append(key + ":")
                } else {
                    let written = text.slice(from: value.start, to: value.end)
                    guard !written.contains("\n"), !key.contains("\n") else {
                        throw Failure(kind: .unsupported("a value of the flow-style mapping spans lines; write the mapping in block style by hand"), at: value.start)
                    }
                    lines.append(key + ": " + written)
                }
            }
            return lines
        }
        let tail = text.suffix(flow.end.line, flow.end.column).trimmingBlanks()
        guard tail.isEmpty || tail.hasPrefix("#") else {
            throw Failure(kind: .unsupported("text follows the flow-style mapping on its line"), at: flow.end)
        }
        switch owner {
        case .entry(let entry) where flow.start.line == entry.keyStart.line:
            let head = Self.droppingTrailingBlanks(text.prefix(flow.start.line, flow.start.column))
            let keyText = head + (tail.isEmpty ? "" : " " + tail)
            text.replace(flow.start.line, through: flow.end.line, with: [keyText] + (try blockLines(flow, entry.keyStart.column + unit)))
        case .entry, .document:
            guard text.prefix(flow.start.line, flow.start.column).allSatisfy({ $0 == " " }) else {
                throw Failure(kind: .unsupported("the flow-style mapping shares its line with other text"), at: flow.start)
            }
            var lines = try blockLines(flow, flow.start.column)
            if !tail.isEmpty { lines.insert(String(repeating: " ", count: flow.start.column) + tail, at: 0) }
            text.replace(flow.start.line, through: flow.end.line, with: lines)
        case .item:
            throw Failure(kind: .unsupported("a flow-style mapping inside a list is on the path; write it in block style"), at: flow.start)
        }
    }

    // MARK: - positions

    /// Where a node's text begins and ends (the end excluded). A block collection ends where
    /// its last value does; a literal or folded scalar at its last line indented deeper than
    /// `parentColumn`, the column of the key or dash that holds it.
    private func span(of node: YAMLLayout.Node, parentColumn: Int) throws(Failure) -> (start: YAMLLayout.Mark, end: YAMLLayout.Mark) {
        switch node.kind {
        case .scalar(_, let style, _) where style.isBlock:
            var last = node.start.line
            var line = node.start.line + 1
            while line < text.count, text.isBlank(line) || text.indent(line) > parentColumn {
                if !text.isBlank(line) { last = line }
                line += 1
            }
            return (node.start, YAMLLayout.Mark(line: last, column: text[last].unicodeScalars.count))
        case .scalar, .alias:
            return (node.start, node.end)
        case _ where node.isFlow:
            return (node.start, node.end)
        case .mapping(let entries):
            guard let last = entries.last else { return (node.start, node.end) }
            if last.value.isEmptyScalar { return (node.start, try colonAfter(last)) }
            return (node.start, try span(of: last.value, parentColumn: last.keyStart.column).end)
        case .sequence(let items):
            guard let last = items.last else { return (node.start, node.end) }
            guard !last.isEmptyScalar else {
                throw Failure(kind: .unsupported("a list on the path ends with an empty item"), at: node.start)
            }
            return (node.start, try span(of: last, parentColumn: node.start.column).end)
        }
    }

    /// Just after the `:` that follows a key.
    private func colonAfter(_ entry: YAMLLayout.Entry) throws(Failure) -> YAMLLayout.Mark {
        let rest = text.suffix(entry.keyEnd.line, entry.keyEnd.column).unicodeScalars
        let blanks = rest.prefix { $0 == " " || $0 == "\t" }.count
        guard rest.dropFirst(blanks).first == ":" else {
            throw Failure(kind: .unsupported("the key \(entry.key) is not followed by ':' on its line"), at: entry.keyStart)
        }
        return YAMLLayout.Mark(line: entry.keyEnd.line, column: entry.keyEnd.column + blanks + 1)
    }

    /// Replaces the text between two positions; lines between them go.
    private mutating func replaceText(from start: YAMLLayout.Mark, to end: YAMLLayout.Mark, with new: String) {
        let line = text.prefix(start.line, start.column) + new + text.suffix(end.line, end.column)
        text.replace(start.line, through: end.line, with: [line])
    }

    private func checkUndecorated(_ node: YAMLLayout.Node, _ path: ConfigPath) throws(Failure) {
        if node.hasAnchorOrTag {
            throw Failure(kind: .unsupported("\(path) has an anchor (&name) or a tag (!tag): other places may share it; change it by hand"), at: node.start)
        }
    }

    // MARK: - what is written

    /// `key:` lines down to the value, `indent` spaces in, then the value.
    static func newLines(_ steps: ArraySlice<ConfigPath.Step>, _ value: ConfigValue, indent: Int, unit: Int) throws(Failure) -> [String] {
        guard case .key(let key)? = steps.first else {
            throw Failure(kind: .unsupported("a list item cannot be created; only keys are added"), at: nil)
        }
        let head = String(repeating: " ", count: indent) + YAMLScalarText.render(key) + ":"
        if steps.count > 1 {
            return [head] + (try newLines(steps.dropFirst(), value, indent: indent + unit, unit: unit))
        }
        switch value {
        case .strings(let items) where !items.isEmpty:
            return [head] + items.map { String(repeating: " ", count: indent + unit) + "- " + YAMLScalarText.render($0) }
        case .strings:
            return [head + " []"]
        default:
            return [head + " " + (value.scalarText ?? "")]
        }
    }

    /// The indentation step the file uses for nested mappings (the most common one), 2 if none.
    static func indentUnit(_ root: YAMLLayout.Node?) -> Int {
        var counts: [Int: Int] = [:]
        func visit(_ node: YAMLLayout.Node) {
            for entry in node.entries ?? [] {
                if !entry.value.isFlow, let first = entry.value.entries?.first {
                    let step = first.keyStart.column - entry.keyStart.column
                    if step > 0 { counts[step, default: 0] += 1 }
                }
                visit(entry.value)
            }
            for item in node.items ?? [] { visit(item) }
        }
        if let root { visit(root) }
        return counts.max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? 2
    }

    static func droppingTrailingBlanks(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars[...]
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    static func isNull(_ node: YAMLLayout.Node) -> Bool {
        guard case .scalar(let text, .plain, _) = node.kind else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    static func isScalar(_ node: YAMLLayout.Node) -> Bool {
        if case .scalar = node.kind { return true }
        return false
    }

    static func isBlockScalar(_ node: YAMLLayout.Node) -> Bool {
        if case .scalar(_, let style, _) = node.kind { return style.isBlock }
        return false
    }

    static func typeName(_ node: YAMLLayout.Node) -> String {
        switch node.kind {
        case .scalar: isNull(node) ? "null" : "a value"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    /// The text ranges of every scalar (keys too) inside a node.
    static func scalarRanges(_ node: YAMLLayout.Node) -> [(start: YAMLLayout.Mark, end: YAMLLayout.Mark)] {
        var ranges: [(start: YAMLLayout.Mark, end: YAMLLayout.Mark)] = []
        func visit(_ node: YAMLLayout.Node) {
            switch node.kind {
            case .scalar(_, _, let isEmpty): if !isEmpty { ranges.append((node.start, node.end)) }
            case .alias: ranges.append((node.start, node.end))
            case .sequence(let items): items.forEach(visit)
            case .mapping(let entries):
                for entry in entries {
                    ranges.append((entry.keyStart, entry.keyEnd))
                    visit(entry.value)
                }
            }
        }
        visit(node)
        return ranges.sorted { $0.start < $1.start }
    }

    /// Scalars from the start of `source` (which begins at `origin`) to `mark`; lines joined by "\n".
    static func offset(of mark: YAMLLayout.Mark, from origin: YAMLLayout.Mark, in source: String) -> Int {
        var line = origin.line
        var column = origin.column
        var offset = 0
        for scalar in source.unicodeScalars {
            if line == mark.line && column == mark.column { return offset }
            if scalar == "\n" {
                line += 1
                column = 0
            } else {
                column += 1
            }
            offset += 1
        }
        return offset
    }
}

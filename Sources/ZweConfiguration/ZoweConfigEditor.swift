// Setting values in a zowe.yaml in place, as `zwe init certificate --update-config` and
// `zwe components enable|disable` do: only the lines that hold the values change (see
// YAMLTextEdit), the result is read back and must hold exactly the values set with every
// other value as it was, and the file is replaced in one rename (AtomicFileReplace). On any
// error the file is left byte for byte as it was.

import Foundation
import ZweMessages

public enum ZoweConfigEditor {
    public struct Change: Sendable, Equatable {
        public var path: ConfigPath
        public var value: ConfigValue

        public init(_ path: ConfigPath, _ value: ConfigValue) {
            self.path = path
            self.value = value
        }

        var summary: String { "\(path)=\(value)" }
    }

    /// Sets the values in the file. Returns false when the file already held them all (it is
    /// then not rewritten).
    @discardableResult
    public static func apply(_ changes: [Change], toFile path: String) throws(Diagnostic) -> Bool {
        let text = try read(path)
        let edited = try edit(text, changes, file: path)
        guard edited != text else { return false }
        do {
            try AtomicFileReplace.replace(path, expecting: Array(text.utf8), with: Array(edited.utf8))
        } catch {
            switch error {
            case .changed: throw Diagnostic(MessageCatalog.configEditConcurrent, ["path": path], location: path)
            case .io(let reason): throw Diagnostic(MessageCatalog.configEditWriteFailed, ["path": path, "reason": reason], location: path)
            }
        }
        return true
    }

    /// Whether the values can be set in the file, without writing it: what a command checks
    /// before it does work whose result it will then write into the configuration.
    public static func check(_ changes: [Change], inFile path: String) throws(Diagnostic) {
        _ = try edit(try read(path), changes, file: path)
    }

    private static func read(_ path: String) throws(Diagnostic) -> String {
        try ZoweConfig.text(ofFile: path)
    }

    /// The text with the values set, checked by reading it back. `file` names it in messages.
    public static func edit(_ text: String, _ changes: [Change], file: String) throws(Diagnostic) -> String {
        let before = try tree(of: text, file: file)
        var editor: YAMLTextEdit
        do {
            editor = try YAMLTextEdit(text)
        } catch {
            throw diagnostic(error, key: changes.first?.path ?? ConfigPath(steps: []), file: file)
        }
        var expected = before
        for change in changes {
            do {
                try editor.set(change.path, change.value)
            } catch {
                throw diagnostic(error, key: change.path, file: file)
            }
            expected = PlainTree.setting(change.path.steps[...], to: PlainTree(change.value), in: expected) ?? expected
        }
        let result = editor.text.text
        let after: PlainTree
        do {
            after = try tree(of: result, file: file)
        } catch {
            throw Diagnostic(MessageCatalog.configEditNotReadBack, ["path": file, "reason": "the text is no longer valid YAML (\(error.message))"], location: file)
        }
        if let difference = PlainTree.firstDifference(expected, after, at: ConfigPath(steps: [])) {
            throw Diagnostic(MessageCatalog.configEditNotReadBack, ["path": file, "reason": difference], location: file)
        }
        return result
    }

    private static func tree(of text: String, file: String) throws(Diagnostic) -> PlainTree {
        PlainTree(ConfigNode.from(try YAMLDocument.parseDetailed(text, path: file), file: file))
    }

    private static func diagnostic(_ failure: YAMLTextEdit.Failure, key: ConfigPath, file: String) -> Diagnostic {
        let location = failure.at.map { "\(file):\($0.line + 1):\($0.column + 1)" } ?? file
        switch failure.kind {
        case .notMapping(let parent, let actual):
            return Diagnostic(MessageCatalog.configEditNotMapping, [
                "key": key.description, "path": file, "parent": parent.description, "actual": actual,
            ], location: location)
        case .unsupported(let reason):
            return Diagnostic(MessageCatalog.configEditUnsupported, ["key": key.description, "path": file, "reason": reason], location: location)
        }
    }
}

/// A configuration tree without positions, for comparing what a text says before and after.
indirect enum PlainTree: Equatable {
    case scalar(String, ScalarKind)
    case sequence([PlainTree])
    case mapping([Entry])

    struct Entry: Equatable {
        var key: String
        var value: PlainTree
    }

    init(_ node: ConfigNode) {
        switch node {
        case .scalar(let text, let kind, _): self = .scalar(text, kind)
        case .sequence(let items, _): self = .sequence(items.map(PlainTree.init))
        case .mapping(let entries, _): self = .mapping(entries.map { Entry(key: $0.key, value: PlainTree($0.value)) })
        }
    }

    init(_ value: ConfigValue) {
        switch value {
        case .string(let text): self = .scalar(text, .string)
        case .integer(let number): self = .scalar(String(number), .integer)
        case .boolean(let flag): self = .scalar(flag ? "true" : "false", .boolean)
        case .strings(let items): self = .sequence(items.map { .scalar($0, .string) })
        }
    }

    /// The tree with `value` at the path, mappings made where keys are missing (a null value
    /// becomes a mapping, as the editor writes it); nil where the path cannot be followed.
    static func setting(_ steps: ArraySlice<ConfigPath.Step>, to value: PlainTree, in node: PlainTree?) -> PlainTree? {
        guard let step = steps.first else { return value }
        switch step {
        case .key(let key):
            var entries: [Entry]
            switch node {
            case .mapping(let existing)?: entries = existing
            case nil, .scalar(_, .null)?: entries = []
            default: return nil
            }
            if let index = entries.firstIndex(where: { $0.key == key }) {
                guard let inner = setting(steps.dropFirst(), to: value, in: entries[index].value) else { return nil }
                entries[index].value = inner
            } else {
                guard let inner = setting(steps.dropFirst(), to: value, in: nil) else { return nil }
                entries.append(Entry(key: key, value: inner))
            }
            return .mapping(entries)
        case .index(let position):
            guard case .sequence(var items)? = node, items.indices.contains(position),
                  let inner = setting(steps.dropFirst(), to: value, in: items[position]) else { return nil }
            items[position] = inner
            return .sequence(items)
        }
    }

    /// Where two trees first differ, said for a person; nil when they are equal.
    static func firstDifference(_ expected: PlainTree, _ actual: PlainTree, at path: ConfigPath) -> String? {
        let place = path.steps.isEmpty ? "the top level" : path.description
        switch (expected, actual) {
        case (.scalar(let a, let aKind), .scalar(let b, let bKind)):
            if a == b && aKind == bKind { return nil }
            return "\(place) is '\(b)' (\(bKind.rawValue)) where '\(a)' (\(aKind.rawValue)) was expected"
        case (.sequence(let a), .sequence(let b)):
            guard a.count == b.count else { return "\(place) has \(b.count) items where \(a.count) were expected" }
            for (index, pair) in zip(a, b).enumerated() {
                if let found = firstDifference(pair.0, pair.1, at: ConfigPath(steps: path.steps + [.index(index)])) { return found }
            }
            return nil
        case (.mapping(let a), .mapping(let b)):
            guard a.map(\.key) == b.map(\.key) else {
                return "the keys of \(place) are \(b.map(\.key)) where \(a.map(\.key)) were expected"
            }
            for (left, right) in zip(a, b) {
                if let found = firstDifference(left.value, right.value, at: path.appending(left.key)) { return found }
            }
            return nil
        default:
            return "\(place) has changed its kind of value"
        }
    }
}

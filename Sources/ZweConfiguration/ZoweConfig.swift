import Foundation
import ZweMessages

/// A Zowe v2/v3 configuration: one or more zowe.yaml files merged into one tree, with the
/// `${{ ... }}` templates in its values worked out. As Zowe's configuration manager has it,
/// `-c FILE(a.yaml):FILE(b.yaml)` (or `a.yaml:b.yaml`) gives several files and the left-most
/// one wins: its values override those of the files after it, key by key. Every value keeps
/// the file, line and column it came from.
public struct ZoweConfig: Sendable {
    /// The files, highest priority first.
    public let files: [String]
    /// The merged tree with templates resolved.
    public let root: ConfigNode

    public init(files: [String], root: ConfigNode) {
        self.files = files
        self.root = root
    }

    /// The files a `-c` value names: `FILE(path)` items or plain paths, separated by `:`, each
    /// made absolute against `base`. Nil when the value names a folder (a v1 instance directory).
    public static func files(inArgument argument: String, relativeTo base: String) -> [String]? {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: true).map { part -> String in
            let text = String(part).trimmingBlanks()
            if text.hasPrefix("FILE("), text.hasSuffix(")") { return String(text.dropFirst(5).dropLast()) }
            return text
        }
        guard !parts.isEmpty else { return nil }
        let paths = parts.map { LaunchPlanner.normalise($0, relativeTo: base) }
        if paths.count == 1 {
            if LaunchPlanner.isFolder(paths[0]) { return nil }
            let lower = paths[0].lowercased()
            guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json")
                    || FileManager.default.fileExists(atPath: paths[0]) else { return nil }
        }
        return paths
    }

    /// True when a `-c` value names a zowe.yaml rather than an instance directory.
    public static func isConfigurationArgument(_ argument: String) -> Bool {
        files(inArgument: argument, relativeTo: FileManager.default.currentDirectoryPath) != nil
    }

    /// Reads, merges and resolves. Every problem of every file is reported together.
    public static func load(paths: [String], environment: [String: String]) throws(Diagnostics) -> ZoweConfig {
        var trees: [ConfigNode] = []
        var problems: [Diagnostic] = []
        for path in paths {
            do {
                trees.append(try parse(file: path))
            } catch {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw Diagnostics(problems) }
        // The right-most file is the base; each file to its left goes over it.
        var merged = trees.last!
        for tree in trees.dropLast().reversed() { merged = merged.overlaid(by: tree) }
        var resolver = TemplateResolver(root: merged, environment: environment)
        let resolved = resolver.resolve()
        guard resolver.problems.isEmpty else { throw Diagnostics(resolver.problems) }
        return ZoweConfig(files: paths, root: resolved)
    }

    public static func load(argument: String, relativeTo base: String = FileManager.default.currentDirectoryPath,
                            environment: [String: String]) throws(Diagnostics) -> ZoweConfig {
        guard let paths = files(inArgument: argument, relativeTo: base) else {
            throw Diagnostics([Diagnostic(MessageCatalog.configArgumentInvalid, ["value": argument], location: argument)])
        }
        return try load(paths: paths, environment: environment)
    }

    /// One file's tree, unmerged and unresolved.
    public static func parse(file path: String) throws(Diagnostic) -> ConfigNode {
        let text = try text(ofFile: path)
        let parsed = try YAMLDocument.parseDetailed(text, path: path)
        let tree = ConfigNode.from(parsed, file: path)
        guard case .mapping = tree else {
            throw Diagnostic(MessageCatalog.configNotMapping, ["path": path, "actual": tree.typeName], location: tree.location.description)
        }
        return tree
    }

    /// A configuration file's text: ZWEL2200E when it is missing, unreadable or not UTF-8.
    static func text(ofFile path: String) throws(Diagnostic) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file"
            throw Diagnostic(MessageCatalog.configFileUnreadable, ["path": path, "reason": reason], location: path)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Diagnostic(MessageCatalog.configFileUnreadable, ["path": path, "reason": "it is not UTF-8 text"], location: path)
        }
        return text
    }

    // MARK: - reading values

    public func node(_ path: ConfigPath) -> ConfigNode? { root.node(at: path) }

    /// The text of a scalar (numbers and booleans as written); nil when absent, null or a collection.
    public func string(_ path: ConfigPath) -> String? {
        guard let text = node(path)?.text?.trimmingBlanks(), !text.isEmpty else { return nil }
        return text
    }

    /// `file:line:col` of the value at `path`, else of the nearest enclosing value there is,
    /// else the first file.
    public func location(_ path: ConfigPath) -> String {
        var steps = path.steps
        while !steps.isEmpty {
            if let found = root.node(at: ConfigPath(steps: steps)) { return found.location.description }
            steps.removeLast()
        }
        return files.first ?? "zowe.yaml"
    }

    /// A list of texts: a sequence of scalars, or one scalar (a comma list).
    public func strings(_ path: ConfigPath) -> [String] {
        guard let found = node(path) else { return [] }
        if let items = found.items { return items.compactMap { $0.text?.trimmingBlanks() }.filter { !$0.isEmpty } }
        return (found.text ?? "").split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
    }

    /// The keys of a mapping, in file order.
    public func keys(_ path: ConfigPath) -> [String] { node(path)?.entries?.map(\.key) ?? [] }

    /// True, false or nil (absent or not a boolean).
    public func bool(_ path: ConfigPath) -> Bool? {
        switch string(path)?.lowercased() {
        case "true": true
        case "false": false
        default: nil
        }
    }

    public func int(_ path: ConfigPath) -> Int? { string(path).flatMap { Int($0) } }
}

/// Works out `${{ expression }}` in string values. Expressions are a JavaScript subset, what
/// Zowe's own files use: a member path into the configuration (`zowe.runtimeDirectory`,
/// `zowe.externalDomains[0]`, `components['api-catalog'].port`), `process.env.NAME`, a quoted
/// literal, a number, and `a || b` for a fallback. A value that is a single template takes the
/// type of what it names (a port stays a number); one with text around it is text.
struct TemplateResolver {
    static let maximumDepth = 32

    let original: ConfigNode
    let environment: [String: String]
    var problems: [Diagnostic] = []
    private var done: [ConfigPath: ConfigNode] = [:]
    private var visiting: [ConfigPath] = []

    init(root: ConfigNode, environment: [String: String]) {
        original = root
        self.environment = environment
    }

    mutating func resolve() -> ConfigNode {
        resolve(original, at: ConfigPath(steps: []))
    }

    private mutating func resolve(_ node: ConfigNode, at path: ConfigPath) -> ConfigNode {
        switch node {
        case .scalar(let text, .string, let location) where text.contains("${{"):
            if let known = done[path] { return known }
            let value = evaluate(text, at: path, location: location) ?? node
            done[path] = value
            return value
        case .scalar:
            return node
        case .sequence(let items, let location):
            return .sequence(items.enumerated().map { resolve($0.element, at: ConfigPath(steps: path.steps + [.index($0.offset)])) }, location)
        case .mapping(let entries, let location):
            return .mapping(entries.map { entry in
                var resolved = entry
                resolved.value = resolve(entry.value, at: path.appending(entry.key))
                return resolved
            }, location)
        }
    }

    /// The value of a templated text; nil (and a problem) when a template does not resolve.
    private mutating func evaluate(_ text: String, at path: ConfigPath, location: ConfigLocation) -> ConfigNode? {
        if visiting.contains(path) {
            let cycle = (visiting.drop { $0 != path } + [path]).map(\.description).joined(separator: " -> ")
            problems.append(Diagnostic(MessageCatalog.templateUnresolved, ["expression": text, "reason": "it refers back to itself: \(cycle)"], location: location.description))
            return nil
        }
        guard visiting.count < Self.maximumDepth else {
            problems.append(Diagnostic(MessageCatalog.templateUnresolved, ["expression": text, "reason": "templates refer to templates more than \(Self.maximumDepth) deep"], location: location.description))
            return nil
        }
        visiting.append(path)
        defer { visiting.removeLast() }

        var output = ""
        var rest = Substring(text)
        var single: ConfigNode?
        var pieces = 0
        while let open = rest.range(of: "${{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                problems.append(Diagnostic(MessageCatalog.templateUnresolved, ["expression": String(rest[open.lowerBound...]), "reason": "the template has no closing }}"], location: location.description))
                return nil
            }
            let expression = String(rest[open.upperBound..<close.lowerBound]).trimmingBlanks()
            pieces += 1
            guard let value = value(of: expression, location: location) else { return nil }
            single = value
            output += value.text ?? (value.isNull ? "" : render(value))
            rest = rest[close.upperBound...]
        }
        output += rest
        let kept = ConfigLocation(file: location.file, line: location.line, column: location.column)
        if pieces == 1, let single, text.trimmingBlanks().hasPrefix("${{"), text.trimmingBlanks().hasSuffix("}}") {
            return relocated(single, to: kept)
        }
        return .scalar(output, .string, kept)
    }

    /// What one expression gives: the first alternative that is set and not empty, else the
    /// last one when it is set (as JavaScript's `||` does).
    private mutating func value(of expression: String, location: ConfigLocation) -> ConfigNode? {
        let alternatives = split(expression, on: "||").map { $0.trimmingBlanks() }
        var last: ConfigNode?
        var reason = ""
        for alternative in alternatives {
            switch term(alternative, location: location) {
            case .success(let node?):
                if !node.isNull && node.text != "" { return node }
                last = node
                reason = "\(alternative) is empty"
            case .success(nil):
                last = nil
                reason = "\(alternative) is not set"
            case .failure(let failure):
                problems.append(Diagnostic(MessageCatalog.templateUnresolved, ["expression": "${{ \(expression) }}", "reason": failure.reason], location: location.description))
                return nil
            }
        }
        if alternatives.count > 1, let last { return last }
        problems.append(Diagnostic(MessageCatalog.templateUnresolved, ["expression": "${{ \(expression) }}", "reason": reason], location: location.description))
        return nil
    }

    /// A literal, `process.env.X` or a configuration path; `.success(nil)` when it names nothing.
    private mutating func term(_ term: String, location: ConfigLocation) -> Result<ConfigNode?, Failure> {
        if term.count >= 2, let quote = term.first, quote == "'" || quote == "\"" || quote == "`", term.last == quote {
            return .success(.scalar(String(term.dropFirst().dropLast()), .string, location))
        }
        if Double(term) != nil, term.first?.isNumber == true || term.first == "-" {
            return .success(.scalar(term, Int(term) != nil ? .integer : .float, location))
        }
        if term == "true" || term == "false" { return .success(.scalar(term, .boolean, location)) }
        if term == "null" || term == "undefined" { return .success(nil) }
        guard let path = ConfigPath(parsing: term) else {
            return .failure(Failure("'\(term)' is not an expression this reader evaluates (a configuration path such as zowe.runtimeDirectory, process.env.NAME, a quoted text, a number, or a || b)"))
        }
        if path.steps.count == 3, path.steps[0] == .key("process"), path.steps[1] == .key("env"), case .key(let name) = path.steps[2] {
            return .success(environment[name].map { .scalar($0, .string, location) })
        }
        guard let target = original.node(at: path) else { return .success(nil) }
        return .success(resolve(target, at: path))
    }

    struct Failure: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private func split(_ expression: String, on separator: String) -> [String] {
        // Outside quotes only.
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var index = expression.startIndex
        while index < expression.endIndex {
            let character = expression[index]
            if let open = quote {
                if character == open { quote = nil }
                current.append(character)
            } else if character == "'" || character == "\"" || character == "`" {
                quote = character
                current.append(character)
            } else if expression[index...].hasPrefix(separator) {
                parts.append(current)
                current = ""
                index = expression.index(index, offsetBy: separator.count)
                continue
            } else {
                current.append(character)
            }
            index = expression.index(after: index)
        }
        parts.append(current)
        return parts
    }

    private func render(_ node: ConfigNode) -> String {
        switch node {
        case .scalar(let text, _, _): text
        case .sequence(let items, _): items.map(render).joined(separator: ",")
        case .mapping: "[object Object]"
        }
    }

    private func relocated(_ node: ConfigNode, to location: ConfigLocation) -> ConfigNode {
        switch node {
        case .scalar(let text, let kind, _): .scalar(text, kind, location)
        case .sequence(let items, _): .sequence(items, location)
        case .mapping(let entries, _): .mapping(entries, location)
        }
    }
}


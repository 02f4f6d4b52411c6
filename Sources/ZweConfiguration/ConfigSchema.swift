// A set of JSON schema documents (Zowe's zowe-yaml-schema.json and server-common.json, and a
// component's schema), each read into a located tree, and the index that `$ref` is resolved
// through: every schema resource by its `$id` (made absolute against the resource around it)
// and every `$anchor` within its resource. A document without `$id` is known by its file URI.

import Foundation
import ZweMessages

/// A schema node and the base URI that references inside it are resolved against.
struct SchemaTarget: Sendable {
    let node: ConfigNode
    let base: String
}

public struct ConfigSchemaSet: Sendable {
    public struct Document: Sendable {
        public let path: String
        public let uri: String
        public let root: ConfigNode
    }

    public private(set) var documents: [Document] = []
    private var resources: [String: SchemaTarget] = [:]
    private var anchors: [String: SchemaTarget] = [:]

    public init() {}

    /// Every `*.json` of a folder, in name order.
    public static func load(folder: String) throws(Diagnostics) -> ConfigSchemaSet {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var set = ConfigSchemaSet()
        var problems: [Diagnostic] = []
        for name in names {
            do {
                try set.add(file: folder + "/" + name)
            } catch {
                problems.append(error)
            }
        }
        guard problems.isEmpty else { throw Diagnostics(problems) }
        return set
    }

    /// Reads one schema file and indexes it.
    @discardableResult
    public mutating func add(file path: String) throws(Diagnostic) -> Document {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic(MessageCatalog.schemaUnusable, ["schema": path, "reason": "the file cannot be read"], location: path)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw Diagnostic(MessageCatalog.schemaUnusable, ["schema": path, "reason": "it is not UTF-8 text"], location: path)
        }
        // JSON is YAML, and the YAML reader keeps the position of every value.
        let root = ConfigNode.from(try YAMLDocument.parseDetailed(text, path: path), file: path)
        return try add(root: root, path: path)
    }

    /// Indexes a schema already read (a test's hand-made schema, say).
    @discardableResult
    public mutating func add(root: ConfigNode, path: String) throws(Diagnostic) -> Document {
        guard case .mapping = root else {
            throw Diagnostic(MessageCatalog.schemaUnusable, ["schema": path, "reason": "its top level is \(root.typeName), not an object"],
                             location: root.location.description)
        }
        let uri = Self.identifier(of: root, base: SchemaURI.fileURI(path)) ?? SchemaURI.fileURI(path)
        if let clash = documents.first(where: { $0.uri == uri }) {
            throw Diagnostic(MessageCatalog.schemaUnusable, ["schema": path, "reason": "its $id \(uri) is also that of \(clash.path)"],
                             location: root.location.description)
        }
        let document = Document(path: path, uri: uri, root: root)
        documents.append(document)
        index(root, base: uri)
        return document
    }

    public func document(named name: String) -> Document? {
        documents.first { ($0.path as NSString).lastPathComponent == name }
    }

    /// What a `$ref` written in a schema whose base is `base` points at; nil when nothing known.
    func resolve(_ reference: String, base: String) -> SchemaTarget? {
        let (resource, fragment) = SchemaURI.split(SchemaURI.resolve(reference, against: base))
        guard let target = resources[resource] else { return nil }
        guard let steps = SchemaURI.pointerSteps(fragment) else { return anchors[resource + "#" + fragment] }
        var node = target.node
        for step in steps {
            switch node {
            case .mapping:
                guard let next = node[step] else { return nil }
                node = next
            case .sequence(let items, _):
                guard let index = Int(step), items.indices.contains(index) else { return nil }
                node = items[index]
            case .scalar:
                return nil
            }
        }
        return SchemaTarget(node: node, base: target.base)
    }

    /// The absolute `$id` of a schema object, without an empty fragment.
    static func identifier(of node: ConfigNode, base: String) -> String? {
        guard case .scalar(let id, .string, _)? = node["$id"] else { return nil }
        return SchemaURI.split(SchemaURI.resolve(id, against: base)).resource
    }

    private mutating func index(_ node: ConfigNode, base: String) {
        guard case .mapping = node else { return }
        var base = base
        if let id = Self.identifier(of: node, base: base) {
            base = id
            if resources[id] == nil { resources[id] = SchemaTarget(node: node, base: id) }
        }
        if case .scalar(let anchor, .string, _)? = node["$anchor"] {
            anchors[base + "#" + anchor] = SchemaTarget(node: node, base: base)
        }
        for child in Self.subschemas(of: node) { index(child, base: base) }
    }

    /// The schemas directly inside a schema object, by the keywords that hold schemas (values of
    /// `enum`, `const`, `default` and `examples` are data and are never indexed).
    static func subschemas(of node: ConfigNode) -> [ConfigNode] {
        var found: [ConfigNode] = []
        for key in ["additionalProperties", "additionalItems", "items", "contains", "propertyNames", "if", "then", "else", "not",
                    "unevaluatedProperties", "unevaluatedItems"] {
            if let child = node[key] { found.append(child) }
        }
        for key in ["allOf", "anyOf", "oneOf", "items", "prefixItems"] {
            if let items = node[key]?.items { found += items }
        }
        for key in ["$defs", "definitions", "properties", "patternProperties", "dependentSchemas"] {
            if let entries = node[key]?.entries { found += entries.map(\.value) }
        }
        return found
    }
}

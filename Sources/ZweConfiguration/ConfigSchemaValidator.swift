// Checks a configuration tree against a JSON schema (draft 2019-09, the dialect of Zowe's
// schemas) in one pass and reports every problem, each at the value it is about. This file
// holds the walk: boolean schemas, `$id` and `$ref`, `type`, the applicators that combine
// schemas (allOf, anyOf, oneOf, not, if/then/else) and the choice, when no alternative of an
// anyOf or oneOf fits, of the one alternative whose problems are reported. The keywords that
// look at one kind of value are in ConfigSchemaValidator+Keywords.swift.

import ZweMessages

/// One problem found, with what choosing among alternatives needs to know about it.
struct SchemaFinding: Sendable {
    let diagnostic: Diagnostic
    let path: ConfigPath
    /// Set when the value is not of the type the schema asks for: the types that would do.
    let expectedTypes: [String]?

    init(_ diagnostic: Diagnostic, at path: ConfigPath, expectedTypes: [String]? = nil) {
        self.diagnostic = diagnostic
        self.path = path
        self.expectedTypes = expectedTypes
    }
}

public struct ConfigSchemaValidator {
    /// How many `$ref`s may follow each other without a step into the value: more is a loop.
    static let maximumReferenceChain = 32

    let schemas: ConfigSchemaSet
    var patterns = SchemaPatterns()
    /// Problems of the schemas themselves, each once.
    var schemaProblems: [Diagnostic] = []

    public init(schemas: ConfigSchemaSet) {
        self.schemas = schemas
    }

    /// Every problem of `instance` under the schema `document`, and of the schemas on the way,
    /// in file and line order; nothing when the value fits.
    public mutating func validate(_ instance: ConfigNode, against document: ConfigSchemaSet.Document) -> [Diagnostic] {
        let findings = check(instance, at: ConfigPath(steps: []), against: document.root, base: document.uri, chain: 0)
        return DiagnosticOrder.sortedUnique(findings.map(\.diagnostic) + schemaProblems)
    }

    // MARK: - the walk

    mutating func check(_ instance: ConfigNode, at path: ConfigPath, against schema: ConfigNode, base: String, chain: Int) -> [SchemaFinding] {
        switch schema {
        case .scalar(let text, .boolean, _):
            if text.lowercased() == "true" { return [] }
            return [SchemaFinding(Diagnostic(MessageCatalog.configValueForbidden, ["key": Self.name(path), "schema": schema.location.description],
                                             location: instance.location.description), at: path)]
        case .mapping:
            break
        default:
            problem(at: schema, "a schema is an object or true or false, and this is \(schema.valueDescription)")
            return []
        }
        let base = ConfigSchemaSet.identifier(of: schema, base: base) ?? base
        var findings: [SchemaFinding] = []

        for keyword in ["unevaluatedProperties", "unevaluatedItems", "$recursiveRef", "$dynamicRef"] where schema[keyword] != nil {
            problem(at: schema[keyword]!, "\(keyword) is a rule this validator does not apply")
        }
        if let reference = schema["$ref"] {
            findings += followReference(reference, from: instance, at: path, base: base, chain: chain)
        }
        if let typeFinding = checkType(instance, at: path, schema: schema) {
            // The keywords below are about a value of the right type: one message says enough.
            return findings + [typeFinding]
        }
        findings += checkValue(instance, at: path, schema: schema)
        switch instance {
        case .scalar(_, .string, _): findings += checkText(instance, at: path, schema: schema)
        case .scalar(_, .integer, _), .scalar(_, .float, _): findings += checkNumber(instance, at: path, schema: schema)
        case .mapping: findings += checkObject(instance, at: path, schema: schema, base: base)
        case .sequence: findings += checkArray(instance, at: path, schema: schema, base: base)
        case .scalar: break
        }
        findings += checkCombinations(instance, at: path, schema: schema, base: base, chain: chain)
        return findings
    }

    /// A child of the value: the reference chain starts again.
    mutating func checkChild(_ instance: ConfigNode, at path: ConfigPath, against schema: ConfigNode, base: String) -> [SchemaFinding] {
        check(instance, at: path, against: schema, base: base, chain: 0)
    }

    private mutating func followReference(_ reference: ConfigNode, from instance: ConfigNode, at path: ConfigPath,
                                          base: String, chain: Int) -> [SchemaFinding] {
        guard case .scalar(let text, .string, _) = reference else {
            problem(at: reference, "$ref must be a text, not \(reference.valueDescription)")
            return []
        }
        guard chain < Self.maximumReferenceChain else {
            problem(at: reference, "$ref \(text) leads round in a loop of references")
            return []
        }
        guard let target = schemas.resolve(text, base: base) else {
            problem(at: reference, "$ref \(text) (\(SchemaURI.resolve(text, against: base))) names no schema that is loaded")
            return []
        }
        return check(instance, at: path, against: target.node, base: target.base, chain: chain + 1)
    }

    private mutating func checkType(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode) -> SchemaFinding? {
        guard let type = schema["type"] else { return nil }
        let names: [String]
        switch type {
        case .scalar(let name, .string, _): names = [name]
        case .sequence(let items, _) where items.allSatisfy({ $0.hasSchemaType("string") }): names = items.compactMap(\.text)
        default:
            problem(at: type, "type must be a type name or a list of them")
            return nil
        }
        if names.contains(where: instance.hasSchemaType) { return nil }
        return typeFinding(instance, at: path, expected: names)
    }

    func typeFinding(_ instance: ConfigNode, at path: ConfigPath, expected: [String]) -> SchemaFinding {
        var words: [String] = []
        for name in expected where !words.contains(ConfigNode.typeWords(name)) { words.append(ConfigNode.typeWords(name)) }
        let diagnostic = Diagnostic(MessageCatalog.configValueWrongType, [
            "key": Self.name(path), "expected": words.joined(separator: " or "), "actual": instance.valueDescription,
        ], location: instance.location.description)
        return SchemaFinding(diagnostic, at: path, expectedTypes: expected)
    }

    // MARK: - applicators

    private mutating func checkCombinations(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode,
                                            base: String, chain: Int) -> [SchemaFinding] {
        var findings: [SchemaFinding] = []
        if let all = subschemaList(schema, "allOf") {
            for branch in all { findings += check(instance, at: path, against: branch, base: base, chain: chain) }
        }
        if let any = subschemaList(schema, "anyOf") {
            let results = any.map { check(instance, at: path, against: $0, base: base, chain: chain) }
            if !results.contains(where: \.isEmpty) { findings += mostUseful(results, instance: instance, at: path) }
        }
        if let one = subschemaList(schema, "oneOf") {
            let results = one.map { check(instance, at: path, against: $0, base: base, chain: chain) }
            let fitting = results.filter(\.isEmpty).count
            if fitting == 0 {
                findings += mostUseful(results, instance: instance, at: path)
            } else if fitting > 1 {
                findings.append(SchemaFinding(Diagnostic(MessageCatalog.configValueAmbiguous, [
                    "key": Self.name(path), "count": "\(fitting)", "schema": schema["oneOf"]!.location.description,
                ], location: instance.location.description), at: path))
            }
        }
        if let not = schema["not"], check(instance, at: path, against: not, base: base, chain: chain).isEmpty {
            findings.append(SchemaFinding(Diagnostic(MessageCatalog.configValueForbidden, [
                "key": Self.name(path), "schema": not.location.description,
            ], location: instance.location.description), at: path))
        }
        if let condition = schema["if"] {
            let holds = check(instance, at: path, against: condition, base: base, chain: chain).isEmpty
            if let branch = schema[holds ? "then" : "else"] {
                findings += check(instance, at: path, against: branch, base: base, chain: chain)
            }
        }
        return findings
    }

    /// The problems of the alternative that comes closest. An alternative whose only problem is
    /// that the value has another type is about another shape of value: when every alternative
    /// is of that kind, one message lists the types that would do; otherwise the alternative
    /// with the fewest problems among the rest is taken (the first one on a tie).
    private func mostUseful(_ results: [[SchemaFinding]], instance: ConfigNode, at path: ConfigPath) -> [SchemaFinding] {
        let wrongTypeOnly = results.map { findings in findings.allSatisfy { $0.expectedTypes != nil && $0.path == path } }
        if wrongTypeOnly.allSatisfy({ $0 }) {
            return [typeFinding(instance, at: path, expected: results.flatMap { $0.compactMap(\.expectedTypes).flatMap { $0 } })]
        }
        let candidates = results.indices.filter { !wrongTypeOnly[$0] }
        let best = candidates.min { results[$0].count < results[$1].count } ?? 0
        return results[best]
    }

    // MARK: - helpers

    mutating func subschemaList(_ schema: ConfigNode, _ keyword: String) -> [ConfigNode]? {
        guard let node = schema[keyword] else { return nil }
        guard let items = node.items, !items.isEmpty else {
            problem(at: node, "\(keyword) must be a list of one or more schemas")
            return nil
        }
        return items
    }

    mutating func problem(at node: ConfigNode, _ reason: String) {
        let diagnostic = Diagnostic(MessageCatalog.schemaUnusable, ["schema": node.location.file, "reason": reason],
                                    location: node.location.description)
        if !schemaProblems.contains(diagnostic) { schemaProblems.append(diagnostic) }
    }

    /// A path as messages name it; the top level has no path.
    static func name(_ path: ConfigPath) -> String {
        path.steps.isEmpty ? "the configuration" : path.description
    }
}

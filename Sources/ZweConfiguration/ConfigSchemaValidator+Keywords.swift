// The keywords of JSON Schema 2019-09 that look at one kind of value: enum and const for any
// value; minLength, maxLength and pattern for a text; minimum, maximum, the exclusive bounds
// and multipleOf for a number; required, properties, patternProperties, additionalProperties,
// propertyNames, minProperties, maxProperties, dependentRequired and dependentSchemas for a
// mapping; items, additionalItems, contains, minItems, maxItems and uniqueItems for a list.
// Unknown keys are reported at the key, a missing key at the mapping that lacks it, anything
// else at the value.

import ZweMessages

extension ConfigSchemaValidator {
    mutating func checkValue(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode) -> [SchemaFinding] {
        var findings: [SchemaFinding] = []
        if let list = schema["enum"] {
            if let allowed = list.items {
                if !allowed.contains(where: { $0.schemaEquals(instance) }) {
                    findings.append(notAllowed(instance, at: path, allowed: allowed))
                }
            } else {
                problem(at: list, "enum must be a list of values")
            }
        }
        if let constant = schema["const"], !constant.schemaEquals(instance) {
            findings.append(notAllowed(instance, at: path, allowed: [constant]))
        }
        return findings
    }

    mutating func checkText(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode) -> [SchemaFinding] {
        guard case .scalar(let text, .string, _) = instance else { return [] }
        var findings: [SchemaFinding] = []
        let length = text.unicodeScalars.count
        let value = "\(instance.quotedValue) (\(Self.count(length, "character")))"
        if let minimum = wholeNumber(schema, "minLength"), length < minimum {
            findings.append(limit(instance, at: path, value: value, limit: "at least \(Self.count(minimum, "character")) long"))
        }
        if let maximum = wholeNumber(schema, "maxLength"), length > maximum {
            findings.append(limit(instance, at: path, value: value, limit: "at most \(Self.count(maximum, "character")) long"))
        }
        if let node = schema["pattern"] {
            guard case .scalar(let pattern, .string, _) = node else {
                problem(at: node, "pattern must be a text")
                return findings
            }
            switch patterns.matches(pattern, text) {
            case .success(true): break
            case .success(false):
                findings.append(SchemaFinding(Diagnostic(MessageCatalog.configValuePattern, [
                    "key": Self.name(path), "value": ConfigNode.clipped(text), "pattern": pattern,
                ], location: instance.location.description), at: path))
            case .failure(let failure):
                problem(at: node, failure.reason)
            }
        }
        return findings
    }

    mutating func checkNumber(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode) -> [SchemaFinding] {
        guard let value = instance.numberValue else { return [] }
        var findings: [SchemaFinding] = []
        let bounds: [(String, String, (Double, Double) -> Bool)] = [
            ("minimum", "at least", { $0 >= $1 }), ("exclusiveMinimum", "more than", { $0 > $1 }),
            ("maximum", "at most", { $0 <= $1 }), ("exclusiveMaximum", "less than", { $0 < $1 }),
        ]
        for (keyword, words, holds) in bounds {
            guard let node = schema[keyword] else { continue }
            guard let bound = node.numberValue else {
                problem(at: node, "\(keyword) must be a number")
                continue
            }
            if !holds(value, bound) {
                findings.append(limit(instance, at: path, value: instance.quotedValue, limit: "\(words) \(node.quotedValue)"))
            }
        }
        if let node = schema["multipleOf"] {
            if let divisor = node.numberValue, divisor > 0 {
                let quotient = value / divisor
                if !quotient.isFinite || quotient.rounded() != quotient {
                    findings.append(limit(instance, at: path, value: instance.quotedValue, limit: "a multiple of \(node.quotedValue)"))
                }
            } else {
                problem(at: node, "multipleOf must be a number greater than 0")
            }
        }
        return findings
    }

    mutating func checkObject(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode, base: String) -> [SchemaFinding] {
        guard let entries = instance.entries else { return [] }
        var findings: [SchemaFinding] = []
        let properties = schema["properties"]?.entries ?? []
        let patternKeys = (schema["patternProperties"]?.entries ?? []).map(\.key)

        for entry in entries {
            let childPath = path.appending(entry.key)
            var matched = false
            if let property = properties.first(where: { $0.key == entry.key }) {
                matched = true
                findings += checkChild(entry.value, at: childPath, against: property.value, base: base)
            }
            for pattern in patternKeys where keyMatches(pattern, entry.key, in: schema) {
                matched = true
                findings += checkChild(entry.value, at: childPath, against: schema["patternProperties"]![pattern]!, base: base)
            }
            guard !matched, let additional = schema["additionalProperties"] else { continue }
            if case .scalar(let flag, .boolean, _) = additional, flag.lowercased() == "false" {
                var allowed = properties.map(\.key)
                allowed += patternKeys.map { "keys matching \($0)" }
                findings.append(SchemaFinding(Diagnostic(MessageCatalog.configKeyUnknown, [
                    "key": Self.name(childPath), "parent": path.steps.isEmpty ? "the top level" : path.description,
                    "allowed": allowed.isEmpty ? "none" : allowed.joined(separator: ", "),
                ], location: entry.keyLocation.description), at: childPath))
            } else {
                findings += checkChild(entry.value, at: childPath, against: additional, base: base)
            }
        }

        for name in stringList(schema, "required") where instance[name] == nil {
            findings.append(missing(name, in: instance, at: path))
        }
        if let dependencies = schema["dependentRequired"]?.entries {
            for dependency in dependencies where instance[dependency.key] != nil {
                for name in (dependency.value.items ?? []).compactMap(\.text) where instance[name] == nil {
                    findings.append(missing(name, in: instance, at: path))
                }
            }
        }
        if let dependencies = schema["dependentSchemas"]?.entries {
            for dependency in dependencies where instance[dependency.key] != nil {
                findings += check(instance, at: path, against: dependency.value, base: base, chain: 0)
            }
        }
        if let names = schema["propertyNames"] {
            for entry in entries {
                let key = ConfigNode.scalar(entry.key, .string, entry.keyLocation)
                findings += checkChild(key, at: path.appending(entry.key), against: names, base: base)
            }
        }
        let value = "a mapping of \(Self.count(entries.count, "key"))"
        if let minimum = wholeNumber(schema, "minProperties"), entries.count < minimum {
            findings.append(limit(instance, at: path, value: value, limit: "a mapping of at least \(Self.count(minimum, "key"))"))
        }
        if let maximum = wholeNumber(schema, "maxProperties"), entries.count > maximum {
            findings.append(limit(instance, at: path, value: value, limit: "a mapping of at most \(Self.count(maximum, "key"))"))
        }
        return findings
    }

    mutating func checkArray(_ instance: ConfigNode, at path: ConfigPath, schema: ConfigNode, base: String) -> [SchemaFinding] {
        guard let items = instance.items else { return [] }
        var findings: [SchemaFinding] = []
        func itemPath(_ index: Int) -> ConfigPath { ConfigPath(steps: path.steps + [.index(index)]) }

        switch schema["items"] {
        case .sequence(let tuple, _)?:
            for (index, item) in items.enumerated() {
                if index < tuple.count {
                    findings += checkChild(item, at: itemPath(index), against: tuple[index], base: base)
                } else if let additional = schema["additionalItems"] {
                    findings += checkChild(item, at: itemPath(index), against: additional, base: base)
                }
            }
        case let single?:
            for (index, item) in items.enumerated() {
                findings += checkChild(item, at: itemPath(index), against: single, base: base)
            }
        case nil:
            break
        }
        let value = "a list of \(Self.count(items.count, "entry"))"
        if let minimum = wholeNumber(schema, "minItems"), items.count < minimum {
            findings.append(limit(instance, at: path, value: value, limit: "a list of at least \(Self.count(minimum, "entry"))"))
        }
        if let maximum = wholeNumber(schema, "maxItems"), items.count > maximum {
            findings.append(limit(instance, at: path, value: value, limit: "a list of at most \(Self.count(maximum, "entry"))"))
        }
        if let contains = schema["contains"] {
            let fitting = items.indices.filter { checkChild(items[$0], at: itemPath($0), against: contains, base: base).isEmpty }.count
            let least = wholeNumber(schema, "minContains") ?? 1
            let most = wholeNumber(schema, "maxContains")
            let rule = "the schema at \(contains.location)"
            if fitting < least {
                findings.append(limit(instance, at: path, value: "a list with \(Self.count(fitting, "entry")) that fit \(rule)",
                                      limit: "a list with at least \(Self.count(least, "entry")) that fit it"))
            } else if let most, fitting > most {
                findings.append(limit(instance, at: path, value: "a list with \(Self.count(fitting, "entry")) that fit \(rule)",
                                      limit: "a list with at most \(Self.count(most, "entry")) that fit it"))
            }
        }
        if case .scalar(let flag, .boolean, _)? = schema["uniqueItems"], flag.lowercased() == "true" {
            var reported: [ConfigNode] = []
            for (index, item) in items.enumerated()
            where items[..<index].contains(where: { $0.schemaEquals(item) }) && !reported.contains(where: { $0.schemaEquals(item) }) {
                reported.append(item)
                findings.append(SchemaFinding(Diagnostic(MessageCatalog.configValueDuplicate, [
                    "key": Self.name(path), "value": item.quotedValue,
                ], location: item.location.description), at: itemPath(index)))
            }
        }
        return findings
    }

    // MARK: - helpers

    private mutating func keyMatches(_ pattern: String, _ key: String, in schema: ConfigNode) -> Bool {
        switch patterns.matches(pattern, key) {
        case .success(let matches): return matches
        case .failure(let failure):
            if let node = schema["patternProperties"]?[pattern] { problem(at: node, failure.reason) }
            return false
        }
    }

    private mutating func wholeNumber(_ schema: ConfigNode, _ keyword: String) -> Int? {
        guard let node = schema[keyword] else { return nil }
        guard node.isIntegral, let value = node.numberValue, value >= 0, value < 1e15 else {
            problem(at: node, "\(keyword) must be a whole number, 0 or more")
            return nil
        }
        return Int(value)
    }

    private mutating func stringList(_ schema: ConfigNode, _ keyword: String) -> [String] {
        guard let node = schema[keyword] else { return [] }
        guard let items = node.items, items.allSatisfy({ $0.hasSchemaType("string") }) else {
            problem(at: node, "\(keyword) must be a list of key names")
            return []
        }
        return items.compactMap(\.text)
    }

    private func notAllowed(_ instance: ConfigNode, at path: ConfigPath, allowed: [ConfigNode]) -> SchemaFinding {
        SchemaFinding(Diagnostic(MessageCatalog.configValueNotAllowed, [
            "key": Self.name(path), "value": instance.quotedValue, "allowed": allowed.map(\.quotedValue).joined(separator: ", "),
        ], location: instance.location.description), at: path)
    }

    private func limit(_ instance: ConfigNode, at path: ConfigPath, value: String, limit: String) -> SchemaFinding {
        SchemaFinding(Diagnostic(MessageCatalog.configValueLimit, ["key": Self.name(path), "value": value, "limit": limit],
                                 location: instance.location.description), at: path)
    }

    private func missing(_ name: String, in instance: ConfigNode, at path: ConfigPath) -> SchemaFinding {
        let childPath = path.appending(name)
        return SchemaFinding(Diagnostic(MessageCatalog.configKeyMissing, ["key": Self.name(childPath)],
                                        location: instance.location.description), at: childPath)
    }

    static func count(_ number: Int, _ noun: String) -> String {
        if number == 1 { return "1 \(noun)" }
        return "\(number) " + (noun.hasSuffix("y") ? noun.dropLast() + "ies" : noun + "s")
    }
}

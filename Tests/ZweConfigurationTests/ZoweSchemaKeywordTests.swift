import Foundation
import Testing
import ZweConfiguration
import ZweMessages

/// One keyword of the validator on a hand-made schema: `value: <yaml>` checked against
/// `{"properties": {"value": <schema>}, "$defs": <defs>}`.
struct KeywordCase: Sendable, CustomTestStringConvertible {
    let name: String
    let schema: String
    let value: String
    let defs: String
    /// The ids found, in order; empty when the value fits.
    let expected: [String]

    init(_ name: String, _ schema: String, _ value: String, defs: String = "{}", _ expected: [String]) {
        self.name = name
        self.schema = schema
        self.value = value
        self.defs = defs
        self.expected = expected
    }

    var testDescription: String { name }
}

@Suite("JSON Schema keywords on configuration values") struct ZoweSchemaKeywordTests {
    static let types: [KeywordCase] = [
        .init("an integer is an integer", #"{"type": "integer"}"#, "7554", []),
        .init("a quoted number is a string", #"{"type": "integer"}"#, "\"7554\"", ["ZWEL2204E"]),
        .init("an integer is also a number", #"{"type": "number"}"#, "7", []),
        .init("1.0 counts as an integer", #"{"type": "integer"}"#, "1.0", []),
        .init("1.5 is not an integer", #"{"type": "integer"}"#, "1.5", ["ZWEL2204E"]),
        .init("a list of types takes null", #"{"type": ["string", "null"]}"#, "null", []),
        .init("a list of types refuses a number", #"{"type": ["string", "null"]}"#, "3", ["ZWEL2204E"]),
        .init("yes is text under the YAML core schema", #"{"type": "boolean"}"#, "yes", ["ZWEL2204E"]),
        .init("a mapping is not a list", #"{"type": "array"}"#, "{a: 1}", ["ZWEL2204E"]),
    ]

    static let values: [KeywordCase] = [
        .init("enum takes a listed value", #"{"enum": ["A", "B"]}"#, "B", []),
        .init("enum refuses another", #"{"enum": ["A", "B"]}"#, "C", ["ZWEL2210E"]),
        .init("enum compares numbers by value", #"{"enum": [1, 2]}"#, "1.0", []),
        .init("enum tells a text from a number", #"{"enum": [1]}"#, "\"1\"", ["ZWEL2210E"]),
        .init("const compares structures", #"{"const": {"a": [1, true]}}"#, "{a: [1, true]}", []),
        .init("const refuses another value", #"{"const": false}"#, "true", ["ZWEL2210E"]),
    ]

    static let texts: [KeywordCase] = [
        .init("minLength", #"{"minLength": 3}"#, "ab", ["ZWEL2212E"]),
        .init("maxLength counts characters, not bytes", #"{"maxLength": 3}"#, "\"äöü\"", []),
        .init("maxLength", #"{"maxLength": 2}"#, "abc", ["ZWEL2212E"]),
        .init("a pattern matches anywhere", #"{"pattern": "b+"}"#, "abbc", []),
        .init("an anchored pattern", #"{"pattern": "^b+$"}"#, "abbc", ["ZWEL2211E"]),
        .init("escaped slashes as in the keyring pattern", #"{"pattern": "^safkeyring[a-z]*:\/\/.*"}"#, "safkeyringjce://zowe/ring", []),
        .init("the keyring pattern refuses a path", #"{"pattern": "^safkeyring[a-z]*:\/\/.*"}"#, "/k/keystore.p12", ["ZWEL2211E"]),
        .init("escaped $ # @ in a class", ##"{"pattern": "^([A-Z\\$\\#\\@]){1}([A-Z0-9\\$\\#\\@]){0,7}$"}"##, "ZWE$1", []),
        .init("the member pattern refuses lower case", ##"{"pattern": "^([A-Z\\$\\#\\@]){1}([A-Z0-9\\$\\#\\@]){0,7}$"}"##, "zwe1", ["ZWEL2211E"]),
        .init("\\d is ASCII as in ECMA-262", #"{"pattern": "^\\d+$"}"#, "\"١٢\"", ["ZWEL2211E"]),
        .init("$ is the very end as in ECMA-262", #"{"pattern": "^a$"}"#, "\"a\\n\"", ["ZWEL2211E"]),
        .init("[ inside a class is literal as in ECMA-262", #"{"pattern": "^[[a]+$"}"#, "\"[a[\"", []),
        .init("-- inside a class is literal as in ECMA-262", #"{"pattern": "^[+--]+$"}"#, "\"+-+\"", []),
        .init("a pattern does not apply to a number", #"{"pattern": "^a$"}"#, "5", []),
    ]

    static let numbers: [KeywordCase] = [
        .init("the bounds of a port", #"{"minimum": 0, "maximum": 65535}"#, "0", []),
        .init("maximum", #"{"minimum": 0, "maximum": 65535}"#, "65536", ["ZWEL2212E"]),
        .init("exclusiveMinimum", #"{"exclusiveMinimum": 0}"#, "0", ["ZWEL2212E"]),
        .init("exclusiveMaximum", #"{"exclusiveMaximum": 10}"#, "9.5", []),
        .init("a hexadecimal integer", #"{"maximum": 255}"#, "0x1FF", ["ZWEL2212E"]),
        .init("multipleOf", #"{"multipleOf": 5}"#, "12", ["ZWEL2212E"]),
    ]

    static let objects: [KeywordCase] = [
        .init("required", #"{"type": "object", "required": ["a", "b"]}"#, "{a: 1}", ["ZWEL2206E"]),
        .init("properties", #"{"properties": {"a": {"type": "string"}}}"#, "{a: 1}", ["ZWEL2204E"]),
        .init("additionalProperties false", #"{"properties": {"a": {}}, "additionalProperties": false}"#, "{a: 1, b: 2}", ["ZWEL2207E"]),
        .init("additionalProperties as a schema", #"{"properties": {"a": {}}, "additionalProperties": {"type": "integer"}}"#,
              "{a: x, b: y}", ["ZWEL2204E"]),
        .init("patternProperties", #"{"patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": false}"#,
              "{x-a: 1, x-b: no}", ["ZWEL2204E"]),
        .init("patternProperties and an unknown key", #"{"patternProperties": {"^x-": {}}, "additionalProperties": false}"#,
              "{x-a: 1, y: 2}", ["ZWEL2207E"]),
        .init("propertyNames", #"{"propertyNames": {"pattern": "^[a-z]+$"}}"#, "{ab: 1, Cd: 2}", ["ZWEL2211E"]),
        .init("minProperties", #"{"minProperties": 1}"#, "{}", ["ZWEL2212E"]),
        .init("maxProperties", #"{"maxProperties": 1}"#, "{a: 1, b: 2}", ["ZWEL2212E"]),
        .init("dependentRequired", #"{"dependentRequired": {"a": ["b"]}}"#, "{a: 1}", ["ZWEL2206E"]),
    ]

    static let arrays: [KeywordCase] = [
        .init("items", #"{"items": {"type": "string"}}"#, "[a, 1]", ["ZWEL2204E"]),
        .init("items as a tuple, additionalItems false", #"{"items": [{"type": "string"}], "additionalItems": false}"#, "[a, b]", ["ZWEL2215E"]),
        .init("minItems", #"{"minItems": 1}"#, "[]", ["ZWEL2212E"]),
        .init("maxItems", #"{"maxItems": 1}"#, "[a, b]", ["ZWEL2212E"]),
        .init("uniqueItems", #"{"uniqueItems": true}"#, "[a, b, a]", ["ZWEL2213E"]),
        .init("uniqueItems compares numbers by value", #"{"uniqueItems": true}"#, "[1, 1.0]", ["ZWEL2213E"]),
        .init("uniqueItems tells a text from a number", #"{"uniqueItems": true}"#, "[\"1\", 1]", []),
        .init("contains", #"{"contains": {"const": "x"}}"#, "[a, b]", ["ZWEL2212E"]),
    ]

    static let combinations: [KeywordCase] = [
        .init("allOf", #"{"allOf": [{"type": "integer"}, {"minimum": 10}]}"#, "5", ["ZWEL2212E"]),
        .init("anyOf with one fit", #"{"anyOf": [{"type": "string"}, {"type": "integer"}]}"#, "5", []),
        .init("anyOf of types gives one message", #"{"anyOf": [{"type": "string"}, {"type": "array"}]}"#, "5", ["ZWEL2204E"]),
        .init("oneOf reports the closest alternative",
              #"{"oneOf": [{"type": "object", "required": ["a"]}, {"type": "object", "required": ["b", "c"]}]}"#, "{}", ["ZWEL2206E"]),
        .init("oneOf with two fits", #"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "5", ["ZWEL2214E"]),
        .init("not", #"{"not": {"const": "x"}}"#, "x", ["ZWEL2215E"]),
        .init("if and then", #"{"if": {"properties": {"type": {"const": "PKCS12"}}}, "then": {"required": ["pkcs12"]}, "else": {"required": ["keyring"]}}"#,
              "{type: PKCS12}", ["ZWEL2206E"]),
        .init("if and else", #"{"if": {"properties": {"type": {"const": "PKCS12"}}}, "then": {"required": ["pkcs12"]}, "else": {"required": ["keyring"]}}"#,
              "{type: JCERACFKS, keyring: {}}", []),
        .init("a false schema allows nothing", #"{"properties": {"a": false}}"#, "{a: 1}", ["ZWEL2215E"]),
        .init("a true schema allows anything", "true", "{a: [1]}", []),
    ]

    static let references: [KeywordCase] = [
        .init("$ref to $defs", ##"{"$ref": "#/$defs/port"}"##, "11", defs: ##"{"port": {"type": "integer", "maximum": 10}}"##, ["ZWEL2212E"]),
        .init("$ref to an $anchor", ##"{"$ref": "#small"}"##, "2", defs: ##"{"s": {"$anchor": "small", "maximum": 1}}"##, ["ZWEL2212E"]),
        .init("$ref with a keyword beside it", ##"{"$ref": "#/$defs/port", "minimum": 5}"##, "3",
              defs: #"{"port": {"type": "integer", "maximum": 10}}"#, ["ZWEL2212E"]),
        .init("a $ref that names nothing", ##"{"$ref": "#/$defs/nothing"}"##, "1", ["ZWEL2216E"]),
        .init("a loop of $refs", ##"{"$ref": "#/$defs/a"}"##, "1", defs: ##"{"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}"##, ["ZWEL2216E"]),
        .init("a keyword that is not applied", #"{"unevaluatedProperties": false}"#, "{a: 1}", ["ZWEL2216E"]),
        .init("a pattern that is not a regular expression", #"{"pattern": "(a"}"#, "a", ["ZWEL2216E"]),
    ]

    func findings(_ testCase: KeywordCase) throws -> (findings: [Diagnostic], schema: String, value: String) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let schemaText = """
            {"$schema": "https://json-schema.org/draft/2019-09/schema", "$id": "urn:test:main", "type": "object",
             "properties": {"value": \(testCase.schema)}, "$defs": \(testCase.defs)}
            """
        let schemaFile = try directory.write("schema.json", Array(schemaText.utf8))
        let valueFile = try directory.write("value.yaml", Array("value: \(testCase.value)\n".utf8))
        var schemas = ConfigSchemaSet()
        let document = try schemas.add(file: schemaFile)
        var validator = ConfigSchemaValidator(schemas: schemas)
        return (validator.validate(try ZoweConfig.parse(file: valueFile), against: document), schemaFile, valueFile)
    }

    @Test(arguments: types + values + texts + numbers + objects + arrays + combinations + references)
    func keyword(_ testCase: KeywordCase) throws {
        let result = try findings(testCase)
        #expect(result.findings.map(\.id) == testCase.expected, "\(result.findings.map(\.description))")
        for finding in result.findings {
            // Value problems are in the value's file, schema problems in the schema's.
            let file = finding.id == "ZWEL2216E" ? result.schema : result.value
            #expect(finding.location?.hasPrefix(file + ":") == true, "\(finding)")
        }
    }

    @Test func messagesNameTheValueAndTheRule() throws {
        let cases: [(KeywordCase, String, String)] = [
            (.init("", #"{"maximum": 65535}"#, "70000", []), "value is 70000, and must be at most 65535", "1:8"),
            (.init("", #"{"minLength": 3}"#, "ab", []), "value is 'ab' (2 characters), and must be at least 3 characters long", "1:8"),
            (.init("", #"{"anyOf": [{"type": "string"}, {"type": "array"}]}"#, "5", []), "value must be a text or a list, not the integer 5", "1:8"),
            (.init("", #"{"properties": {"a": {}}, "additionalProperties": false}"#, "{a: 1, bb: 2}", []),
             "value.bb is not a key of value", "1:15"),
            (.init("", #"{"required": ["a"]}"#, "{b: 1}", []), "value.a is required and not set", "1:8"),
            (.init("", #"{"uniqueItems": true}"#, "[x, y, x]", []), "value lists 'x' more than once", "1:15"),
            (.init("", #"{"oneOf": [{"type": "integer"}, {"minimum": 0}]}"#, "5", []),
             "value fits 2 of the alternatives of its schema, and must fit exactly one", "1:8"),
        ]
        for (testCase, message, position) in cases {
            let result = try findings(testCase)
            #expect(result.findings.map(\.message) == [message])
            #expect(result.findings.map(\.location) == [result.value + ":" + position])
        }
    }

    @Test func referencesAcrossFilesByTheirIds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let common = try directory.write("common.json", Array("""
            {"$id": "https://example.test/schemas/v2/common",
             "$defs": {"port": {"$anchor": "port", "type": "integer", "maximum": 65535}, "name": {"type": "string", "pattern": "^[a-z]+$"}}}
            """.utf8))
        let main = try directory.write("main.json", Array("""
            {"$id": "https://example.test/schemas/v2/main", "type": "object",
             "properties": {"port": {"$ref": "/schemas/v2/common#port"}, "name": {"$ref": "common#/$defs/name"},
                            "other": {"$ref": "https://example.test/schemas/v2/common#/$defs/port"}}}
            """.utf8))
        var schemas = ConfigSchemaSet()
        try schemas.add(file: common)
        let document = try schemas.add(file: main)
        let value = try directory.write("zowe.yaml", Array("port: 70000\nname: Zowe\nother: x\n".utf8))
        var validator = ConfigSchemaValidator(schemas: schemas)
        let found = validator.validate(try ZoweConfig.parse(file: value), against: document)
        #expect(found.map { "\($0.id) \($0.location ?? "")" } == ["ZWEL2212E \(value):1:7", "ZWEL2211E \(value):2:7", "ZWEL2204E \(value):3:8"])
    }

    @Test func aSecondSchemaWithTheSameIdIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try directory.write("a.json", Array(#"{"$id": "urn:test:same"}"#.utf8))
        let second = try directory.write("b.json", Array(#"{"$id": "urn:test:same"}"#.utf8))
        var schemas = ConfigSchemaSet()
        try schemas.add(file: first)
        #expect(throws: Diagnostic.self) { try schemas.add(file: second) }
    }
}

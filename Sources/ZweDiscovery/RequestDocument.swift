// Registration bodies, JSON or XML, read into one small tree so that both forms map to an
// instance the same way: an XML element's attributes become `@name` members and its text the
// `$` member, which is exactly how Eureka's JSON writes ports (`{"$":8080,"@enabled":"true"}`).
// Both readers are small, iterative where it matters and bounded in depth: a body comes from
// the network.

import Foundation

/// A JSON value or XML element, reduced to what a registration needs.
indirect enum DocumentNode: Sendable, Equatable {
    /// A string, number, boolean, or the text of an element without attributes or children.
    case text(String)
    case null
    case array([DocumentNode])
    /// Members in document order; an XML element's attributes come first as `@name`.
    case object([(String, DocumentNode)])

    static func == (lhs: DocumentNode, rhs: DocumentNode) -> Bool {
        switch (lhs, rhs) {
        case let (.text(a), .text(b)): a == b
        case (.null, .null): true
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    subscript(key: String) -> DocumentNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The text of a scalar, or of the `$` member of an object (an XML element with attributes).
    var text: String? {
        switch self {
        case .text(let text): text
        case .object: self["$"]?.text
        case .null, .array: nil
        }
    }

    /// Non-blank text, trimmed.
    var nonBlank: String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}

struct DocumentError: Error, Equatable {
    let reason: String
}

/// The nesting a registration may have; Eureka's is four levels deep.
private let maximumDepth = 64

// MARK: - JSON

enum JSONDocument {
    static func parse(_ bytes: [UInt8]) throws(DocumentError) -> DocumentNode {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    func error(_ reason: String) -> DocumentError {
        DocumentError(reason: "\(reason) at byte \(index + 1)")
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(DocumentError) -> DocumentNode {
        guard depth < maximumDepth else { throw error("nesting too deep") }
        guard index < bytes.count else { throw error("unexpected end of JSON") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var members: [(String, DocumentNode)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of JSON") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                throw error("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            var elements: [DocumentNode] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of JSON") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw error("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .text(try string())
        default:
            // A number, true, false or null: taken as the text it is written as.
            let start = index
            while index < bytes.count, !",}] \t\r\n".utf8.contains(bytes[index]) { index += 1 }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            if word == "null" { return .null }
            guard word == "true" || word == "false" || Double(word) != nil else {
                index = start
                throw error("unexpected '\(word.prefix(20))'")
            }
            return .text(word)
        }
    }

    mutating func string() throws(DocumentError) -> String {
        index += 1  // the opening quote
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: out, as: UTF8.self) else { throw error("invalid UTF-8 in a string") }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw error("unexpected end of JSON") }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A surrogate pair: the low half must follow as \uXXXX.
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired surrogate")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw error("invalid escape")
                }
            case 0..<0x20:
                throw error("control character in a string")
            default:
                out.append(byte)
            }
        }
        throw error("unterminated string")
    }

    mutating func hex4() throws(DocumentError) -> UInt32 {
        guard index + 4 <= bytes.count,
              let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
            throw error("invalid \\u escape")
        }
        index += 4
        return value
    }
}

// MARK: - XML

/// The XML Eureka clients send: elements, attributes, text, the five entities and character
/// references, CDATA, comments and the declaration. A DOCTYPE is refused (no entity tricks).
enum XMLDocument {
    /// The root element as a node: `(name, node)`.
    static func parse(_ bytes: [UInt8]) throws(DocumentError) -> (String, DocumentNode) {
        var parser = XMLParser(bytes: bytes)
        return try parser.document()
    }
}

private struct XMLParser {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    func error(_ reason: String) -> DocumentError {
        DocumentError(reason: "\(reason) at byte \(index + 1)")
    }

    func startsWith(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return index + utf8.count <= bytes.count && Array(bytes[index..<index + utf8.count]) == utf8
    }

    mutating func skip(past text: String) throws(DocumentError) {
        let utf8 = Array(text.utf8)
        while index + utf8.count <= bytes.count {
            if bytes[index] == utf8[0], Array(bytes[index..<index + utf8.count]) == utf8 {
                index += utf8.count
                return
            }
            index += 1
        }
        throw error("'\(text)' missing")
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Whitespace, comments and processing instructions between elements.
    mutating func skipMisc() throws(DocumentError) {
        while true {
            skipWhitespace()
            if startsWith("<?") {
                try skip(past: "?>")
            } else if startsWith("<!--") {
                try skip(past: "-->")
            } else if startsWith("<!DOCTYPE") || startsWith("<!doctype") {
                throw error("a DOCTYPE is not accepted")
            } else {
                return
            }
        }
    }

    mutating func document() throws(DocumentError) -> (String, DocumentNode) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        try skipMisc()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw error("expected an element") }
        let root = try element()
        try skipMisc()
        guard index == bytes.count else { throw error("unexpected content after the root element") }
        return root
    }

    func isNameByte(_ byte: UInt8) -> Bool {
        !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<"))
    }

    mutating func name() throws(DocumentError) -> String {
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw error("expected a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// One element and everything in it, with an explicit stack: `<` is at `index`.
    mutating func element() throws(DocumentError) -> (String, DocumentNode) {
        struct Open {
            let name: String
            var members: [(String, DocumentNode)]
            var text: [UInt8] = []
        }
        var stack: [Open] = []

        func finish(_ open: Open) throws(DocumentError) -> DocumentNode {
            guard let text = String(validating: open.text, as: UTF8.self) else { throw error("invalid UTF-8 text") }
            if open.members.isEmpty { return .text(text) }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return .object(trimmed.isEmpty ? open.members : open.members + [("$", .text(trimmed))])
        }

        while true {
            // At a start tag.
            index += 1
            let tag = try name()
            var attributes: [(String, DocumentNode)] = []
            var selfClosing = false
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw error("unterminated tag <\(tag)>") }
                if bytes[index] == UInt8(ascii: ">") { index += 1; break }
                if startsWith("/>") { index += 2; selfClosing = true; break }
                let attribute = try name()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw error("expected '=' after \(attribute)") }
                index += 1
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                    throw error("expected a quoted value for \(attribute)")
                }
                let quote = bytes[index]
                index += 1
                var value: [UInt8] = []
                while index < bytes.count, bytes[index] != quote {
                    if bytes[index] == UInt8(ascii: "&") { try reference(into: &value) } else { value.append(bytes[index]); index += 1 }
                }
                guard index < bytes.count else { throw error("unterminated attribute \(attribute)") }
                index += 1
                attributes.append(("@" + attribute, .text(String(decoding: value, as: UTF8.self))))
            }
            if selfClosing {
                let node: DocumentNode = attributes.isEmpty ? .text("") : .object(attributes)
                if stack.isEmpty { return (tag, node) }
                stack[stack.count - 1].members.append((tag, node))
            } else {
                guard stack.count < maximumDepth else { throw error("nesting too deep") }
                stack.append(Open(name: tag, members: attributes))
            }

            // Content until the next start tag, closing as many elements as end here.
            while true {
                guard index < bytes.count else { throw error("unterminated element <\(stack.last?.name ?? tag)>") }
                let byte = bytes[index]
                if byte == UInt8(ascii: "<") {
                    if startsWith("</") {
                        index += 2
                        let closing = try name()
                        skipWhitespace()
                        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw error("unterminated end tag") }
                        index += 1
                        guard let open = stack.popLast(), open.name == closing else {
                            throw error("end tag </\(closing)> does not match")
                        }
                        let node = try finish(open)
                        if stack.isEmpty { return (open.name, node) }
                        stack[stack.count - 1].members.append((open.name, node))
                    } else if startsWith("<!--") {
                        try skip(past: "-->")
                    } else if startsWith("<![CDATA[") {
                        index += 9
                        let start = index
                        try skip(past: "]]>")
                        stack[stack.count - 1].text.append(contentsOf: bytes[start..<index - 3])
                    } else if startsWith("<?") {
                        try skip(past: "?>")
                    } else if startsWith("<!") {
                        throw error("a declaration is not accepted here")
                    } else {
                        break  // a child element starts
                    }
                } else if byte == UInt8(ascii: "&") {
                    try reference(into: &stack[stack.count - 1].text)
                } else {
                    stack[stack.count - 1].text.append(byte)
                    index += 1
                }
            }
        }
    }

    /// `&name;` or `&#n;` / `&#xh;` at `index`, appended as UTF-8.
    mutating func reference(into out: inout [UInt8]) throws(DocumentError) {
        guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else { throw error("unterminated '&' reference") }
        let body = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        let text: String
        switch body {
        case "lt": text = "<"
        case "gt": text = ">"
        case "amp": text = "&"
        case "quot": text = "\""
        case "apos": text = "'"
        default:
            let number: UInt32?
            if body.hasPrefix("#x") || body.hasPrefix("#X") {
                number = UInt32(body.dropFirst(2), radix: 16)
            } else if body.hasPrefix("#") {
                number = UInt32(body.dropFirst())
            } else {
                number = nil
            }
            guard let number, let scalar = Unicode.Scalar(number) else { throw error("unknown reference &\(body);") }
            text = String(Character(scalar))
        }
        out.append(contentsOf: text.utf8)
        index = end + 1
    }
}

// ZweMessages owns every message the product prints: the one table of ids, short texts,
// causes and fixes (`MessageCatalog`), and `Diagnostic`, the value that carries one
// rendered message with its location through every layer up to the command line. Other
// modules never build message text of their own; they name a catalog entry and its values.

/// How serious a finding is; the last letter of a message id says the same.
public enum Severity: String, Sendable, Codable, Comparable {
    case info
    case warning
    case error

    public var letter: Character {
        switch self {
        case .info: "I"
        case .warning: "W"
        case .error: "E"
        }
    }

    public init?(letter: Character) {
        switch letter {
        case "I": self = .info
        case "W": self = .warning
        case "E": self = .error
        default: return nil
        }
    }

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One row of the message table. `text`, `cause` and `fix` may hold `{name}` placeholders
/// that a `Diagnostic` fills in.
public struct MessageDefinition: Sendable, Hashable {
    public let id: String
    public let text: String
    public let cause: String
    public let fix: String

    public init(_ id: String, _ text: String, cause: String, fix: String) {
        self.id = id
        self.text = text
        self.cause = cause
        self.fix = fix
    }

    public var severity: Severity {
        Severity(letter: id.last ?? "E") ?? .error
    }
}

/// A message with its values filled in, and where it applies (`file:line[:col]`,
/// `store:alias`, `port N`, or a path). It is also the error type of the product.
public struct Diagnostic: Error, Sendable, CustomStringConvertible, Equatable {
    public let definition: MessageDefinition
    public let values: [String: String]
    public let location: String?

    public init(_ definition: MessageDefinition, _ values: [String: String] = [:], location: String? = nil) {
        self.definition = definition
        self.values = values
        self.location = location
    }

    public var id: String { definition.id }
    public var severity: Severity { definition.severity }
    public var message: String { Self.fill(definition.text, values) }
    public var cause: String { Self.fill(definition.cause, values) }
    public var fix: String { Self.fill(definition.fix, values) }

    /// One line: `ZWEL1001E text (location)`.
    public var description: String {
        if let location { return "\(id) \(message) (\(location))" }
        return "\(id) \(message)"
    }

    /// The message line followed by indented cause and fix lines, as printed to a terminal.
    public var explained: String {
        "\(description)\n    cause: \(cause)\n    fix:   \(fix)"
    }

    static func fill(_ template: String, _ values: [String: String]) -> String {
        guard template.contains("{") else { return template }
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            let name = String(rest[afterOpen..<close])
            if let value = values[name] {
                out += value
            } else {
                out += rest[open...close]
            }
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }
}

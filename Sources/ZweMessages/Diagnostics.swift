/// Several findings raised together: configuration is checked in one pass, and every
/// problem found is reported, not just the first.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) { self.items = items }

    public var errors: [Diagnostic] { items.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { items.filter { $0.severity == .warning } }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}

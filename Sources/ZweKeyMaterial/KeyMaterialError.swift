import ZweMessages

/// Why a store could not be opened, in terms of the variable that names it.
public enum KeyMaterialError: Error, Sendable, Equatable {
    /// The file cannot be read (errno's words).
    case unreadable(variable: CertificateVariable, path: String, reason: String)
    case wrongPassword(variable: CertificateVariable, path: String)
    case notPKCS12(variable: CertificateVariable, path: String, reason: String)
    /// No entry under the alias; `aliases` are the store's own.
    case aliasNotFound(alias: String, store: String, aliases: [String])
    case aliasNotAKey(alias: String, store: String)
    /// A key ring that is missing, lacks the labelled key, or holds unreadable PEM.
    case keyringUnusable(variable: CertificateVariable, store: String, reason: String, safDirectory: String)

    /// The message a component (or the launcher, as `component`) stops with.
    public func diagnostic(component: String) -> Diagnostic {
        switch self {
        case .unreadable(let variable, let path, let reason):
            Diagnostic(MessageCatalog.runtimeStoreUnreadable, ["component": component, "name": variable.name, "path": path, "reason": reason])
        case .wrongPassword(let variable, let path):
            Diagnostic(MessageCatalog.runtimeStoreWrongPassword, ["component": component, "name": variable.name, "path": path])
        case .notPKCS12(let variable, let path, let reason):
            Diagnostic(MessageCatalog.runtimeStoreNotPKCS12, ["component": component, "name": variable.name, "path": path, "reason": reason])
        case .aliasNotFound(let alias, let store, let aliases):
            Diagnostic(MessageCatalog.runtimeAliasNotFound, [
                "component": component, "alias": alias, "path": store,
                "aliases": aliases.isEmpty ? "none" : aliases.map { "'\($0)'" }.joined(separator: ", "),
            ])
        case .aliasNotAKey(let alias, let store):
            Diagnostic(MessageCatalog.runtimeAliasNotAKey, ["component": component, "alias": alias, "path": store])
        case .keyringUnusable(let variable, let store, let reason, let safDirectory):
            Diagnostic(MessageCatalog.runtimeKeyringUnusable, ["component": component, "name": variable.name, "store": store, "reason": reason, "dir": safDirectory])
        }
    }

    /// In words, for messages that carry a reason of their own.
    public var reason: String {
        switch self {
        case .unreadable(_, _, let reason), .notPKCS12(_, _, let reason), .keyringUnusable(_, _, let reason, _): reason
        case .wrongPassword: "the password does not open it"
        case .aliasNotFound(let alias, _, _): "no entry with the alias \(alias)"
        case .aliasNotAKey(let alias, _): "the entry \(alias) is a trusted certificate, not a key entry"
        }
    }
}
